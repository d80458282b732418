"""Reads of rule revisions: the candidates, and a stored report in words for its page and its
spreadsheet (item titles, county names, status labels, step names: never bare codes)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import policy
from applicants.models import Status
from awards.revisions.models import ReportState, RulesCandidate
from rules.impact import field_label
from rules.messages import step_label


def candidates() -> QuerySet[RulesCandidate]:
    return RulesCandidate.objects.select_related("uploaded_by", "decided_by").defer("text")


def candidate_title(candidate: RulesCandidate) -> str:
    """The candidate's title in the reader's language (the file holds both)."""
    if policy.rules_lang() != "en":
        return candidate.title
    from rules.loader import load_version_text

    return load_version_text(candidate.text, source=candidate.file_name).title_en


def _yes_no(value: str | None) -> str:
    return {"true": _("是"), "false": _("否")}.get(value or "", value or "")


MONEY_FIELDS = frozenset({"amount", "cap", "threshold.amount"})


def _group_label(code: str, lang: str) -> str:
    from rules.loader import load_rulebook

    for version in reversed(load_rulebook().versions):
        for group in version.overlap_groups:
            if group.code == code:
                return group.label(lang)
    return code


def _value(field: str, value: str | None, item: str) -> str:
    if value is None:
        return _("（无）")
    if field == "item":
        # An added or removed item reads as its title in the reader's language.
        return policy.item_title(item)
    if field in {"first_time", "threshold.strict"}:
        return _yes_no(value)
    if field in MONEY_FIELDS or field.startswith("amounts."):
        return f"¥{Decimal(value):,.2f}"
    if field.startswith("overlap_groups."):
        return "、".join(policy.item_title(code) for code in value.split(", "))
    if field == "rate":
        return f"{Decimal(value) * 100:g}%"
    return value


@dataclass(frozen=True)
class ParameterRow:
    item: str
    field: str
    old: str
    new: str
    effective_from: str


def parameter_rows(report: dict[str, Any]) -> list[ParameterRow]:
    lang = policy.rules_lang()
    rows = []
    for p in report.get("parameters", []):
        item, field = p["item"], p["field"]
        label = field_label(field, lang)
        if field.startswith("overlap_groups."):
            label = f"{field_label('overlap_groups', lang)} · "
            label += _group_label(field.partition(".")[2], lang)
        if field.startswith("amounts.") and item:
            level = field.partition(".")[2]
            rule = policy.item_rule(item)
            level_fact = rule.level_fact if rule else None
            if level_fact:
                label = f"{field_label('amounts', lang)} · "
                label += policy.fact_value_label(item, level_fact, level)
        rows.append(
            ParameterRow(
                item=policy.item_title(item) if item else _("全部事项"),
                field=label,
                old=_value(field, p["old"], item),
                new=_value(field, p["new"], item),
                effective_from=p["effective_from"],
            )
        )
    return rows


@dataclass(frozen=True)
class CaseRow:
    id: int
    reference: str
    item: str
    status: str
    jurisdiction: str
    old_eligible: bool
    old_amount: Decimal
    new_eligible: bool
    new_amount: Decimal
    step: str
    clause: str

    @property
    def difference(self) -> Decimal:
        return self.new_amount - self.old_amount


def case_rows(report: dict[str, Any]) -> list[CaseRow]:
    lang = policy.rules_lang()
    return [
        CaseRow(
            id=c["id"],
            reference=c["case"],
            item=policy.item_title(c["item"]),
            status=str(Status(c["status"]).label) if c["status"] in Status.values else c["status"],
            jurisdiction=policy.jurisdiction_name(c["jurisdiction"]),
            old_eligible=c["old"]["eligible"],
            old_amount=Decimal(c["old"]["amount"]),
            new_eligible=c["new"]["eligible"],
            new_amount=Decimal(c["new"]["amount"]),
            step=step_label(c["step"], lang),
            clause=c["clause"],
        )
        for c in report.get("cases", [])
    ]


@dataclass(frozen=True)
class TotalRow:
    label: str
    cases: int
    changed: int
    old_amount: Decimal
    new_amount: Decimal
    difference: Decimal
    newly_eligible: int
    no_longer_eligible: int


def _total(label: str, row: dict[str, Any]) -> TotalRow:
    return TotalRow(
        label=label,
        cases=row["cases"],
        changed=row["changed"],
        old_amount=Decimal(row["old_amount"]),
        new_amount=Decimal(row["new_amount"]),
        difference=Decimal(row["difference"]),
        newly_eligible=row["newly_eligible"],
        no_longer_eligible=row["no_longer_eligible"],
    )


def total_rows(report: dict[str, Any], by: str) -> list[TotalRow]:
    from applicants import programmes

    name = {
        "item": policy.item_title,
        "jurisdiction": policy.jurisdiction_name,
        "programme": programmes.programme_name,
    }[by]
    return [_total(name(key), row) for key, row in report.get("totals", {}).get(by, {}).items()]


def overall(report: dict[str, Any]) -> TotalRow | None:
    row = report.get("totals", {}).get("all")
    return _total(_("合计"), row) if row else None


@dataclass(frozen=True)
class PlanRow:
    year: str
    budget: Decimal | None
    base_planned: Decimal
    candidate_planned: Decimal
    base_remaining: Decimal
    candidate_remaining: Decimal


def _money(value: str | None) -> Decimal:
    return Decimal(value) if value is not None else Decimal("0.00")


def plan_rows(report: dict[str, Any]) -> list[PlanRow]:
    base = report.get("plan", {}).get("base", {})
    candidate = report.get("plan", {}).get("candidate", {})
    rows = []
    for year in sorted(set(base) | set(candidate)):
        b, c = base.get(year, {}), candidate.get(year, {})
        budget = b.get("budget") or c.get("budget")
        rows.append(
            PlanRow(
                year=year,
                budget=Decimal(budget) if budget is not None else None,
                base_planned=_money(b.get("planned")),
                candidate_planned=_money(c.get("planned")),
                base_remaining=_money(b.get("remaining")),
                candidate_remaining=_money(c.get("remaining")),
            )
        )
    return rows


@dataclass(frozen=True)
class ReportStatus:
    """Where a candidate's comparison stands, in words, and whether the page should poll."""

    state: str
    message: str
    polling: bool


def report_status(candidate: RulesCandidate) -> ReportStatus:
    """A comparison a worker has been computing for longer than REVISION_REPORT_STALE_SECONDS
    has lost its worker (a restart, a killed job): the page stops waiting and says so."""
    if candidate.report_ready:
        return ReportStatus("ready", "", polling=False)
    if candidate.report_state == ReportState.FAILED:
        return ReportStatus(
            "failed",
            _("影响分析计算失败。请点击“按当前数据重新比对”；如仍失败，请联系系统管理员。"),
            polling=False,
        )
    requested = candidate.report_requested_at
    stale = settings.REVISION_REPORT_STALE_SECONDS
    if requested is None or timezone.now() - requested > timedelta(seconds=stale):
        return ReportStatus(
            "stalled",
            _("影响分析已计算较长时间仍未完成，可能已中断。请点击“按当前数据重新比对”。"),
            polling=False,
        )
    return ReportStatus(
        "computing",
        _("正在逐件重新计算尚未兑付的申报并比对兑付安排（开始于 %(at)s），完成后本页自动显示。")
        % {"at": timezone.localtime(requested).strftime("%H:%M:%S")},
        polling=True,
    )
