"""The enterprise reads its case in the browser: the approved amount, and a 补正 said at the top."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from applicants.models import Status
from applicants.roles import Role
from applicants.services.cases import case_transition
from awards.services.decisions import case_decide
from tests.awards.helpers import city_user
from tests.factories import TEST_PASSWORD, ApplicationFactory, EnterpriseFactory, make_user

pytestmark = pytest.mark.browser


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#dashboard-title")


def test_the_enterprise_sees_the_approved_amount_and_the_return_banner(
    live_server, page, transactional_db, tmp_path
):
    enterprise = EnterpriseFactory(name="信阳茶链数据有限公司", jurisdiction="411502")
    member = make_user(Role.ENTERPRISE, username="case-reader", enterprise=enterprise)
    approved = ApplicationFactory(
        enterprise=enterprise,
        created_by=member,
        status=Status.REVIEWED,
        project_name="茶园数据要素应用",
        expected_amount=Decimal("100000.00"),
    )
    case_decide(
        application_id=approved.pk,
        action="approve",
        actor=city_user(),
        amount=Decimal("40000.00"),
        override_reason="部分投入不属于奖励范围",
    )
    returned = ApplicationFactory(
        enterprise=enterprise,
        created_by=member,
        status=Status.SUBMITTED,
        project_name="数据集建设项目",
    )
    county = make_user(Role.COUNTY_REVIEWER, username="case-county", jurisdiction="411502")
    case_transition(
        application_id=returned.pk,
        action="county_return",
        actor=county,
        reason="请补充获奖证书原件扫描件",
    )

    _log_in(page, live_server.url, "case-reader")
    page.goto(f"{live_server.url}/enterprise/applications/{approved.pk}/")
    expect(page.locator("#approved-amount")).to_have_text("40,000.00")
    expect(page.locator("#amount-adjusted")).to_have_text(
        "规则计算 100,000.00 元，核定 40,000.00 元：部分投入不属于奖励范围"
    )
    expect(page.locator("#stored-amount")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "approved.png"), full_page=True)

    page.goto(f"{live_server.url}/enterprise/applications/{returned.pk}/")
    banner = page.locator("#return-banner")
    expect(banner).to_be_visible()
    expect(page.locator("#return-reason")).to_have_text("请补充获奖证书原件扫描件")
    expect(page.locator("#return-by")).to_contain_text("县区初审人员 · 浉河区")
    # At the top: above the case's contents, right under its title.
    banner_top = banner.bounding_box()["y"]
    assert banner_top < page.locator("#case-facts").bounding_box()["y"]
    assert banner_top < page.locator("#amount-card").bounding_box()["y"]
    # One way on: a single resubmit button, no separate 提交.
    edit_links = page.locator(f"main a[href='/enterprise/applications/{returned.pk}/edit/']")
    expect(edit_links).to_have_count(1)
    expect(
        page.locator(f"main a[href='/enterprise/applications/{returned.pk}/submit/']")
    ).to_have_count(0)
    page.screenshot(path=str(tmp_path / "returned.png"), full_page=True)
    page.click("#resubmit-link")
    page.wait_for_selector("#application-form")
