"""Every user-facing text of the rules package: a stable code with a Chinese and an English text.

Chinese is the default (CLI and API); the web UI may render either. Tests reuse these constants.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"


class Text(NamedTuple):
    """A text in both languages, e.g. a label passed as a message parameter."""

    zh: str
    en: str

    def get(self, lang: str = DEFAULT_LANG) -> str:
        """The text in `lang` ("zh" or "en")."""
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Message:
    """A message template under a stable code; `{name}` placeholders take parameters."""

    code: str
    zh: str
    en: str

    def __hash__(self) -> int:
        # The code alone (a string caches its hash): messages are looked up in sets on every
        # quote. Equal messages have equal codes, so this agrees with the generated __eq__.
        return hash(self.code)

    def render(self, lang: str = DEFAULT_LANG, **params: object) -> str:
        """The message in `lang`, with Text parameters resolved to the same language."""
        template = self.en if lang == "en" else self.zh
        resolved = {k: _resolve(v, lang) for k, v in params.items()}
        return template.format(**resolved)


def _resolve(value: object, lang: str) -> object:
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, tuple | list):
        return ("、" if lang != "en" else ", ").join(str(_resolve(v, lang)) for v in value)
    return value


# --- invalid input (RulesInputError) ---------------------------------------------------------
UNKNOWN_ITEM = Message(
    "unknown_item", "未知的奖励项目「{item}」。", "Unknown reward item “{item}”."
)
REQUIRED = Message("required", "此项为必填项。", "This field is required.")
UNKNOWN_FIELD = Message("unknown_field", "不认识的字段「{field}」。", "Unknown field “{field}”.")
NOT_AN_OBJECT = Message("not_an_object", "应为 JSON 对象。", "Must be a JSON object.")
NOT_A_LIST = Message("not_a_list", "应为 JSON 数组。", "Must be a JSON array.")
MONEY_MALFORMED = Message(
    "money_malformed",
    '金额格式不正确，应为数字字符串，例如 "3000000.00"。',
    'Malformed amount: expected a decimal string such as "3000000.00".',
)
MONEY_FLOAT = Message(
    "money_float",
    '金额请以字符串提供，例如 "3000000.00"：浮点数不能精确表示金额。',
    'Give amounts as strings such as "3000000.00": a floating-point number is inexact.',
)
MONEY_NOT_FINITE = Message(
    "money_not_finite",
    "金额必须是有限的数值，不能是 NaN 或 Infinity。",
    "The amount must be a finite number, not NaN or Infinity.",
)
MONEY_NEGATIVE = Message("money_negative", "金额不能为负数。", "The amount must not be negative.")
MONEY_TOO_PRECISE = Message(
    "money_too_precise",
    "金额最多两位小数（精确到分）。",
    "The amount has more than 2 decimal places (fen).",
)
MONEY_TOO_LARGE = Message(
    "money_too_large", "金额不能超过 {max} 元。", "The amount must not exceed {max} yuan."
)
NOT_A_DECIMAL = Message("not_a_decimal", "金额应为 Decimal。", "The amount must be a Decimal.")
ENUM_INVALID = Message(
    "enum_invalid",
    "无效的选项「{value}」，可选：{choices}。",
    "Invalid choice “{value}”; expected one of: {choices}.",
)
DATE_MALFORMED = Message(
    "date_malformed", "日期格式不正确，应为 YYYY-MM-DD。", "Malformed date: expected YYYY-MM-DD."
)
DATE_IN_FUTURE = Message(
    "date_in_future",
    "日期 {date} 晚于今天（{today}），不能是将来的日期。",
    "The date {date} is after today ({today}): it cannot be in the future.",
)
BOOL_MALFORMED = Message("bool_malformed", "应为 true 或 false。", "Must be true or false.")
TEXT_MALFORMED = Message("text_malformed", "应为非空文本。", "Must be a non-empty text.")
DATETIME_MALFORMED = Message(
    "datetime_malformed",
    "时间格式不正确，应为带时区的 ISO 8601 时间，例如 2025-03-01T10:00:00+08:00。",
    "Malformed time: expected ISO 8601 with an offset, e.g. 2025-03-01T10:00:00+08:00.",
)
DATETIME_NAIVE = Message(
    "datetime_naive",
    "时间必须带时区偏移，例如 +08:00。",
    "The time must carry a UTC offset, e.g. +08:00.",
)
YEAR_MALFORMED = Message(
    "year_malformed",
    '年度应为 1000 至 9998 之间的四位数字，例如 "2025"。',
    'The year must be four digits between 1000 and 9998, e.g. "2025".',
)
INTEGER_MALFORMED = Message(
    "integer_malformed", "应为非负整数。", "Must be a non-negative integer."
)
DUPLICATE_ID = Message("duplicate_id", "编号「{id}」重复。", "Duplicate id “{id}”.")
PAID_BEFORE_APPROVAL = Message(
    "paid_before_approval",
    "兑付年度 {paid_year} 早于批准年度 {approved_year}（北京时间）。",
    "Paid in {paid_year}, before its approval year {approved_year} (Beijing time).",
)
UNKNOWN_STRATEGY = Message(
    "unknown_strategy",
    "未知的兑现策略「{strategy}」，可选：{choices}。",
    "Unknown payout strategy “{strategy}”; expected one of: {choices}.",
)
NOT_AN_AWARD = Message("not_an_award", "应为 AwardInput。", "Must be an AwardInput.")
CUSTOM = Message("custom", "{text}", "{text}")

# --- eligibility reasons (Quote.reasons) -----------------------------------------------------
BEFORE_RETROACTIVE_START = Message(
    "before_retroactive_start",
    "事件日期 {event_date} 早于 {retroactive_from}，不在奖励时间范围内。",
    "The event date {event_date} is before {retroactive_from}: outside the reward period.",
)
APPLICANT_TYPE_NOT_ADMITTED = Message(
    "applicant_type_not_admitted",
    "申报主体类型「{applicant_type}」不属于本项目的奖励对象（{admitted}）。",
    "Applicant type “{applicant_type}” is not admitted for this item ({admitted}).",
)
JURISDICTION_NOT_ADMITTED = Message(
    "jurisdiction_not_admitted",
    "「{jurisdiction}」不在本项目的申报范围内。",
    "“{jurisdiction}” is not admitted for this item.",
)
NOT_FIRST_TIME = Message(
    "not_first_time",
    "本项目只奖励首次（每家企业限一次），申报事项并非首次。",
    "This item rewards the first time only (once per enterprise); this is not the first.",
)
THRESHOLD_NOT_MET = Message(
    "threshold_not_met",
    "{fact} {value} 元，须{relation} {threshold} 元，未达到门槛。",
    "{fact} {value} yuan must be {relation} {threshold} yuan: threshold not met.",
)
ALREADY_AWARDED = Message(
    "already_awarded",
    "同一成果已获奖励 {prior} 元，不低于本项目应奖金额 {computed} 元；"
    "按从优、就高、不重复原则，不再奖励。",
    "The same achievement already received {prior} yuan, not less than this item's "
    "{computed} yuan; paid once at the highest amount, nothing more is due.",
)
ZERO_AMOUNT = Message(
    "zero_amount",
    "按规则计算的奖励金额为 0.00 元。",
    "The reward computed under the rules is 0.00 yuan.",
)

# --- trace step descriptions (Quote.trace) ---------------------------------------------------
TRACE_TIME_WINDOW_RETROACTIVE = Message(
    "trace_time_window_retroactive",
    "事件日期 {event_date} 不早于 {retroactive_from}，在本措施发布之前，参照执行。",
    "Event date {event_date} is on or after {retroactive_from}, before publication: "
    "rewarded by reference (参照执行).",
)
TRACE_TIME_WINDOW_IN_FORCE = Message(
    "trace_time_window_in_force",
    "事件日期 {event_date} 不早于本措施发布之日（{published_on}），按本措施执行。",
    "Event date {event_date} is on or after publication ({published_on}): the measures apply.",
)
TRACE_APPLICANT_TYPE_OK = Message(
    "trace_applicant_type_ok",
    "申报主体类型「{applicant_type}」属于本项目的奖励对象。",
    "Applicant type “{applicant_type}” is admitted for this item.",
)
TRACE_JURISDICTION_OK = Message(
    "trace_jurisdiction_ok",
    "「{jurisdiction}」属于本项目的申报范围（信阳市辖内县区、功能区的申报单位）。",
    "“{jurisdiction}” is admitted for this item (an applicant registered in Xinyang).",
)
TRACE_FIRST_TIME_OK = Message(
    "trace_first_time_ok",
    "申报事项为首次（每家企业限一次）。",
    "This is the first time (once per enterprise).",
)
TRACE_THRESHOLD_OK = Message(
    "trace_threshold_ok",
    "{fact} {value} 元，{relation} {threshold} 元，达到门槛。",
    "{fact} {value} yuan is {relation} {threshold} yuan: threshold met.",
)
TRACE_BASE_FIXED = Message(
    "trace_base_fixed", "{item}：奖励 {amount} 元。", "{item}: a reward of {amount} yuan."
)
TRACE_BASE_LEVEL = Message(
    "trace_base_level", "{item}（{level}）：奖励 {amount} 元。", "{item} ({level}): {amount} yuan."
)
TRACE_BASE_PERCENTAGE = Message(
    "trace_base_percentage", "计算基数：{fact} {value} 元。", "Base: {fact} {value} yuan."
)
TRACE_RATE = Message(
    "trace_rate", "{base} 元 × {rate}% = {value} 元。", "{base} yuan × {rate}% = {value} yuan."
)
TRACE_ROUNDING = Message(
    "trace_rounding", "四舍五入到分：{value} 元。", "Rounded half-up to the fen: {value} yuan."
)
TRACE_CAP_APPLIED = Message(
    "trace_cap_applied",
    "超过上限 {cap} 元，按上限计 {value} 元。",
    "Above the cap of {cap} yuan: capped at {value} yuan.",
)
TRACE_CAP_NOT_APPLIED = Message(
    "trace_cap_not_applied",
    "未超过上限 {cap} 元，计 {value} 元。",
    "Within the cap of {cap} yuan: {value} yuan.",
)
TRACE_TOP_UP_NONE = Message(
    "trace_top_up_none",
    "同一成果此前未获奖励，无需扣减：{value} 元。",
    "Nothing received before for the same achievement: {value} yuan.",
)
TRACE_TOP_UP = Message(
    "trace_top_up",
    "同一成果已获奖励 {prior} 元，按从优、就高、不重复原则补差："
    "{computed} − {prior} → {value} 元。",
    "The same achievement already received {prior} yuan; paid once at the highest amount, "
    "so the top-up is {computed} − {prior} → {value} yuan.",
)
TRACE_PAYABLE = Message("trace_payable", "应奖励 {value} 元。", "Payable: {value} yuan.")
TRACE_PAYABLE_INELIGIBLE = Message(
    "trace_payable_ineligible",
    "不符合奖励条件，奖励 0.00 元。",
    "Not eligible: 0.00 yuan.",
)

# --- county matching programmes (县区同步奖励, rules.matching) ---------------------------------
UNKNOWN_PROGRAMME = Message(
    "unknown_programme",
    "未知的奖励计划「{programme}」，可选：{choices}。",
    "Unknown programme “{programme}”; expected one of: {choices}.",
)
MATCH_CITY_INELIGIBLE = Message(
    "match_city_ineligible",
    "按市级规则不符合奖励条件，县区不予同步奖励。",
    "Not eligible under the city's rules, so the county does not match it.",
)
MATCH_OUTSIDE_COUNTY = Message(
    "match_outside_county",
    "申报单位所属辖区「{jurisdiction}」不是{county}，不在{programme}的范围内。",
    "The applicant is registered in “{jurisdiction}”, not in {county}: outside {programme}.",
)
MATCH_ITEM_NOT_MATCHED = Message(
    "match_item_not_matched",
    "{programme}不同步奖励「{item}」。",
    "{programme} does not match “{item}”.",
)
MATCH_OUTSIDE_DATES = Message(
    "match_outside_dates",
    "事件日期 {event_date} 不在{programme}的施行期间（{period}）内。",
    "The event date {event_date} is outside the period of {programme} ({period}).",
)
MATCH_ALREADY_MATCHED = Message(
    "match_already_matched",
    "本计划已对同一成果同步奖励 {prior} 元，不低于本次应同步奖励 {computed} 元；"
    "按从优、就高、不重复原则，不再同步奖励。",
    "This programme already matched the same achievement with {prior} yuan, not less than "
    "the {computed} yuan due now; paid once at the highest amount, nothing more is due.",
)
MATCH_PERIOD_FROM = Message("match_period_from", "{start}起", "from {start}")
MATCH_PERIOD = Message("match_period", "{start}至{end}", "{start} to {end}")
TRACE_CITY_AWARD = Message(
    "trace_city_award",
    "市级奖励 {amount} 元（{reference}，市发展改革委批准）。",
    "City award of {amount} yuan ({reference}, approved by the city Development and Reform "
    "Commission).",
)
TRACE_CITY_AWARD_QUOTED = Message(
    "trace_city_award_quoted",
    "市级奖励 {amount} 元（按市级规则计算）。",
    "City award of {amount} yuan (computed under the city's rules).",
)
TRACE_MATCH_RATIO = Message(
    "trace_match_ratio",
    "按市级奖励的 {ratio}% 同步奖励：{city} 元 × {ratio}% = {exact} 元，四舍五入到分：{value} 元。",
    "Matched at {ratio}% of the city award: {city} yuan × {ratio}% = {exact} yuan, rounded "
    "half-up to the fen: {value} yuan.",
)
TRACE_MATCH_BASE_FIXED = Message(
    "trace_match_base_fixed",
    "{item}：县区同步奖励 {amount} 元。",
    "{item}: the county's matching award is {amount} yuan.",
)
TRACE_MATCH_BASE_LEVEL = Message(
    "trace_match_base_level",
    "{item}（{level}）：县区同步奖励 {amount} 元。",
    "{item} ({level}): the county's matching award is {amount} yuan.",
)
TRACE_MATCH_TOP_UP_RATIO = Message(
    "trace_match_top_up_ratio",
    "按比例同步的是市级核定的奖励，已按从优、就高、不重复原则核定，不再扣减：{value} 元。",
    "The ratio applies to the city's approved award, already paid once at the highest "
    "amount: nothing more is deducted: {value} yuan.",
)
TRACE_MATCH_TOP_UP_NONE = Message(
    "trace_match_top_up_none",
    "本计划此前未对同一成果同步奖励，无需扣减：{value} 元。",
    "This programme has not matched the same achievement before: {value} yuan.",
)
TRACE_MATCH_TOP_UP = Message(
    "trace_match_top_up",
    "本计划已对同一成果同步奖励 {prior} 元，按从优、就高、不重复原则补差："
    "{computed} − {prior} → {value} 元。",
    "This programme already matched the same achievement with {prior} yuan; paid once at the "
    "highest amount, so the top-up is {computed} − {prior} → {value} yuan.",
)
TRACE_MATCH_PAYABLE = Message(
    "trace_match_payable", "应同步奖励 {value} 元。", "Matching award payable: {value} yuan."
)
TRACE_MATCH_PAYABLE_INELIGIBLE = Message(
    "trace_match_payable_ineligible",
    "不符合同步奖励条件，同步奖励 0.00 元。",
    "Not eligible for a matching award: 0.00 yuan.",
)

# --- words used as parameters ----------------------------------------------------------------
GREATER_THAN = Text("大于", "greater than")
AT_LEAST = Text("不低于", "at least")
YES = Text("是", "Yes")
NO = Text("否", "No")

# A rules version as people name it: its title and the date it answers cases from.
VERSION_LABEL = Message(
    "version_label", "{title} · {effective_from}起", "{title} · from {effective_from}"
)

# The named states of a quote's trace (Quote.trace[].step), as people read them.
TRACE_STEP_LABELS: Mapping[str, Text] = {
    "time_window": Text("时间范围", "Time window"),
    "applicant_type": Text("申报主体类型", "Applicant type"),
    "jurisdiction": Text("申报范围", "Where the applicant is registered"),
    "first_time": Text("首次", "First time"),
    "threshold": Text("门槛", "Threshold"),
    "base": Text("奖励基数", "Base"),
    "rate": Text("按比例计算", "Rate applied"),
    "rounding": Text("四舍五入到分", "Rounded to the fen"),
    "cap": Text("奖励上限", "Cap"),
    "top_up": Text("从优就高不重复", "Highest award, no double payment"),
    "payable": Text("应奖励金额", "Payable"),
    # A revision that removes the case's item (rules.impact).
    "item": Text("奖励事项", "Reward item"),
    # A county's matching award (县区同步奖励, rules.matching).
    "city_award": Text("市级奖励", "City award"),
    "match_ratio": Text("同步奖励比例", "Matching ratio"),
    "match_item": Text("同步奖励项目", "Item matched by the county"),
}

# Labels of the facts every item takes (the item-specific ones are data of the rules version).
FACT_LABELS: Mapping[str, Text] = {
    "event_date": Text("事件日期", "Event date"),
    "applicant_type": Text("申报主体类型", "Applicant type"),
    "jurisdiction": Text("所属辖区", "Jurisdiction"),
    "prior_awards_same_project": Text(
        "同一成果已获奖励金额", "Amount already received for the same achievement"
    ),
    "first_time": Text("是否首次", "First time"),
}

MESSAGES: Mapping[str, Message] = {
    m.code: m for m in list(globals().values()) if isinstance(m, Message)
}


def message(code: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Render the message registered under `code` in `lang` ("zh" or "en")."""
    return MESSAGES[code].render(lang, **params)


def step_label(step: str, lang: str = DEFAULT_LANG) -> str:
    """A trace step's name in `lang`; a step this version does not name keeps its code."""
    label = TRACE_STEP_LABELS.get(step)
    return label.get(lang) if label else step
