"""The batch as the treasury's 财政直接支付申请书: XLSX (for people) and CSV (for systems)."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from applicants import programmes
from applicants.rmb import rmb_capital
from awards.payments.models import PaymentBatch
from awards.payments.selectors import PaymentRow
from awards.spreadsheets import CSV_CONTENT_TYPE, MONEY_FORMAT, XLSX_CONTENT_TYPE, safe_cell

TITLE = "财政直接支付申请书"
HEADERS = (
    "序号",
    "收款人全称",
    "统一社会信用代码",
    "开户银行",
    "银行账号",
    "金额",
    "奖励事项",
    "政策依据",
    "预算年度",
    # Not on the paper form: lets the bank's return name the case it pays (申报编号).
    "申报编号",
)
WIDTHS = (6, 36, 22, 28, 26, 16, 30, 30, 10, 18)
AMOUNT_COLUMN = 6
TOTAL_LABEL = "合计"
WORDS_LABEL = "合计金额（大写）"
# Header row of the XLSX (after the title and the batch line); data starts on the next row.
XLSX_HEADER_ROW = 3


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    file_name: str
    content_type: str


def _cells(row: PaymentRow) -> list[object]:
    return [
        row.number,
        row.payee,
        row.credit_code,
        row.bank_name,
        row.bank_account,
        row.amount,
        row.item,
        row.basis,
        row.year,
        row.reference,
    ]


def _file_stem(batch: PaymentBatch) -> str:
    return f"{TITLE}-{batch.reference}"


def batch_xlsx(batch: PaymentBatch, rows: list[PaymentRow]) -> ExportFile:
    """The form as a workbook: title, batch line, header (frozen), rows, 合计 and 大写 total."""
    total = sum((r.amount for r in rows), Decimal("0.00"))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = TITLE
    last_column = get_column_letter(len(HEADERS))
    sheet.append([TITLE])
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    funding_body = programmes.programme_funding_body(batch.programme)
    sheet.append(
        [
            safe_cell(
                f"付款单位：{funding_body}　批次编号：{batch.reference}　预算年度：{batch.year}"
                f"　申请日期：{timezone.localdate().isoformat()}"
            )
        ]
    )
    sheet.merge_cells(f"A2:{last_column}2")
    sheet.append(list(HEADERS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[XLSX_HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for row in rows:
        sheet.append([safe_cell(v) for v in _cells(row)])
    sheet.append(["", TOTAL_LABEL, "", "", "", total])
    sheet.append(["", WORDS_LABEL, rmb_capital(total)])
    words_row = sheet.max_row
    sheet.merge_cells(
        start_row=words_row, start_column=3, end_row=words_row, end_column=len(HEADERS)
    )
    for line in sheet.iter_rows(min_row=XLSX_HEADER_ROW + 1, max_row=words_row):
        for cell in line:
            cell.border = border
        line[AMOUNT_COLUMN - 1].number_format = MONEY_FORMAT
    for cell in sheet[words_row - 1] + sheet[words_row]:
        cell.font = Font(bold=True)
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{XLSX_HEADER_ROW + 1}"
    sheet.print_title_rows = f"{XLSX_HEADER_ROW}:{XLSX_HEADER_ROW}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportFile(
        buffer.getvalue(),
        f"{_file_stem(batch)}.xlsx",
        XLSX_CONTENT_TYPE,
    )


def batch_csv(batch: PaymentBatch, rows: list[PaymentRow]) -> ExportFile:
    """The same lines as CSV in UTF-8 with a BOM (so Excel reads the Chinese), then the totals."""
    total = sum((r.amount for r in rows), Decimal("0.00"))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows:
        cells = _cells(row)
        cells[AMOUNT_COLUMN - 1] = f"{row.amount:.2f}"
        writer.writerow([safe_cell(v) for v in cells])
    writer.writerow(["", TOTAL_LABEL, "", "", "", f"{total:.2f}", "", "", "", ""])
    writer.writerow(["", WORDS_LABEL, rmb_capital(total), "", "", "", "", "", "", ""])
    return ExportFile(
        buffer.getvalue().encode("utf-8-sig"),
        f"{_file_stem(batch)}.csv",
        CSV_CONTENT_TYPE,
    )
