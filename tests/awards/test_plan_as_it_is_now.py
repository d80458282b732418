"""A payment checks the plan as it is now, not as it was when it was made (issue: stale plans)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from applicants.errors import Conflict, ServiceError
from applicants.models import Status
from awards.errors import BUDGET_BELOW_PAID, PAYMENT_OVER_BUDGET
from awards.models import Award, Budget, PayoutPlanState
from awards.services.decisions import award_quota_exempt, case_decide
from awards.services.payouts import budget_set, payouts_schedule
from tests.awards.helpers import case_in, city_user, finance_user

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def _pay(case, reference="ZF-1"):
    return case_decide(
        application_id=case.pk,
        action="pay",
        actor=finance_user(),
        payment_reference=reference,
        paid_at=timezone.localdate(),
    )


def _planned(status_cases):
    payouts_schedule()
    return [Award.objects.select_related("application").get(application=c) for c in status_cases]


def test_a_budget_cut_after_planning_holds_the_payment_until_the_plan_is_current():
    case = case_in(Status.CONFIRMED, item="contest_national", facts={"prize_level": "first"})
    budget_set(year=YEAR, amount=Decimal("300000.00"), actor=finance_user())
    (award,) = _planned([case])
    assert award.application.status == Status.SCHEDULED
    assert award.pay_year == YEAR

    budget_set(year=YEAR, amount=Decimal("100000.00"), actor=finance_user())
    state = PayoutPlanState.objects.get()
    assert state.stale
    with pytest.raises(ServiceError) as refused:
        _pay(case)
    assert refused.value.code == "plan_stale"

    # The re-plan that the budget change queued: the award no longer fits, so it goes back.
    payouts_schedule()
    assert not PayoutPlanState.objects.get().stale
    case.refresh_from_db()
    assert case.status == Status.CONFIRMED
    with pytest.raises(Conflict):
        _pay(case)
    assert not Award.objects.filter(application__status=Status.PAID).exists()


def test_a_budget_changed_behind_the_plans_back_is_still_checked_at_payment():
    case = case_in(Status.CONFIRMED, item="contest_national", facts={"prize_level": "first"})
    budget_set(year=YEAR, amount=Decimal("300000.00"), actor=finance_user())
    _planned([case])
    Budget.objects.filter(year=YEAR).update(amount=Decimal("100000.00"))  # no service, no stale
    with pytest.raises(ServiceError) as refused:
        _pay(case)
    assert refused.value.code == "over_budget"
    assert str(refused.value.message) == str(
        PAYMENT_OVER_BUDGET
        % {
            "year": YEAR,
            "budget": "100,000.00",
            "paid": "0.00",
            "remaining": "100,000.00",
            "amount": "300,000.00",
        }
    )


def test_a_revoked_exemption_holds_the_sixth_payment_of_one_item_in_one_year():
    cases = [case_in(Status.CONFIRMED, item="honor_provincial", facts={}) for _ in range(6)]
    award_quota_exempt(
        application_id=cases[5].pk, actor=city_user(), exempt=True, reason="市政府专题会议决定"
    )
    budget_set(year=YEAR, amount=Decimal("1000000.00"), actor=finance_user())
    awards = _planned(cases)
    assert [a.pay_year for a in awards] == [YEAR] * 6  # five in the quota, one exempt

    award_quota_exempt(
        application_id=cases[5].pk, actor=city_user(), exempt=False, reason="复核后取消"
    )
    assert PayoutPlanState.objects.get().stale
    for case in cases:
        with pytest.raises(ServiceError) as refused:
            _pay(case)
        assert refused.value.code == "plan_stale"

    # Even were the plan left as it was, the sixth non-exempt payment finds no quota place.
    PayoutPlanState.objects.update(stale=False)
    for number, case in enumerate(cases[:5]):
        _pay(case, reference=f"ZF-{number}")
    with pytest.raises(ServiceError) as refused:
        _pay(cases[5], reference="ZF-6")
    assert refused.value.code == "over_quota"
    assert "5" in str(refused.value.message)
    assert Award.objects.filter(application__status=Status.PAID).count() == 5


def test_after_the_re_plan_the_sixth_moves_to_next_year():
    cases = [case_in(Status.CONFIRMED, item="honor_provincial", facts={}) for _ in range(6)]
    award_quota_exempt(
        application_id=cases[5].pk, actor=city_user(), exempt=True, reason="市政府专题会议决定"
    )
    budget_set(year=YEAR, amount=Decimal("1000000.00"), actor=finance_user())
    budget_set(year=YEAR + 1, amount=Decimal("1000000.00"), actor=finance_user())
    _planned(cases)
    award_quota_exempt(
        application_id=cases[5].pk, actor=city_user(), exempt=False, reason="复核后取消"
    )
    awards = _planned(cases)
    assert [a.pay_year for a in awards] == [YEAR] * 5 + [YEAR + 1]


def test_a_budget_is_never_set_below_what_its_year_has_paid():
    case = case_in(
        Status.PAID, pay_year=YEAR, item="contest_national", facts={"prize_level": "first"}
    )
    paid = Award.objects.get(application=case).amount
    with pytest.raises(ServiceError) as refused:
        budget_set(year=YEAR, amount=paid - Decimal("0.01"), actor=finance_user())
    assert refused.value.field == "amount"
    assert str(refused.value.message) == str(
        BUDGET_BELOW_PAID % {"year": YEAR, "paid": f"{paid:,.2f}"}
    )
    budget_set(year=YEAR, amount=paid, actor=finance_user())
    assert Budget.objects.get(year=YEAR).amount == paid


def test_a_budget_change_queues_a_re_plan_after_commit(django_capture_on_commit_callbacks):
    case = case_in(Status.CONFIRMED, item="honor_provincial", facts={})
    with django_capture_on_commit_callbacks(execute=True):
        budget_set(year=YEAR, amount=Decimal("500000.00"), actor=finance_user())
    case.refresh_from_db()
    assert case.status == Status.SCHEDULED
    assert not PayoutPlanState.objects.get().stale
