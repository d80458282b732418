"""Whether a programme's stored payout plan still rests on its budgets and exemptions.

Each programme (the city's, each county's matching one) has its own plan, state and budgets.

A budget change or a quota exemption makes the plan stale and queues a re-plan after commit;
payments are held while it is stale, and each payment re-verifies its year's budget and quota
under the same locks as planning. Lock order everywhere: case rows, then the plan state row,
then budget rows — so a payment, a plan and a budget change queue up instead of deadlocking.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from applicants import policy, programmes
from applicants.errors import ServiceError
from applicants.models import CITY_PROGRAMME, Status
from awards.errors import (
    PAYMENT_NO_BUDGET,
    PAYMENT_NOT_PLANNED,
    PAYMENT_OVER_BUDGET,
    PAYMENT_OVER_QUOTA,
    PAYMENT_PLAN_STALE,
)
from awards.models import Award, Budget, PayoutPlanState

ZERO = Decimal("0.00")


def plan_state_locked(programme: str = CITY_PROGRAMME) -> PayoutPlanState:
    """The programme's plan state row, locked until the end of the transaction."""
    state, _ = PayoutPlanState.objects.select_for_update().get_or_create(programme=programme)
    return state


def plan_mark_stale(*, reason: str, programme: str = CITY_PROGRAMME) -> None:
    """Mark the programme's plan out of date and queue a re-plan once this transaction commits."""
    from awards.payouts.tasks import replan_if_stale  # tasks import services; import at call time

    state = plan_state_locked(programme)
    if not state.stale:
        state.stale = True
        state.stale_since = timezone.now()
    state.stale_reason = reason[:200]
    state.save()
    transaction.on_commit(lambda: replan_if_stale.delay(programme))


def plan_mark_current(state: PayoutPlanState) -> None:
    """The plan that just ran rests on the state it read: payments may go ahead."""
    state.stale = False
    state.stale_since = None
    state.stale_reason = ""
    state.planned_at = timezone.now()
    state.save()


def paid_in_year(
    year: int, *, programme: str = CITY_PROGRAMME, excluding: int | None = None
) -> Decimal:
    """What has been paid from one budget year of a programme."""
    paid = Award.objects.filter(
        pay_year=year, application__status=Status.PAID, application__programme=programme
    )
    if excluding is not None:
        paid = paid.exclude(pk=excluding)
    return paid.aggregate(total=Sum("amount"))["total"] or ZERO


def payment_check(*, award: Award, item: str, programme: str = CITY_PROGRAMME) -> None:
    """Refuse a payment the plan as it is now cannot carry: stale, no budget left, no quota place.

    Called inside the `pay` transition, with the case row already locked. Only the case's own
    programme counts: a county's payment never spends the city's budget, nor the city's a county's.
    """
    state = plan_state_locked(programme)
    if state.stale:
        raise ServiceError(PAYMENT_PLAN_STALE, code="plan_stale")
    year = award.pay_year
    if year is None:
        raise ServiceError(PAYMENT_NOT_PLANNED, code="not_planned")
    budget = Budget.objects.select_for_update().filter(programme=programme, year=year).first()
    if budget is None:
        raise ServiceError(PAYMENT_NO_BUDGET % {"year": year}, code="no_budget")
    paid = paid_in_year(year, programme=programme, excluding=award.pk)
    if paid + award.amount > budget.amount:
        raise ServiceError(
            PAYMENT_OVER_BUDGET
            % {
                "year": year,
                "budget": f"{budget.amount:,.2f}",
                "paid": f"{paid:,.2f}",
                "remaining": f"{budget.amount - paid:,.2f}",
                "amount": f"{award.amount:,.2f}",
            },
            code="over_budget",
        )
    if award.quota_exempt:
        return
    quota = programmes.programme_quota(programme)
    taken = (
        Award.objects.filter(
            application__programme=programme,
            pay_year=year,
            application__status=Status.PAID,
            application__item=item,
            quota_exempt=False,
        )
        .exclude(pk=award.pk)
        .count()
    )
    if taken >= quota:
        raise ServiceError(
            PAYMENT_OVER_QUOTA
            % {"year": year, "item": policy.item_title(item), "count": taken, "quota": quota},
            code="over_quota",
        )
