"""免申即享 in the browser: the city's reviewer imports a published list; the enterprise opens the
notification, finds its application pre-filled with the list cited as its notice, adds the
certificate and submits."""

import pytest
from playwright.sync_api import expect

from applicants.models import Application, Status
from tests.browser.helpers import login, logout, pdf_upload
from tests.factories import EnterpriseFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("evidence_storage")]


def test_from_the_published_list_to_a_submitted_application(
    live_server, page, transactional_db, tmp_path
):
    base = live_server.url
    enterprise = EnterpriseFactory(name="信阳数智科技有限公司")
    member = make_user("enterprise", enterprise=enterprise, username="shuzhi")
    reviewer = make_user("city_reviewer", username="city-winners")
    listing = tmp_path / "省级数据要素大赛获奖名单.csv"
    listing.write_text(
        "统一社会信用代码,单位名称,奖励事项,获奖等次,日期,文号\n"
        f"{enterprise.credit_code},{enterprise.name},省级“数据要素×”等大赛获奖,一等奖,"
        "2025-05-20,豫数〔2025〕8号\n"
        "91411500MA00000000,未注册的公司,contest_provincial,二等奖,2025-05-20,豫数〔2025〕8号\n",
        encoding="utf-8",
    )

    # The city's reviewer imports the list from the menu and reads the report.
    login(page, base, reviewer.username)
    page.click("#winners-link")
    page.set_input_files("#id_file", str(listing))
    page.click("#winners-submit")
    page.wait_for_selector("#created-table")
    expect(page.locator("#import-summary")).to_contain_text("生成草稿 1 份，跳过 1 行")
    # The reason in words, not its code.
    expect(page.locator("#skipped-table")).to_contain_text("信用代码有误")
    draft = Application.objects.get(enterprise=enterprise)
    expect(page.locator("#created-table")).to_contain_text(draft.reference)
    logout(page)

    # The enterprise opens its notification and continues the pre-filled draft.
    login(page, base, member.username)
    page.click("#nav-notifications")
    link = page.locator(".notification-link").first
    expect(link).to_contain_text("豫数〔2025〕8号")
    link.click()
    expect(page.locator("#cited-announcement")).to_contain_text("豫数〔2025〕8号")
    page.click("#edit-link")
    page.wait_for_selector("#application-form")
    expect(page.locator("#winner-draft-notice")).to_be_visible()
    expect(page.locator("#id_project_name")).to_have_value(draft.project_name)
    expect(page.locator("#id_prize_level")).to_have_value("first")
    expect(page.locator("#field-evidence__award_notice")).to_contain_text("已引用公布名单")
    page.set_input_files("#id_evidence__award_certificate", pdf_upload("获奖证书.pdf"))
    page.check("#id_declaration_accepted")
    page.click("#to-submit")
    page.wait_for_selector("#confirm-form")
    page.click("#confirm-submit")
    page.wait_for_selector("#timeline")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    # What the enterprise sees: submitted, with the expected amount.
    expect(page.locator("body")).to_contain_text("100,000.00")
