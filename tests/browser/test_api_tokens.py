"""API tokens in the browser: from the user menu, past the password confirmation, a token is
created and shown once, works against the API, and stops working once revoked."""

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from applicants.api_tokens.models import ApiToken
from tests.browser.helpers import login
from tests.factories import TEST_PASSWORD, ApplicationFactory

pytestmark = pytest.mark.browser


def _api_status(base: str, secret: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (the live server on loopback)
        f"{base}/api/v1/applications/", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_token_is_created_shown_once_used_and_revoked(
    live_server, page, transactional_db, enterprise_user
):
    base = live_server.url
    ApplicationFactory(enterprise=enterprise_user.enterprise)
    login(page, base, enterprise_user.username)
    page.click("#current-user")
    page.click("#api-tokens-link")
    page.wait_for_selector("#reauth-form")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#reauth-submit")
    page.wait_for_selector("#token-form")
    page.fill("#id_name", "一网通办对接")
    page.click("#token-create-submit")
    secret = page.inner_text("#new-token-secret").strip()
    token = ApiToken.objects.get(user=enterprise_user)
    assert secret.startswith(token.prefix)
    # Shown once, so it copies in one click.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#new-token-copy")
    expect(page.locator("#new-token-copy")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    expect(page.locator("#token-table")).to_contain_text("一网通办对接")
    expect(page.locator("#token-table")).to_contain_text("只读")
    assert _api_status(base, secret) == 200
    # Shown once: not on the page again.
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    assert secret not in page.content()
    # Revoking asks first, naming the token: dismissed, nothing changes.
    asked = []

    def answer(accept: bool):
        def handle(dialog):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    page.once("dialog", answer(False))
    page.click(".token-revoke")
    assert "一网通办对接" in asked[0]
    assert _api_status(base, secret) == 200
    expect(page.locator("#token-table")).not_to_contain_text("已撤销")
    page.once("dialog", answer(True))
    page.click(".token-revoke")
    expect(page.locator("#token-table")).to_contain_text("已撤销")
    assert _api_status(base, secret) == 401
