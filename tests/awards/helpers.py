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


# A public objection as the services accept it (a real name, a telephone, ten characters).
OBJECTION = {"name": "王五", "phone": "13800000000", "text": "该项目获奖信息与公告不符，请核查。"}


def object_to(case: Application, **objection: str) -> None:
    """File a public objection to an announced case: it is held (异议核实中)."""
    from awards.announcements.services import objection_file

    objection_file(application_id=case.pk, **{**OBJECTION, **objection})


def object_and_uphold(case: Application, *, outcome: str = "uphold") -> None:
    """An objection the city upholds: the case goes back to review (or is rejected)."""
    from awards.announcements.services import objection_resolve
    from awards.models import Objection

    object_to(case)
    objection = Objection.objects.filter(application=case, state="open").latest("id")
    objection_resolve(
        objection_id=objection.pk, actor=city_user(), outcome=outcome, reason="经核实，异议成立。"
    )


def case_in(status: str, *, pay_year: int = 2026, **factory_kwargs: object) -> Application:
    """A case in `status`; from `approved` on it got there through the real decisions (`held`:
    announced, then a public objection)."""
    if status == Status.HELD:
        case = case_in(Status.ANNOUNCED, **factory_kwargs)
        object_to(case)
        return _fresh(case)
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


def award_on(case: Application, amount: str, *, pay_year: int | None = None) -> Award:
    """An award of `amount` written straight to the table (no decision), for tests of what the
    database keeps about it."""
    now = timezone.now()
    return Award.objects.create(
        application=case,
        amount=Decimal(amount),
        computed_amount=Decimal(amount),
        rules_version="test",
        approved_by=make_user(Role.CITY_REVIEWER),
        approved_at=now,
        first_approved_at=now,
        pay_year=pay_year,
    )
