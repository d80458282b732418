"""Payout reports in the browser: finance filters and groups the report, downloads it at once,
queues a large export and follows its progress (htmx polling) to the download link."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from applicants.models import Status
from applicants.roles import Role
from awards.reports import exports
from awards.reports.models import ExportState, PayoutExport
from tests.awards.test_reports import AMOUNT, award_case, db_sum, every, mixed_cases
from tests.browser.helpers import login
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_finance_reads_the_report_downloads_it_and_follows_a_large_export(
    live_server, page, transactional_db, tmp_path, settings
):
    base = live_server.url
    make_user(Role.FINANCE, username="rp-finance")
    cases = mixed_cases()
    login(page, base, "rp-finance")
    page.click("#nav-reports")
    page.wait_for_selector("#report-table")
    total = page.inner_text("#report-total")
    assert f"¥{db_sum(every(cases)):,.2f}" in total
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"reports-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.select_option("#id_group", "status")
    page.click("#report-submit")
    page.wait_for_selector('#report-table tr[data-group="queued"]')
    assert page.locator("#report-table tbody tr").count() == 3

    with page.expect_download() as download_info:
        page.click("#export-csv")
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.name.startswith("兑付报表-")
    assert saved.suffix == ".csv"
    rows = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    subtotals = [r[1] for r in rows if r[0] == exports.SUBTOTAL_LABEL]
    assert subtotals == ["已安排", "已拨付", "排队中"]
    assert Decimal(next(r for r in rows if r[0] == exports.TOTAL_LABEL)[AMOUNT]) == db_sum(
        every(cases)
    )

    # Over the threshold: a job (tasks run in-process here), then the link on the page.
    settings.REPORT_EXPORT_INLINE_ROWS = 2
    page.click("#export-xlsx")
    page.wait_for_selector("#export-list .export-download")
    with page.expect_download() as download_info:
        page.click("#export-list .export-download")
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert sheet["A1"].value == "申报编号"
    assert sheet.freeze_panes == "A2"


def test_an_export_in_progress_turns_into_a_download_link_without_a_reload(
    live_server, page, transactional_db, tmp_path
):
    base = live_server.url
    finance = make_user(Role.FINANCE, username="rp-finance-2")
    award_case(Status.SCHEDULED)
    job = PayoutExport.objects.create(
        requested_by=finance, format="csv", state=ExportState.RUNNING, rows=1, rows_done=0
    )
    login(page, base, "rp-finance-2")
    page.goto(f"{base}/review/reports/")
    page.wait_for_selector(f"#export-{job.pk} progress")
    from awards.reports.services import payout_export_run

    PayoutExport.objects.filter(pk=job.pk).update(state=ExportState.QUEUED)
    payout_export_run(export_id=job.pk)
    page.wait_for_selector(f"#export-{job.pk} .export-download", timeout=10_000)
    assert page.get_attribute(f"#export-{job.pk}", "data-state") == "done"
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(tmp_path / "export-done-390.png"), full_page=True)


def test_a_county_reviewer_can_only_pick_its_own_jurisdiction(live_server, page, transactional_db):
    base = live_server.url
    make_user(Role.COUNTY_REVIEWER, username="rp-county", jurisdiction="411502")
    mixed_cases()
    login(page, base, "rp-county")
    page.goto(f"{base}/review/reports/")
    page.wait_for_selector("#report-table")
    assert page.locator("#id_jurisdiction option").count() == 1
    assert "共 3 笔奖励" in page.inner_text("#report-count")
