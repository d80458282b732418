"""Approval stores the rules' amount with its version and trace; overrides and exemptions need a
written reason and are audited; the database refuses what the services would."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from applicants.errors import Conflict, NotAllowed, ServiceError
from applicants.models import Application, CaseEvent, Status
from awards.errors import (
    EXEMPT_REASON_REQUIRED,
    OVERRIDE_NOT_NOW,
    OVERRIDE_REASON_REQUIRED,
)
from awards.models import Award
from awards.services.decisions import (
    award_override,
    award_quota_exempt,
    case_decide,
    cases_bulk_decide,
)
from rules import load_rulebook
from tests.awards.helpers import case_in, object_and_uphold
from tests.factories import ApplicationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def _actions(case):
    return list(CaseEvent.objects.filter(application=case).values_list("action", flat=True))


def test_approval_stores_the_rules_amount_version_and_trace(city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED, facts={"prize_level": "second"})
    case_decide(application_id=case.pk, action="approve", actor=city_reviewer)
    award = Award.objects.get(application=case)
    assert award.amount == award.computed_amount == Decimal("80000.00")
    assert award.rules_version == load_rulebook().latest.version
    assert not award.overridden
    assert not award.quota_exempt
    assert award.approved_by == city_reviewer
    steps = [step["step"] for step in award.trace]
    assert steps[0] == "time_window"
    assert steps[-1] == "payable"
    assert all(step["clause"] and step["description_en"] for step in award.trace)
    assert award.facts["prize_level"] == "second"
    assert award.facts["event_date"] == "2025-06-01"
    event = CaseEvent.objects.get(application=case, action="approve")
    assert event.data["amount"] == "80000.00"
    assert event.data["rules_version"] == award.rules_version


def test_an_override_needs_a_reason_and_is_its_own_audit_entry(city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk,
            action="approve",
            actor=city_reviewer,
            amount=Decimal("50000.00"),
        )
    assert error.value.message == OVERRIDE_REASON_REQUIRED
    assert error.value.field == "override_reason"
    case.refresh_from_db()
    assert case.status == Status.REVIEWED
    assert not Award.objects.exists()

    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_reviewer,
        amount=Decimal("50000.00"),
        override_reason="已获其他市级政策支持 50000 元",
    )
    award = Award.objects.get(application=case)
    assert (award.amount, award.computed_amount, award.overridden) == (
        Decimal("50000.00"),
        Decimal("100000.00"),
        True,
    )
    assert _actions(case) == ["approve", "override"]
    override = CaseEvent.objects.get(application=case, action="override")
    assert override.reason == "已获其他市级政策支持 50000 元"
    assert override.data == {"computed_amount": "100000.00", "amount": "50000.00"}


def test_the_same_amount_as_computed_is_not_an_override(city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    case_decide(
        application_id=case.pk, action="approve", actor=city_reviewer, amount=Decimal("100000")
    )
    assert not Award.objects.get(application=case).overridden
    assert _actions(case) == ["approve"]


def test_a_quota_exemption_needs_a_reason_and_is_audited(city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk, action="approve", actor=city_reviewer, quota_exempt=True
        )
    assert error.value.message == EXEMPT_REASON_REQUIRED
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_reviewer,
        quota_exempt=True,
        exempt_reason="市政府重点项目",
    )
    award = Award.objects.get(application=case)
    assert award.quota_exempt
    assert award.exempt_reason == "市政府重点项目"
    assert _actions(case) == ["approve", "quota_exempt"]


def test_an_ineligible_case_is_approved_only_with_an_override(city_reviewer):
    case = ApplicationFactory(
        status=Status.REVIEWED, item="first_balance_sheet", facts={"entry_amount": "500000.00"}
    )
    with pytest.raises(ServiceError) as error:
        case_decide(application_id=case.pk, action="approve", actor=city_reviewer)
    assert "不符合奖励条件" in str(error.value.message)
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_reviewer,
        amount=Decimal("20000.00"),
        override_reason="市政府专题会议决定",
    )
    award = Award.objects.get(application=case)
    assert not award.computed_eligible
    assert award.computed_amount == Decimal("0.00")
    assert award.reasons


def test_bad_facts_refuse_approval_with_a_message(city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED, facts={"prize_level": "fourth"})
    with pytest.raises(ServiceError) as error:
        case_decide(application_id=case.pk, action="approve", actor=city_reviewer)
    assert "prize_level" in str(error.value.message)
    assert not Award.objects.exists()


def test_what_the_portal_already_granted_for_the_same_project_is_deducted(city_reviewer):
    enterprise = EnterpriseFactory()
    provincial = case_in(
        Status.APPROVED,
        enterprise=enterprise,
        project_name="城市数据大脑",
        item="contest_provincial",
    )
    national = ApplicationFactory(
        status=Status.REVIEWED,
        enterprise=enterprise,
        project_name="城市数据大脑",
        item="contest_national",
        facts={"prize_level": "first"},
    )
    case_decide(application_id=national.pk, action="approve", actor=city_reviewer)
    award = Award.objects.get(application=national)
    assert provincial.award.amount == Decimal("100000.00")
    assert award.amount == Decimal("200000.00")  # 300,000 − 100,000 already paid: a top-up
    assert award.facts["prior_awards_same_project"] == "100000.00"


def test_a_first_time_item_already_granted_is_not_first_time(city_reviewer):
    enterprise = EnterpriseFactory(applicant_type="data_trading_operator")
    facts = {"transaction_amount": "1000000.00"}
    case_in(Status.APPROVED, enterprise=enterprise, item="first_transaction", facts=facts)
    second = ApplicationFactory(
        status=Status.REVIEWED,
        enterprise=enterprise,
        item="first_transaction",
        project_name="另一个合同",
        facts=facts,
    )
    with pytest.raises(ServiceError):
        case_decide(application_id=second.pk, action="approve", actor=city_reviewer)


def test_approving_again_after_an_objection_keeps_one_award(city_reviewer):
    case = case_in(Status.ANNOUNCED)
    object_and_uphold(case)
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_reviewer,
        amount=Decimal("0.00"),
        override_reason="核实后不予奖励金额",
    )
    award = Award.objects.get(application=case)
    assert award.amount == Decimal("0.00")
    assert award.announcement_starts_on is None


def test_override_after_approval_only_before_announcement(city_reviewer):
    case = case_in(Status.APPROVED)
    award = award_override(
        application_id=case.pk, actor=city_reviewer, amount=Decimal("90000"), reason="核减"
    )
    assert award.overridden
    assert award.amount == Decimal("90000.00")
    event = CaseEvent.objects.filter(application=case, action="override").get()
    assert event.data["from_amount"] == "100000.00"
    with pytest.raises(ServiceError):
        award_override(application_id=case.pk, actor=city_reviewer, amount=Decimal("1"), reason="")
    announced = case_in(Status.ANNOUNCED)
    with pytest.raises(Conflict) as error:
        award_override(
            application_id=announced.pk, actor=city_reviewer, amount=Decimal("1"), reason="x"
        )
    assert error.value.message == OVERRIDE_NOT_NOW


def test_quota_exemption_can_be_granted_and_revoked_until_paid(city_reviewer, finance_user):
    case = case_in(Status.CONFIRMED)
    award_quota_exempt(application_id=case.pk, actor=city_reviewer, exempt=True, reason="重点")
    award_quota_exempt(application_id=case.pk, actor=city_reviewer, exempt=False, reason="撤销")
    award = Award.objects.get(application=case)
    assert not award.quota_exempt
    assert award.exempt_reason == ""
    assert _actions(case)[-2:] == ["quota_exempt", "quota_exempt_revoked"]
    with pytest.raises(NotAllowed):
        award_quota_exempt(application_id=case.pk, actor=finance_user, exempt=True, reason="x")
    paid = case_in(Status.PAID)
    with pytest.raises(Conflict):
        award_quota_exempt(application_id=paid.pk, actor=city_reviewer, exempt=True, reason="x")


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"amount": Decimal("-1.00")}, "award_amount_not_negative"),
        ({"overridden": True, "override_reason": ""}, "award_override_needs_reason"),
        ({"quota_exempt": True, "exempt_reason": ""}, "award_exemption_needs_reason"),
    ],
)
def test_the_database_refuses_an_award_without_its_reasons(city_reviewer, fields, constraint):
    case = case_in(Status.APPROVED)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Award.objects.filter(application=case).update(**fields)
    assert constraint in str(error.value)


def test_bulk_decisions_report_each_case(county_reviewer, other_county_reviewer):
    mine = ApplicationFactory.create_batch(2, status=Status.SUBMITTED, jurisdiction="411502")
    decided = ApplicationFactory(status=Status.RECOMMENDED, jurisdiction="411502")
    elsewhere = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411521")
    outcomes = cases_bulk_decide(
        application_ids=[c.pk for c in [*mine, decided, elsewhere]] + [999999],
        action="recommend",
        actor=county_reviewer,
    )
    by_id = {o.application_id: o for o in outcomes}
    assert all(by_id[c.pk].ok for c in mine)
    assert not by_id[decided.pk].ok
    assert "县区已推荐" in by_id[decided.pk].message
    assert not by_id[elsewhere.pk].ok
    assert not by_id[999999].ok
    statuses = Application.objects.filter(pk__in=[c.pk for c in mine]).values_list("status")
    assert set(statuses) == {(Status.RECOMMENDED,)}
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.SUBMITTED


def test_bulk_refuses_actions_that_need_a_reason(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(ServiceError):
        cases_bulk_decide(application_ids=[case.pk], action="county_reject", actor=county_reviewer)
