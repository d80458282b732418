"""In Chromium: an official's cookie ends with the browser, and a polling page still times out."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from applicants.roles import Role
from awards.reports.models import ExportState, PayoutExport
from portal.middleware import LAST_ACTIVITY_KEY
from tests.browser.helpers import login
from tests.factories import make_user

pytestmark = pytest.mark.browser


def _cookie(page) -> dict:
    return next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)


def _session(page) -> SessionStore:
    return SessionStore(session_key=_cookie(page)["value"])


def test_a_polling_page_does_not_keep_an_official_signed_in(
    live_server, page, transactional_db, tmp_path
):
    base = live_server.url
    finance = make_user(Role.FINANCE, username="idle-finance")
    # An export no worker takes: its line polls every second for as long as the page is open.
    job = PayoutExport.objects.create(
        requested_by=finance, format="csv", state=ExportState.RUNNING, rows=10, rows_done=0
    )
    login(page, base, "idle-finance")
    cookie = _cookie(page)
    assert cookie["expires"] == -1  # a browser-session cookie
    page.goto(f"{base}/review/reports/")
    page.wait_for_selector(f"#export-{job.pk} progress")

    session = _session(page)
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 20 * 60
    session.save()
    before = session[LAST_ACTIVITY_KEY]
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if r.headers.get("hx-request") else None)
    page.wait_for_timeout(3000)
    assert len(polls) >= 2, polls
    assert _session(page)[LAST_ACTIVITY_KEY] == before
    assert "/review/reports/" in page.url

    session = _session(page)
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()
    # The next poll is refused with HX-Redirect: the whole page goes to the login form.
    page.wait_for_selector("#login-form", timeout=10_000)
    assert "/accounts/login/" in page.url
    assert "next=%2Freview%2Freports%2F" in page.url
    message = "您已超过 30 分钟未操作，为保护账户安全已自动退出，请重新登录。"
    assert message in page.inner_text("body")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(tmp_path / f"signed-out-{width}.png"), full_page=True)
