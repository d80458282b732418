"""Reads for the finance desk: budgets per year, the cases to pay, the plan's state, recoveries.

Everything is per programme: the city's, or a county's matching programme (同步奖励).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from applicants import programmes
from applicants.models import CITY_PROGRAMME, Application, CaseEvent, Status, User
from applicants.roles import Role
from awards.models import Award, AwardRecovery, Budget, PayoutPlanState
from awards.payouts.models import PayoutRun
from awards.selectors import PAYOUT_STATES, review_queue


@dataclass(frozen=True)
class YearRow:
    year: int
    budget: Decimal | None
    scheduled: Decimal
    paid: Decimal
    count: int

    @property
    def remaining(self) -> Decimal | None:
        """What the year's budget still holds after what is planned and paid from it."""
        if self.budget is None:
            return None
        return self.budget - self.scheduled - self.paid


@dataclass(frozen=True)
class FinanceProgramme:
    """A programme on the finance desk's switch, and whether this reader may change it."""

    code: str
    name: str
    funding_body: str
    can_write: bool


def finance_programmes_for(user: User) -> list[FinanceProgramme]:
    """The programmes a finance desk user sees: city finance every one (a county's read-only),
    county finance only its county's, administrators every one read-only."""
    if user.role == Role.COUNTY_FINANCE:
        codes = [user.jurisdiction] if programmes.programme_exists(user.jurisdiction) else []
    elif user.role in {Role.FINANCE, Role.ADMIN}:
        codes = programmes.programme_codes()
    else:
        codes = []
    return [
        FinanceProgramme(
            code=code,
            name=programmes.programme_name(code),
            funding_body=programmes.programme_funding_body(code),
            can_write=(code == CITY_PROGRAMME and user.role == Role.FINANCE)
            or (code == user.jurisdiction and user.role == Role.COUNTY_FINANCE),
        )
        for code in codes
    ]


def payout_overview(programme: str = CITY_PROGRAMME) -> list[YearRow]:
    """Per budget year of a programme: the budget, what is scheduled and what is paid."""
    budgets = {b.year: b.amount for b in Budget.objects.filter(programme=programme)}
    # The awards' copies of their cases' programme and state (kept by triggers): one index
    # holds every column read, no case is joined.
    sums = (
        Award.objects.filter(
            case_programme=programme,
            case_status__in=(Status.SCHEDULED, Status.PAID),
            pay_year__isnull=False,
        )
        .values("pay_year")
        .annotate(
            scheduled=Sum("amount", filter=Q(case_status=Status.SCHEDULED)),
            paid=Sum("amount", filter=Q(case_status=Status.PAID)),
            count=Count("*"),
        )
        .order_by()
    )
    by_year: dict[int, dict[str, Any]] = {
        row["pay_year"]: dict(row) for row in sums if row["pay_year"] is not None
    }
    zero = Decimal("0.00")
    rows = []
    for year in sorted(set(budgets) | set(by_year)):
        sums_of_year = by_year.get(year, {})
        rows.append(
            YearRow(
                year=year,
                budget=budgets.get(year),
                scheduled=sums_of_year.get("scheduled") or zero,
                paid=sums_of_year.get("paid") or zero,
                count=sums_of_year.get("count") or 0,
            )
        )
    return rows


def payout_cases(*, user: User, programme: str = CITY_PROGRAMME) -> QuerySet[Application]:
    """A programme's confirmed, scheduled and paid cases with their awards, in payment order."""
    return (
        payout_cases_to_count(user=user, programme=programme)
        # Each has its award: an inner join, so the award index's payment order drives the page.
        .filter(award__isnull=False)
        .order_by("award__pay_year", "award__first_approved_at", "id")
    )


def payout_cases_to_count(*, user: User, programme: str = CITY_PROGRAMME) -> QuerySet[Application]:
    """The same cases without the order's join to awards (a case in these states has its
    award): what the count reads, from the cases' indexes alone."""
    return review_queue(user=user).filter(status__in=PAYOUT_STATES, programme=programme)


def plan_state(programme: str = CITY_PROGRAMME) -> PayoutPlanState:
    """Whether a programme's stored plan is current (a budget or an exemption changed since)."""
    return PayoutPlanState.objects.filter(programme=programme).first() or PayoutPlanState(
        programme=programme
    )


def recoveries_open(programme: str = CITY_PROGRAMME) -> QuerySet[AwardRecovery]:
    """Paid awards the rules now price lower: money finance is to recover (追回)."""
    return (
        AwardRecovery.objects.filter(
            settled_at__isnull=True, award__application__programme=programme
        )
        .select_related("award__application__enterprise")
        .order_by("created_at", "id")
    )


def confirmed_without_year_count(programme: str = CITY_PROGRAMME) -> int:
    """Confirmed awards the stored plan has not placed yet (waiting for the next plan run)."""
    # From the awards' copies of their cases' state (one index, no case read).
    return Award.objects.filter(case_status=Status.CONFIRMED, case_programme=programme).count()


RUN_CHANGE_ACTIONS = ("schedule", "reschedule", "unschedule")


def runs_of(programme: str, *, limit: int = 8) -> list[PayoutRun]:
    """A programme's latest planning runs, newest first (results left out: they can be large)."""
    return list(
        PayoutRun.objects.filter(programme=programme)
        .select_related("requested_by")
        .defer("result")
        .order_by("-requested_at", "-id")[:limit]
    )


def run_visible_to(*, user: User, pk: int) -> PayoutRun | None:
    """A run of a programme this user's finance desk shows, or None."""
    codes = [p.code for p in finance_programmes_for(user)]
    return (
        PayoutRun.objects.filter(pk=pk, programme__in=codes).select_related("requested_by").first()
    )


def run_events(
    first_event_id: int | None,
    last_event_id: int | None,
    actions: tuple[str, ...] = RUN_CHANGE_ACTIONS,
) -> QuerySet[CaseEvent]:
    """The audit entries a run wrote for the awards it moved (its id range), in order."""
    if first_event_id is None or last_event_id is None:
        return CaseEvent.objects.none()
    return CaseEvent.objects.filter(
        pk__gte=first_event_id, pk__lte=last_event_id, actor__isnull=True, action__in=actions
    ).order_by("pk")


def run_changes(run: PayoutRun) -> QuerySet[CaseEvent]:
    """Each award the run moved: its audit entries (one per award, the run's id range)."""
    return run_events(run.first_event_id, run.last_event_id).select_related(
        "application__enterprise"
    )


def cases_by_id(ids: list[int]) -> dict[int, Application]:
    """The cases a run's stored queue names, with their enterprises, in one query."""
    return {a.pk: a for a in Application.objects.filter(pk__in=ids).select_related("enterprise")}
