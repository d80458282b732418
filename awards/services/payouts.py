"""Budgets, payout scheduling (兑付年度) with the rules' allocation, and recording payments.

Per programme: the city's and each county's matching programme (同步奖励) have their own budgets,
quota and plan, and their own finance officials; nothing here lets one spend another's money.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from applicants import programmes
from applicants.audit import audit_append
from applicants.errors import NOT_ALLOWED, NotAllowed, ServiceError
from applicants.models import CITY_PROGRAMME, Application, User
from applicants.roles import Role
from applicants.text import clean_text
from awards.errors import (
    AMOUNT_NEGATIVE,
    AMOUNT_TOO_LARGE,
    BUDGET_BELOW_PAID,
    BUDGET_YEAR_INVALID,
    NO_AWARD,
    PAYMENT_BEFORE_APPROVAL,
    PAYMENT_BEFORE_PAY_YEAR,
    PAYMENT_DATE_IN_FUTURE,
    PAYMENT_REFERENCE_REQUIRED,
    UNKNOWN_PROGRAMME,
)
from awards.models import Award, Budget
from awards.services.plan_state import (
    paid_in_year,
    payment_check,
    plan_mark_stale,
)

MIN_BUDGET_YEAR, MAX_BUDGET_YEAR = 2020, 2100
# The largest amount a money column (14 digits, 2 places) holds.
MAX_STORED_AMOUNT = Decimal("999999999999.99")


def finance_may_manage(actor: User, programme: str) -> bool:
    """City finance manages the city's programme; a county's finance only its county's."""
    if programme == CITY_PROGRAMME:
        return actor.role == Role.FINANCE
    return actor.role == Role.COUNTY_FINANCE and actor.jurisdiction == programme


def _require_finance(actor: User, programme: str) -> None:
    if not programmes.programme_exists(programme):
        raise ServiceError(UNKNOWN_PROGRAMME, field="programme")
    if not finance_may_manage(actor, programme):
        raise NotAllowed(NOT_ALLOWED)


@transaction.atomic
def budget_set(
    *, year: int, amount: Decimal, actor: User, programme: str = CITY_PROGRAMME
) -> Budget:
    """Set one programme's reward budget of one year (its finance); the change is audited."""
    _require_finance(actor, programme)
    if not MIN_BUDGET_YEAR <= year <= MAX_BUDGET_YEAR:
        raise ServiceError(BUDGET_YEAR_INVALID, field="year")
    if amount < 0:
        raise ServiceError(AMOUNT_NEGATIVE, field="amount")
    if amount > MAX_STORED_AMOUNT:
        raise ServiceError(AMOUNT_TOO_LARGE % {"max": f"{MAX_STORED_AMOUNT:,.2f}"}, field="amount")
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    # The plan rests on this budget: stale until it runs again (and the lock orders us after
    # a payment of this year that is in progress).
    plan_mark_stale(reason="budget_set", programme=programme)
    paid = paid_in_year(year, programme=programme)
    if amount < paid:
        raise ServiceError(
            BUDGET_BELOW_PAID % {"year": year, "paid": f"{paid:,.2f}"}, field="amount"
        )
    # get_or_create survives two finance officers creating the same year at once (unique year).
    budget, created = Budget.objects.select_for_update().get_or_create(
        programme=programme, year=year, defaults={"amount": amount, "updated_by": actor}
    )
    previous = None if created else budget.amount
    budget.amount = amount
    budget.updated_by = actor
    budget.save()
    audit_append(
        action="budget_set",
        actor=actor,
        data={
            "programme": programme,
            "year": year,
            "from_amount": f"{previous:.2f}" if previous is not None else None,
            "amount": f"{amount:.2f}",
        },
    )
    return budget


@dataclass
class ScheduleReport:
    """What one planning run changed (case ids); all empty when run again on the same state."""

    scheduled: list[int] = field(default_factory=list)
    rescheduled: list[int] = field(default_factory=list)
    unscheduled: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {
            "scheduled": self.scheduled,
            "rescheduled": self.rescheduled,
            "unscheduled": self.unscheduled,
            "queued": self.queued,
        }


def payouts_schedule(programme: str = CITY_PROGRAMME) -> ScheduleReport:
    """Plan a programme's payout years now, in the foreground, as a stored run.

    The planning itself is awards.payouts.planning (bulk, one transaction); this is the direct
    entry for the demo loader and scripts. Refused (409) while another run is active.
    """
    from awards.payouts.services import payouts_plan_now  # runs build on this module

    run, outcome = payouts_plan_now(programme)
    if outcome is None:
        raise ServiceError(run.error)
    return ScheduleReport(
        scheduled=outcome.ids("planned"),
        rescheduled=outcome.ids("moved"),
        unscheduled=outcome.ids("queued"),
        queued=outcome.still_queued,
    )


def pay_before_save(application: Application, *, actor: User | None, decision: object) -> dict:
    """Record the payment (reference and date) on the award, in the `pay` transition.

    The date is a Beijing calendar date: not in the future, not before approval, and not before
    the budget year the plan pays the award from (a case planned for 2027 is not paid in 2026).
    """
    reference = clean_text(decision.payment_reference)  # type: ignore[attr-defined]
    paid_at: date = decision.paid_at or timezone.localdate()  # type: ignore[attr-defined]
    if not reference:
        raise ServiceError(PAYMENT_REFERENCE_REQUIRED, field="payment_reference")
    if paid_at > timezone.localdate():
        raise ServiceError(PAYMENT_DATE_IN_FUTURE, field="paid_at")
    award = Award.objects.filter(application=application).first()
    if award is None:
        raise ServiceError(NO_AWARD)
    if paid_at < timezone.localtime(award.approved_at).date():
        raise ServiceError(PAYMENT_BEFORE_APPROVAL, field="paid_at")
    if award.pay_year is not None and paid_at.year < award.pay_year:
        raise ServiceError(
            PAYMENT_BEFORE_PAY_YEAR % {"year": award.pay_year},
            field="paid_at",
            code="before_pay_year",
        )
    # The plan as it is now: not stale, and the year still has budget and a quota place.
    payment_check(award=award, item=application.item, programme=application.programme)
    award.paid_at = paid_at
    award.payment_reference = reference
    award.save(update_fields=["paid_at", "payment_reference"])
    return {
        "amount": f"{award.amount:.2f}",
        "pay_year": award.pay_year,
        "paid_at": paid_at.isoformat(),
        "payment_reference": reference,
    }
