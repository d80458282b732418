"""Top-ups follow the awards they deducted; re-approval keeps its queue place and decisions.

Each scenario ends with exactly the highest amount the policy gives one project, and each
change on the way is its own audit entry.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from applicants.models import Application, CaseEvent, Status
from applicants.services.applications import (
    ApplicationInput,
    application_submit,
    application_update,
)
from awards.models import Award, AwardDeduction, AwardRecovery
from awards.services.decisions import award_override, case_decide
from awards.services.dependents import award_reprice_decide
from tests.awards.helpers import case_in, city_user, object_and_uphold
from tests.factories import ApplicationFactory, EnterpriseFactory, upload

pytestmark = pytest.mark.django_db

PROJECT = "茶产业数据要素应用"


def _national(enterprise, *, status=Status.REVIEWED):
    return ApplicationFactory(
        enterprise=enterprise,
        item="contest_national",
        project_name=PROJECT,
        facts={"prize_level": "first"},
        status=status,
    )


def _provincial(enterprise, status, level="first"):
    return case_in(
        status,
        enterprise=enterprise,
        item="contest_provincial",
        project_name=PROJECT,
        facts={"prize_level": level},
    )


def _approve(case, **extra):
    return case_decide(application_id=case.pk, action="approve", actor=city_user(), **extra)


def _amount(case) -> Decimal:
    return Award.objects.get(application=case).amount


def _actions(case) -> list[str]:
    return list(
        CaseEvent.objects.filter(application=case).order_by("id").values_list("action", flat=True)
    )


def _total(enterprise) -> Decimal:
    granted = Award.objects.filter(
        application__enterprise=enterprise,
        application__status__in=[
            Status.APPROVED,
            Status.ANNOUNCED,
            Status.CONFIRMED,
            Status.SCHEDULED,
            Status.PAID,
        ],
    )
    return sum((a.amount for a in granted), Decimal("0.00"))


def test_a_top_up_records_what_it_deducted():
    enterprise = EnterpriseFactory()
    provincial = _provincial(enterprise, Status.ANNOUNCED)
    national = _national(enterprise)
    _approve(national)
    deduction = AwardDeduction.objects.get(award__application=national)
    assert deduction.deducted_award.application_id == provincial.pk
    assert deduction.amount == Decimal("100000.00")


def test_a_rejected_provincial_award_raises_the_national_top_up_to_the_full_amount():
    """Provincial 1st (100,000) announced, national 1st top-up 200,000, objection, rejection."""
    enterprise = EnterpriseFactory()
    provincial = _provincial(enterprise, Status.ANNOUNCED)
    national = _national(enterprise)
    _approve(national)
    assert _amount(national) == Decimal("200000.00")

    object_and_uphold(provincial)
    assert _amount(national) == Decimal("200000.00")  # pending, not undone
    case_decide(
        application_id=provincial.pk,
        action="city_reject",
        actor=city_user(),
        reason="经核实获奖信息有误",
    )
    assert _amount(national) == Decimal("300000.00")
    assert _total(enterprise) == Decimal("300000.00")
    event = CaseEvent.objects.filter(application=national, action="reprice").get()
    assert event.data["from_amount"] == "200000.00"
    assert event.data["amount"] == "300000.00"
    assert event.data["because_case"] == provincial.pk


def test_an_announced_top_up_is_flagged_to_the_city_with_both_amounts():
    enterprise = EnterpriseFactory()
    provincial = _provincial(enterprise, Status.ANNOUNCED)
    national = _national(enterprise)
    _approve(national)
    case_decide(application_id=national.pk, action="announce", actor=city_user())
    object_and_uphold(provincial)
    case_decide(
        application_id=provincial.pk, action="city_reject", actor=city_user(), reason="不属实"
    )
    award = Award.objects.get(application=national)
    assert award.amount == Decimal("200000.00")  # the public saw this: the city decides
    assert award.reprice_to == Decimal("300000.00")
    assert "reprice_flagged" in _actions(national)

    award_reprice_decide(application_id=national.pk, actor=city_user(), accept=True)
    award.refresh_from_db()
    assert award.amount == Decimal("300000.00")
    assert award.reprice_to is None
    assert _actions(national)[-1] == "reprice_accepted"
    assert _total(enterprise) == Decimal("300000.00")


def test_a_provincial_award_lowered_by_override_raises_the_top_up_to_the_highest_amount():
    enterprise = EnterpriseFactory()
    provincial = _provincial(enterprise, Status.APPROVED, level="second")  # 80,000
    national = _national(enterprise)
    _approve(national)
    assert _amount(national) == Decimal("220000.00")
    award_override(
        application_id=provincial.pk,
        actor=city_user(),
        amount=Decimal("50000.00"),
        reason="按实际获奖等次核减",
    )
    assert _amount(national) == Decimal("250000.00")
    assert _total(enterprise) == Decimal("300000.00")


def _resubmit_as_first_prize(provincial: Application) -> None:
    member = provincial.created_by
    application_update(
        actor=member,
        application_id=provincial.pk,
        data=ApplicationInput(
            project_name=provincial.project_name,
            event_date=provincial.event_date,
            facts={"prize_level": "first"},
            declaration_accepted=True,
        ),
        evidence={"award_certificate": upload(), "award_notice": upload("获奖文件.pdf")},
    )
    application_submit(actor=member, application_id=provincial.pk)
    Application.objects.filter(pk=provincial.pk).update(
        status=Status.REVIEWED, recommended_at=timezone.now()
    )


def test_a_provincial_award_approved_again_higher_lowers_the_unpaid_top_up():
    """Provincial 2nd (80,000), national top-up 220,000; corrected to 1st and approved again."""
    enterprise = EnterpriseFactory()
    provincial = _provincial(enterprise, Status.ANNOUNCED, level="second")
    national = _national(enterprise)
    _approve(national)
    assert _amount(national) == Decimal("220000.00")
    object_and_uphold(provincial)
    case_decide(
        application_id=provincial.pk, action="city_return", actor=city_user(), reason="请更正等次"
    )
    _resubmit_as_first_prize(provincial)
    _approve(provincial)
    assert _amount(provincial) == Decimal("100000.00")
    assert _amount(national) == Decimal("200000.00")
    assert _total(enterprise) == Decimal("300000.00")


def test_after_payment_a_shortfall_becomes_a_new_top_up_case_for_the_city():
    enterprise = EnterpriseFactory()
    provincial = _provincial(enterprise, Status.ANNOUNCED)
    national = case_in(
        Status.PAID,
        enterprise=enterprise,
        item="contest_national",
        project_name=PROJECT,
        facts={"prize_level": "first"},
    )
    assert _amount(national) == Decimal("200000.00")
    object_and_uphold(provincial)
    case_decide(
        application_id=provincial.pk, action="city_reject", actor=city_user(), reason="不属实"
    )
    assert _amount(national) == Decimal("200000.00")  # paid: never changed
    topup = Application.objects.get(
        enterprise=enterprise, item="contest_national", status=Status.REVIEWED
    )
    assert "topup_case_created" in _actions(national)
    _approve(topup)
    assert _amount(topup) == Decimal("100000.00")
    assert _total(enterprise) == Decimal("300000.00")


def test_after_payment_an_excess_becomes_a_recovery_for_finance():
    enterprise = EnterpriseFactory()
    provincial = _provincial(enterprise, Status.ANNOUNCED, level="second")
    national = case_in(
        Status.PAID,
        enterprise=enterprise,
        item="contest_national",
        project_name=PROJECT,
        facts={"prize_level": "first"},
    )
    assert _amount(national) == Decimal("220000.00")
    object_and_uphold(provincial)
    case_decide(
        application_id=provincial.pk, action="city_return", actor=city_user(), reason="请更正等次"
    )
    _resubmit_as_first_prize(provincial)
    _approve(provincial)
    recovery = AwardRecovery.objects.get(award__application=national)
    assert recovery.amount == Decimal("20000.00")
    assert _amount(national) == Decimal("220000.00")
    assert "recovery_recorded" in _actions(national)


# --- re-approval after an objection ------------------------------------------------------------


def test_re_approval_keeps_the_first_approval_time_the_override_and_the_exemption():
    enterprise = EnterpriseFactory()
    case = ApplicationFactory(
        enterprise=enterprise,
        item="contest_provincial",
        facts={"prize_level": "first"},
        status=Status.REVIEWED,
    )
    _approve(
        case,
        amount=Decimal("90000.00"),
        override_reason="按会议纪要核定",
        quota_exempt=True,
        exempt_reason="市政府重点项目",
    )
    first = Award.objects.get(application=case)
    case_decide(application_id=case.pk, action="announce", actor=city_user())
    object_and_uphold(case)
    _approve(case)  # the objection was looked into and dismissed: approve again, unchanged

    again = Award.objects.get(application=case)
    assert again.first_approved_at == first.first_approved_at
    assert again.approved_at >= first.approved_at
    assert (again.amount, again.overridden, again.override_reason) == (
        Decimal("90000.00"),
        True,
        "按会议纪要核定",
    )
    assert (again.quota_exempt, again.exempt_reason) == (True, "市政府重点项目")
    actions = _actions(case)
    # Set once, carried over: no second override or exemption entry.
    assert actions.count("override") == 1
    assert actions.count("quota_exempt") == 1


def test_an_exemption_lifted_at_re_approval_is_its_own_entry():
    case = ApplicationFactory(status=Status.REVIEWED)
    _approve(case, quota_exempt=True, exempt_reason="市政府重点项目")
    case_decide(application_id=case.pk, action="announce", actor=city_user())
    object_and_uphold(case)
    _approve(case, quota_exempt=False)
    assert not Award.objects.get(application=case).quota_exempt
    revoked = CaseEvent.objects.filter(application=case, action="quota_exempt_revoked").get()
    assert revoked.reason == "市政府重点项目"
    assert revoked.data["quota_exempt"] is False


def test_the_payout_queue_orders_by_the_first_approval():
    from awards.models import Budget
    from awards.services.payouts import payouts_schedule

    year = timezone.localdate().year
    early = ApplicationFactory(item="honor_provincial", facts={}, status=Status.REVIEWED)
    _approve(early)
    case_decide(application_id=early.pk, action="announce", actor=city_user())
    object_and_uphold(early)
    later = [
        case_in(Status.CONFIRMED, item="honor_provincial", facts={}) for _ in range(5)
    ]  # approved while the first was under objection
    _approve(early)
    case_decide(application_id=early.pk, action="announce", actor=city_user())
    Award.objects.filter(application=early).update(
        announcement_starts_on=timezone.localdate() - timezone.timedelta(days=9),
        announcement_ends_on=timezone.localdate() - timezone.timedelta(days=2),
    )
    case_decide(application_id=early.pk, action="confirm", actor=city_user())
    Budget.objects.create(year=year, amount=Decimal("10000000.00"))
    Budget.objects.create(year=year + 1, amount=Decimal("10000000.00"))
    payouts_schedule()
    assert Award.objects.get(application=early).pay_year == year
    years = sorted(Award.objects.get(application=c).pay_year for c in later)
    assert years == [year] * 4 + [year + 1]
