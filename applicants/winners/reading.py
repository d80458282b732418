"""Reading a winners list (CSV or XLSX) into rows; a file that cannot be read at all is one
WinnersFileError. Row numbers are the file's own (the header is row 1), as the official sees it
in a spreadsheet."""

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The header row: the English keys or their Chinese names (docs/winners.md).
COLUMNS = {
    "credit_code": "统一社会信用代码",
    "enterprise_name": "单位名称",
    "item": "奖励事项",
    "prize_level": "获奖等次",
    "event_date": "日期",
    "document_number": "文号",
}
REQUIRED_COLUMNS = ("credit_code", "item", "event_date", "document_number")

FILE_UNREADABLE = _("无法读取该文件：请上传 UTF-8 或 GB18030 编码的 CSV，或 Excel（.xlsx）文件。")
FILE_EMPTY = _("文件中没有表头行。")
FILE_MISSING_COLUMNS = _("表头缺少必需的列：%(columns)s。表头可用英文键或中文列名（见说明）。")
FILE_DUPLICATE_COLUMNS = _("表头中有重复的列：%(columns)s。")
FILE_TOO_MANY_ROWS = _("名单最多 %(max)s 行，请拆分后分批导入。")
FILE_NO_ROWS = _("文件中除表头外没有任何数据行。")


class WinnersFileError(Exception):
    """The whole file is refused: a message for the official and a stable code."""

    def __init__(self, message: object, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class WinnerRow:
    row: int
    credit_code: str
    enterprise_name: str
    item: str
    prize_level: str
    # A date from a spreadsheet cell, or the text as written (parsed later, row by row).
    event_date: date | str
    document_number: str


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header_key(value: object) -> str:
    text = "".join(_cell_text(value).split()).lower()
    for key, chinese in COLUMNS.items():
        if text in (key, chinese):
            return key
    return ""


def _csv_rows(content: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        try:
            return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error:
            break
    raise WinnersFileError(FILE_UNREADABLE, code="unreadable")


def _xlsx_rows(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise WinnersFileError(FILE_UNREADABLE, code="unreadable") from None
    try:
        sheet = book.worksheets[0]
        limit = settings.WINNERS_MAX_ROWS + 2
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > limit:
                break
        return rows
    finally:
        book.close()


def winners_rows(*, name: str, content: bytes) -> list[WinnerRow]:
    """The data rows of the list, blank rows left out; WinnersFileError if unreadable."""
    is_xlsx = content[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx")
    table = _xlsx_rows(content) if is_xlsx else _csv_rows(content)
    if not table:
        raise WinnersFileError(FILE_EMPTY, code="no_header")
    keys = [_header_key(cell) for cell in table[0]]
    named = [k for k in keys if k]
    doubled = sorted({k for k in named if named.count(k) > 1})
    if doubled:
        raise WinnersFileError(
            FILE_DUPLICATE_COLUMNS % {"columns": "、".join(doubled)}, code="duplicate_columns"
        )
    missing = [k for k in REQUIRED_COLUMNS if k not in named]
    if missing:
        listed = "、".join(f"{k}（{COLUMNS[k]}）" for k in missing)
        raise WinnersFileError(FILE_MISSING_COLUMNS % {"columns": listed}, code="missing_columns")
    rows: list[WinnerRow] = []
    for number, values in enumerate(table[1:], start=2):
        cells = dict(zip(keys, values, strict=False))
        if not any(_cell_text(v) for v in values):
            continue
        if len(rows) >= settings.WINNERS_MAX_ROWS:
            raise WinnersFileError(
                FILE_TOO_MANY_ROWS % {"max": settings.WINNERS_MAX_ROWS}, code="too_many_rows"
            )
        raw_date = cells.get("event_date")
        if isinstance(raw_date, datetime):
            event_date: date | str = raw_date.date()
        elif isinstance(raw_date, date):
            event_date = raw_date
        else:
            event_date = _cell_text(raw_date)
        rows.append(
            WinnerRow(
                row=number,
                credit_code=_cell_text(cells.get("credit_code")),
                enterprise_name=_cell_text(cells.get("enterprise_name")),
                item=_cell_text(cells.get("item")),
                prize_level=_cell_text(cells.get("prize_level")),
                event_date=event_date,
                document_number=_cell_text(cells.get("document_number")),
            )
        )
    if not rows:
        raise WinnersFileError(FILE_NO_ROWS, code="no_rows")
    return rows
