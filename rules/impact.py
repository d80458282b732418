"""What a candidate rules version changes: its parameters against a base version, and where two
traces of one case part ways. Pure: the portal reads the cases and prices them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rules.messages import DEFAULT_LANG, Text
from rules.model import ItemRule, RulesVersion
from rules.quote import TraceStep
from rules.values import format_money

# What a removed or added item's "value" reads as.
ABSENT = None

# What people call each parameter; `amounts.LEVEL` and `overlap_groups.CODE` add their key.
FIELD_LABELS: dict[str, Text] = {
    "item": Text("奖励事项（新增或删除）", "Reward item (added or removed)"),
    "family": Text("奖励方式", "Kind of award"),
    "clause": Text("政策条款", "Clause"),
    "first_time": Text("仅限首次", "First time only"),
    "applicant_types": Text("申报主体类型", "Applicant types"),
    "jurisdictions": Text("申报范围", "Jurisdictions"),
    "facts": Text("申报要素", "Facts asked"),
    "evidence": Text("证明材料", "Evidence"),
    "amount": Text("奖励金额（元）", "Amount (yuan)"),
    "amounts": Text("按等次奖励金额（元）", "Amount by level (yuan)"),
    "level_fact": Text("等次依据", "Level taken from"),
    "base_fact": Text("计算基数", "Base"),
    "rate": Text("奖励比例", "Rate"),
    "cap": Text("奖励上限（元）", "Cap (yuan)"),
    "threshold.amount": Text("门槛金额（元）", "Threshold (yuan)"),
    "threshold.strict": Text("门槛须严格大于", "Threshold strictly greater"),
    "retroactive_from": Text("追溯起始日期", "Retroactive from"),
    "published_on": Text("发布日期", "Published on"),
    "quota_per_item_per_year": Text("每项每年名额", "Awards per item per year"),
    "allocation_strategy": Text("兑付分配方式", "Allocation strategy"),
    "rounding": Text("舍入方式", "Rounding"),
    "overlap_groups": Text("同类归并组", "Items of one kind"),
}


def field_label(field: str, lang: str = DEFAULT_LANG) -> str:
    """A parameter's name in words, e.g. "按等次奖励金额（元）· first"."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field].get(lang)
    head, _, key = field.partition(".")
    label = FIELD_LABELS.get(head)
    return f"{label.get(lang)} · {key}" if label else field


@dataclass(frozen=True)
class ParameterChange:
    """One parameter that differs: `item` "" for a policy-wide one."""

    item: str
    field: str
    old: str | None
    new: str | None
    effective_from: date

    def to_dict(self) -> dict[str, str | None]:
        return {
            "item": self.item,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "effective_from": self.effective_from.isoformat(),
        }


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _money(value: object) -> str | None:
    return format_money(value) if value is not None else None  # type: ignore[arg-type]


def _item_parameters(rule: ItemRule) -> dict[str, str | None]:
    """The item's parameters as text, by field name."""
    fields: dict[str, str | None] = {
        "family": rule.family,
        "clause": rule.clause,
        "first_time": _text(rule.first_time),
        "applicant_types": _text(rule.applicant_types),
        "jurisdictions": _text(rule.jurisdictions),
        "facts": _text(tuple(f.code for f in rule.facts)),
        "evidence": _text(tuple(e.code for e in rule.evidence)),
    }
    if rule.family == "fixed":
        fields["amount"] = _money(rule.amount)
    elif rule.family == "fixed_by_level":
        fields["level_fact"] = rule.level_fact
        for level, amount in sorted(rule.amounts.items()):
            fields[f"amounts.{level}"] = _money(amount)
    else:
        fields["base_fact"] = rule.base_fact
        fields["rate"] = _text(rule.rate)
        fields["cap"] = _money(rule.cap)
        fields["threshold.amount"] = _money(rule.threshold.amount) if rule.threshold else None
        fields["threshold.strict"] = _text(rule.threshold.strict) if rule.threshold else None
    return fields


def _version_parameters(version: RulesVersion) -> dict[str, str | None]:
    return {
        "retroactive_from": _text(version.retroactive_from),
        "published_on": _text(version.published_on),
        "quota_per_item_per_year": _text(version.quota_per_item_per_year),
        "allocation_strategy": version.allocation_strategy,
        "rounding": version.rounding,
        **{f"overlap_groups.{g.code}": ", ".join(g.items) for g in version.overlap_groups},
    }


def parameter_changes(base: RulesVersion, candidate: RulesVersion) -> list[ParameterChange]:
    """Every parameter the candidate sets differently: policy-wide first, then per item in the
    candidate's order (removed items last); an item added or removed is one row `item`."""
    when = candidate.effective_from
    old_wide, new_wide = _version_parameters(base), _version_parameters(candidate)
    changes = [
        ParameterChange("", name, old_wide.get(name), new_wide.get(name), when)
        for name in [*new_wide, *(n for n in old_wide if n not in new_wide)]
        if old_wide.get(name) != new_wide.get(name)
    ]
    for code, rule in candidate.items.items():
        old_rule = base.items.get(code)
        if old_rule is None:
            changes.append(ParameterChange(code, "item", ABSENT, rule.title_zh, when))
            continue
        old_fields, new_fields = _item_parameters(old_rule), _item_parameters(rule)
        for name in [*new_fields, *(f for f in old_fields if f not in new_fields)]:
            if old_fields.get(name) != new_fields.get(name):
                changes.append(
                    ParameterChange(code, name, old_fields.get(name), new_fields.get(name), when)
                )
    for code, rule in base.items.items():
        if code not in candidate.items:
            changes.append(ParameterChange(code, "item", rule.title_zh, ABSENT, when))
    return changes


@dataclass(frozen=True)
class Divergence:
    """The first step where two traces of one case differ, and the clause it applies."""

    step: str
    clause: str


def first_divergence(old: Sequence[TraceStep], new: Sequence[TraceStep]) -> Divergence | None:
    """The first step whose value or outcome differs (or that one trace has and the other not)."""
    for before, after in zip(old, new, strict=False):
        if (before.step, before.value, before.message) != (after.step, after.value, after.message):
            return Divergence(after.step, after.clause)
    if len(old) != len(new):
        longer = new if len(new) > len(old) else old
        step = longer[min(len(old), len(new))]
        return Divergence(step.step, step.clause)
    return None


def prices_alike(first: RulesVersion, second: RulesVersion, item: str) -> bool:
    """Whether both versions price `item` alike: the same facts give the same eligibility,
    amount and trace under either (only the version's name differs).

    Everything a quote of the item reads is compared: the item's rule, the common clause, the
    time window, the money limit and rounding, and the jurisdictions and applicant types the
    facts are checked against. Items of one kind (同类) are the caller's: they change the facts.
    """
    if item not in first.items or item not in second.items:
        return False
    return _pricing_inputs(first, item) == _pricing_inputs(second, item)


def _pricing_inputs(version: RulesVersion, item: str) -> tuple[object, ...]:
    return (
        version.items[item],
        version.common,
        version.retroactive_from,
        version.published_on,
        version.money_max,
        version.rounding,
        version.jurisdictions,
        version.applicant_types,
    )
