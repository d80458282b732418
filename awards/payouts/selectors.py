"""Reads for the finance desk: budgets per year, the cases to pay, the plan's state, recoveries."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from applicants.models import Application, Status, User
from awards.models import Award, AwardRecovery, Budget, PayoutPlanState
from awards.selectors import PAYOUT_STATES, review_queue


@dataclass(frozen=True)
class YearRow:
    year: int
    budget: Decimal | None
    scheduled: Decimal
    paid: Decimal
    count: int


def payout_overview() -> list[YearRow]:
    """Per budget year: the budget, what is scheduled and what is paid (finance page)."""
    budgets = {b.year: b.amount for b in Budget.objects.all()}
    sums = (
        Award.objects.filter(
            application__status__in=(Status.SCHEDULED, Status.PAID), pay_year__isnull=False
        )
        .values("pay_year")
        .annotate(
            scheduled=Sum("amount", filter=Q(application__status=Status.SCHEDULED)),
            paid=Sum("amount", filter=Q(application__status=Status.PAID)),
            count=Count("id"),
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


def payout_cases(*, user: User) -> QuerySet[Application]:
    """Confirmed, scheduled and paid cases with their awards, in payment order."""
    return (
        review_queue(user=user)
        .filter(status__in=PAYOUT_STATES)
        .order_by("award__pay_year", "award__first_approved_at", "id")
    )


def plan_state() -> PayoutPlanState:
    """Whether the stored plan is current (a budget or an exemption changed since it ran)."""
    return PayoutPlanState.objects.filter(pk=1).first() or PayoutPlanState()


def recoveries_open() -> QuerySet[AwardRecovery]:
    """Paid awards the rules now price lower: money finance is to recover (追回)."""
    return (
        AwardRecovery.objects.filter(settled_at__isnull=True)
        .select_related("award__application__enterprise")
        .order_by("created_at", "id")
    )


def confirmed_without_year_count() -> int:
    """Confirmed awards the stored plan has not placed yet (waiting for the next plan run)."""
    return Award.objects.filter(application__status=Status.CONFIRMED).count()
