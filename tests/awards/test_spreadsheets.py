"""The shared spreadsheet writers: inert formulas, typed XLSX cells, CSV with a BOM."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from awards.spreadsheets import MONEY_FORMAT, Column, CsvTable, XlsxTable, safe_cell, table_for

COLUMNS = (
    Column("名称", 30),
    Column("金额", 16, "money"),
    Column("批准时间", 18, "datetime"),
    Column("拨付日期", 12, "date"),
)
FORMULAS = ['=HYPERLINK("http://x","y")', "+1-2", "-3", "@SUM(1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["数据企业", "a=b", "", 5, Decimal("-1.00"), None])
def test_other_values_stay(value):
    assert safe_cell(value) == value


def test_xlsx_has_a_bold_frozen_header_money_format_widths_and_inert_text():
    buffer = io.BytesIO()
    moment = datetime.datetime(2026, 1, 1, 1, 30, tzinfo=datetime.UTC)
    table = XlsxTable(buffer, title="明细", columns=COLUMNS)
    table.row(["=1+1", Decimal("1234.50"), moment, datetime.date(2026, 2, 3)])
    table.row(["合计", Decimal("1234.50"), None, None], emphasis=True)
    table.finish()
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for c in sheet[1]] == ["名称", "金额", "批准时间", "拨付日期"]
    assert sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 30
    line = sheet[2]
    assert line[0].value == "'=1+1"
    assert line[0].data_type == "s"
    assert line[1].value == Decimal("1234.5")
    assert line[1].number_format == MONEY_FORMAT
    # Beijing's wall clock: 01:30 UTC is 09:30 there.
    assert line[2].value == datetime.datetime(2026, 1, 1, 9, 30)
    assert line[3].value == datetime.datetime(2026, 2, 3)
    assert sheet[3][0].font.bold
    assert sheet[3][1].number_format == MONEY_FORMAT


def test_csv_starts_with_a_bom_and_writes_money_with_two_places():
    buffer = io.BytesIO()
    table = CsvTable(buffer, columns=COLUMNS)
    table.row(["@SUM(1)", Decimal("7"), None, datetime.date(2026, 2, 3)])
    table.finish()
    content = buffer.getvalue()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["名称", "金额", "批准时间", "拨付日期"]
    assert rows[1] == ["'@SUM(1)", "7.00", "", "2026-02-03"]


@pytest.mark.parametrize(("file_format", "kind"), [("xlsx", XlsxTable), ("csv", CsvTable)])
def test_table_for_picks_the_writer_by_format(file_format, kind):
    table = table_for(file_format, io.BytesIO(), title="t", columns=COLUMNS)
    assert isinstance(table, kind)
    table.finish()
