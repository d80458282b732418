"""A second registration of a registered code opens a claim; the county upholds or dismisses it."""

import pytest
from django.urls import reverse

from applicants.errors import CREDIT_CODE_TAKEN, Conflict, NotAllowed
from applicants.models import CaseEvent, Notification, User
from applicants.verification.claims import claim_dismiss, claim_uphold, enterprise_claim_register
from applicants.verification.errors import (
    CLAIM_CODE_NOT_REGISTERED,
    CLAIM_STATEMENT_REQUIRED,
    REASON_REQUIRED,
)
from applicants.verification.models import BankAccountChange, EnterpriseClaim
from applicants.verification.states import BankChangeStatus, ClaimStatus, IdentityStatus
from tests.applicants.test_enterprises import _form
from tests.applicants.verification.helpers import enterprise_input, registered
from tests.factories import ApplicationFactory, credit_code_for, sign_in, tiny_png, upload

pytestmark = pytest.mark.django_db

CODE = credit_code_for(777)
STATEMENT = "我是该公司法定代表人王五，公司从未授权他人注册本平台账号。"
REGISTER = reverse("applicants:register")


def _claimant_form(**overrides):
    claimant = {
        "credit_code": CODE,
        "jurisdiction": "411502",
        "username": "true-owner",
        "contact_email": "owner@example.com",
        "bank_name": "中国工商银行信阳分行",
        "bank_account": "6222021700001111222",
    }
    return _form(**{**claimant, **overrides})


def _claim(client):
    """Register again with the same code: first the offer, then the claim."""
    offer = client.post(REGISTER, _claimant_form())
    html = offer.content.decode()
    assert offer.status_code == 200
    assert str(CREDIT_CODE_TAKEN) in html
    assert 'id="claim-offer"' in html
    assert not User.objects.filter(username="true-owner").exists()
    response = client.post(
        REGISTER, _claimant_form(claim="on", claim_statement=STATEMENT), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    return response


def test_a_second_registration_opens_a_claim_with_no_access_to_the_enterprise(client):
    impostor = registered(777, username="impostor")
    case = ApplicationFactory(enterprise=impostor.enterprise, created_by=impostor)
    response = _claim(client)
    html = response.content.decode()
    assert "认领申请已提交" in html
    assert 'id="claim-panel"' in html
    assert 'id="new-application"' not in html  # nothing to apply for as nobody's member
    claimant = User.objects.get(username="true-owner")
    assert claimant.enterprise_id is None
    claim = EnterpriseClaim.objects.get()
    assert (claim.enterprise, claim.claimant, claim.status) == (
        impostor.enterprise,
        claimant,
        ClaimStatus.OPEN,
    )
    assert claim.statement == STATEMENT
    assert claim.licence.enterprise == impostor.enterprise
    assert claim.bank_account == "6222021700001111222"
    # Signed in as the claimant: none of the enterprise's cases, pages or files.
    assert client.get(reverse("applicants:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("applicants:members")).status_code == 403
    assert client.get(reverse("identity:mine")).status_code == 403
    assert CaseEvent.objects.filter(action="claim_opened", actor=claimant).exists()


def test_a_claim_needs_a_statement_and_a_registered_code(client):
    registered(777, username="impostor")
    response = client.post(REGISTER, _claimant_form(claim="on", claim_statement="\u200b "))
    assert str(CLAIM_STATEMENT_REQUIRED) in response.content.decode()
    free = credit_code_for(778)
    response = client.post(
        REGISTER, _claimant_form(credit_code=free, claim="on", claim_statement=STATEMENT)
    )
    assert str(CLAIM_CODE_NOT_REGISTERED) in response.content.decode()
    assert not EnterpriseClaim.objects.exists()
    assert not User.objects.filter(username="true-owner").exists()


def test_upheld_the_claimant_becomes_the_member_and_the_impostor_is_disabled(
    client, county_reviewer
):
    impostor = registered(777, username="impostor")
    _claim(client)
    claim = EnterpriseClaim.objects.get()
    sign_in(client, county_reviewer)
    queue = client.get(reverse("identity:queue")).content.decode()
    assert reverse("identity:claim", args=[claim.pk]) in queue
    page = client.get(reverse("identity:claim", args=[claim.pk])).content.decode()
    assert STATEMENT in page
    assert reverse("identity:licence", args=[claim.licence_id]) in page
    assert "6222 **** **** 1222" in page
    assert "6222021700001111222" not in page
    response = client.post(
        reverse("identity:claim", args=[claim.pk]),
        {
            "decision": "uphold",
            "reason": "经核对营业执照原件，认领人为法定代表人",
            "disable_members": "on",
            "adopt_bank_account": "on",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    claimant = claim.claimant
    claimant.refresh_from_db()
    impostor.refresh_from_db()
    enterprise = claimant.enterprise
    assert claim.status == ClaimStatus.UPHELD
    assert enterprise == impostor.enterprise
    assert not impostor.is_active
    assert enterprise.identity_status == IdentityStatus.VERIFIED
    assert enterprise.licence == claim.licence
    assert enterprise.bank_account == "6222021700001111222"
    change = BankAccountChange.objects.get()
    assert (change.status, change.old_bank_account, change.new_bank_account) == (
        BankChangeStatus.CONFIRMED,
        "6216610200009999",
        "6222021700001111222",
    )
    upheld = CaseEvent.objects.get(action="claim_upheld")
    assert upheld.data["members_disabled"] == [impostor.pk]
    assert upheld.actor == county_reviewer
    assert CaseEvent.objects.get(action="bank_change_confirmed").data["new_bank_account"] == (
        "6222021700001111222"
    )
    assert "认领已成立" in Notification.objects.get(recipient=claimant).message
    # The claimant now acts for the enterprise; the impostor's session is over.
    sign_in(client, claimant)
    assert client.get(reverse("applicants:members")).status_code == 200
    client.logout()
    assert not client.login(username="impostor", password="Xinyang-Reward-2025")


def test_dismissed_the_enterprise_is_unchanged_and_the_claimant_disabled_or_left(
    client, county_reviewer
):
    owner = registered(777, username="owner")
    from applicants.verification.services import enterprise_verify

    enterprise_verify(actor=county_reviewer, enterprise_id=owner.enterprise_id)
    _claim(client)
    claim = EnterpriseClaim.objects.get()
    sign_in(client, county_reviewer)
    url = reverse("identity:claim", args=[claim.pk])
    refused = client.post(url, {"decision": "dismiss", "reason": ""})
    assert refused.status_code == 400
    assert str(REASON_REQUIRED) in refused.content.decode()
    client.post(
        url, {"decision": "dismiss", "reason": "认领人无法提供授权证明", "disable_claimant": "on"}
    )
    claim.refresh_from_db()
    claimant = User.objects.get(username="true-owner")
    owner.refresh_from_db()
    assert claim.status == ClaimStatus.DISMISSED
    assert claim.resolution == {"claimant_disabled": True}
    assert not claimant.is_active
    assert claimant.enterprise_id is None
    assert owner.is_active
    assert owner.enterprise.bank_account == "6216610200009999"
    assert CaseEvent.objects.get(action="claim_dismissed").data["claimant_disabled"] is True
    assert "认领不成立" in Notification.objects.get(recipient=claimant).message


def test_dismissed_without_disabling_the_claimant_keeps_an_account_without_access(
    county_reviewer,
):
    registered(777, username="owner")
    claim = enterprise_claim_register(
        enterprise=enterprise_input(777),
        username="someone",
        password="Xinyang-Reward-2025",
        statement=STATEMENT,
        licence=upload("执照.png", content=tiny_png(), content_type="image/png"),
    )
    claim_dismiss(actor=county_reviewer, claim_id=claim.pk, reason="不成立", disable_claimant=False)
    claimant = User.objects.get(username="someone")
    assert claimant.is_active
    assert claimant.enterprise_id is None
    with pytest.raises(Conflict):
        claim_uphold(
            actor=county_reviewer,
            claim_id=claim.pk,
            reason="改判",
            disable_members=False,
            adopt_bank_account=False,
        )


def test_another_countys_reviewer_cannot_see_or_resolve_the_claim(client, other_county_reviewer):
    registered(777, username="owner")
    _claim(client)
    claim = EnterpriseClaim.objects.get()
    sign_in(client, other_county_reviewer)
    assert client.get(reverse("identity:claim", args=[claim.pk])).status_code == 404
    assert client.get(reverse("identity:licence", args=[claim.licence_id])).status_code == 404
    with pytest.raises(NotAllowed):
        claim_dismiss(
            actor=other_county_reviewer, claim_id=claim.pk, reason="越权", disable_claimant=True
        )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN


def test_one_open_claim_per_claimant_and_enterprise_in_the_database():
    from django.db import IntegrityError, transaction

    registered(777, username="owner")

    claim = enterprise_claim_register(
        enterprise=enterprise_input(777),
        username="someone",
        password="Xinyang-Reward-2025",
        statement=STATEMENT,
        licence=upload("执照.pdf"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseClaim.objects.create(
            enterprise=claim.enterprise,
            claimant=claim.claimant,
            licence=claim.licence,
            statement="again",
            bank_name="x",
            bank_account="12345678",
        )
