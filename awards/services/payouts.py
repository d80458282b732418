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
from applicants.models import CITY_PROGRAMME, Application, Status, User
from applicants.roles import Role
from applicants.services.cases import case_transition
from applicants.text import clean_text
from awards.errors import (
    ALLOCATION_INPUT_INVALID,
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
from awards.models import Award, Budget, PayoutPlanState
from awards.selectors import PAYOUT_STATES
from awards.services.plan_state import (
    paid_in_year,
    payment_check,
    plan_mark_current,
    plan_mark_stale,
    plan_state_locked,
)
from rules import AwardInput, RulesInputError, allocate

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


@transaction.atomic
def payouts_schedule_request(*, actor: User, programme: str = CITY_PROGRAMME) -> None:
    """Ask the background worker to (re)plan a programme's payout years after this commits."""
    from awards.tasks import schedule_payouts  # tasks import services; import at call time

    _require_finance(actor, programme)
    audit_append(action="payouts_requested", actor=actor, data={"programme": programme})
    transaction.on_commit(lambda: schedule_payouts.delay(programme))


@dataclass
class ScheduleReport:
    """What one planning run changed; all zero when it was run before on the same state."""

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


@transaction.atomic
def payouts_schedule(programme: str = CITY_PROGRAMME) -> ScheduleReport:
    """Plan which budget year pays each confirmed award of a programme (rules.allocate).

    Confirmed awards the plan places move to `scheduled` with their pay year; a scheduled award
    whose year the plan changes is moved (audited), or back to `confirmed` if no budget can pay it
    now. Paid awards stay fixed in the year that paid them. Running it again on the same state
    changes nothing. The system is the actor. Only the programme's own awards, budgets and
    quota take part.
    """
    # Lock every case the plan may touch, in id order, so two runs (or a run and a payment)
    # queue up instead of planning on a state that is changing under them.
    ids = list(
        Application.objects.select_for_update()
        .filter(status__in=PAYOUT_STATES, programme=programme)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    awards = list(
        Award.objects.filter(application_id__in=ids)
        .select_related("application")
        .order_by("application_id")
    )
    strategy = programmes.programme_strategy(programme)
    quota = programmes.programme_quota(programme)
    # After the case rows, before the budgets (the order every writer keeps).
    state = plan_state_locked(programme)
    # Locked so that a budget changed meanwhile waits for this plan instead of slipping past it.
    budgets = {
        b.year: b.amount
        for b in Budget.objects.select_for_update().filter(programme=programme).order_by("year")
    }
    inputs = [
        AwardInput(
            # Zero-padded so that ties on approval time break by id as numbers, not as text.
            id=f"{a.pk:012d}",
            item=a.application.item,
            amount=a.amount,
            approved_at=a.first_approved_at,
            quota_exempt=a.quota_exempt,
            paid_year=a.pay_year if a.application.status == Status.PAID else None,
        )
        for a in awards
    ]
    try:
        plan = allocate(
            budgets,
            inputs,
            strategy=strategy,
            quota_per_item=quota,
        )
    except RulesInputError as exc:
        raise ServiceError(ALLOCATION_INPUT_INVALID % {"errors": exc.errors}) from exc
    report = ScheduleReport()
    for award in awards:
        status = award.application.status
        year = plan.awards.get(f"{award.pk:012d}")
        if status == Status.PAID:
            continue
        if status == Status.CONFIRMED and year is not None:
            _schedule(award, year)
            report.scheduled.append(award.application_id)
        elif status == Status.CONFIRMED:
            report.queued.append(award.application_id)
        elif year is None:
            _unschedule(award)
            report.unscheduled.append(award.application_id)
        elif year != award.pay_year:
            _reschedule(award, year)
            report.rescheduled.append(award.application_id)
    plan_mark_current(state)
    return report


def payouts_replan_if_stale(programme: str = CITY_PROGRAMME) -> ScheduleReport | None:
    """Plan again if a budget or exemption change left the plan stale; None if it is current.

    What `plan_mark_stale` queues: a plan run since the change (by finance, or an earlier queued
    re-plan) already answered it, so nothing is planned twice for one change.
    """
    if not PayoutPlanState.objects.filter(programme=programme, stale=True).exists():
        return None
    return payouts_schedule(programme)


def _schedule(award: Award, year: int) -> None:
    def set_year(application: Application) -> dict:
        award.pay_year = year
        award.save(update_fields=["pay_year"])
        return {"pay_year": year, "amount": f"{award.amount:.2f}"}

    case_transition(
        application_id=award.application_id, action="schedule", actor=None, before_save=set_year
    )


def _unschedule(award: Award) -> None:
    previous = award.pay_year

    def clear_year(application: Application) -> dict:
        award.pay_year = None
        award.save(update_fields=["pay_year"])
        return {"from_pay_year": previous, "amount": f"{award.amount:.2f}"}

    case_transition(
        application_id=award.application_id, action="unschedule", actor=None, before_save=clear_year
    )


def _reschedule(award: Award, year: int) -> None:
    """A new pay year for a scheduled award; not a change of state, so only an audit entry."""
    previous = award.pay_year
    award.pay_year = year
    award.save(update_fields=["pay_year"])
    audit_append(
        action="reschedule",
        actor=None,
        application=award.application,
        from_status=Status.SCHEDULED,
        to_status=Status.SCHEDULED,
        data={"from_pay_year": previous, "pay_year": year, "amount": f"{award.amount:.2f}"},
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
