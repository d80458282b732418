"""Whether the stored payout plan still rests on today's budgets and exemptions.

A budget change or a quota exemption makes the plan stale and queues a re-plan after commit;
payments are held while it is stale, and each payment re-verifies its year's budget and quota
under the same locks as planning. Lock order everywhere: case rows, then the plan state row,
then budget rows — so a payment, a plan and a budget change queue up instead of deadlocking.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from applicants import policy
from applicants.errors import ServiceError
from applicants.models import Status
from awards.errors import (
    PAYMENT_NO_BUDGET,
    PAYMENT_NOT_PLANNED,
    PAYMENT_OVER_BUDGET,
    PAYMENT_OVER_QUOTA,
    PAYMENT_PLAN_STALE,
)
from awards.models import Award, Budget, PayoutPlanState

ZERO = Decimal("0.00")


def plan_state_locked() -> PayoutPlanState:
    """The plan state row, locked until the end of the transaction."""
    state, _ = PayoutPlanState.objects.select_for_update().get_or_create(pk=1)
    return state


def plan_mark_stale(*, reason: str) -> None:
    """Mark the plan out of date and queue a re-plan once this transaction commits."""
    from awards.tasks import replan_if_stale  # tasks import services; import at call time

    state = plan_state_locked()
    if not state.stale:
        state.stale = True
        state.stale_since = timezone.now()
    state.stale_reason = reason[:200]
    state.save()
    transaction.on_commit(replan_if_stale.delay)


def plan_mark_current(state: PayoutPlanState) -> None:
    """The plan that just ran rests on the state it read: payments may go ahead."""
    state.stale = False
    state.stale_since = None
    state.stale_reason = ""
    state.planned_at = timezone.now()
    state.save()


def paid_in_year(year: int, *, excluding: int | None = None) -> Decimal:
    """What has been paid from one budget year."""
    paid = Award.objects.filter(pay_year=year, application__status=Status.PAID)
    if excluding is not None:
        paid = paid.exclude(pk=excluding)
    return paid.aggregate(total=Sum("amount"))["total"] or ZERO


def payment_check(*, award: Award, item: str) -> None:
    """Refuse a payment the plan as it is now cannot carry: stale, no budget left, no quota place.

    Called inside the `pay` transition, with the case row already locked.
    """
    state = plan_state_locked()
    if state.stale:
        raise ServiceError(PAYMENT_PLAN_STALE, code="plan_stale")
    year = award.pay_year
    if year is None:
        raise ServiceError(PAYMENT_NOT_PLANNED, code="not_planned")
    budget = Budget.objects.select_for_update().filter(year=year).first()
    if budget is None:
        raise ServiceError(PAYMENT_NO_BUDGET % {"year": year}, code="no_budget")
    paid = paid_in_year(year, excluding=award.pk)
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
    quota = policy.version_in_force().quota_per_item_per_year
    taken = (
        Award.objects.filter(
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
