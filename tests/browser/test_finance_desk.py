"""The finance desk's day in Chromium, against a real Celery worker: set a budget as typed
("５００，０００"), plan pay years and watch the run finish, build a payment batch, export it,
import the bank's return with one failed row, and see the charts drawn with the money."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from applicants.models import Status
from applicants.roles import Role
from awards.models import Award, PayoutPlanState, PayoutRun
from awards.payouts.models import RunState
from tests.awards.helpers import case_in
from tests.browser.helpers import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def _wait_for(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_finance_budgets_plans_pays_by_batch_and_sees_the_charts(
    live_server, page, celery_worker, tmp_path
):
    base = live_server.url
    year = timezone.localdate().year
    make_user(Role.FINANCE, username="fd-finance")
    first = [case_in(Status.CONFIRMED) for _ in range(2)]

    login(page, base, "fd-finance")
    page.goto(f"{base}/review/finance/")
    # A budget typed with full-width digits and separators, as in a spreadsheet.
    page.fill("#budget-form input[name=year]", str(year))
    page.fill("#budget-form input[name=amount]", "５００，０００")
    page.click("#budget-form button[type=submit]")
    page.wait_for_selector(f'#budget-table tr[data-year="{year}"]')
    assert "¥500,000.00" in page.inner_text(f'#budget-table tr[data-year="{year}"]')
    # A budget below what is paid, or not a number, is refused on the page with the reason.
    page.fill("#budget-form input[name=year]", str(year))
    page.fill("#budget-form input[name=amount]", "五十万")
    page.click("#budget-form button[type=submit]")
    page.wait_for_selector("#budget-form .invalid-feedback")
    assert page.input_value("#budget-form input[name=amount]") == "五十万"

    # The budget change re-planned on the worker by itself; two more awards arrive after it.
    _wait_for(
        lambda: (
            not PayoutPlanState.objects.filter(programme="city", stale=True).exists()
            and not PayoutRun.objects.filter(state__in=[RunState.QUEUED, RunState.RUNNING]).exists()
        ),
        "the automatic re-plan",
    )
    later = [case_in(Status.CONFIRMED) for _ in range(2)]
    # The desk reloads itself when it sees that run end (htmx); under load that reload can land
    # on this navigation and abort it (net::ERR_ABORTED): then the desk is opened once more.
    try:
        page.goto(f"{base}/review/finance/")
    except PlaywrightError:
        page.goto(f"{base}/review/finance/")
    page.click("#schedule-submit")
    # The run is followed on the page (htmx) until it is done; the desk then reloads.
    page.wait_for_selector('#plan-run[data-state="done"]', timeout=60_000)
    changes = page.inner_text("#run-changes")
    assert "2 项 · ¥200,000.00" in changes
    assert Award.objects.filter(application__in=first + later, pay_year=year).count() == 4
    page.click("#run-detail-link")
    page.wait_for_selector("#changes-table")
    for case in later:
        assert case.reference in page.inner_text("#changes-table")
    assert "新安排 2 项，调整年度 0 项，退回排队 0 项，未变动 2 项。" in page.inner_text(
        "#changes-summary"
    )

    # A batch of the year's scheduled awards, exported, and the bank's answer imported.
    PayoutPlanState.objects.filter(programme="city").update(stale=False)
    page.goto(f"{base}/review/finance/")
    page.click("#batches-link")
    page.wait_for_selector("#batch-create-form")
    page.click("#batch-create-submit")
    page.wait_for_selector("#batch-title")
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    assert download_info.value.suggested_filename.endswith(".xlsx")
    page.reload()  # exported: the batch now waits for the bank's return
    cases = first + later
    today = timezone.localdate().isoformat()
    lines = ["申报编号,金额,支付凭证号,支付日期,状态,失败原因"]
    for number, case in enumerate(cases[:3], 1):
        lines.append(f"{case.reference},100000.00,ZF-{number},{today},成功,")
    lines.append(f"{cases[3].reference},100000.00,,,失败,户名不符")
    bank_file = tmp_path / "回单.csv"
    bank_file.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    page.set_input_files("#bank-return-form input[type=file]", str(bank_file))
    page.click("#bank-return-submit")
    page.wait_for_selector("#bank-return-preview")
    page.click("#bank-return-confirm")
    page.wait_for_selector('#batch-state[data-state="settled"]')
    assert page.locator('#batch-items tr[data-outcome="paid"]').count() == 3
    assert "户名不符" in page.inner_text('#batch-items tr[data-outcome="failed"]')

    # The charts draw the money that was just paid, with its numbers in the table.
    page.click("#nav-dashboards")
    page.wait_for_selector("#dashboards-title")
    page.wait_for_function(
        "() => { const e = document.querySelector('[data-chart=\"budget\"]');"
        " return e && window.echarts && echarts.getInstanceByDom(e) && e.querySelector('canvas'); }"
    )
    budget_row = page.inner_text("#table-budget")
    assert "¥300,000.00" in budget_row or "300,000.00" in budget_row  # paid
    assert "500,000.00" in budget_row
