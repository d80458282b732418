"""One case from the enterprise's submission through county recommendation, city review,
approval and the public announcement, clicked through in headless Chromium."""

import datetime

import pytest

from applicants.models import CaseEvent, Status
from applicants.roles import Role
from applicants.services.applications import ApplicationInput, application_create
from awards.models import Award
from tests.browser.helpers import login, logout, take
from tests.factories import EnterpriseFactory, make_user, upload

pytestmark = pytest.mark.browser


def test_a_case_from_submission_to_the_public_announcement(
    live_server, page, transactional_db, tmp_path
):
    make_user(Role.COUNTY_REVIEWER, username="flow-county", jurisdiction="411502")
    make_user(Role.CITY_REVIEWER, username="flow-city")
    enterprise = EnterpriseFactory(name="信阳云图数据科技有限公司", jurisdiction="411502")
    applicant = make_user(Role.ENTERPRISE, username="flow-enterprise", enterprise=enterprise)
    # The enterprise's draft with its evidence (filling the form is test_enterprise_flow's part).
    case = application_create(
        actor=applicant,
        item="contest_provincial",
        data=ApplicationInput(
            project_name="茶产业数据要素应用",
            event_date=datetime.date(2025, 6, 1),
            facts={"prize_level": "first"},
            declaration_accepted=True,
        ),
        evidence={"award_certificate": upload(), "award_notice": upload("获奖文件.pdf")},
    )

    # Enterprise: open the draft, submit it and confirm.
    login(page, live_server.url, "flow-enterprise")
    page.goto(f"{live_server.url}/enterprise/applications/{case.pk}/")
    page.click("#submit-link")
    page.wait_for_selector("#confirm-form")
    page.click("#confirm-submit")
    page.wait_for_selector("#timeline")
    assert "已提交" in page.inner_text("#timeline")
    logout(page)

    # County: the case waits in the queue; open it and recommend (初审推荐).
    login(page, live_server.url, "flow-county")
    page.click("#queue-link")
    page.wait_for_selector("#queue-table")
    assert "信阳云图数据科技有限公司" in page.inner_text("#queue-table")
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
    page.click(f'tr[data-case-id="{case.pk}"] a.case-link')
    page.wait_for_selector("#case-title")
    assert page.inner_text("#case-amount") == "¥100,000.00"
    assert "三、加强数据资源开发利用（三）" in page.inner_text("#rule-trace")
    take(page, "recommend", "recommended")
    assert "已办理" in page.inner_text("main")
    logout(page)

    # City: review (复审), then approve (批准) with the rules' amount, then announce (公示).
    login(page, live_server.url, "flow-city")
    page.goto(f"{live_server.url}/review/")
    page.click(f'tr[data-case-id="{case.pk}"] a.case-link')
    page.wait_for_selector("#case-title")
    take(page, "review", "reviewed")
    take(page, "approve", "approved")
    assert "批准的奖励金额" in page.inner_text("#amount-card")
    take(page, "announce", "announced")
    assert page.is_visible("#announcement-dates")
    history = page.inner_text("#case-history")
    for label in ("初审推荐", "复审通过", "批准奖励", "发布公示"):
        assert label in history
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    logout(page)

    # The public: the award is on /gongshi/ without login.
    page.goto(f"{live_server.url}/gongshi/")
    row = page.locator(f'#gongshi-table tr[data-case-id="{case.pk}"]')
    assert "信阳云图数据科技有限公司" in row.inner_text()
    assert "¥100,000.00" in row.inner_text()
    page.screenshot(path=str(tmp_path / "gongshi.png"), full_page=True)

    case.refresh_from_db()
    assert case.status == Status.ANNOUNCED
    assert Award.objects.get(application=case).amount == 100000
    # Documents rendered along the way are entries too; the decisions are these, in this order.
    assert list(
        CaseEvent.objects.filter(application=case)
        .exclude(action="document_rendered")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "evidence_added",
        "evidence_added",
        "submit",
        "recommend",
        "review",
        "approve",
        "announce",
    ]
