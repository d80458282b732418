import pytest

from applicants.roles import Role
from tests.browser.helpers import pass_second_factor
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_an_official_logs_in_and_sees_the_dashboard(live_server, page, transactional_db, tmp_path):
    user = make_user(Role.COUNTY_REVIEWER, username="browser-county", jurisdiction="411502")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    pass_second_factor(page, user.username)
    page.wait_for_selector("#dashboard-title")
    assert page.inner_text("#dashboard-title") == "县区初审工作台"
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    page.select_option("#language-select", "en")
    page.click("#language-submit")
    page.wait_for_selector("#dashboard-title")
    assert page.inner_text("#dashboard-title") == "County review dashboard"
