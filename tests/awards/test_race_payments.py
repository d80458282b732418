"""A payment racing a budget cut or a re-plan: never over the budget or the quota.

Real threads on PostgreSQL, released together by a barrier; the plan state row and the budget
rows are locked in the same order by every writer, so one waits for the other.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from applicants.errors import ServiceError
from applicants.models import Status
from awards.models import Award, Budget
from awards.services.decisions import case_decide
from awards.services.payouts import budget_set, payouts_schedule
from tests.awards.helpers import case_in, finance_user
from tests.awards.test_race import _race

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _on_postgresql() -> None:
    assert connection.vendor == "postgresql", "needs PostgreSQL row locks: run `make services`"


def _pay(case_id: int, finance) -> object:
    return case_decide(
        application_id=case_id,
        action="pay",
        actor=finance,
        payment_reference="ZF-RACE",
        paid_at=timezone.localdate(),
    )


def _paid_total() -> Decimal:
    return sum(
        (a.amount for a in Award.objects.filter(application__status=Status.PAID, pay_year=YEAR)),
        Decimal("0.00"),
    )


@pytest.mark.parametrize("attempt", range(3))
def test_a_payment_and_a_budget_cut_at_the_same_instant_never_overspend(attempt):
    case = case_in(Status.CONFIRMED, item="contest_national", facts={"prize_level": "first"})
    finance = finance_user()
    budget_set(year=YEAR, amount=Decimal("300000.00"), actor=finance)
    payouts_schedule()

    results = _race(
        lambda: _pay(case.pk, finance),
        lambda: budget_set(year=YEAR, amount=Decimal("100000.00"), actor=finance),
    )

    # The loser is refused with a reason, never a crash or a deadlock.
    assert all(isinstance(r, ServiceError) for r in results if isinstance(r, Exception)), results
    budget = Budget.objects.get(year=YEAR).amount
    assert _paid_total() <= budget
    # Exactly one of them went through: the payment (and the cut was refused below it) or the
    # cut (and the payment was held because the plan went stale).
    assert sum(not isinstance(r, Exception) for r in results) == 1, results


@pytest.mark.parametrize("attempt", range(3))
def test_a_payment_and_a_re_plan_at_the_same_instant_never_exceed_the_quota(attempt):
    cases = [case_in(Status.CONFIRMED, item="honor_provincial", facts={}) for _ in range(6)]
    finance = finance_user()
    budget_set(year=YEAR, amount=Decimal("1000000.00"), actor=finance)
    budget_set(year=YEAR + 1, amount=Decimal("1000000.00"), actor=finance)
    payouts_schedule()
    scheduled = [c.pk for c in cases if Award.objects.get(application=c).pay_year == YEAR]
    assert len(scheduled) == 5

    results = _race(
        lambda: _pay(scheduled[0], finance),
        payouts_schedule,
    )

    assert not any(isinstance(r, Exception) for r in results), results
    paid = Award.objects.filter(application__status=Status.PAID, pay_year=YEAR)
    assert paid.count() == 1
    this_year = Award.objects.filter(
        pay_year=YEAR, application__status__in=[Status.SCHEDULED, Status.PAID]
    )
    assert this_year.count() == 5
    assert _paid_total() <= Budget.objects.get(year=YEAR).amount
