"""One normaliser for every free-text input: forms, the API and the services (the last line).

Invisible characters (U+200B zero-width space…) do not make a value, and a bidi override (U+202E,
which turns what an official reads around) is never stored.
"""

import inspect

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import ValidationError as DrfValidationError

import applicants.forms
import awards.announcements.forms
import awards.forms
import portal.forms
from applicants.errors import FIELD_REQUIRED, PROJECT_NAME_REQUIRED, REASON_REQUIRED, ServiceError
from applicants.fields import CleanCharField
from applicants.models import Application, CaseEvent, Enterprise, Status
from applicants.serializer_fields import CleanCharField as CleanApiCharField
from applicants.services.applications import (
    ApplicationInput,
    application_create,
    application_update,
    application_withdraw,
)
from applicants.services.cases import case_transition
from applicants.services.enterprises import EnterpriseInput, enterprise_register
from awards.announcements.errors import OBJECTOR_NAME_INVALID
from awards.announcements.forms import ObjectionForm
from awards.api import TransitionInputSerializer
from awards.errors import PAYMENT_REFERENCE_REQUIRED
from awards.models import Award, Objection, PayoutPlanState
from awards.services.announcements import objection_file
from awards.services.decisions import award_override, award_quota_exempt, case_decide
from rules import load_rulebook
from tests.api_helpers import api_errors
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, credit_code_for, sign_in, upload

pytestmark = pytest.mark.django_db

ZWSP = "\u200b"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
INVISIBLE_ONLY = f"{ZWSP}{ZWSP}\ufeff\u2060"


# --- every free-text field is the one normalising field --------------------------------------

# Fields that are not free text: choices, dates, e-mail, money, usernames (a validator refuses
# anything but letters, digits and @/./+/-/_), passwords, files, ids.
_NOT_FREE_TEXT = (
    forms.ChoiceField,
    forms.DateField,
    forms.EmailField,
    forms.BooleanField,
    forms.FileField,
    forms.IntegerField,
)


def _form_classes():
    for module in (applicants.forms, awards.forms, awards.announcements.forms, portal.forms):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.Form) and cls.__module__ == module.__name__:
                yield cls


def _text_fields(form: forms.Form):
    for name, field in form.fields.items():
        if name == "username" or "password" in name or isinstance(field, _NOT_FREE_TEXT):
            continue
        if type(field).__name__ in {"MoneyField", "IdListField"}:
            continue
        yield name, field


def _instances():
    version = load_rulebook().latest
    for cls in _form_classes():
        if cls is applicants.forms.ApplicationForm:
            for item, rule in version.items.items():
                yield f"ApplicationForm[{item}]", cls(rule=rule, version=version)
        elif cls is portal.forms.CalculatorForm:
            for item in version.items:
                yield f"CalculatorForm[{item}]", cls(version=version, item=item, lang="zh")
        else:
            try:
                yield cls.__name__, cls()
            except TypeError:  # Django's password forms take the user first
                yield cls.__name__, cls(None)


def test_every_free_text_form_field_is_a_clean_char_field():
    seen = set()
    for label, form in _instances():
        for name, field in _text_fields(form):
            seen.add(f"{label.split('[')[0]}.{name}")
            assert isinstance(field, CleanCharField), f"{label}.{name}"
            if isinstance(field.widget, forms.Textarea):
                assert field.multiline, f"{label}.{name} is a textarea"
    # The ones the issue names are among them.
    for name in (
        "RegistrationForm.name",
        "RegistrationForm.contact_name",
        "InviteForm.display_name",
        "WithdrawForm.reason",
        "ApplicationForm.project_name",
        "ApplicationForm.description",
        "DecisionForm.reason",
        "DecisionForm.override_reason",
        "DecisionForm.exempt_reason",
        "DecisionForm.payment_reference",
        "OverrideForm.reason",
        "ExemptForm.reason",
        "ObjectionForm.name",
        "ObjectionForm.phone",
        "ObjectionForm.text",
        "ObjectionResolveForm.reason",
    ):
        assert name in seen, name


def test_every_api_text_input_is_the_clean_api_field():
    fields = TransitionInputSerializer().fields
    for name in ("reason", "override_reason", "exempt_reason", "payment_reference"):
        assert isinstance(fields[name], CleanApiCharField), name
    assert fields["reason"].multiline
    assert not fields["payment_reference"].multiline


def test_the_api_field_cleans_before_its_blank_check():
    required = CleanApiCharField()
    with pytest.raises(DrfValidationError) as error:
        required.run_validation(INVISIBLE_ONLY)
    assert "blank" in str(error.value.detail[0].code)
    assert CleanApiCharField(allow_blank=True).run_validation(INVISIBLE_ONLY) == ""
    assert CleanApiCharField(max_length=3).run_validation(f"a{ZWSP * 10}bc") == "abc"
    assert CleanApiCharField(multiline=True).run_validation(f"一{RLO}\r\n二") == "一\n二"


# --- a payment reference of two zero-width spaces is "required" -------------------------------


def _scheduled_case():
    case = case_in(Status.SCHEDULED, pay_year=timezone.localdate().year)
    PayoutPlanState.objects.update_or_create(programme="city", defaults={"stale": False})
    return case


def test_a_payment_reference_of_zero_width_spaces_is_required_in_the_service(finance_user):
    case = _scheduled_case()
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk,
            action="pay",
            actor=finance_user,
            payment_reference=ZWSP * 2,
        )
    assert error.value.message == PAYMENT_REFERENCE_REQUIRED
    assert error.value.field == "payment_reference"
    case.refresh_from_db()
    assert case.status == Status.SCHEDULED


def test_a_payment_reference_of_zero_width_spaces_is_required_on_the_page(client, finance_user):
    case = _scheduled_case()
    sign_in(client, finance_user)
    response = client.post(
        reverse("awards:case_decide", args=[case.pk]),
        {"action": "pay", "payment_reference": ZWSP * 2},
    )
    assert response.status_code == 400
    assert response.context["decision_form"].errors["payment_reference"] == [
        str(PAYMENT_REFERENCE_REQUIRED)
    ]
    case.refresh_from_db()
    assert case.status == Status.SCHEDULED


def test_a_payment_reference_of_zero_width_spaces_is_required_in_the_api(client, finance_user):
    case = _scheduled_case()
    sign_in(client, finance_user)
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"action": "pay", "payment_reference": ZWSP * 2},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert api_errors(response)["payment_reference"] == [str(PAYMENT_REFERENCE_REQUIRED)]


def test_a_stored_payment_reference_has_no_invisible_characters(finance_user):
    case = _scheduled_case()
    case_decide(
        application_id=case.pk,
        action="pay",
        actor=finance_user,
        payment_reference=f"{ZWSP}ZF-{RLO}2026-01{ZWSP}",
    )
    assert Award.objects.get(application=case).payment_reference == "ZF-2026-01"


# --- a project name of only zero-width characters is no name ---------------------------------


def test_a_project_name_of_zero_width_characters_is_refused_by_the_form(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:new", args=["honor_provincial"]),
        {"action": "save", "project_name": INVISIBLE_ONLY},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["project_name"]
    assert not Application.objects.exists()


def test_a_project_name_of_zero_width_characters_is_refused_by_the_service(enterprise_user):
    with pytest.raises(ServiceError) as error:
        application_create(
            actor=enterprise_user,
            item="honor_provincial",
            data=ApplicationInput(project_name=INVISIBLE_ONLY),
        )
    assert error.value.message == PROJECT_NAME_REQUIRED
    assert error.value.field == "project_name"
    draft = application_create(
        actor=enterprise_user, item="honor_provincial", data=ApplicationInput(project_name="试点")
    )
    with pytest.raises(ServiceError):
        application_update(
            actor=enterprise_user,
            application_id=draft.pk,
            data=ApplicationInput(project_name=f" {ZWSP}\u3000"),
        )
    draft.refresh_from_db()
    assert draft.project_name == "试点"


# --- U+202E typed into a reason or a project name is not stored ------------------------------


def test_a_bidi_override_in_a_project_name_and_description_is_not_stored(enterprise_user):
    draft = application_create(
        actor=enterprise_user,
        item="honor_provincial",
        data=ApplicationInput(
            project_name=f"智慧{RLO}农业{ZWSP}平台",
            description=f"第一行{RLO}\r\n\r\n\r\n\r\n第二行\u2066",
        ),
    )
    draft.refresh_from_db()
    assert draft.project_name == "智慧农业平台"
    assert draft.description == "第一行\n\n第二行"


def test_a_bidi_override_through_the_form_is_not_stored(client, enterprise_user):
    sign_in(client, enterprise_user)
    client.post(
        reverse("applicants:new", args=["honor_provincial"]),
        {"action": "save", "project_name": f"{RLO}台平据数"},
    )
    assert Application.objects.get().project_name == "台平据数"


def test_a_bidi_override_in_a_reason_is_not_stored(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    case_transition(
        application_id=case.pk,
        action="county_return",
        actor=county_reviewer,
        reason=f"请补充{RLO}获奖证明{ZWSP}原件",
    )
    event = CaseEvent.objects.get(application=case, action="county_return")
    assert event.reason == "请补充获奖证明原件"


def test_a_reason_of_invisible_characters_is_no_reason(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(ServiceError) as error:
        case_transition(
            application_id=case.pk,
            action="county_reject",
            actor=county_reviewer,
            reason=f"{RLO}{INVISIBLE_ONLY}\u2069",
        )
    assert error.value.message == REASON_REQUIRED


def test_a_bidi_override_in_an_api_reason_is_not_stored(client, county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    sign_in(client, county_reviewer)
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"action": "county_return", "reason": f"补充{RLO}材料"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert CaseEvent.objects.get(application=case).reason == "补充材料"


def test_override_and_exemption_reasons_are_cleaned(city_reviewer):
    case = case_in(Status.APPROVED)
    award_override(
        application_id=case.pk,
        actor=city_reviewer,
        amount=case.award.amount - 1,
        reason=f"核减{RLO}一元",
    )
    award_quota_exempt(
        application_id=case.pk, actor=city_reviewer, exempt=True, reason=f"重点{ZWSP}项目{RLO}"
    )
    award = Award.objects.get(application=case)
    assert (award.override_reason, award.exempt_reason) == ("核减一元", "重点项目")
    with pytest.raises(ServiceError) as error:
        award_override(
            application_id=case.pk, actor=city_reviewer, amount=award.amount, reason=INVISIBLE_ONLY
        )
    assert error.value.field == "override_reason"


def test_a_withdrawal_reason_is_cleaned(enterprise_user):
    draft = application_create(
        actor=enterprise_user, item="honor_provincial", data=ApplicationInput(project_name="试点")
    )
    application_withdraw(actor=enterprise_user, application_id=draft.pk, reason=f"{RLO}重复")
    assert CaseEvent.objects.get(application=draft, action="withdraw").reason == "重复"


def test_objection_fields_are_cleaned_and_invisible_ones_are_empty():
    case = case_in(Status.ANNOUNCED)
    with pytest.raises(ServiceError) as error:
        objection_file(
            application_id=case.pk,
            name=INVISIBLE_ONLY,
            phone="13800000000",
            text="该项目获奖证书与实际不符，请核查。",
        )
    assert (error.value.message, error.value.field) == (OBJECTOR_NAME_INVALID, "name")
    objection_file(
        application_id=case.pk,
        name=f"张{RLO}三",
        phone=f"138{ZWSP}00000000",
        text=f"该项目获奖{RLO}证书与实际不符，\r\n请核查。",
    )
    objection = Objection.objects.get()
    assert (objection.name, objection.phone) == ("张三", "13800000000")
    assert objection.text == "该项目获奖证书与实际不符，\n请核查。"


def test_enterprise_fields_are_cleaned_at_registration():
    user = enterprise_register(
        enterprise=EnterpriseInput(
            name=f"信阳{RLO}云数科技有限公司{ZWSP}",
            credit_code=f"{credit_code_for(515151)}{ZWSP}",
            jurisdiction="411502",
            applicant_type="data_enterprise",
            legal_representative=f"王{ZWSP}五",
            contact_name=f"赵{RLO}六",
            contact_phone="0376-6200009",
            contact_email="zhaoliu@example.com",
            bank_name="中国银行\u3000信阳分行",
            bank_account="6216610200009999",
        ),
        username="yunshu-clean",
        password="Xinyang-Reward-2025",
        licence=upload("营业执照.pdf"),
    )
    enterprise = Enterprise.objects.get(pk=user.enterprise_id)
    assert enterprise.name == "信阳云数科技有限公司"
    assert enterprise.credit_code == credit_code_for(515151)
    assert (enterprise.legal_representative, enterprise.contact_name) == ("王五", "赵六")
    assert enterprise.bank_name == "中国银行 信阳分行"
    assert user.display_name == "赵六"
    with pytest.raises(ServiceError) as error:
        enterprise_register(
            enterprise=EnterpriseInput(
                name=INVISIBLE_ONLY,
                credit_code=credit_code_for(525252),
                jurisdiction="411502",
                applicant_type="data_enterprise",
                legal_representative="王五",
                contact_name="赵六",
                contact_phone="0376-6200009",
                contact_email="z@example.com",
                bank_name="中国银行",
                bank_account="6216610200009998",
            ),
            username="yunshu-empty",
            password="Xinyang-Reward-2025",
            licence=upload("营业执照.pdf"),
        )
    assert (error.value.message, error.value.field) == (FIELD_REQUIRED, "name")


def test_a_nul_is_refused_not_removed(client, county_reviewer):
    form = ObjectionForm(
        {"name": "张三", "phone": "13800000000", "text": "含有空字符\x00的异议内容内容内容"}
    )
    assert not form.is_valid()
    assert "text" in form.errors
    with pytest.raises(DrfValidationError):
        CleanApiCharField().run_validation("a\x00b")
    case = ApplicationFactory(status=Status.SUBMITTED)
    sign_in(client, county_reviewer)
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"action": "county_return", "reason": "补充\u0000材料"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reason" in api_errors(response)
