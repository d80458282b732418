"""Reads behind the dashboards (统计图表): one function per chart, each a fixed number of queries.

Every number is aggregated in the database (GROUP BY with filtered sums and counts), so the cost
of a chart does not grow with the number of cases. Reads of cases start from
`cases_visible_to(user)`; a programme's budget is read like the finance desk reads it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applicants import policy, programmes
from applicants.models import CITY_PROGRAMME, Application, Status, User
from applicants.roles import Role
from applicants.selectors import cases_visible_to
from awards.payouts.selectors import YearRow, finance_programmes_for, payout_overview
from awards.selectors import PAYOUT_STATES

ZERO = Decimal("0.00")
DAY = Decimal("0.1")
SECONDS_PER_DAY = Decimal(86400)

# Who sees the city's dashboard (every programme, every chart). County finance sees its own
# programme's money charts; everyone else is refused.
CITY_DASHBOARD_ROLES = frozenset({Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN})

# The states in which a case waits for someone, in the order a case passes them, with what it
# waits for (applicants.workflow: the action that leaves each state).
WAITING_STAGES: tuple[tuple[str, Promise], ...] = (
    (Status.SUBMITTED, _("待县区初审")),
    (Status.RETURNED, _("退回补正，待企业重新提交")),
    (Status.PROPOSED, _("同步奖励待县区确认")),
    (Status.RECOMMENDED, _("待市级复审")),
    (Status.REVIEWED, _("待市级批准")),
    (Status.APPROVED, _("待发布公示")),
    (Status.ANNOUNCED, _("公示中，待期满确认")),
    (Status.HELD, _("异议核实中，待市级处理")),
    (Status.CONFIRMED, _("待安排兑付年度")),
    (Status.SCHEDULED, _("待登记兑付")),
)


@dataclass(frozen=True)
class DashboardProgramme:
    code: str
    name: str


@dataclass(frozen=True)
class ItemAwards:
    """One reward item: per pay year the awards within the quota and the exempt ones."""

    item: str
    title: str
    counted: dict[int, int]
    exempt: dict[int, int]
    queued: int


@dataclass(frozen=True)
class ItemQuota:
    quota: int
    years: list[int]
    items: list[ItemAwards]


@dataclass(frozen=True)
class StageQueue:
    """The cases waiting in one state: how many, and for how long (days, one place)."""

    status: str
    label: str
    count: int
    average_days: Decimal | None
    longest_days: Decimal | None


@dataclass(frozen=True)
class JurisdictionAmounts:
    code: str
    name: str
    planned: Decimal
    paid: Decimal
    queued: Decimal
    count: int


def dashboard_programmes_for(user: User) -> list[DashboardProgramme]:
    """The programmes whose charts `user` may read: the finance desk's; the city reads all."""
    if user.role == Role.CITY_REVIEWER:
        codes = programmes.programme_codes()
    else:
        codes = [p.code for p in finance_programmes_for(user)]
    return [DashboardProgramme(code=code, name=programmes.programme_name(code)) for code in codes]


def sees_city_charts(user: User) -> bool:
    """Whether `user` reads the review queues and the amounts by county (county finance not)."""
    return user.role in CITY_DASHBOARD_ROLES


def budget_by_year(*, programme: str = CITY_PROGRAMME) -> list[YearRow]:
    """Per year of a programme: budget, planned (scheduled), paid and what the budget has left
    (`YearRow.remaining`), as the finance desk reads them. Two queries."""
    return payout_overview(programme)


def awards_per_item(*, user: User, programme: str = CITY_PROGRAMME) -> ItemQuota:
    """Per item and pay year: the scheduled and paid awards within the quota and the exempt
    ones; per item the confirmed awards still waiting for a year. One query."""
    planned = Q(status__in=(Status.SCHEDULED, Status.PAID), award__pay_year__isnull=False)
    rows = (
        cases_visible_to(user)
        .filter(programme=programme, status__in=PAYOUT_STATES, award__isnull=False)
        .values("item", "award__pay_year")
        .annotate(
            counted=Count("id", filter=planned & Q(award__quota_exempt=False)),
            exempt=Count("id", filter=planned & Q(award__quota_exempt=True)),
            queued=Count("id", filter=Q(status=Status.CONFIRMED)),
        )
        .order_by()
    )
    counted: dict[str, dict[int, int]] = {}
    exempt: dict[str, dict[int, int]] = {}
    queued: dict[str, int] = {}
    years: set[int] = set()
    for row in rows:
        item, year = row["item"], row["award__pay_year"]
        queued[item] = queued.get(item, 0) + row["queued"]
        if year is not None and (row["counted"] or row["exempt"]):
            years.add(year)
            counted.setdefault(item, {})[year] = row["counted"]
            exempt.setdefault(item, {})[year] = row["exempt"]
    seen = set(counted) | {item for item, n in queued.items() if n}
    items = [
        ItemAwards(
            item=item,
            title=policy.item_title(item),
            counted=counted.get(item, {}),
            exempt=exempt.get(item, {}),
            queued=queued.get(item, 0),
        )
        for item in _in_rule_order(seen, list(policy.version_in_force().items))
    ]
    return ItemQuota(quota=programmes.programme_quota(programme), years=sorted(years), items=items)


# Who oversees every stage: counts only (no case is listed), so the city sees how long the counties'
# queues are, including cases no county has recommended yet (which it may not open).
CITY_WIDE_ROLES = frozenset({Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN})


def queue_by_stage(*, user: User, now: datetime | None = None) -> list[StageQueue]:
    """Per waiting state: the number of cases, and the average and longest wait in days since
    the case entered the state (`status_changed_at`). One query. City-wide roles count every
    county's cases; a county official only its own (`cases_visible_to`)."""
    now = now or timezone.now()
    # A case written before status_changed_at existed waits since it was filed.
    since = Coalesce(
        "status_changed_at", "submitted_at", "created_at", output_field=DateTimeField()
    )
    waited = ExpressionWrapper(
        Value(now, output_field=DateTimeField()) - F("since"), output_field=DurationField()
    )
    scope = Application.objects.all() if user.role in CITY_WIDE_ROLES else cases_visible_to(user)
    rows = (
        scope.filter(status__in=[status for status, _label in WAITING_STAGES])
        .annotate(since=since)
        .values("status")
        .annotate(count=Count("id"), average=Avg(waited), oldest=Min("since"))
        .order_by()
    )
    by_status = {row["status"]: row for row in rows}
    stages = []
    for status, label in WAITING_STAGES:
        row = by_status.get(status)
        stages.append(
            StageQueue(
                status=status,
                label=str(label),
                count=row["count"] if row else 0,
                average_days=_days(row["average"]) if row else None,
                longest_days=_days(now - row["oldest"]) if row and row["oldest"] else None,
            )
        )
    return stages


def amounts_by_jurisdiction(
    *, user: User, programme: str = CITY_PROGRAMME
) -> list[JurisdictionAmounts]:
    """Per county/district: the approved amounts planned (scheduled), paid, and queued
    (confirmed, no pay year yet) of a programme. One query."""
    rows = (
        cases_visible_to(user)
        .filter(programme=programme, status__in=PAYOUT_STATES, award__isnull=False)
        .values("jurisdiction")
        .annotate(
            planned=Sum("award__amount", filter=Q(status=Status.SCHEDULED)),
            paid=Sum("award__amount", filter=Q(status=Status.PAID)),
            queued=Sum("award__amount", filter=Q(status=Status.CONFIRMED)),
            count=Count("id"),
        )
        .order_by()
    )
    by_code = {row["jurisdiction"]: row for row in rows}
    order = [j.code for j in policy.version_in_force().jurisdictions]
    return [
        JurisdictionAmounts(
            code=code,
            name=policy.jurisdiction_name(code),
            planned=by_code[code]["planned"] or ZERO,
            paid=by_code[code]["paid"] or ZERO,
            queued=by_code[code]["queued"] or ZERO,
            count=by_code[code]["count"],
        )
        for code in _in_rule_order(set(by_code), order)
    ]


def _in_rule_order(codes: set[str], order: list[str]) -> list[str]:
    """Codes in the rules' order; any the rules no longer list after them, sorted."""
    return [c for c in order if c in codes] + sorted(codes - set(order))


def _days(duration: timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    seconds = Decimal(duration.days * 86400 + duration.seconds)
    return (seconds / SECONDS_PER_DAY).quantize(DAY, rounding=ROUND_HALF_UP)
