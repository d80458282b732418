"""Hostile input on the identity forms: invisible and bidi text, huge text, HTML, a licence
named to climb out of its folder, and a licence PDF that runs JavaScript."""

import pytest
from django import forms
from django.urls import reverse

from applicants.errors import EVIDENCE_BAD_TYPE, EVIDENCE_PDF_JAVASCRIPT
from applicants.fields import CleanCharField
from applicants.forms import RegistrationForm
from applicants.models import Enterprise, User
from applicants.services.enterprises import enterprise_register
from applicants.verification import forms as identity_forms
from applicants.verification.models import BusinessLicence, EnterpriseClaim
from applicants.verification.states import IdentityStatus
from tests.applicants.test_enterprises import _form
from tests.applicants.test_evidence_parsing import _with_javascript
from tests.applicants.verification.helpers import enterprise_input, pending_member, registered
from tests.factories import credit_code_for, sign_in, upload

pytestmark = pytest.mark.django_db

RLO, ZWSP = "\u202e", "\u200b"
REGISTER = reverse("applicants:register")


def test_every_free_text_field_of_the_identity_forms_is_cleaned():
    found = []
    for form_class in (
        identity_forms.IdentityDecisionForm,
        identity_forms.ClaimDecisionForm,
        identity_forms.BankChangeDecisionForm,
        identity_forms.BankChangeForm,
    ):
        for name, field in form_class().fields.items():
            if type(field) is forms.CharField or isinstance(field, CleanCharField):
                assert isinstance(field, CleanCharField), f"{form_class.__name__}.{name}"
                found.append(name)
    statement = RegistrationForm().fields["claim_statement"]
    assert isinstance(statement, CleanCharField)
    assert statement.multiline
    assert {"reason", "bank_name", "bank_account"} <= set(found)


def test_a_licence_pdf_with_javascript_is_refused_and_nothing_is_registered(client):
    licence = upload("执照.pdf", content=_with_javascript())
    response = client.post(REGISTER, _form(licence=licence))
    assert response.status_code == 200
    assert str(EVIDENCE_PDF_JAVASCRIPT) in response.content.decode()
    assert not Enterprise.objects.exists()
    assert not User.objects.exists()
    assert not BusinessLicence.objects.exists()


def test_a_licence_that_is_not_a_pdf_or_image_is_refused(client):
    fake = upload("执照.pdf", content=b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(REGISTER, _form(licence=fake))
    assert str(EVIDENCE_BAD_TYPE) in response.content.decode()
    response = client.post(REGISTER, {k: v for k, v in _form().items() if k != "licence"})
    assert response.context["form"].errors["licence"]
    assert not Enterprise.objects.exists()


def test_a_renewed_licence_with_javascript_is_refused(client):
    member = pending_member()
    sign_in(client, member)
    response = client.post(
        reverse("identity:mine"), {"licence": upload("新.pdf", content=_with_javascript())}
    )
    assert response.status_code == 400
    assert str(EVIDENCE_PDF_JAVASCRIPT) in response.content.decode()
    assert member.enterprise.licences.count() == 1


@pytest.mark.parametrize(
    "name",
    ["../../../etc/passwd.pdf", "..\\..\\windows\\执照.pdf", f"执照{RLO}fdp.exe", "/abs/执照.pdf"],
)
def test_a_licence_name_is_data_never_a_path(name):
    user = enterprise_register(
        enterprise=enterprise_input(900),
        username="pathy",
        password="Xinyang-Reward-2025",
        licence=upload(name),
    )
    licence = user.enterprise.licence
    assert "/" not in licence.original_name
    assert "\\" not in licence.original_name
    assert ".." not in licence.original_name.replace("...", "")
    assert RLO not in licence.original_name
    # Stored under a random name inside its folder, whatever it was called.
    assert licence.file.name.startswith("licences/")
    assert ".." not in licence.file.name
    assert licence.file.name.endswith(".pdf")


def test_hostile_reasons_are_cleaned_escaped_and_bounded(client, county_reviewer):
    enterprise = registered().enterprise
    sign_in(client, county_reviewer)
    url = reverse("identity:enterprise", args=[enterprise.pk])
    huge = client.post(url, {"decision": "refuse", "reason": "很" * 2001})
    assert huge.status_code == 400
    enterprise.refresh_from_db()
    assert enterprise.identity_status == IdentityStatus.PENDING
    client.post(url, {"decision": "refuse", "reason": f"<script>alert(1)</script>{RLO}模糊{ZWSP}"})
    enterprise.refresh_from_db()
    assert enterprise.identity_reason == "<script>alert(1)</script>模糊"
    page = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;模糊" in page


def test_a_hostile_claim_statement_is_cleaned_and_escaped(client, county_reviewer):
    registered(777, username="owner")
    html = f"<img src=x onerror=alert(1)>{RLO}我是法定代表人{ZWSP}"
    client.post(
        REGISTER,
        _form(
            credit_code=credit_code_for(777),
            username="claimer",
            claim="on",
            claim_statement=html,
        ),
    )
    claim = EnterpriseClaim.objects.get()
    assert claim.statement == "<img src=x onerror=alert(1)>我是法定代表人"
    sign_in(client, county_reviewer)
    page = client.get(reverse("identity:claim", args=[claim.pk])).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    client.logout()
    too_long = client.post(
        REGISTER,
        _form(
            credit_code=credit_code_for(777),
            username="claimer2",
            claim="on",
            claim_statement="长" * 2001,
        ),
    )
    assert too_long.status_code == 200
    assert "claim_statement" in too_long.context["form"].errors
    assert EnterpriseClaim.objects.count() == 1


@pytest.mark.parametrize(
    "account",
    [f"6222{ZWSP}0217000077", "６２２２０２１７００００７７", "1234", "9" * 60, "<b>1</b>"],
)
def test_hostile_bank_accounts_are_refused_or_cleaned(account, county_reviewer):
    from applicants.errors import ServiceError
    from applicants.verification.bank_changes import bank_change_request
    from applicants.verification.services import enterprise_verify

    member = pending_member()
    enterprise_verify(actor=county_reviewer, enterprise_id=member.enterprise_id)
    member.refresh_from_db()
    form = identity_forms.BankChangeForm({"bank_name": "中国工商银行", "bank_account": account})
    if form.is_valid():
        change = bank_change_request(
            actor=member, bank_name="中国工商银行", bank_account=form.cleaned_data["bank_account"]
        )
        assert change.new_bank_account.isdigit()
        assert change.new_bank_account.isascii()
    else:
        assert "bank_account" in form.errors
        with pytest.raises(ServiceError):
            bank_change_request(actor=member, bank_name="中国工商银行", bank_account=account)
