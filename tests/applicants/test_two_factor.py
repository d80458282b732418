"""Officials' second factor: a password alone reaches nothing of an official's; enrolment at the
first sign-in with a real TOTP code; wrong codes refused and counted toward the lockout; backup
codes work once; an administrator's reset is audited and sends the official back to enrolment."""

import re
from base64 import b32decode

import pytest
from django.contrib import admin as django_admin
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import CaseEvent, LoginFailure, User
from applicants.roles import Role
from applicants.two_factor import errors, services
from tests.api_helpers import api_message
from tests.factories import TEST_PASSWORD, authenticator_of, make_user, sign_in, totp_code

pytestmark = pytest.mark.django_db

OFFICIAL_ROLES = [
    (Role.COUNTY_REVIEWER, {"jurisdiction": "411502"}),
    (Role.COUNTY_FINANCE, {"jurisdiction": "411521"}),
    (Role.CITY_REVIEWER, {}),
    (Role.FINANCE, {}),
    (Role.ADMIN, {}),
]
ROLE_IDS = [role.value for role, _ in OFFICIAL_ROLES]
HOME = reverse("home")
VERIFY = reverse("two_factor:verify")
ENROL = reverse("two_factor:enrol")
ADDRESS = "198.51.100.7"


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    """django-otp's per-device back-off (1 s after a wrong code) is tested on its own below."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _password(client: Client, user: User, password: str = TEST_PASSWORD):
    return client.post(
        reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR=ADDRESS
    )


def _code(client: Client, code: str, url: str = VERIFY, **data: str):
    return client.post(url, {"code": code, **data}, REMOTE_ADDR=ADDRESS)


def _secret_on(html: str) -> bytes:
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    return b32decode(secret.replace(" ", ""))


def _enrolled(user: User) -> list[str]:
    """Enrol `user` through the services, as the enrolment page does; its backup codes."""
    device = services.totp_enrolment_start(user=user)
    return services.totp_enrolment_confirm(
        user=user, code=totp_code(device), address=None
    ).backup_codes


# --- a password alone -----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "fields"), OFFICIAL_ROLES, ids=ROLE_IDS)
def test_a_password_alone_reaches_no_page_and_no_api_of_any_official_role(client, role, fields):
    official = make_user(role, **fields)
    signed = _password(client, official)
    assert signed.status_code == 302
    # Not enrolled yet: every page leads to the enrolment, returning to the page afterwards.
    page = client.get(reverse("awards:reports"))
    assert page.status_code == 302
    assert page["Location"] == f"{ENROL}?next=%2Freview%2Freports%2F"
    assert client.get(HOME)["Location"].startswith(ENROL)
    api = client.get("/api/v1/cases/")
    assert api.status_code == 403
    assert api_message(api) == str(errors.SECOND_FACTOR_REQUIRED)
    assert api.json()["code"] == "second_factor_required"
    # Enrolled: the code page instead.
    authenticator_of(official)
    assert client.get(HOME)["Location"] == f"{VERIFY}?next=%2F"
    assert client.get("/api/v1/applications/").status_code == 403


def test_the_admin_site_needs_the_second_factor_too(client):
    admin = make_user(Role.ADMIN)
    authenticator_of(admin)
    _password(client, admin)
    response = client.get("/admin/applicants/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_htmx_requests_are_sent_to_the_code_page_as_a_whole(client):
    official = make_user(Role.CITY_REVIEWER)
    authenticator_of(official)
    _password(client, official)
    response = client.get(reverse("awards:queue"), headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response["HX-Redirect"] == VERIFY


def test_public_pages_signing_out_and_the_language_stay_open(client):
    official = make_user(Role.FINANCE)
    _password(client, official)
    assert client.get(reverse("calculator")).status_code == 200
    assert client.get(reverse("gongshi:list")).status_code == 200
    switched = client.post(reverse("set_language"), {"language": "en", "next": ENROL})
    assert switched["Location"] == ENROL
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_an_enterprise_signs_in_with_its_password_alone(client):
    member = make_user(Role.ENTERPRISE)
    assert _password(client, member)["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get("/api/v1/applications/").status_code == 200
    # The second-factor pages are not for it.
    assert client.get(VERIFY).status_code == 403
    assert client.get(ENROL).status_code == 403
    assert client.get(reverse("two_factor:security")).status_code == 403
    assert not TOTPDevice.objects.filter(user=member).exists()


# --- enrolment ------------------------------------------------------------------------------------


def test_first_sign_in_enrols_with_a_real_code_and_shows_ten_backup_codes_once(client):
    official = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    _password(client, official)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "启用两步验证" in html
    assert 'class="segno"' in html  # the QR code, inline SVG
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    assert "otpauth://totp/" in device.config_url
    assert "issuer=%E4%BF%A1%E9%98%B3%E6%95%B0%E6%8D%AE%E4%BA%A7%E4%B8%9A" in device.config_url
    secret = _secret_on(html)
    assert secret == device.bin_key
    # A reload keeps the secret already typed into the app.
    assert _secret_on(client.get(ENROL).content.decode()) == secret

    session_key = client.session.session_key
    done = _code(client, f"{totp(secret):06d}", ENROL)
    assert done.status_code == 302
    assert done["Location"] == reverse("two_factor:backup_codes")
    assert client.session.session_key != session_key  # a new key for the verified session
    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r'<li class="list-group-item backup-code">([a-z0-9-]+)</li>', shown)
    assert len(codes) == 10
    assert "只显示这一次" in shown
    stored = set(StaticToken.objects.filter(device__user=official).values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in codes}
    # Shown once: the page no longer has them.
    again = client.get(reverse("two_factor:backup_codes")).content.decode()
    assert 'class="list-group-item backup-code"' not in again
    assert "已不再显示" in again

    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    event = CaseEvent.objects.get(action="two_factor_enrolled")
    assert event.actor == official
    assert event.data["username"] == official.username


def test_a_wrong_enrolment_code_is_refused_and_the_device_stays_unconfirmed(client):
    official = make_user(Role.CITY_REVIEWER)
    _password(client, official)
    client.get(ENROL)
    refused = _code(client, "000000", ENROL)
    assert refused.status_code == 200
    assert str(errors.ENROLMENT_CODE_WRONG) in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=official, confirmed=True).exists()
    assert client.get(HOME)["Location"].startswith(ENROL)
    assert LoginFailure.objects.filter(username=official.username).count() == 1


def test_the_enrolment_page_of_an_enrolled_official_leads_to_the_code(client):
    official = make_user(Role.FINANCE)
    authenticator_of(official)
    _password(client, official)
    assert client.get(ENROL)["Location"] == VERIFY


# --- the code at sign-in --------------------------------------------------------------------------


def test_the_right_code_lets_the_official_in_and_back_to_the_page_asked_for(client):
    official = make_user(Role.FINANCE)
    device = authenticator_of(official)
    _password(client, official)
    reports = reverse("awards:reports")
    assert client.get(reports)["Location"] == f"{VERIFY}?next=%2Freview%2Freports%2F"
    passed = _code(client, totp_code(device), next=reports)
    assert passed["Location"] == reports
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reports).status_code == 200


def test_full_width_digits_and_spaces_are_read_as_the_code(client):
    official = make_user(Role.CITY_REVIEWER)
    device = authenticator_of(official)
    _password(client, official)
    code = totp_code(device)
    typed = " ".join("".join(chr(ord(c) + 0xFEE0) for c in part) for part in (code[:3], code[3:]))
    assert _code(client, typed)["Location"] == HOME


def test_a_wrong_code_is_refused_in_chinese_and_counts_as_a_failed_sign_in(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    official = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    device = authenticator_of(official)
    _password(client, official)
    refused = _code(client, "123456" if totp_code(device) != "123456" else "654321")
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"] == [str(errors.CODE_WRONG)]
    assert "验证码不正确" in refused.content.decode()
    assert LoginFailure.objects.filter(username=official.username, ip_address=ADDRESS).count() == 1
    # Signing in again with the password does not clear the count: only the second factor does.
    client.post(reverse("logout"))
    _password(client, official)
    _code(client, "000000")
    _code(client, "abcdefgh")  # nor does a wrong backup code escape it
    assert LoginFailure.objects.filter(username=official.username).count() == 3
    # Locked: even the right code waits, and the password form says so too.
    locked = _code(client, totp_code(device))
    assert "已暂时锁定" in locked.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    client.post(reverse("logout"))
    assert "已暂时锁定" in _password(client, official).content.decode()


def test_a_right_code_clears_the_count(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    official = make_user(Role.CITY_REVIEWER)
    device = authenticator_of(official)
    _password(client, official, "wrong")
    _password(client, official)
    _code(client, "000000")
    assert LoginFailure.objects.filter(username=official.username).count() == 2
    assert _code(client, totp_code(device))["Location"] == HOME
    assert not LoginFailure.objects.filter(username=official.username).exists()


def test_a_code_passes_once(client):
    official = make_user(Role.FINANCE)
    device = authenticator_of(official)
    code = totp_code(device)
    _password(client, official)
    assert _code(client, code)["Location"] == HOME
    client.post(reverse("logout"))
    _password(client, official)
    assert _code(client, code).status_code == 200  # replayed: refused


def test_right_after_a_wrong_code_the_back_off_says_to_wait_and_counts_nothing(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    official = make_user(Role.FINANCE)
    device = authenticator_of(official)
    _password(client, official)
    _code(client, "000000")
    waiting = _code(client, totp_code(device))
    assert waiting.status_code == 200
    assert "秒后再试" in waiting.content.decode()
    assert LoginFailure.objects.filter(username=official.username).count() == 1


def test_a_backup_code_works_once_only(client):
    official = make_user(Role.CITY_REVIEWER)
    codes = _enrolled(official)
    _password(client, official)
    # Typed as shown (abcd-efgh), in capitals: the same code.
    shown = services.backup_code_display(codes[0]).upper()
    assert _code(client, shown)["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert StaticToken.objects.filter(device__user=official).count() == 9
    client.post(reverse("logout"))
    _password(client, official)
    again = _code(client, codes[0])
    assert again.status_code == 200
    assert str(errors.CODE_WRONG) in again.content.decode()
    assert _code(client, codes[1])["Location"] == HOME


# --- an administrator's reset ---------------------------------------------------------------------


def test_an_administrators_reset_is_audited_and_sends_the_official_back_to_enrolment(
    client, admin_user_
):
    official = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    _enrolled(official)
    own = Client()
    sign_in(own, official)
    assert own.get(HOME).status_code == 200

    sign_in(client, admin_user_)
    response = client.post(
        reverse("admin:applicants_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [official.pk]},
        follow=True,
    )
    assert "已重置 1 个账户的两步验证" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=official).exists()
    assert not StaticToken.objects.filter(device__user=official).exists()
    event = CaseEvent.objects.get(action="two_factor_reset")
    assert event.actor == admin_user_
    assert event.data == {"username": official.username, "removed": 2}
    # The official's open session named the removed device: back to the enrolment at once.
    assert own.get(HOME)["Location"].startswith(ENROL)


def test_the_reset_and_the_enrolment_read_as_words_in_the_audit_admin(client, admin_user_):
    official = make_user(Role.FINANCE)
    _enrolled(official)
    services.two_factor_reset(user=official, actor=admin_user_)
    sign_in(client, admin_user_)
    html = client.get(reverse("admin:applicants_caseevent_changelist")).content.decode()
    assert "启用两步验证" in html
    assert "重置两步验证" in html


def test_the_action_is_listed_for_administrators():
    model_admin = django_admin.site._registry[User]
    assert "reset_two_factor" in model_admin.actions


# --- the official's security page -----------------------------------------------------------------


def test_the_security_page_shows_the_state_and_is_linked_from_the_user_menu(client):
    official = make_user(Role.CITY_REVIEWER)
    _enrolled(official)
    sign_in(client, official)
    home = client.get(HOME).content.decode()
    assert f'href="{reverse("two_factor:security")}" id="security-link"' in home
    page = client.get(reverse("two_factor:security")).content.decode()
    assert 'id="two-factor-on"' in page
    assert "10 个" in page


def test_the_second_factor_comes_before_a_forced_password_change(client):
    official = make_user(Role.CITY_REVIEWER)
    official.must_change_password = True
    official.save()
    device = authenticator_of(official)
    _password(client, official)
    assert client.get(HOME)["Location"].startswith(VERIFY)
    assert client.get(VERIFY).status_code == 200
    _code(client, totp_code(device))
    assert client.get(HOME)["Location"] == reverse("password_change")
    # The forced change follows the sign-in: no second confirmation of the same password.
    assert client.get(reverse("password_change")).status_code == 200


def test_a_sign_in_form_without_its_password_clears_no_failures(client):
    member = make_user(Role.ENTERPRISE)
    _password(client, member, "wrong")
    client.post(reverse("login"), {"username": member.username, "password": ""})
    assert LoginFailure.objects.filter(username=member.username).count() == 1
