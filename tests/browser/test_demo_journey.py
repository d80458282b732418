"""Every role finishes its journey on the demo database, in the browser, without changing the clock.

The enterprise files, the county recommends, the city approves and announces; the city confirms
the demo case whose 公示 is over; finance plans and records the payment; the enterprise sees the
approved amount, the pay year and the payment.
"""

import pytest
from django.utils import timezone

from applicants.models import Application, Status
from awards.models import Award
from portal.services import DEMO_PASSWORD, demo_data_load
from tests.browser.helpers import login, logout, take
from tests.factories import TINY_PDF

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("evidence_storage")]


def test_every_role_finishes_its_journey_on_the_demo(live_server, page, transactional_db, tmp_path):
    demo_data_load()
    base = live_server.url
    shots = tmp_path

    # The enterprise files a new case in the browser.
    login(page, base, "qiye", DEMO_PASSWORD)
    page.click("#new-honor_provincial")
    page.wait_for_selector("#application-form")
    page.fill("#id_project_name", "浉河区公共数据授权运营试点")
    page.fill("#id_event_date", "2025-09-10")
    page.set_input_files(
        "#id_evidence__approval_notice",
        {"name": "认定文件.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF},
    )
    page.check("#id_declaration_accepted")
    page.click("#to-submit")
    page.wait_for_selector("#confirm-form")
    page.click("#confirm-submit")
    page.wait_for_selector("#case-status")
    filed = Application.objects.get(project_name="浉河区公共数据授权运营试点")
    assert filed.status == Status.SUBMITTED
    logout(page)

    # The county recommends it from its queue.
    login(page, base, "county_shihe", DEMO_PASSWORD)
    page.click("#queue-link")
    page.wait_for_selector("#queue-table")
    page.click(f'tr[data-case-id="{filed.pk}"] a.case-link')
    page.wait_for_selector("#case-title")
    take(page, "recommend", "recommended")
    logout(page)

    # The city reviews, approves and announces it, then confirms the case whose 公示 is over.
    login(page, base, "city", DEMO_PASSWORD)
    page.goto(f"{base}/review/cases/{filed.pk}/")
    take(page, "review", "reviewed")
    take(page, "approve", "approved")
    take(page, "announce", "announced")
    today = timezone.localdate()
    ended = next(
        a
        for a in Application.objects.filter(status=Status.ANNOUNCED).select_related("award")
        if a.award.announcement_ends_on < today
    )
    page.goto(f"{base}/review/cases/{ended.pk}/")
    take(page, "confirm", "confirmed")
    page.screenshot(path=str(shots / "city-confirmed.png"), full_page=True)
    logout(page)

    # Finance plans the payouts (a background job, in-process here) and records the payment.
    login(page, base, "finance", DEMO_PASSWORD)
    page.goto(f"{base}/review/finance/")
    page.click("#schedule-submit")
    page.wait_for_selector("#payout-table")
    award = Award.objects.get(application=ended)
    assert award.pay_year == today.year
    row = page.locator("#payout-table tr", has_text=ended.reference)
    assert str(today.year) in row.inner_text()
    page.goto(f"{base}/review/cases/{ended.pk}/")
    page.fill("#id_payment_reference", "XYCZ-2026-0815")
    page.fill("#id_paid_at", today.isoformat())
    take(page, "pay", "paid")
    page.screenshot(path=str(shots / "finance-paid.png"), full_page=True)
    logout(page)

    # The enterprise sees what was approved, when it is paid, and the payment itself.
    login(page, base, "qiye", DEMO_PASSWORD)
    page.goto(f"{base}/enterprise/applications/{ended.pk}/")
    page.wait_for_selector("#case-status")
    text = page.inner_text("main")
    assert f"{award.amount:,.2f}" in text
    assert str(today.year) in text
    assert "XYCZ-2026-0815" in text
    assert today.isoformat() in text
    page.screenshot(path=str(shots / "enterprise-paid.png"), full_page=True)
