"""Payment batches in the browser: finance builds a batch, downloads the treasury form, imports
the bank's return with one failed row and sees every outcome."""

import openpyxl
import pytest
from django.utils import timezone

from applicants.models import Status
from applicants.roles import Role
from awards.models import Award, PayoutPlanState
from tests.awards.helpers import case_in
from tests.browser.helpers import login
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_finance_builds_a_batch_exports_it_and_imports_the_banks_return(
    live_server, page, transactional_db, tmp_path
):
    base = live_server.url
    year = timezone.localdate().year
    make_user(Role.FINANCE, username="pb-finance")
    cases = [case_in(Status.SCHEDULED, pay_year=year) for _ in range(3)]
    PayoutPlanState.objects.update_or_create(programme="city", defaults={"stale": False})

    login(page, base, "pb-finance")
    page.goto(f"{base}/review/finance/")
    page.click("#batches-link")
    page.wait_for_selector("#batch-create-form")
    for case in cases:
        assert case.reference in page.inner_text("#candidate-table")
    page.click("#batch-create-submit")
    page.wait_for_selector("#batch-title")
    assert page.get_attribute("#batch-state", "data-state") == "draft"

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(saved).active
    assert sheet["A1"].value == "财政直接支付申请书"
    page.reload()
    assert page.get_attribute("#batch-state", "data-state") == "exported"

    # The bank paid two and returned one.
    lines = ["申报编号,金额,支付凭证号,支付日期,状态,失败原因"]
    today = timezone.localdate().isoformat()
    for number, case in enumerate(cases[:2], 1):
        lines.append(f"{case.reference},{case.award.amount:.2f},ZF-{number},{today},成功,")
    lines.append(f"{cases[2].reference},{cases[2].award.amount:.2f},,,失败,账户已冻结")
    bank_file = tmp_path / "回单.csv"
    bank_file.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    page.set_input_files("#bank-return-form input[type=file]", str(bank_file))
    page.click("#bank-return-submit")
    page.wait_for_selector("#bank-return-preview")
    assert page.locator("#preview-table .row-ok").count() == 3
    page.screenshot(path=str(tmp_path / "preview-1366.png"), full_page=True)
    page.click("#bank-return-confirm")
    page.wait_for_selector('#batch-state[data-state="settled"]')
    assert page.locator('#batch-items tr[data-outcome="paid"]').count() == 2
    failed_row = page.inner_text('#batch-items tr[data-outcome="failed"]')
    assert cases[2].reference in failed_row
    assert "账户已冻结" in failed_row
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "settled-390.png"), full_page=True)
    assert Award.objects.filter(paid_at__isnull=False).count() == 2
    # The spreadsheet we downloaded held what the database holds.
    rows = list(sheet.iter_rows(min_row=4, max_row=6, values_only=True))
    assert sorted(r[9] for r in rows) == sorted(c.reference for c in cases)
