"""The payout report as a file: one line per award, a 小计 line per group, then 合计.

The same layout in XLSX and CSV, whoever asks (page, background job or `export_payouts`): the
file is a record handed on, so its headers and names are in the portal's language (Chinese),
like the treasury's forms in `awards.payments.exports`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.utils import timezone, translation

from awards.reports.selectors import ReportLine, ReportStatus
from awards.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Column, table_for

TITLE = "兑付报表"
COLUMNS = (
    Column("申报编号", 18),
    Column("企业名称", 36),
    Column("统一社会信用代码", 22),
    Column("奖励计划", 22),
    Column("奖励事项", 32),
    # Not asked for by finance, but what tells two awards of one enterprise and item apart.
    Column("项目/成果名称", 32),
    Column("县区", 12),
    Column("状态", 12),
    Column("兑付年度", 10, "number"),
    Column("金额", 16, "money"),
    Column("批准时间", 18, "datetime"),
    Column("拨付日期", 12, "date"),
)
HEADERS = tuple(c.header for c in COLUMNS)
# A 小计 or 合计 line: its label, the group's name, the count (in 状态's column) and the amount.
LABEL_COLUMN, NAME_COLUMN = 0, 1
COUNT_COLUMN, AMOUNT_COLUMN = HEADERS.index("状态"), HEADERS.index("金额")
SUBTOTAL_LABEL = "小计"
TOTAL_LABEL = "合计"
# Below the total: what it is made of.
PART_LABELS = {
    ReportStatus.PLANNED: "其中：已安排",
    ReportStatus.PAID: "其中：已拨付",
    ReportStatus.QUEUED: "其中：排队中",
}
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE}
# How often (in rows) a job reports its progress.
PROGRESS_EVERY = 1000


def file_name(file_format: str, *, on: date | None = None, number: int | None = None) -> str:
    """E.g. 兑付报表-20260315.xlsx, or 兑付报表-20260315-42.csv for export job 42."""
    stem = f"{TITLE}-{on or timezone.localdate():%Y%m%d}"
    return f"{stem}-{number}.{file_format}" if number is not None else f"{stem}.{file_format}"


@dataclass
class Tally:
    count: int = 0
    amount: Decimal = Decimal("0.00")

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.amount += amount


@dataclass
class ExportTotals:
    """What the file added up to: every row, by status, by group (as the file's lines say)."""

    total: Tally = field(default_factory=Tally)
    by_status: dict[str, Tally] = field(
        default_factory=lambda: {status: Tally() for status in ReportStatus.values}
    )
    by_group: dict[str, Tally] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "count": self.total.count,
            "amount": f"{self.total.amount:.2f}",
            **{
                status: {"count": t.count, "amount": f"{t.amount:.2f}"}
                for status, t in self.by_status.items()
            },
        }


def _summary_line(label: str, name: str, tally: Tally) -> list[object]:
    cells: list[object] = [None] * len(COLUMNS)
    cells[LABEL_COLUMN], cells[NAME_COLUMN] = label, name
    cells[COUNT_COLUMN] = f"{tally.count} 笔"
    cells[AMOUNT_COLUMN] = tally.amount
    return cells


def _detail_line(line: ReportLine) -> list[object]:
    return [
        line.reference,
        line.enterprise_name,
        line.credit_code,
        line.programme,
        line.item,
        line.project_name,
        line.jurisdiction,
        line.status,
        line.pay_year,
        line.amount,
        line.approved_at,
        line.paid_at,
    ]


def write_report(
    lines: Iterable[ReportLine],
    *,
    file_format: str,
    target: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> ExportTotals:
    """Write `lines` (in group order) to `target` as XLSX or CSV; return what they added up to."""
    totals = ExportTotals()
    with translation.override(settings.LANGUAGE_CODE):
        table = table_for(file_format, target, title=TITLE, columns=COLUMNS)
        group: tuple[str, str] | None = None
        for line in lines:
            if group is not None and group[0] != line.group_key:
                table.row(
                    _summary_line(SUBTOTAL_LABEL, group[1], totals.by_group[group[0]]),
                    emphasis=True,
                )
            if group is None or group[0] != line.group_key:
                group = (line.group_key, line.group_label)
                totals.by_group[line.group_key] = Tally()
            table.row(_detail_line(line))
            totals.total.add(line.amount)
            totals.by_status[line.report_status].add(line.amount)
            totals.by_group[line.group_key].add(line.amount)
            if progress is not None and totals.total.count % PROGRESS_EVERY == 0:
                progress(totals.total.count)
        if group is not None:
            table.row(
                _summary_line(SUBTOTAL_LABEL, group[1], totals.by_group[group[0]]), emphasis=True
            )
        table.row(_summary_line(TOTAL_LABEL, "", totals.total), emphasis=True)
        for status, label in PART_LABELS.items():
            table.row(_summary_line(label, "", totals.by_status[status]), emphasis=True)
        table.finish()
    return totals
