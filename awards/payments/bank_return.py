"""Reading a bank's return file (回单) into rows of text; no database here.

CSV (UTF-8 with or without BOM, or GBK/GB18030 as banks' own systems write it) or XLSX. Whatever
the file holds, the answer is rows or a ServiceError that says what is wrong, never a crash.
"""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from applicants.errors import ServiceError
from applicants.text import clean_text
from awards.payments.errors import (
    FILE_EMPTY,
    FILE_MISSING_COLUMNS,
    FILE_NO_KEY_COLUMN,
    FILE_NO_ROWS,
    FILE_NOT_READABLE,
    FILE_OLD_EXCEL,
    FILE_TOO_LARGE,
    FILE_TOO_MANY_ROWS,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
FIELDS = ("reference", "account", "amount", "voucher", "paid_on", "status", "reason")

# What banks and finance staff call each column; compared after clean_text, lower case, no spaces.
_HEADERS = {
    "reference": {"申报编号", "案件编号", "编号", "reference", "case", "casenumber"},
    "account": {"银行账号", "收款账号", "收款人账号", "账号", "account", "bankaccount"},
    "amount": {"金额", "金额（元）", "金额(元)", "支付金额", "交易金额", "amount"},
    "voucher": {"支付凭证号", "凭证号", "交易流水号", "流水号", "voucher", "reference_no"},
    "paid_on": {"支付日期", "交易日期", "日期", "paid_on", "paiddate", "date"},
    "status": {"状态", "支付状态", "交易状态", "status"},
    "reason": {"失败原因", "原因", "备注", "reason"},
}
_BY_HEADER = {name: field for field, names in _HEADERS.items() for name in names}
_LABELS = {"amount": "金额", "status": "状态"}


def _header_key(value: object) -> str:
    return clean_text(value).replace(" ", "").replace("\u3000", "").lower()


def _cell_text(value: object) -> str:
    """A cell as text: dates ISO, numbers without float noise, the rest cleaned."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back the same float: 100000.0, 0.3.
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, int | Decimal):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return clean_text(value)


def _table_from_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append([_cell_text(v) for v in row])
            if len(table) > MAX_ROWS + 1:
                break
        workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError) as exc:
        raise ServiceError(FILE_NOT_READABLE, field="file") from exc
    return table


def _table_from_csv(content: bytes) -> list[list[str]]:
    if b"\x00" in content:
        raise ServiceError(FILE_NOT_READABLE, field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ServiceError(FILE_NOT_READABLE, field="file")
    try:
        return [
            [clean_text(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""))
        ]
    except csv.Error as exc:
        raise ServiceError(FILE_NOT_READABLE, field="file") from exc


def bank_return_rows(content: bytes) -> list[dict[str, str]]:
    """The file's data rows as {field: text, "line": n}; ServiceError for a file we cannot use."""
    if not content:
        raise ServiceError(FILE_EMPTY, field="file")
    if len(content) > MAX_FILE_BYTES:
        raise ServiceError(FILE_TOO_LARGE % {"max": MAX_FILE_BYTES // (1024 * 1024)}, field="file")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ServiceError(FILE_OLD_EXCEL, field="file")
    if content.startswith(b"PK\x03\x04"):
        table = _table_from_xlsx(content)
    else:
        table = _table_from_csv(content)
    # Line numbers as a spreadsheet shows them, blank lines skipped but counted.
    numbered = [(n, row) for n, row in enumerate(table, 1) if any(cell for cell in row)]
    if not numbered:
        raise ServiceError(FILE_NO_ROWS, field="file")
    columns = {i: _BY_HEADER.get(_header_key(name)) for i, name in enumerate(numbered[0][1])}
    found = {f for f in columns.values() if f}
    missing = [label for field, label in _LABELS.items() if field not in found]
    if missing:
        raise ServiceError(FILE_MISSING_COLUMNS % {"columns": "、".join(missing)}, field="file")
    if not found & {"reference", "account"}:
        raise ServiceError(FILE_NO_KEY_COLUMN, field="file")
    data = numbered[1:]
    if not data:
        raise ServiceError(FILE_NO_ROWS, field="file")
    if len(data) > MAX_ROWS:
        raise ServiceError(FILE_TOO_MANY_ROWS % {"max": MAX_ROWS}, field="file")
    rows = []
    for line, cells in data:
        row = dict.fromkeys(FIELDS, "")
        for i, cell in enumerate(cells):
            field = columns.get(i)
            if field and not row[field]:
                row[field] = cell[:200]
        rows.append({"line": str(line), **row})
    return rows
