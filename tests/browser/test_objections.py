"""The 公示 in Chromium: the printed list shows the notice without the site's chrome; an objection
filed on the form holds the case (异议核实中), and the city dismisses it on its page."""

import pytest

from applicants.models import Status
from applicants.roles import Role
from awards.models import Objection
from tests.awards.helpers import case_in
from tests.browser.helpers import login
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_the_printed_list_hides_the_navigation_and_keeps_the_notice(
    live_server, page, transactional_db, settings
):
    settings.OBJECTION_PHONE = "0376-6366001"
    case = case_in(Status.ANNOUNCED)
    page.goto(f"{live_server.url}/gongshi/")
    assert page.locator("nav.navbar").is_visible()
    assert page.locator("#print-button").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("footer").is_visible()
    assert not page.locator("#print-button").is_visible()
    assert not page.locator(f'tr[data-case-id="{case.pk}"] a.btn').is_visible()
    assert page.locator("#gongshi-table").is_visible()
    assert page.locator("#objection-phone").is_visible()
    assert "0376-6366001" in page.inner_text("#objection-phone")
    row = page.inner_text(f'tr[data-case-id="{case.pk}"]')
    assert case.enterprise.name in row
    assert case.award.announcement_number in row
    page.emulate_media(media="screen")
    assert page.locator("nav.navbar").is_visible()


def test_an_objection_filed_in_the_browser_shows_the_case_held(live_server, page, transactional_db):
    case = case_in(Status.ANNOUNCED)
    make_user(Role.CITY_REVIEWER, username="gongshi-city")
    page.goto(f"{live_server.url}/gongshi/")
    page.click(f'tr[data-case-id="{case.pk}"] a.btn')
    page.wait_for_selector("#objection-form")
    # A bad telephone first: the form says so in Chinese and keeps what was typed.
    page.fill("#id_name", "王五")
    page.fill("#id_phone", "12345")
    page.fill("#id_text", "该项目获奖证书与主办方记录不符，请核查。")
    page.click("#objection-submit")
    page.wait_for_selector(".invalid-feedback")
    assert "请填写有效的联系电话" in page.inner_text("#objection-form")
    assert not Objection.objects.exists()
    page.fill("#id_phone", "１３８ ００００ ００００")
    page.click("#objection-submit")
    page.wait_for_selector("#gongshi-table")
    assert "您的异议已提交" in page.inner_text("main")
    row = page.locator(f'tr[data-case-id="{case.pk}"]')
    assert row.get_attribute("data-status") == "held"
    assert "异议核实中" in row.inner_text()
    case.refresh_from_db()
    assert case.status == Status.HELD
    assert Objection.objects.get().phone == "13800000000"

    # The city dismisses it on its page: the case is announced again.
    login(page, live_server.url, "gongshi-city")
    page.goto(f"{live_server.url}/review/cases/{case.pk}/")
    page.click("#objections-link")
    page.wait_for_selector(".resolve-form")
    objection = Objection.objects.get()
    page.check(f"#outcome-{objection.pk}-dismiss")
    page.fill(f"#reason-{objection.pk}", "经向主办方核实，获奖属实。")
    page.click(".resolve-form button[type=submit]")
    page.wait_for_selector('#case-status[data-status="announced"]')
    assert "异议不成立" in page.inner_text("#resolved-objections")
