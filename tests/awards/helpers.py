"""Build cases anywhere in the workflow through the real services (so awards and audit exist)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from applicants.models import Application, Status, User
from applicants.roles import Role
from applicants.services.cases import case_transition
from awards.models import Award, Budget, PayoutPlanState
from awards.services.decisions import case_decide
from tests.factories import ApplicationFactory, make_user

# The states a case reaches through approval and after, in order.
AWARD_PATH = (Status.APPROVED, Status.ANNOUNCED, Status.CONFIRMED, Status.SCHEDULED, Status.PAID)


def city_user() -> User:
    return User.objects.filter(role=Role.CITY_REVIEWER).first() or make_user(Role.CITY_REVIEWER)


def finance_user() -> User:
    return User.objects.filter(role=Role.FINANCE).first() or make_user(Role.FINANCE)


def end_announcement(case: Application) -> None:
    """Move the case's 公示 period into the past, as if its days had run out."""
    today = timezone.localdate()
    Award.objects.filter(application=case).update(
        announcement_starts_on=today - datetime.timedelta(days=8),
        announcement_ends_on=today - datetime.timedelta(days=2),
    )


def case_in(status: str, *, pay_year: int = 2026, **factory_kwargs: object) -> Application:
    """A case in `status`; from `approved` on it got there through the real decisions."""
    if status not in AWARD_PATH:
        return ApplicationFactory(status=status, **factory_kwargs)
    case = ApplicationFactory(status=Status.REVIEWED, **factory_kwargs)
    city = city_user()
    case_decide(application_id=case.pk, action="approve", actor=city)
    if status == Status.APPROVED:
        return _fresh(case)
    case_decide(application_id=case.pk, action="announce", actor=city)
    if status == Status.ANNOUNCED:
        return _fresh(case)
    end_announcement(case)
    case_decide(application_id=case.pk, action="confirm", actor=city)
    if status == Status.CONFIRMED:
        return _fresh(case)

    def set_year(application: Application) -> dict:
        Award.objects.filter(application=application).update(pay_year=pay_year)
        return {"pay_year": pay_year}

    # A scheduled award was planned into a budgeted year (set directly: `budget_set` would mark
    # the plan stale and queue a re-plan).
    Budget.objects.get_or_create(year=pay_year, defaults={"amount": Decimal("100000000.00")})
    case_transition(application_id=case.pk, action="schedule", actor=None, before_save=set_year)
    if status == Status.SCHEDULED:
        return _fresh(case)
    # As if the re-plan that an earlier budget or exemption change queued had already run.
    PayoutPlanState.objects.update(stale=False)
    case_decide(
        application_id=case.pk,
        action="pay",
        actor=finance_user(),
        payment_reference="ZF-2026-0001",
        paid_at=timezone.localdate(),
    )
    return _fresh(case)


def _fresh(case: Application) -> Application:
    return Application.objects.select_related("award", "enterprise").get(pk=case.pk)


def money(text: str) -> Decimal:
    return Decimal(text)
