"""Every main page fits a phone (390 px) and a laptop (1366 px), in Chinese and in English.

Nothing may push the page wider than the window (a wide table scrolls inside its card), and at
1366 px the navigation bar stays on one line even with the English labels of the busiest role.
"""

import pytest

from portal.services import demo_data_load
from tests.browser.helpers import pass_second_factor

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "xinyang-demo-2025"
WIDTHS = (390, 1366)
LANGUAGES = ("zh-hans", "en")
CALCULATOR = (
    "/calculator/?item=first_transaction&event_date=2025-06-01"
    "&applicant_type=data_trading_operator&jurisdiction=411521&transaction_amount=3000000.00"
)
# Role → the pages to open; "case" is the first case linked from the page before it.
PAGES = {
    None: ["/accounts/login/", CALCULATOR, "/gongshi/"],
    "qiye": ["/", "/enterprise/", "case", CALCULATOR],
    "county_shihe": ["/", "/review/", "case"],
    "city": ["/", "/review/", "case", "/gongshi/"],
    "finance": ["/", "/review/finance/", "case"],
    "admin": ["/", "/review/"],
}
CASE_LINK = "a[href*='/enterprise/applications/'], a[href*='/review/cases/']"

MEASURE = """() => {
  const bar = document.querySelector('nav.navbar');
  const parts = [...bar.querySelectorAll('.navbar-brand, .navbar-nav .nav-link, #language-form,'
                                        + ' #current-user, #logout-button, a.btn')]
    .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
  // A label on two lines is taller than one line of text plus its padding.
  const oneLine = e => {
    const s = getComputedStyle(e);
    return parseFloat(s.lineHeight) * 1.6 + parseFloat(s.paddingTop) + parseFloat(s.paddingBottom);
  };
  const wrapped = [...bar.querySelectorAll('.navbar-brand, .navbar-nav .nav-link')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height > oneLine(e))
    .map(e => e.textContent.trim());
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // One row: every part's middle within a few pixels of the others'.
    navSpread: Math.max(...parts.map(r => r.top + r.height / 2))
             - Math.min(...parts.map(r => r.top + r.height / 2)),
    wrapped,
  };
}"""


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    pass_second_factor(page, username)
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages_fit_the_window(live_server, browser, transactional_db, width, language):
    demo_data_load()
    problems = []
    for username, urls in PAGES.items():
        context = browser.new_context(
            viewport={"width": width, "height": 900}, timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(15_000)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        if username:
            _log_in(page, live_server.url, username)
        for url in urls:
            if url == "case":
                link = page.locator(CASE_LINK).first
                url = link.get_attribute("href")
            page.goto(f"{live_server.url}{url}")
            seen = page.evaluate(MEASURE)
            where = f"{username or 'anonymous'} {url} at {width}px ({language})"
            if seen["scrollWidth"] > seen["innerWidth"]:
                problems.append(f"{where}: {seen['scrollWidth']}px wide")
            if width >= 1200 and (seen["navSpread"] > 12 or seen["wrapped"]):
                problems.append(f"{where}: navigation not on one line {seen}")
        context.close()
    assert problems == []
