"""Spreadsheets people open: inert text, XLSX with Chinese headers, CSV that Excel reads.

One place for what every export shares (payment batches, payout reports): a cell that begins like
a formula is neutralised, money is "#,##0.00", the header row is frozen, totals are bold. The
XLSX writer streams (openpyxl's write-only mode), so a 100,000-row sheet is never held in memory.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import IO, Literal, Protocol

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Text that a spreadsheet would run as a formula: = + - @, tab, CR (OWASP's CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ColumnKind = Literal["text", "money", "date", "datetime", "number"]


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column: its header as people read it, its width (characters) and what it holds."""

    header: str
    width: float = 14
    kind: ColumnKind = "text"


def _local(moment: datetime, zone: tzinfo) -> datetime:
    # Excel has no time zones: a time is written as Beijing's wall clock.
    return moment.astimezone(zone).replace(tzinfo=None) if timezone.is_aware(moment) else moment


class XlsxTable:
    """A one-sheet workbook written row by row: bold frozen header, typed cells, bold totals.

    Rows go to openpyxl's temporary file as they come; `finish` zips them into `target`.
    """

    def __init__(self, target: IO[bytes], *, title: str, columns: Sequence[Column]) -> None:
        self.target = target
        self.columns = tuple(columns)
        self._zone = timezone.get_current_timezone()
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=title[:31])
        # Write-only sheets take widths and panes before the first row.
        for index, column in enumerate(self.columns, 1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        self._bold = Font(bold=True)
        header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(self.sheet, value=safe_cell(column.header))
            cell.font = self._bold
            cell.alignment = header_alignment
            header.append(cell)
        self.sheet.append(header)
        self.rows = 0

    def _cell(self, column: Column, value: object, *, bold: bool) -> object:
        if value is None or value == "":
            return None
        if column.kind == "money" and isinstance(value, Decimal):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = MONEY_FORMAT
        elif column.kind == "datetime" and isinstance(value, datetime):
            cell = WriteOnlyCell(self.sheet, value=_local(value, self._zone))
            cell.number_format = DATETIME_FORMAT
        elif column.kind == "date" and isinstance(value, date):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = DATE_FORMAT
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            if not bold:
                return value
            cell = WriteOnlyCell(self.sheet, value=value)
        else:
            text = safe_cell(str(value))
            if not bold:
                return text
            cell = WriteOnlyCell(self.sheet, value=text)
        if bold:
            cell.font = self._bold
        return cell

    def row(self, values: Sequence[object], *, emphasis: bool = False) -> None:
        """One line; `emphasis` (a subtotal, the totals) sets it in bold."""
        self.sheet.append(
            [self._cell(c, v, bold=emphasis) for c, v in zip(self.columns, values, strict=True)]
        )
        self.rows += 1

    def finish(self) -> None:
        self.workbook.save(self.target)  # type: ignore[arg-type]


def _csv_text(column: Column, value: object, zone: tzinfo) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}" if column.kind == "money" else str(value)
    if isinstance(value, datetime):
        return _local(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return str(safe_cell(str(value)))


class CsvTable:
    """CSV in UTF-8 with a BOM (so Excel reads the Chinese), written line by line to `target`."""

    def __init__(self, target: IO[bytes], *, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self._zone = timezone.get_current_timezone()
        self._text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._text)
        self._writer.writerow([safe_cell(c.header) for c in self.columns])
        self.rows = 0

    def row(self, values: Sequence[object], *, emphasis: bool = False) -> None:
        """One line (CSV has no bold: `emphasis` is accepted so both tables read alike)."""
        self._writer.writerow(
            [_csv_text(c, v, self._zone) for c, v in zip(self.columns, values, strict=True)]
        )
        self.rows += 1

    def finish(self) -> None:
        """Flush and let go of the target without closing it (the caller owns the file)."""
        self._text.flush()
        self._text.detach()


class Table(Protocol):
    """What an export writes to, whichever the format."""

    rows: int

    def row(self, values: Sequence[object], *, emphasis: bool = False) -> None: ...

    def finish(self) -> None: ...


def table_for(
    file_format: str, target: IO[bytes], *, title: str, columns: Sequence[Column]
) -> Table:
    """An XLSX ("xlsx") or CSV (anything else) table writing to `target`."""
    if file_format == "xlsx":
        return XlsxTable(target, title=title, columns=columns)
    return CsvTable(target, columns=columns)
