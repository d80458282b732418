"""The policy calculator (政策计算器): one case's facts in, the amount and its trace out.

The computation moves through named states, each a trace step citing its clause:
time_window → applicant_type → jurisdiction → first_time → threshold (the eligibility checks),
then base → rate → rounding → cap (percentage items) → top_up → payable.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, localcontext
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from rules.facts import clean_facts
from rules.loader import load_rulebook
from rules.messages import (
    ALREADY_AWARDED,
    APPLICANT_TYPE_NOT_ADMITTED,
    AT_LEAST,
    BEFORE_RETROACTIVE_START,
    DEFAULT_LANG,
    GREATER_THAN,
    JURISDICTION_NOT_ADMITTED,
    NOT_FIRST_TIME,
    THRESHOLD_NOT_MET,
    TRACE_APPLICANT_TYPE_OK,
    TRACE_BASE_FIXED,
    TRACE_BASE_LEVEL,
    TRACE_BASE_PERCENTAGE,
    TRACE_CAP_APPLIED,
    TRACE_CAP_NOT_APPLIED,
    TRACE_FIRST_TIME_OK,
    TRACE_JURISDICTION_OK,
    TRACE_PAYABLE,
    TRACE_PAYABLE_INELIGIBLE,
    TRACE_RATE,
    TRACE_ROUNDING,
    TRACE_THRESHOLD_OK,
    TRACE_TIME_WINDOW_IN_FORCE,
    TRACE_TIME_WINDOW_RETROACTIVE,
    TRACE_TOP_UP,
    TRACE_TOP_UP_NONE,
    ZERO_AMOUNT,
    Message,
    Text,
)
from rules.model import FIRST_TIME_FACT, ItemRule, RuleBook, RulesVersion
from rules.values import (
    CENT,
    WIDE,
    ZERO,
    format_exact,
    format_money,
    format_percent,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_in_shanghai() -> date:
    """Today's date in China Standard Time."""
    return datetime.now(SHANGHAI).date()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a case is not eligible: a stable code, the clause it rests on, and the message."""

    clause: str
    message: Message
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The stable code, e.g. "threshold_not_met"."""
        return self.message.code

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The reason in `lang`."""
        return self.message.render(lang, **self.params)


class TraceStep(NamedTuple):
    """One named state of the computation, with the clause it applies and its value.

    A named tuple, not a dataclass: a revision's comparison makes a million of them, and a
    frozen dataclass takes three times as long to build.
    """

    clause: str
    step: str
    value: str
    message: Message
    params: Mapping[str, object] = MappingProxyType({})

    def description(self, lang: str = DEFAULT_LANG) -> str:
        """A human description of the step in `lang`."""
        return self.message.render(lang, **self.params)

    def to_dict(self, lang: str = DEFAULT_LANG) -> dict[str, str]:
        """{"clause", "step", "value", "description"}."""
        return {
            "clause": self.clause,
            "step": self.step,
            "value": self.value,
            "description": self.description(lang),
        }


@dataclass(frozen=True, slots=True)
class Ceiling:
    """The most the policy allows one case, whatever an official decides (an override included).

    `limit` is what the item itself allows this case — its cap (percentage items), its fixed
    amount, or the amount of the case's level — under `clause`; 从优、就高、不重复
    (`top_up_clause`) takes off what the same achievement already received (`prior`):
    `amount` = max(0, limit − prior).
    """

    amount: Decimal
    limit: Decimal
    prior: Decimal
    clause: str
    top_up_clause: str


@dataclass(frozen=True, slots=True)
class Quote:
    """The answer for one case under the rules version named by `rules_version`."""

    item: str
    eligible: bool
    amount: Decimal
    reasons: tuple[Reason, ...]
    trace: tuple[TraceStep, ...]
    rules_version: str
    # The most any decision may approve for this case; not part of the CLI/API answer (§4).
    ceiling: Ceiling
    # The facts as parsed and defaulted (Decimal, date, bool, codes), for storing with a decision.
    facts: Mapping[str, object] = field(default_factory=dict)

    def trace_record(self) -> list[dict[str, str]]:
        """The trace to store with a case: each step in Chinese, plus its English description."""
        return [{**s.to_dict("zh"), "description_en": s.description("en")} for s in self.trace]

    def to_dict(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """The CLI/API shape of REWARDS.md §4."""
        return {
            "item": self.item,
            "eligible": self.eligible,
            "amount": format_money(self.amount),
            "reasons": [r.text(lang) for r in self.reasons],
            "rules_version": self.rules_version,
            "trace": [s.to_dict(lang) for s in self.trace],
        }


def quote(
    item: str,
    facts: Mapping[str, object],
    *,
    today: date | None = None,
    rulebook: RuleBook | None = None,
) -> Quote:
    """Price one case; invalid input raises RulesInputError naming every bad field."""
    book = rulebook if rulebook is not None else load_rulebook()
    today = today if today is not None else today_in_shanghai()
    if isinstance(today, datetime):
        today = today.date()
    # base × rate is exact in this context for any amount up to money_max.
    with localcontext(WIDE):
        version, rule, values = clean_facts(book, item, facts, today)
        return _evaluate(version, rule, values)


# --- evaluation -------------------------------------------------------------------------------


def _evaluate(version: RulesVersion, rule: ItemRule, values: dict[str, Any]) -> Quote:
    trace = [_time_window(version, values["event_date"])]
    trace += _item_checks(version, rule, values)
    # Each failed check is a reason; its description is the reason's message.
    reasons = [Reason(s.clause, s.message, s.params) for s in trace if s.message in _FAILURES]
    clause = rule.clause
    common = version.common.clause
    if reasons:
        trace.append(TraceStep(clause, "payable", format_money(ZERO), TRACE_PAYABLE_INELIGIBLE))
        return _quote(version, rule, values, ZERO, reasons, trace)

    computed = _compute(version, rule, values, trace)

    # 八（五）: 从优、就高、不重复 — pay the difference to what the same achievement already got.
    prior: Decimal = values["prior_awards_same_project"]
    payable = max(ZERO, computed - prior)
    payable_text = format_money(payable)
    money = {
        "prior": format_money(prior),
        "computed": format_money(computed),
        "value": payable_text,
    }
    trace.append(
        TraceStep(
            common,
            "top_up",
            payable_text,
            TRACE_TOP_UP if prior else TRACE_TOP_UP_NONE,
            money,
        )
    )
    if payable == 0:
        if computed == 0:
            reasons.append(Reason(clause, ZERO_AMOUNT))
        else:
            reasons.append(Reason(common, ALREADY_AWARDED, money))
        trace.append(TraceStep(common, "payable", payable_text, TRACE_PAYABLE_INELIGIBLE))
        return _quote(version, rule, values, ZERO, reasons, trace)
    trace.append(TraceStep(clause, "payable", payable_text, TRACE_PAYABLE, {"value": payable_text}))
    return _quote(version, rule, values, payable, reasons, trace)


# A failed check's trace step carries the reason's own message.
_FAILURES = frozenset(
    {
        BEFORE_RETROACTIVE_START,
        APPLICANT_TYPE_NOT_ADMITTED,
        JURISDICTION_NOT_ADMITTED,
        NOT_FIRST_TIME,
        THRESHOLD_NOT_MET,
    }
)


def _time_window(version: RulesVersion, event_date: date) -> TraceStep:
    """八（五）: 2025年1月1日至本措施发布之日前符合奖励条件的，参照执行."""
    params = {
        "event_date": event_date.isoformat(),
        "retroactive_from": version.retroactive_from.isoformat(),
    }
    if event_date < version.retroactive_from:
        message = BEFORE_RETROACTIVE_START
    elif version.published_on is None or event_date < version.published_on:
        message = TRACE_TIME_WINDOW_RETROACTIVE
    else:
        message = TRACE_TIME_WINDOW_IN_FORCE
        params["published_on"] = version.published_on.isoformat()
    return TraceStep(version.common.clause, "time_window", event_date.isoformat(), message, params)


def _item_checks(version: RulesVersion, rule: ItemRule, values: dict[str, Any]) -> list[TraceStep]:
    """The item's own conditions: who may apply, from where, first time only, threshold."""
    clause = rule.clause
    steps = []

    applicant = version.applicant_type(values["applicant_type"])
    passed = applicant.code in rule.applicant_types
    message = TRACE_APPLICANT_TYPE_OK if passed else APPLICANT_TYPE_NOT_ADMITTED
    params: dict[str, object] = {
        "applicant_type": applicant.text,
        "admitted": version.admitted_applicant_types(rule.code),
    }
    steps.append(TraceStep(clause, "applicant_type", applicant.code, message, params))

    place = version.jurisdiction(values["jurisdiction"])
    passed = place.code in rule.jurisdictions
    message = TRACE_JURISDICTION_OK if passed else JURISDICTION_NOT_ADMITTED
    params = {"jurisdiction": place.text}
    steps.append(TraceStep(clause, "jurisdiction", place.code, message, params))

    if rule.first_time:
        passed = bool(values[FIRST_TIME_FACT])
        message = TRACE_FIRST_TIME_OK if passed else NOT_FIRST_TIME
        steps.append(TraceStep(clause, "first_time", "true" if passed else "false", message))

    if rule.threshold is not None:
        assert rule.base_fact is not None
        base = values[rule.base_fact]
        message = TRACE_THRESHOLD_OK if rule.threshold.met(base) else THRESHOLD_NOT_MET
        params = {
            "fact": rule.fact(rule.base_fact).text,
            "value": format_money(base),
            "threshold": format_money(rule.threshold.amount),
            "relation": GREATER_THAN if rule.threshold.strict else AT_LEAST,
        }
        steps.append(TraceStep(clause, "threshold", format_money(base), message, params))
    return steps


def _compute(
    version: RulesVersion, rule: ItemRule, values: dict[str, Any], trace: list[TraceStep]
) -> Decimal:
    """The item's amount before top-up: fixed, or base × rate, rounded, then capped."""
    clause = rule.clause
    if rule.family == "fixed":
        assert rule.amount is not None
        amount = rule.amount
        trace.append(
            TraceStep(
                clause,
                "base",
                format_money(amount),
                TRACE_BASE_FIXED,
                {"item": rule.text, "amount": format_money(amount)},
            )
        )
        return amount
    if rule.family == "fixed_by_level":
        assert rule.level_fact is not None
        level = rule.fact(rule.level_fact).choice(values[rule.level_fact])
        amount = rule.amounts[level.code]
        params = {
            "item": rule.text,
            "level": Text(level.label_zh, level.label_en),
            "amount": format_money(amount),
        }
        trace.append(TraceStep(clause, "base", format_money(amount), TRACE_BASE_LEVEL, params))
        return amount

    assert rule.base_fact is not None
    assert rule.rate is not None
    assert rule.cap is not None
    base: Decimal = values[rule.base_fact]
    base_text = format_money(base)
    trace.append(
        TraceStep(
            clause,
            "base",
            base_text,
            TRACE_BASE_PERCENTAGE,
            {"fact": rule.fact(rule.base_fact).text, "value": base_text},
        )
    )
    exact = base * rule.rate  # exact: the context is wide enough
    exact_text = format_exact(exact)
    trace.append(
        TraceStep(
            clause,
            "rate",
            exact_text,
            TRACE_RATE,
            {"base": base_text, "rate": format_percent(rule.rate), "value": exact_text},
        )
    )
    rounded = exact.quantize(CENT, rounding=version.rounding)
    rounded_text = format_money(rounded)
    trace.append(
        TraceStep(clause, "rounding", rounded_text, TRACE_ROUNDING, {"value": rounded_text})
    )
    capped = min(rounded, rule.cap)
    capped_text = format_money(capped)
    message = TRACE_CAP_APPLIED if rounded > rule.cap else TRACE_CAP_NOT_APPLIED
    trace.append(
        TraceStep(
            clause,
            "cap",
            capped_text,
            message,
            {"cap": format_money(rule.cap), "value": capped_text},
        )
    )
    return capped


def _ceiling(version: RulesVersion, rule: ItemRule, values: dict[str, Any]) -> Ceiling:
    """What the item allows this case, less what the same achievement already received.

    Computed for ineligible cases too: an official may approve one with a written reason, but
    never above what the item could pay (最高…元) nor twice for one achievement (不重复).
    """
    limit = rule.max_amount
    if rule.family == "fixed_by_level":
        assert rule.level_fact is not None
        level = values.get(rule.level_fact)
        limit = rule.amounts.get(level, limit) if isinstance(level, str) else limit
    prior: Decimal = values["prior_awards_same_project"]
    return Ceiling(
        amount=max(ZERO, limit - prior).quantize(CENT),
        limit=limit.quantize(CENT),
        prior=prior.quantize(CENT),
        clause=rule.clause,
        top_up_clause=version.common.clause,
    )


def _quote(
    version: RulesVersion,
    rule: ItemRule,
    values: dict[str, Any],
    amount: Decimal,
    reasons: list[Reason],
    trace: list[TraceStep],
) -> Quote:
    return Quote(
        item=rule.code,
        eligible=not reasons,
        amount=amount.quantize(CENT),
        reasons=tuple(reasons),
        trace=tuple(trace),
        rules_version=version.version,
        ceiling=_ceiling(version, rule, values),
        facts=dict(values),
    )


__all__ = [
    "SHANGHAI",
    "Ceiling",
    "Quote",
    "Reason",
    "TraceStep",
    "quote",
    "today_in_shanghai",
]
