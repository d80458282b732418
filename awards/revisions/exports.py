"""The impact report as a workbook: parameters, the changed cases, the totals, the plan."""

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from awards.revisions import selectors
from awards.spreadsheets import MONEY_FORMAT, safe_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(
    book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        values = []
        for value in row:
            if hasattr(value, "quantize"):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = MONEY_FORMAT
                values.append(cell)
            else:
                values.append(safe_cell(value))
        sheet.append(values)


def _eligible(flag: bool) -> str:
    return _("符合") if flag else _("不符合")


def report_xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook(write_only=True)
    _sheet(
        book,
        _("参数变化"),
        [_("奖励事项"), _("参数"), _("现行"), _("修订后"), _("施行日期")],
        [
            (p.item, p.field, p.old, p.new, p.effective_from)
            for p in selectors.parameter_rows(report)
        ],
    )
    _sheet(
        book,
        _("申报变化"),
        [
            _("申报编号"),
            _("奖励事项"),
            _("状态"),
            _("县区"),
            _("现行是否符合"),
            _("现行金额（元）"),
            _("修订后是否符合"),
            _("修订后金额（元）"),
            _("差额（元）"),
            _("变化环节"),
            _("条款"),
        ],
        [
            (
                c.reference,
                c.item,
                c.status,
                c.jurisdiction,
                _eligible(c.old_eligible),
                c.old_amount,
                _eligible(c.new_eligible),
                c.new_amount,
                c.difference,
                c.step,
                c.clause,
            )
            for c in selectors.case_rows(report)
        ],
    )
    total_headers = [
        _("分组"),
        _("申报数"),
        _("有变化"),
        _("现行金额（元）"),
        _("修订后金额（元）"),
        _("差额（元）"),
        _("新增符合"),
        _("不再符合"),
    ]
    for by, title in (
        ("item", _("按奖励事项")),
        ("jurisdiction", _("按县区")),
        ("programme", _("按奖励计划")),
    ):
        rows = selectors.total_rows(report, by)
        everything = selectors.overall(report)
        if everything is not None:
            rows = [*rows, everything]
        _sheet(
            book,
            title,
            total_headers,
            [
                (
                    r.label,
                    r.cases,
                    r.changed,
                    r.old_amount,
                    r.new_amount,
                    r.difference,
                    r.newly_eligible,
                    r.no_longer_eligible,
                )
                for r in rows
            ],
        )
    _sheet(
        book,
        _("兑付安排"),
        [
            _("兑付年度"),
            _("预算（元）"),
            _("现行已安排（元）"),
            _("修订后已安排（元）"),
            _("现行剩余（元）"),
            _("修订后剩余（元）"),
        ],
        [
            (
                p.year,
                p.budget,
                p.base_planned,
                p.candidate_planned,
                p.base_remaining,
                p.candidate_remaining,
            )
            for p in selectors.plan_rows(report)
        ],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
