"""Money that could go out wrong: an override above the policy, a payment before its planned
year, money typed as people type it on the finance and decision forms, and the API's amounts."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applicants.errors import ServiceError
from applicants.fields import MONEY_MALFORMED
from applicants.models import CaseEvent, Status
from awards.errors import (
    AMOUNT_OVER_CEILING,
    AMOUNT_OVER_CEILING_AFTER_PRIOR,
    PAYMENT_BEFORE_PAY_YEAR,
)
from awards.models import Award, Budget, PayoutPlanState
from awards.services.decisions import award_override, case_decide
from awards.services.payouts import budget_set
from tests.api_helpers import api_errors
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, EnterpriseFactory, sign_in

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
REGISTRATION_CLAUSE = "四、促进数据合规流通交易（四）"
# 首登记: 30 % of a 100,000 fee is 30,000; the item pays 最高5万元.
REGISTRATION = {"assessment_fee": "100000.00", "certificate_issuer": "provincial_exchange"}


def _registration_case(**kwargs: object):
    return ApplicationFactory(
        status=Status.REVIEWED, item="first_registration", facts=dict(REGISTRATION), **kwargs
    )


def _over_ceiling(max_text: str, clause: str = REGISTRATION_CLAUSE) -> str:
    return str(AMOUNT_OVER_CEILING % {"max": max_text, "clause": clause})


# --- 1. an override never exceeds the policy -------------------------------------------------


def test_approval_above_the_items_cap_is_refused_naming_the_maximum_and_clause(city_reviewer):
    case = _registration_case()
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk,
            action="approve",
            actor=city_reviewer,
            amount=Decimal("60000.00"),
            override_reason="市政府专题会议决定",
        )
    assert error.value.field == "amount"
    assert str(error.value.message) == _over_ceiling("50,000.00")
    assert "50,000.00" in str(error.value.message)
    assert REGISTRATION_CLAUSE in str(error.value.message)
    case.refresh_from_db()
    assert case.status == Status.REVIEWED
    assert not Award.objects.exists()
    assert not CaseEvent.objects.filter(application=case).exists()


def test_the_refusal_is_in_english_on_an_english_page(city_reviewer):
    case = _registration_case()
    with translation.override("en"), pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk,
            action="approve",
            actor=city_reviewer,
            amount=Decimal("50000.01"),
            override_reason="x",
        )
    message = str(error.value.message)
    assert message.startswith("The approved amount may not exceed 50,000.00 yuan")
    assert REGISTRATION_CLAUSE in message


def test_an_override_up_to_the_cap_is_stored_beside_the_rules_trace(city_reviewer):
    case = _registration_case()
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_reviewer,
        amount=Decimal("50000.00"),
        override_reason="评估费发票另有一张，已核实",
    )
    award = Award.objects.get(application=case)
    assert (award.amount, award.computed_amount, award.overridden) == (
        Decimal("50000.00"),
        Decimal("30000.00"),
        True,
    )
    assert award.override_reason == "评估费发票另有一张，已核实"
    # The trace stays the rules' computation: 30,000, the cap not reached.
    steps = {step["step"]: step for step in award.trace}
    assert steps["cap"]["value"] == "30000.00"
    assert steps["payable"]["value"] == "30000.00"


def test_a_later_adjustment_above_the_cap_is_refused(city_reviewer):
    case = case_in(Status.APPROVED, item="first_registration", facts=dict(REGISTRATION))
    with pytest.raises(ServiceError) as error:
        award_override(
            application_id=case.pk,
            actor=city_reviewer,
            amount=Decimal("60000.00"),
            reason="调高",
        )
    assert error.value.field == "amount"
    assert str(error.value.message) == _over_ceiling("50,000.00")
    award = Award.objects.get(application=case)
    assert award.amount == Decimal("30000.00")
    assert not award.overridden
    assert not CaseEvent.objects.filter(application=case, action="override").exists()
    award_override(
        application_id=case.pk, actor=city_reviewer, amount=Decimal("50000.00"), reason="调高"
    )
    assert Award.objects.get(application=case).amount == Decimal("50000.00")


def test_a_level_item_is_capped_at_the_cases_own_level(city_reviewer):
    # A provincial second prize pays 80,000; the first prize's 100,000 is not this case's.
    case = ApplicationFactory(status=Status.REVIEWED, facts={"prize_level": "second"})
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk,
            action="approve",
            actor=city_reviewer,
            amount=Decimal("100000.00"),
            override_reason="按一等奖",
        )
    assert "80,000.00" in str(error.value.message)
    assert "三、加强数据资源开发利用（三）" in str(error.value.message)


def test_what_the_same_achievement_received_is_taken_off_the_ceiling(city_reviewer):
    enterprise = EnterpriseFactory()
    case_in(
        Status.APPROVED,
        enterprise=enterprise,
        item="contest_provincial",
        project_name="城市数据大脑",
    )
    national = ApplicationFactory(
        status=Status.REVIEWED,
        enterprise=enterprise,
        item="contest_national",
        project_name="城市数据大脑",
        facts={"prize_level": "first"},
    )
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=national.pk,
            action="approve",
            actor=city_reviewer,
            amount=Decimal("300000.00"),
            override_reason="按国家级一等奖全额",
        )
    assert str(error.value.message) == str(
        AMOUNT_OVER_CEILING_AFTER_PRIOR
        % {
            "max": "200,000.00",
            "clause": "三、加强数据资源开发利用（三）",
            "limit": "300,000.00",
            "prior": "100,000.00",
            "top_up_clause": "八、优化产业发展环境（五）",
        }
    )
    case_decide(
        application_id=national.pk,
        action="approve",
        actor=city_reviewer,
        amount=Decimal("150000.00"),
        override_reason="专题会议决定",
    )
    assert Award.objects.get(application=national).amount == Decimal("150000.00")


def test_an_already_awarded_achievement_cannot_be_paid_again_by_override(city_reviewer):
    enterprise = EnterpriseFactory()
    case_in(
        Status.APPROVED,
        enterprise=enterprise,
        item="honor_provincial",
        project_name="试点",
        facts={},
    )
    again = ApplicationFactory(
        status=Status.REVIEWED,
        enterprise=enterprise,
        item="honor_provincial",
        project_name="试点",
        facts={},
    )
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=again.pk,
            action="approve",
            actor=city_reviewer,
            amount=Decimal("0.01"),
            override_reason="再奖一次",
        )
    assert "0.00" in str(error.value.message)


def test_the_page_rerenders_the_approval_with_the_message(client, city_reviewer):
    case = _registration_case()
    sign_in(client, city_reviewer)
    response = client.post(
        reverse("awards:case_decide", args=[case.pk]),
        {"action": "approve", "amount": "60,000", "override_reason": "专题会议决定"},
    )
    assert response.status_code == 400
    form = response.context["decision_form"]
    assert form.errors["amount"] == [_over_ceiling("50,000.00")]
    html = response.content.decode()
    assert _over_ceiling("50,000.00") in html
    assert 'value="60,000"' in html  # what was typed stays
    assert not Award.objects.exists()


def test_the_adjustment_form_shows_the_message(client, city_reviewer):
    case = case_in(Status.APPROVED, item="first_registration", facts=dict(REGISTRATION))
    sign_in(client, city_reviewer)
    response = client.post(
        reverse("awards:award_override", args=[case.pk]),
        {"amount": "50,000.01", "reason": "调高"},
        follow=True,
    )
    assert _over_ceiling("50,000.00") in response.content.decode()
    assert Award.objects.get(application=case).amount == Decimal("30000.00")


def test_the_api_answers_400_with_the_amount_field_error(client, city_reviewer):
    case = _registration_case()
    sign_in(client, city_reviewer)
    response = client.post(
        f"{CASES}{case.pk}/transitions/",
        {"action": "approve", "amount": "60000.00", "override_reason": "专题会议决定"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert api_errors(response)["amount"] == [_over_ceiling("50,000.00")]
    assert not Award.objects.exists()


def test_the_api_case_detail_gives_the_amounts_as_the_queue_does(client, city_reviewer):
    case = _registration_case(expected_amount=Decimal("30000.00"))
    sign_in(client, city_reviewer)
    before = client.get(f"{CASES}{case.pk}/").json()
    assert (before["amount"], before["computed_amount"]) == ("30000.00", "30000.00")
    assert (before["overridden"], before["override_reason"]) == (False, "")
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_reviewer,
        amount=Decimal("45000.00"),
        override_reason="另有发票",
    )
    body = client.get(f"{CASES}{case.pk}/").json()
    row = next(r for r in client.get(CASES).json()["results"] if r["id"] == case.pk)
    for shape in (body, row):
        assert (shape["amount"], shape["computed_amount"], shape["overridden"]) == (
            "45000.00",
            "30000.00",
            True,
        )
    assert body["override_reason"] == "另有发票"
    award = body["award"]
    assert (award["amount"], award["computed_amount"], award["overridden"]) == (
        "45000.00",
        "30000.00",
        True,
    )
    assert award["override_reason"] == "另有发票"


def test_the_api_schema_says_which_amounts_may_be_null(client, city_reviewer):
    sign_in(client, city_reviewer)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    detail = schema["components"]["schemas"]["CaseDetail"]["properties"]
    assert detail["amount"]["nullable"] is True
    assert detail["computed_amount"]["nullable"] is True
    assert detail["override_reason"]["type"] == "string"
    assert detail["overridden"]["type"] == "boolean"
    listed = schema["components"]["schemas"]["CaseList"]["properties"]
    assert listed["amount"]["nullable"] is True
    block = schema["components"]["schemas"]["CaseAmount"]["properties"]
    assert block["amount"]["nullable"] is True
    assert block["override_reason"]["type"] == "string"


# --- 4. payments respect the plan ------------------------------------------------------------


def test_a_payment_before_the_planned_pay_year_is_refused(finance_user):
    today = timezone.localdate()
    case = case_in(Status.SCHEDULED, pay_year=today.year + 1)
    PayoutPlanState.objects.update_or_create(programme="city", defaults={"stale": False})
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk,
            action="pay",
            actor=finance_user,
            payment_reference="ZF-0001",
            paid_at=today,
        )
    assert error.value.field == "paid_at"
    assert str(error.value.message) == str(PAYMENT_BEFORE_PAY_YEAR % {"year": today.year + 1})
    assert str(today.year + 1) in str(error.value.message)
    case.refresh_from_db()
    assert case.status == Status.SCHEDULED
    assert Award.objects.get(application=case).paid_at is None


def test_a_payment_in_or_after_the_planned_year_goes_through(finance_user):
    today = timezone.localdate()
    case = case_in(Status.SCHEDULED, pay_year=today.year)
    PayoutPlanState.objects.update_or_create(programme="city", defaults={"stale": False})
    case_decide(
        application_id=case.pk,
        action="pay",
        actor=finance_user,
        payment_reference="ZF-0002",
        paid_at=today,
    )
    case.refresh_from_db()
    assert case.status == Status.PAID


def test_the_pay_form_shows_the_planned_year_refusal(client, finance_user):
    today = timezone.localdate()
    case = case_in(Status.SCHEDULED, pay_year=today.year + 1)
    PayoutPlanState.objects.update_or_create(programme="city", defaults={"stale": False})
    sign_in(client, finance_user)
    response = client.post(
        reverse("awards:case_decide", args=[case.pk]),
        {"action": "pay", "payment_reference": "ZF-0003", "paid_at": today.isoformat()},
    )
    assert response.status_code == 400
    expected = str(PAYMENT_BEFORE_PAY_YEAR % {"year": today.year + 1})
    assert response.context["decision_form"].errors["paid_at"] == [expected]


# --- 5. money typed as people type it on the officials' forms --------------------------------


@pytest.mark.parametrize("typed", ["350,000", "３５００００", "350，000.00", " 350000.0 "])
def test_finance_types_a_budget_as_the_enterprise_forms_accept_it(client, finance_user, typed):
    sign_in(client, finance_user)
    response = client.post(reverse("awards:finance"), {"year": "2027", "amount": typed})
    assert response.status_code == 302
    assert Budget.objects.get(year=2027).amount == Decimal("350000.00")


@pytest.mark.parametrize("typed", ["35,00", "abc", "-1", "1.234", "1000000000000"])
def test_a_bad_budget_amount_is_shown_by_the_server(client, finance_user, typed):
    sign_in(client, finance_user)
    response = client.post(reverse("awards:finance"), {"year": "2027", "amount": typed})
    assert response.status_code == 400
    errors = response.context["form"].errors["amount"]
    assert errors
    assert errors[0] in response.content.decode()
    assert not Budget.objects.exists()


def test_the_finance_and_case_pages_have_no_number_inputs(client, finance_user, city_reviewer):
    sign_in(client, finance_user)
    finance = client.post(reverse("awards:finance"), {"year": "2027", "amount": "35,00"})
    html = finance.content.decode()
    assert 'type="number"' not in html
    assert str(MONEY_MALFORMED) in html
    case = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, city_reviewer)
    assert (
        'type="number"'
        not in client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    )
    approved = case_in(Status.APPROVED)
    page = client.get(reverse("awards:case_detail", args=[approved.pk])).content.decode()
    assert 'type="number"' not in page
    assert 'inputmode="decimal"' in page


def test_the_city_types_an_approved_amount_with_separators(client, city_reviewer):
    case = _registration_case()
    sign_in(client, city_reviewer)
    response = client.post(
        reverse("awards:case_decide", args=[case.pk]),
        {"action": "approve", "amount": "４５，０００.００", "override_reason": "另有发票"},
    )
    assert response.status_code == 302
    assert Award.objects.get(application=case).amount == Decimal("45000.00")
    response = client.post(
        reverse("awards:award_override", args=[case.pk]),
        {"amount": "40,000", "reason": "核减"},
    )
    assert response.status_code == 302
    assert Award.objects.get(application=case).amount == Decimal("40000.00")
    bad = client.post(
        reverse("awards:award_override", args=[case.pk]), {"amount": "4,00,00", "reason": "x"}
    )
    assert bad.status_code == 400
    assert str(MONEY_MALFORMED) in bad.content.decode()


def test_the_budget_service_refuses_what_a_money_column_cannot_hold(finance_user):
    with pytest.raises(ServiceError) as error:
        budget_set(year=2027, amount=Decimal("1000000000000.00"), actor=finance_user)
    assert error.value.field == "amount"
    assert "999,999,999,999.99" in str(error.value.message)


def test_the_default_pay_date_today_is_checked_against_the_plan_too(finance_user):
    today = timezone.localdate()  # Beijing: TIME_ZONE is Asia/Shanghai
    case = case_in(Status.SCHEDULED, pay_year=today.year + 1)
    PayoutPlanState.objects.update_or_create(programme="city", defaults={"stale": False})
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk, action="pay", actor=finance_user, payment_reference="ZF-9"
        )
    assert error.value.code == "before_pay_year"
