"""Sign-in lockout: five failures lock the account (even against the right password), many from
one address lock the address, the lock shows its end plainly, runs out, or an administrator lifts
it (audited); a correct sign-in clears the account's count."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from applicants.admin import LoginFailureAdmin
from applicants.models import CaseEvent, LoginFailure
from applicants.roles import Role
from tests.factories import TEST_PASSWORD, authenticator_of, make_user, totp_code

pytestmark = pytest.mark.django_db


def _sign_in(client, username: str, password: str, address: str = "198.51.100.20"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_failures_lock_the_account_even_against_the_right_password(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    official = make_user(Role.CITY_REVIEWER, username="lock-city")
    for _ in range(5):
        assert _sign_in(client, "lock-city", "wrong").status_code == 200
    refused = _sign_in(client, "LOCK-city", TEST_PASSWORD)  # names are compared case-blind
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "该账户连续 5 次密码错误，已暂时锁定" in html
    assert "（北京时间）后可再试" in html
    assert "_auth_user_id" not in client.session
    # From another address too: the account is what is locked.
    assert (
        "已暂时锁定" in _sign_in(client, "lock-city", TEST_PASSWORD, "203.0.113.1").content.decode()
    )
    assert official.is_active


def test_the_lock_runs_out_and_a_correct_sign_in_clears_the_count(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    official = make_user(Role.FINANCE, username="lock-finance")
    for _ in range(3):
        _sign_in(client, "lock-finance", "wrong")
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert _sign_in(client, "lock-finance", TEST_PASSWORD).status_code == 302
    # An official's sign-in ends with the second factor, which clears the count.
    code = totp_code(authenticator_of(official))
    client.post(reverse("two_factor:verify"), {"code": code})
    assert not LoginFailure.objects.filter(username="lock-finance").exists()


def test_two_failures_then_a_success_do_not_add_up_to_a_lock(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(Role.ENTERPRISE, username="lock-qiye")
    _sign_in(client, "lock-qiye", "wrong")
    _sign_in(client, "lock-qiye", "wrong")
    assert _sign_in(client, "lock-qiye", TEST_PASSWORD).status_code == 302
    client.logout()
    _sign_in(client, "lock-qiye", "wrong")
    _sign_in(client, "lock-qiye", "wrong")
    assert _sign_in(client, "lock-qiye", TEST_PASSWORD).status_code == 302


def test_many_failures_from_one_address_lock_that_address_for_every_account(client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    make_user(Role.COUNTY_REVIEWER, username="lock-county", jurisdiction="411502")
    for n in range(4):
        _sign_in(client, f"guess-{n}", "wrong", "192.0.2.99")
    refused = _sign_in(client, "lock-county", TEST_PASSWORD, "192.0.2.99")
    assert "您所在网络的登录失败次数过多" in refused.content.decode()
    assert _sign_in(client, "lock-county", TEST_PASSWORD, "192.0.2.100").status_code == 302


def test_an_administrator_lifts_a_lock_and_it_is_audited(client, settings, admin_user_):
    settings.LOGIN_FAILURE_LIMIT = 2
    make_user(Role.CITY_REVIEWER, username="lock-unlock")
    _sign_in(client, "lock-unlock", "wrong")
    _sign_in(client, "lock-unlock", "wrong")
    assert "已暂时锁定" in _sign_in(client, "lock-unlock", TEST_PASSWORD).content.decode()
    request = RequestFactory().post("/admin/")
    request.user = admin_user_
    model_admin = LoginFailureAdmin(LoginFailure, AdminSite())
    model_admin.message_user = lambda *args, **kwargs: None  # no messages framework here
    model_admin.unlock_accounts(request, LoginFailure.objects.filter(username="lock-unlock"))
    assert not LoginFailure.objects.exists()
    event = CaseEvent.objects.get(action="login_unlocked")
    assert event.actor == admin_user_
    assert event.data == {"username": "lock-unlock", "cleared": 2}
    assert _sign_in(client, "lock-unlock", TEST_PASSWORD).status_code == 302


def test_the_lockout_reads_the_address_the_one_way(client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 2
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for n in range(2):
        client.post(
            reverse("login"),
            {"username": f"spoof-{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.7",
        )
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"192.0.2.7"}
