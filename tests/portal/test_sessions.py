"""Idle sessions end by role; signed-in pages are not cached; Permissions-Policy everywhere."""

import json
import time

import pytest
from django.conf import settings
from django.urls import reverse

from applicants.services.applications import ApplicationInput, application_create
from applicants.services.evidence import evidence_add
from portal.middleware import LAST_ACTIVITY_KEY, SIGNED_OUT_NOTICE_SECONDS
from tests.applicants.test_enterprises import _form as registration_form
from tests.factories import TEST_PASSWORD, authenticator_of, sign_in, totp_code, upload

pytestmark = pytest.mark.django_db

MINUTE = 60
HTMX = {"HTTP_HX_REQUEST": "true"}


def _sign_in(client, user):
    """Through the login form, as a person does: the role's cookie policy is set there."""
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    if user.is_official:  # then the second factor, as the official does
        code = totp_code(authenticator_of(user))
        assert client.post(reverse("two_factor:verify"), {"code": code}).status_code == 302
    return response


def _idle_for(client, *, minutes: float) -> None:
    """Move the session's last activity into the past (no sleeping)."""
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time() - minutes * MINUTE)
    session.save()


def _last_activity(client) -> int:
    return client.session[LAST_ACTIVITY_KEY]


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_an_official_idle_for_31_minutes_is_signed_out_with_a_message(client, city_reviewer):
    _sign_in(client, city_reviewer)
    _idle_for(client, minutes=31)
    response = client.get(reverse("awards:queue"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('awards:queue')}"
    assert not _signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "您已超过 30 分钟未操作，为保护账户安全已自动退出，请重新登录。" in page
    # Signing in again returns to the page the person asked for.
    back = client.post(
        response["Location"], {"username": city_reviewer.username, "password": TEST_PASSWORD}
    )
    assert back["Location"] == reverse("awards:queue")


def test_an_official_idle_for_29_minutes_stays_signed_in(client, city_reviewer):
    _sign_in(client, city_reviewer)
    _idle_for(client, minutes=29)
    assert client.get(reverse("awards:queue")).status_code == 200
    assert _signed_in(client)
    # The request was activity: the clock starts again.
    assert time.time() - _last_activity(client) < MINUTE


def test_the_message_names_the_configured_limit(client, settings, finance_user):
    settings.OFFICIAL_SESSION_IDLE_MINUTES = 45
    _sign_in(client, finance_user)
    _idle_for(client, minutes=44)
    assert client.get(reverse("home")).status_code == 200
    _idle_for(client, minutes=46)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert "您已超过 45 分钟未操作" in page


def test_an_enterprise_idle_for_31_minutes_stays_but_not_past_its_limit(client, enterprise_user):
    assert settings.ENTERPRISE_SESSION_IDLE_MINUTES == 240
    _sign_in(client, enterprise_user)
    _idle_for(client, minutes=31)
    assert client.get(reverse("applicants:home")).status_code == 200
    _idle_for(client, minutes=239)
    assert client.get(reverse("applicants:home")).status_code == 200
    _idle_for(client, minutes=241)
    response = client.get(reverse("applicants:home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "您已超过 240 分钟未操作" in response.content.decode()
    assert not _signed_in(client)


def test_an_officials_cookie_ends_with_the_browser(client, county_reviewer):
    cookie = _sign_in(client, county_reviewer).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert client.session.get_expire_at_browser_close()


def test_an_enterprises_cookie_persists_for_its_idle_limit(client, enterprise_user):
    cookie = _sign_in(client, enterprise_user).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 240 * MINUTE + SIGNED_OUT_NOTICE_SECONDS
    assert cookie["expires"]
    assert not client.session.get_expire_at_browser_close()


def test_registering_signs_the_enterprise_in_with_its_persistent_cookie(client):
    response = client.post(reverse("applicants:register"), registration_form())
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 240 * MINUTE + SIGNED_OUT_NOTICE_SECONDS
    assert time.time() - _last_activity(client) < MINUTE


def test_activity_is_written_at_most_once_a_minute(client, city_reviewer):
    _sign_in(client, city_reviewer)
    _idle_for(client, minutes=0.5)
    before = _last_activity(client)
    response = client.get(reverse("home"))
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the session was not saved
    assert _last_activity(client) == before
    _idle_for(client, minutes=2)
    client.get(reverse("home"))
    assert time.time() - _last_activity(client) < MINUTE


def test_htmx_polling_does_not_extend_the_session(client, finance_user):
    _sign_in(client, finance_user)
    _idle_for(client, minutes=20)
    before = _last_activity(client)
    for _ in range(3):
        assert client.get(reverse("home"), **HTMX).status_code == 200
    assert _last_activity(client) == before
    # Still idle in the end: the tab polling every second does not keep it open.
    _idle_for(client, minutes=31)
    response = client.get(
        reverse("awards:finance"),
        HTTP_HX_CURRENT_URL="http://testserver/review/finance/?year=2025",
        **HTMX,
    )
    assert response.status_code == 401
    back = "%2Freview%2Ffinance%2F%3Fyear%3D2025"
    assert response["HX-Redirect"] == f"{reverse('login')}?next={back}"
    assert response["Cache-Control"] == "private, no-store"
    assert not _signed_in(client)
    assert "您已超过 30 分钟未操作" in client.get(reverse("login")).content.decode()


def test_an_htmx_post_is_a_person_typing_and_counts(client, enterprise_user):
    _sign_in(client, enterprise_user)
    _idle_for(client, minutes=20)
    response = client.post(
        reverse("applicants:quote", args=["honor_provincial"]), {"project_name": "项目"}, **HTMX
    )
    assert response.status_code == 200
    assert time.time() - _last_activity(client) < MINUTE


def test_the_api_answers_401_json_when_the_session_expired(client, county_reviewer):
    _sign_in(client, county_reviewer)
    url = reverse("applicants-api-applications")
    assert client.get(url).status_code == 200
    _idle_for(client, minutes=31)
    response = client.get(url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "detail": "您已超过 30 分钟未操作，为保护账户安全已自动退出，请重新登录。"
    }
    assert not _signed_in(client)


def test_a_session_from_before_the_limits_is_stamped_not_signed_out(client, city_reviewer):
    sign_in(client, city_reviewer)
    session = client.session
    del session[LAST_ACTIVITY_KEY]  # as a session signed in before the limits were deployed
    session.set_expiry(None)
    session.save()
    assert client.get(reverse("awards:queue")).status_code == 200
    assert time.time() - _last_activity(client) < MINUTE
    assert client.session.get_expire_at_browser_close()


def test_signed_in_pages_are_not_cached(client, city_reviewer):
    login = _sign_in(client, city_reviewer)
    # The login view's own never_cache (no-store among others) is kept.
    assert {"private", "no-store"} <= set(login["Cache-Control"].split(", "))
    for url in [reverse("home"), reverse("awards:queue"), reverse("calculator")]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store", url
    logout = client.post(reverse("logout"))
    assert {"private", "no-store"} <= set(logout["Cache-Control"].split(", "))


def test_public_pages_may_be_cached_and_refuse_browser_features(client):
    for url in [reverse("calculator"), "/gongshi/", "/no-such-page/", reverse("login"), "/"]:
        response = client.get(url)
        if url not in (reverse("login"), "/"):  # the login form is never_cache; / redirects to it
            assert "no-store" not in response.get("Cache-Control", ""), url
        policy = response["Permissions-Policy"]
        for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
            assert f"{feature}=()" in policy, url
    assert "Cache-Control" not in client.get(reverse("calculator"))


def test_a_download_keeps_its_own_cache_header(client, enterprise_user):
    case = application_create(
        actor=enterprise_user,
        item="honor_provincial",
        data=ApplicationInput(project_name="项目"),
    )
    evidence = evidence_add(
        actor=enterprise_user, application_id=case.pk, kind="approval_notice", upload=upload()
    )
    _sign_in(client, enterprise_user)
    response = client.get(reverse("applicants:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"
    assert response["Permissions-Policy"]
