"""What officials see, in headless Chromium: the history as sentences that fit their card, the
quota exemption control in words, and the API docs under the site's CSP."""

import pytest

from applicants.models import Status
from applicants.roles import Role
from tests.awards.helpers import case_in
from tests.browser.helpers import login
from tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.browser

# Collects CSP violations from the first script on: console messages alone can miss some.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def _use_language(page, base_url: str, lang: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": base_url}])


def _history_fits(page) -> tuple[int, int]:
    return page.evaluate(
        """() => { const list = document.querySelector('#case-history');
                   return [list.scrollWidth, list.closest('.card').clientWidth]; }"""
    )


def test_the_history_reads_as_sentences_and_fits_its_card(
    live_server, page, transactional_db, tmp_path
):
    make_user(Role.CITY_REVIEWER, username="pages-city", display_name="王五")
    enterprise = EnterpriseFactory(name="信阳示范数据科技有限公司")
    case = case_in(Status.SCHEDULED, enterprise=enterprise, project_name="城市数据大脑")
    login(page, live_server.url, "pages-city")
    url = f"{live_server.url}/review/cases/{case.pk}/"
    for lang, words in (
        (
            "zh-hans",
            ("批准奖励 100,000.00 元", "安排兑付年度：2026 年", "王五（市发展改革委复审人员）"),
        ),
        ("en", ("Approved an award of 100,000.00 yuan", "Payout year set: 2026", "System")),
    ):
        _use_language(page, live_server.url, lang)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            history = page.inner_text("#case-history")
            for word in words:
                assert word in history, (lang, width, word)
            # Hashes stay folded until asked for.
            assert not page.locator("#case-history details[open]").count()
            assert page.locator("#case-history details").first.is_visible()
            scroll, card = _history_fits(page)
            assert scroll <= card, (lang, width, scroll, card)
            page.screenshot(path=str(tmp_path / f"history-{lang}-{width}.png"), full_page=True)


def test_the_quota_exemption_control_says_the_state_and_the_action(
    live_server, page, transactional_db
):
    make_user(Role.CITY_REVIEWER, username="pages-city")
    case = case_in(Status.APPROVED)
    login(page, live_server.url, "pages-city")
    page.goto(f"{live_server.url}/review/cases/{case.pk}/")
    assert page.inner_text("#exempt-state") == "当前：占用名额"
    assert page.inner_text("#exempt-submit") == "设为不占名额"
    assert not page.locator("#exempt-form input[type=checkbox]").count()
    page.fill("#exempt-form textarea", "省重点项目")
    page.click("#exempt-submit")
    page.wait_for_selector("#exempt-note")
    assert page.inner_text("#exempt-state") == "当前：不占名额（理由：省重点项目）"
    assert page.inner_text("#exempt-submit") == "恢复占用名额"
    history = page.inner_text("#case-history")
    assert "设为不占年度名额：省重点项目" in history


def test_the_api_docs_load_without_csp_violations(live_server, page):
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.add_init_script(COLLECT_VIOLATIONS)
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert response.status == 200
    assert "nonce-" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary")
    # Open one operation: Swagger UI renders more of itself then.
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body")
    assert "信阳数据产业奖补平台 API" in page.inner_text(".swagger-ui .info .title")
    assert page.evaluate("window.__cspViolations") == []
    assert [m for m in messages if m.startswith(("error", "pageerror"))] == []
    assert not [m for m in messages if "Content Security Policy" in m]
