"""Django's admin offers no unaudited side door to what the portal's services audit: a
second-factor reset, a lifted lockout, an enterprise's identity or the account it is paid to."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import Enterprise, LoginFailure
from tests.factories import EnterpriseFactory, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [TOTPDevice, StaticDevice])
def test_second_factor_devices_have_no_admin_pages(model):
    assert not admin.site.is_registered(model)
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_login_failures_cannot_be_deleted_only_unlocked_by_the_audited_action(client, admin_user_):
    LoginFailure.objects.create(username="county_shihe", ip_address="203.0.113.5")
    sign_in(client, admin_user_)
    changelist = reverse("admin:applicants_loginfailure_changelist")
    page = client.get(changelist).content.decode()
    assert 'value="unlock_accounts"' in page
    assert 'value="delete_selected"' not in page
    failure = LoginFailure.objects.get()
    response = client.post(reverse("admin:applicants_loginfailure_delete", args=[failure.pk]))
    assert response.status_code == 403
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [failure.pk], "post": "yes"}
    )
    assert LoginFailure.objects.count() == 1


def test_an_enterprises_bank_account_and_identity_cannot_be_edited_in_the_admin(
    client, admin_user_
):
    enterprise = EnterpriseFactory(bank_account="6216610200001111111")
    sign_in(client, admin_user_)
    url = reverse("admin:applicants_enterprise_change", args=[enterprise.pk])
    page = client.get(url).content.decode()
    assert 'name="bank_account"' not in page
    assert 'name="identity_status"' not in page
    assert "6216610200001111111" in page  # shown, read-only
    data = {
        "name": enterprise.name,
        "jurisdiction": enterprise.jurisdiction,
        "applicant_type": enterprise.applicant_type,
        "legal_representative": enterprise.legal_representative,
        "contact_name": "新联系人",
        "contact_phone": enterprise.contact_phone,
        "contact_email": enterprise.contact_email,
        "bank_account": "6222000000000000000",
        "identity_status": "refused",
    }
    assert client.post(url, data).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.contact_name == "新联系人"
    assert enterprise.bank_account == "6216610200001111111"
    assert enterprise.identity_status == "verified"
    assert (
        client.post(reverse("admin:applicants_enterprise_delete", args=[enterprise.pk])).status_code
        == 403
    )
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()
