"""县区同步奖励 in the browser: the city confirms, the county reviewer confirms the match, county
finance budgets, plans and pays it, and the enterprise sees both awards."""

from decimal import Decimal

import pytest
from django.utils import timezone

from applicants.models import Application, Status
from applicants.roles import Role
from awards.models import Award
from tests.awards.helpers import case_in, end_announcement
from tests.browser.helpers import login, logout, take
from tests.conftest import LUOSHAN
from tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.browser


def test_city_confirmation_to_the_county_payment_and_both_awards_for_the_enterprise(
    live_server, page, transactional_db, luoshan_programme, tmp_path
):
    base = live_server.url
    year = timezone.localdate().year
    make_user(Role.CITY_REVIEWER, username="ps-city")
    make_user(Role.COUNTY_REVIEWER, username="ps-luoshan", jurisdiction=LUOSHAN)
    make_user(Role.COUNTY_FINANCE, username="ps-luoshan-finance", jurisdiction=LUOSHAN)
    enterprise = EnterpriseFactory(name="罗山数据要素科技有限公司", jurisdiction=LUOSHAN)
    applicant = make_user(Role.ENTERPRISE, username="ps-enterprise", enterprise=enterprise)
    case = case_in(
        Status.ANNOUNCED,
        enterprise=enterprise,
        created_by=applicant,
        item="contest_national",
        facts={"prize_level": "first"},
        project_name="淮河数据要素应用",
    )
    end_announcement(case)

    # The city confirms the award after its 公示.
    login(page, base, "ps-city")
    page.goto(f"{base}/review/cases/{case.pk}/")
    take(page, "confirm", "confirmed")
    assert "罗山县同步奖励" in page.inner_text("#programme-cases")
    logout(page)

    # The county reviewer finds the match waiting and confirms it.
    match = Application.objects.get(matched_application=case)
    login(page, base, "ps-luoshan")
    page.click("#queue-link")
    page.wait_for_selector("#queue-table")
    assert match.reference in page.inner_text("#queue-table")
    page.click(f'tr[data-case-id="{match.pk}"] a.case-link')
    page.wait_for_selector("#match-notice")
    assert case.reference in page.inner_text("#match-notice")
    assert page.inner_text("#case-amount") == "¥150,000.00"
    assert case.reference in page.inner_text("#rule-trace")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "county-match-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    take(page, "match_confirm", "confirmed")
    logout(page)

    # County finance sets the county's budget, plans, and records the payment.
    login(page, base, "ps-luoshan-finance")
    page.click("#finance-link")
    page.wait_for_selector("#programme-heading")
    assert "罗山县同步奖励" in page.inner_text("#programme-heading")
    assert "罗山县财政局" in page.inner_text("#programme-heading")
    page.fill("#id_year", str(year))
    page.fill("#id_amount", "300000.00")
    page.click("#budget-form button[type=submit]")
    page.wait_for_selector(f'#budget-table tr[data-year="{year}"]')
    page.click("#schedule-submit")
    page.wait_for_selector("#payout-table")
    page.reload()
    assert str(year) in page.inner_text("#payout-table")
    page.screenshot(path=str(tmp_path / "county-finance.png"), full_page=True)
    page.click(f"#payout-table a:text('{match.reference}')")
    page.wait_for_selector("#pay-options")
    page.fill("#id_payment_reference", "LSCZ-2026-0001")
    take(page, "pay", "paid")
    logout(page)
    award = Award.objects.get(application=match)
    assert award.amount == Decimal("150000.00")
    assert award.payment_reference == "LSCZ-2026-0001"
    # The city's award was left to the city's own plan.
    assert Application.objects.get(pk=case.pk).status == Status.CONFIRMED

    # The enterprise sees both awards on its city case, and the paid county one.
    login(page, base, "ps-enterprise")
    page.goto(f"{base}/enterprise/applications/{case.pk}/")
    cards = page.inner_text("#programme-cases")
    for words in ("市级奖励", "罗山县同步奖励", "¥300,000.00", "¥150,000.00"):
        assert words in cards
    assert "¥450,000.00" in page.inner_text("#programme-total")
    page.screenshot(path=str(tmp_path / "enterprise-both.png"), full_page=True)
    page.click(f"#programme-cases a:text('{match.reference}')")
    page.wait_for_selector("#match-notice")
    assert "已兑付" in page.inner_text("#case-status")
    assert "LSCZ-2026-0001" in page.inner_text("#payment-reference")
