"""An official's first sign-in in Chromium: the enrolment page's secret goes into an
"authenticator" (computed here), its code confirms it, the backup codes are shown once."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from applicants.roles import Role
from tests.browser.helpers import submit_credentials
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_an_officials_first_sign_in_enrols_the_authenticator(
    live_server, page, transactional_db, tmp_path
):
    make_user(Role.FINANCE, username="browser-enrol")
    submit_credentials(page, live_server.url, "browser-enrol")
    page.wait_for_selector("#enrol-form")
    assert page.inner_text("#enrol-title") == "启用两步验证"
    assert page.locator("#enrol-qr svg").count() == 1
    page.screenshot(path=str(tmp_path / "enrol.png"), full_page=True)

    # Anything else leads back here until the enrolment is done.
    page.goto(f"{live_server.url}/review/finance/")
    page.wait_for_selector("#enrol-form")

    secret = b32decode(page.inner_text("#totp-secret").replace(" ", ""))
    page.fill("#id_code", f"{totp(secret):06d}")
    page.click("#enrol-submit")
    page.wait_for_selector("#backup-codes")
    codes = page.locator(".backup-code").all_inner_texts()
    assert len(codes) == 10
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    page.screenshot(path=str(tmp_path / "backup-codes.png"), full_page=True)

    # Continue: back to the page first asked for, now open.
    page.click("#backup-codes-done")
    page.wait_for_selector("#finance-title")
    page.reload()
    page.wait_for_selector("#finance-title")
