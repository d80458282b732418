"""Re-authentication: a password change (and the second factor's own changes) need the password,
and an official's code, confirmed within REAUTH_SECONDS; wrong answers count as failed sign-ins."""

import time
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import CaseEvent, LoginFailure
from applicants.reauth import REAUTH_SESSION_KEY, reauthentication_required
from applicants.roles import Role
from applicants.two_factor import errors, services
from tests.factories import (
    TEST_PASSWORD,
    authenticator_of,
    confirm_identity,
    make_user,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.django_db

CHANGE = reverse("password_change")
CONFIRM = reverse("reauth")
NEW_PASSWORD = "Own-Secret-Xinyang-77"


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_the_password_change_asks_an_official_for_password_and_code_first(client):
    official = make_user(Role.CITY_REVIEWER)
    device = authenticator_of(official)
    sign_in(client, official)
    asked = client.get(CHANGE)
    assert asked.status_code == 302
    assert asked["Location"] == f"{CONFIRM}?next=%2Faccounts%2Fpassword%2Fchange%2F"
    page = client.get(asked["Location"]).content.decode()
    assert "确认身份" in page
    assert 'name="code"' in page
    # A right password alone is not enough for an official.
    no_code = client.post(CONFIRM, {"password": TEST_PASSWORD, "next": CHANGE})
    assert no_code.status_code == 200
    assert no_code.context["form"].errors["code"] == [str(errors.CODE_REQUIRED)]
    wrong = client.post(CONFIRM, {"password": "nope", "code": "123456", "next": CHANGE})
    assert wrong.context["form"].errors["password"] == [str(errors.PASSWORD_WRONG)]
    assert LoginFailure.objects.filter(username=official.username).count() == 1
    confirmed = client.post(
        CONFIRM, {"password": TEST_PASSWORD, "code": totp_code(device), "next": CHANGE}
    )
    assert confirmed["Location"] == CHANGE
    assert not LoginFailure.objects.filter(username=official.username).exists()
    assert client.get(CHANGE).status_code == 200
    changed = client.post(
        CHANGE,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert changed["Location"] == reverse("password_change_done")
    official.refresh_from_db()
    assert official.check_password(NEW_PASSWORD)


def test_the_confirmation_lasts_reauth_seconds(client, settings):
    settings.REAUTH_SECONDS = 300
    member = make_user(Role.ENTERPRISE)
    sign_in(client, member)
    confirm_identity(client, member)
    assert client.get(CHANGE).status_code == 200
    later = time.time() + 301
    with mock.patch("applicants.reauth.time.time", return_value=later):
        assert client.get(CHANGE)["Location"].startswith(CONFIRM)


def test_an_enterprise_confirms_with_its_password_only(client):
    member = make_user(Role.ENTERPRISE)
    sign_in(client, member)
    page = client.get(CONFIRM).content.decode()
    assert 'name="password"' in page
    assert 'name="code"' not in page
    assert client.post(CONFIRM, {"password": TEST_PASSWORD, "next": CHANGE})["Location"] == CHANGE


def test_wrong_answers_lock_the_confirmation_like_the_sign_in(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    member = make_user(Role.ENTERPRISE)
    sign_in(client, member)
    client.post(CONFIRM, {"password": "wrong"})
    client.post(CONFIRM, {"password": "wrong"})
    locked = client.post(CONFIRM, {"password": TEST_PASSWORD})
    assert locked.status_code == 200
    assert "已暂时锁定" in locked.content.decode()
    assert REAUTH_SESSION_KEY not in client.session


def test_the_confirm_page_returns_only_to_pages_of_the_portal(client):
    member = make_user(Role.ENTERPRISE)
    sign_in(client, member)
    away = client.post(CONFIRM, {"password": TEST_PASSWORD, "next": "https://evil.example/"})
    assert away["Location"] == reverse("home")


def test_the_api_and_htmx_get_answers_they_can_follow():
    """The decorator as another view would use it (a bank-account change, say)."""
    view = reauthentication_required(lambda request: HttpResponse("changed"))
    member = make_user(Role.ENTERPRISE)
    factory = RequestFactory()
    api = factory.post("/api/v1/bank/")
    api.user, api.session = member, {}
    refused = view(api)
    assert refused.status_code == 403
    assert b"reauthentication_required" in refused.content
    htmx = factory.post(
        "/enterprise/bank/", headers={"HX-Request": "true", "HX-Current-URL": "/enterprise/"}
    )
    htmx.user, htmx.session = member, {}
    assert view(htmx)["HX-Redirect"] == f"{CONFIRM}?next=%2Fenterprise%2F"
    # A plain POST returns to the page its form was on.
    post = factory.post("/enterprise/bank/", headers={"Referer": "http://testserver/enterprise/b/"})
    post.user, post.session = member, {}
    assert view(post)["Location"] == f"{CONFIRM}?next=%2Fenterprise%2Fb%2F"
    fresh = factory.get("/enterprise/bank/")
    fresh.user, fresh.session = member, {REAUTH_SESSION_KEY: int(time.time())}
    assert view(fresh).content == b"changed"


def test_passing_the_second_factor_at_sign_in_counts_as_a_confirmation(client):
    official = make_user(Role.FINANCE)
    device = authenticator_of(official)
    client.post(reverse("login"), {"username": official.username, "password": TEST_PASSWORD})
    client.post(reverse("two_factor:verify"), {"code": totp_code(device)})
    assert client.get(CHANGE).status_code == 200


# --- the second factor's own changes --------------------------------------------------------------


def _enrolled_official(client):
    official = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    device = services.totp_enrolment_start(user=official)
    codes = services.totp_enrolment_confirm(
        user=official, code=totp_code(device), address=None
    ).backup_codes
    sign_in(client, official)
    return official, codes


def test_new_backup_codes_need_a_confirmation_and_replace_the_old(client):
    official, old = _enrolled_official(client)
    regenerate = reverse("two_factor:backup_codes_regenerate")
    assert client.get(regenerate)["Location"].startswith(CONFIRM)
    assert client.post(regenerate)["Location"].startswith(CONFIRM)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)
    confirm_identity(client, official)
    assert "原来的备用码" in client.get(regenerate).content.decode()
    done = client.post(regenerate)
    assert done["Location"] == reverse("two_factor:backup_codes")
    shown = client.get(done["Location"]).content.decode()
    new = set(StaticToken.objects.filter(device__user=official).values_list("token", flat=True))
    assert len(new) == 10
    assert not new & set(old)
    assert all(services.backup_code_display(code) in shown for code in new)
    event = CaseEvent.objects.get(action="two_factor_backup_codes_regenerated")
    assert event.actor == official
    # The session stays verified (the backup device is kept, only its codes change).
    assert client.get(reverse("home")).status_code == 200


def test_a_new_phone_needs_a_confirmation_and_replaces_the_old_authenticator(client):
    official, _codes = _enrolled_official(client)
    old = TOTPDevice.objects.get(user=official, confirmed=True)
    reenrol = reverse("two_factor:reenrol")
    assert client.get(reenrol)["Location"].startswith(CONFIRM)
    confirm_identity(client, official)
    page = client.get(reenrol).content.decode()
    assert "更换身份验证器" in page
    new = TOTPDevice.objects.get(user=official, confirmed=False)
    assert client.post(reenrol, {"code": totp_code(new)})["Location"] == reverse(
        "two_factor:backup_codes"
    )
    assert list(TOTPDevice.objects.filter(user=official)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    # Verified by the new authenticator now: the pages stay open.
    assert client.get(reverse("home")).status_code == 200
    assert CaseEvent.objects.filter(action="two_factor_enrolled").count() == 2
