"""Reads of payout reports (兑付报表): which awards, grouped how, and what they add up to.

A report covers the awards that are 已安排 (planned: `scheduled`, with a pay year), 已拨付 (paid)
or 排队中 (queued: `confirmed`, no pay year yet) among the cases the reader may see
(`cases_visible_to`). The page's summary is summed by the database, one query per table whatever
the number of cases; the export walks the detail rows with a server-side cursor.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from applicants import policy, programmes
from applicants.models import Application, Status, User
from applicants.roles import Role
from applicants.selectors import cases_visible_to
from awards.reports.models import PayoutExport

ZERO = Decimal("0.00")
_MONEY = models.DecimalField(max_digits=14, decimal_places=2)


class ReportStatus(models.TextChoices):
    """An award's place in the payout: the report's own status, read off the case's."""

    PLANNED = "planned", _("已安排")
    PAID = "paid", _("已拨付")
    QUEUED = "queued", _("排队中")


# Which cases each report status is, and the case state it reads as.
STATUS_FILTERS: dict[str, Q] = {
    ReportStatus.PLANNED: Q(status=Status.SCHEDULED, award__pay_year__isnull=False),
    ReportStatus.PAID: Q(status=Status.PAID),
    ReportStatus.QUEUED: Q(status=Status.CONFIRMED, award__pay_year__isnull=True),
}
CASE_STATUS = {
    Status.SCHEDULED: ReportStatus.PLANNED,
    Status.PAID: ReportStatus.PAID,
    Status.CONFIRMED: ReportStatus.QUEUED,
}
QUEUED_YEAR_LABEL = _("排队中（未安排年度）")


class GroupBy(models.TextChoices):
    YEAR = "year", _("兑付年度")
    PROGRAMME = "programme", _("奖励计划")
    ITEM = "item", _("奖励事项")
    JURISDICTION = "jurisdiction", _("县区")
    STATUS = "status", _("状态")
    ENTERPRISE = "enterprise", _("企业")


# The columns a group is keyed by (the enterprise's name and code come with its id).
GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    GroupBy.YEAR: ("award__pay_year",),
    GroupBy.PROGRAMME: ("programme",),
    GroupBy.ITEM: ("item",),
    GroupBy.JURISDICTION: ("jurisdiction",),
    GroupBy.STATUS: ("status",),
    GroupBy.ENTERPRISE: ("enterprise_id", "enterprise__name", "enterprise__credit_code"),
}


def report_cases(user: User | None) -> QuerySet[Application]:
    """The cases a report may list for `user` (None: the system, every case) with an award."""
    cases = cases_visible_to(user) if user is not None else Application.objects.all()
    return cases.filter(
        STATUS_FILTERS[ReportStatus.PLANNED]
        | STATUS_FILTERS[ReportStatus.PAID]
        | STATUS_FILTERS[ReportStatus.QUEUED],
        award__isnull=False,
    )


def report_years(cases: QuerySet[Application]) -> list[int]:
    """The pay years among `cases`, latest first (for the year filter)."""
    years = (
        cases.filter(award__pay_year__isnull=False)
        .order_by("-award__pay_year")
        .values_list("award__pay_year", flat=True)
        .distinct()
    )
    return [int(y) for y in years if y is not None]


def _rank(column: str, codes: Sequence[str]) -> Case:
    """An ORDER BY that follows `codes` (the order people know), unknown codes last."""
    return Case(
        *[When(**{column: code}, then=Value(i)) for i, code in enumerate(codes)],
        default=Value(len(codes)),
        output_field=models.IntegerField(),
    )


def _group_ordering(group_by: str) -> list[Any]:
    if group_by == GroupBy.YEAR:
        return [F("award__pay_year").asc(nulls_last=True)]
    if group_by == GroupBy.PROGRAMME:
        return [_rank("programme", programmes.programme_codes()), "programme"]
    if group_by == GroupBy.ITEM:
        items = list(policy.version_in_force().items)
        return [_rank("item", items), "item"]
    if group_by == GroupBy.JURISDICTION:
        codes = [code for code, _name in policy.jurisdiction_choices()]
        return [_rank("jurisdiction", codes), "jurisdiction"]
    if group_by == GroupBy.STATUS:
        return [_rank("status", [Status.SCHEDULED, Status.PAID, Status.CONFIRMED])]
    return ["enterprise__name", "enterprise_id"]


def _sums() -> dict[str, Any]:
    """Counts and amounts per report status, and their subtotal, as SQL aggregates."""
    sums: dict[str, Any] = {}
    for status, condition in STATUS_FILTERS.items():
        sums[f"{status}_count"] = Count("id", filter=condition)
        sums[f"{status}_amount"] = Coalesce(
            Sum("award__amount", filter=condition), Value(ZERO), output_field=_MONEY
        )
    sums["count"] = Count("id")
    sums["amount"] = Coalesce(Sum("award__amount"), Value(ZERO), output_field=_MONEY)
    return sums


@dataclass(frozen=True)
class ReportSums:
    """Counts and amounts: planned, paid, queued, and all three (the subtotal or total)."""

    planned_count: int = 0
    planned_amount: Decimal = ZERO
    paid_count: int = 0
    paid_amount: Decimal = ZERO
    queued_count: int = 0
    queued_amount: Decimal = ZERO
    count: int = 0
    amount: Decimal = ZERO

    @classmethod
    def of(cls, row: dict[str, Any]) -> "ReportSums":
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ReportGroup:
    """One line of the summary: a year, programme, item, jurisdiction, status or enterprise."""

    key: str
    label: str
    sums: ReportSums


def group_label(group_by: str, row: dict[str, Any]) -> str:
    """What people call a group: a name or label, never a code."""
    if group_by == GroupBy.YEAR:
        year = row["award__pay_year"]
        return str(year) if year is not None else str(QUEUED_YEAR_LABEL)
    if group_by == GroupBy.PROGRAMME:
        return programmes.programme_name(row["programme"])
    if group_by == GroupBy.ITEM:
        return policy.item_title(row["item"])
    if group_by == GroupBy.JURISDICTION:
        return policy.jurisdiction_name(row["jurisdiction"])
    if group_by == GroupBy.STATUS:
        return str(ReportStatus(CASE_STATUS[row["status"]]).label)
    return f"{row['enterprise__name']}（{row['enterprise__credit_code']}）"


def _group_key(group_by: str, row: dict[str, Any]) -> str:
    value = row[GROUP_FIELDS[group_by][0]]
    if group_by == GroupBy.STATUS:
        return str(CASE_STATUS[value])
    return "" if value is None else str(value)


class _LabelledGroups(Sequence[ReportGroup]):
    """A summary queryset that a Paginator slices; each slice is labelled as it is read."""

    def __init__(self, rows: QuerySet, group_by: str) -> None:
        self.rows, self.group_by = rows, group_by

    def count(self) -> int:  # type: ignore[override]  # Paginator's count(), one query
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._group(row) for row in self.rows[index]]
        return self._group(self.rows[index])

    def _group(self, row: dict[str, Any]) -> ReportGroup:
        return ReportGroup(
            key=_group_key(self.group_by, row),
            label=group_label(self.group_by, row),
            sums=ReportSums.of(row),
        )


def report_summary(cases: QuerySet[Application], *, group_by: str) -> Sequence[ReportGroup]:
    """Per group: counts and amounts planned, paid, queued and their subtotal (SQL GROUP BY).

    Returned lazily, for a Paginator: a page of groups is one query, its count another.
    """
    rows = (
        cases.order_by()
        .values(*GROUP_FIELDS[group_by])
        .annotate(**_sums())
        .order_by(*_group_ordering(group_by))
    )
    return _LabelledGroups(rows, group_by)


def report_totals(cases: QuerySet[Application]) -> ReportSums:
    """The grand total over every group (one query)."""
    return ReportSums.of(cases.order_by().aggregate(**_sums()))


# --- the detail rows of an export ---------------------------------------------------------------

_LINE_FIELDS = (
    "id",
    "created_at",
    "enterprise__name",
    "enterprise__credit_code",
    "programme",
    "item",
    "project_name",
    "jurisdiction",
    "status",
    "award__pay_year",
    "award__amount",
    "award__approved_at",
    "award__paid_at",
)


@dataclass(frozen=True)
class ReportLine:
    """One award as an export lists it, with the group it is counted in."""

    group_key: str
    group_label: str
    reference: str
    enterprise_name: str
    credit_code: str
    programme: str
    item: str
    project_name: str
    jurisdiction: str
    status: str
    pay_year: int | None
    amount: Decimal
    approved_at: datetime
    paid_at: date | None
    report_status: str


def report_lines(
    cases: QuerySet[Application], *, group_by: str, chunk_size: int = 2000
) -> Iterator[ReportLine]:
    """Every award of `cases`, group after group in the summary's order, read in chunks."""
    fields = dict.fromkeys((*_LINE_FIELDS, *GROUP_FIELDS[group_by]))
    rows = (
        cases.order_by(
            *_group_ordering(group_by),
            F("award__pay_year").asc(nulls_last=True),
            "award__first_approved_at",
            "id",
        )
        .values(*fields)
        .iterator(chunk_size=chunk_size)
    )
    # Names are read once per code: the rules' lookups are not free at 100,000 rows.
    names: dict[tuple[str, str], str] = {}

    def named(kind: str, code: str) -> str:
        if (kind, code) not in names:
            names[kind, code] = {
                "programme": programmes.programme_name,
                "item": policy.item_title,
                "jurisdiction": policy.jurisdiction_name,
            }[kind](code)
        return names[kind, code]

    group_labels: dict[str, str] = {}
    status_labels = {key: str(label) for key, label in ReportStatus.choices}
    reference = Application(id=0)
    for row in rows:
        key = _group_key(group_by, row)
        if key not in group_labels:
            group_labels[key] = group_label(group_by, row)
        reference.id, reference.created_at = row["id"], row["created_at"]
        status = CASE_STATUS[row["status"]]
        yield ReportLine(
            group_key=key,
            group_label=group_labels[key],
            reference=reference.reference,
            enterprise_name=row["enterprise__name"],
            credit_code=row["enterprise__credit_code"],
            programme=named("programme", row["programme"]),
            item=named("item", row["item"]),
            project_name=row["project_name"],
            jurisdiction=named("jurisdiction", row["jurisdiction"]),
            status=status_labels[status],
            pay_year=row["award__pay_year"],
            amount=row["award__amount"],
            approved_at=row["award__approved_at"],
            paid_at=row["award__paid_at"],
            report_status=status,
        )


# --- exports ------------------------------------------------------------------------------------


def filters_description(filters: dict[str, Any]) -> str:
    """A stored filter in words, e.g. "2026 · 市级奖励 · 按奖励事项分组" (never its codes)."""
    words = []
    if "year" in filters:
        words.append(str(filters["year"]))
    if "programme" in filters:
        words.append(programmes.programme_name(filters["programme"]))
    if "item" in filters:
        words.append(policy.item_title(filters["item"]))
    if "jurisdiction" in filters:
        words.append(policy.jurisdiction_name(filters["jurisdiction"]))
    if filters.get("status") in ReportStatus.values:
        words.append(str(ReportStatus(filters["status"]).label))
    if filters.get("q"):
        words.append(f"“{filters['q']}”")
    if not words:
        words.append(str(_("全部")))
    group = filters.get("group", GroupBy.YEAR)
    if group in GroupBy.values:
        words.append(str(_("按%(group)s分组") % {"group": GroupBy(group).label}))
    return " · ".join(words)


def _described(export: PayoutExport) -> PayoutExport:
    export.description = filters_description(export.filters)  # type: ignore[attr-defined]
    return export


def exports_of(user: User, *, limit: int = 5) -> list[PayoutExport]:
    """The user's latest background exports, newest first, each with its filter in words."""
    return [_described(e) for e in PayoutExport.objects.filter(requested_by=user)[:limit]]


def export_for_download(user: User, export_id: int) -> PayoutExport | None:
    """The export if `user` asked for it (or administers the portal), else None."""
    export = PayoutExport.objects.filter(pk=export_id).first()
    if export is None:
        return None
    if export.requested_by_id != user.pk and user.role != Role.ADMIN:
        return None
    return _described(export)
