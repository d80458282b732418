"""The dashboards' charts as data: labelled series that ECharts draws and the table repeats.

A chart is categories (years, items, stages, counties) and series of one value per category;
the page renders every chart the same way, the script (static/js/dashboards.js) draws it from
`Chart.spec()` and the table below lists the same values. Labels are translated here, so the
script holds no text of its own.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applicants.models import User
from awards.dashboards import selectors
from awards.dashboards.selectors import DashboardProgramme

MONEY = "money"
COUNT = "count"
DAYS = "days"

Value = Decimal | int | None


@dataclass(frozen=True)
class Axis:
    name: str
    kind: str


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    kind: str
    values: list[Value]
    stack: str = ""
    axis: int = 0


@dataclass(frozen=True)
class Cell:
    kind: str
    value: Value


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    caption: str
    category_label: str
    categories: list[str]
    series: list[Series]
    axes: list[Axis]
    horizontal: bool = False
    # A reference line across the chart, e.g. the yearly quota: (label, value).
    mark_line: tuple[str, int] | None = None
    note: str = ""
    total: bool = False
    totals: list[Cell] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.categories or not any(
            value for series in self.series for value in series.values
        )

    @property
    def rows(self) -> list[Row]:
        return [
            Row(label=label, cells=[Cell(s.kind, s.values[i]) for s in self.series])
            for i, label in enumerate(self.categories)
        ]

    def spec(self) -> dict[str, object]:
        """What the script draws: plain JSON (money stays a "0.00" string, never a float)."""
        return {
            "horizontal": self.horizontal,
            "categories": self.categories,
            "axes": [{"name": a.name, "kind": a.kind} for a in self.axes],
            "series": [
                {
                    "key": s.key,
                    "name": s.name,
                    "kind": s.kind,
                    "stack": s.stack,
                    "axis": s.axis,
                    "values": [None if v is None else str(v) for v in s.values],
                }
                for s in self.series
            ],
            "markLine": {"name": self.mark_line[0], "value": self.mark_line[1]}
            if self.mark_line
            else None,
        }


def _with_totals(chart: Chart) -> Chart:
    """The chart with a 合计 row summing each series (money and counts only)."""
    totals = []
    for series in chart.series:
        present = [v for v in series.values if v is not None]
        totals.append(
            Cell(series.kind, sum(present, start=type(present[0])(0)) if present else None)
        )
    return replace(chart, total=True, totals=totals)


def budget_chart(*, programme: DashboardProgramme) -> Chart:
    years = selectors.budget_by_year(programme=programme.code)
    chart = Chart(
        key="budget",
        title=_("年度预算与兑付"),
        caption=_("%(programme)s各年度预算、已安排待兑付、已兑付与剩余预算（元）")
        % {"programme": programme.name},
        category_label=_("年度"),
        categories=[str(row.year) for row in years],
        series=[
            Series("budget", _("预算"), MONEY, [row.budget for row in years]),
            Series("paid", _("已兑付"), MONEY, [row.paid for row in years], stack="use"),
            Series(
                "scheduled", _("已安排待兑付"), MONEY, [row.scheduled for row in years], stack="use"
            ),
            Series(
                "remaining", _("剩余预算"), MONEY, [row.remaining for row in years], stack="use"
            ),
        ],
        axes=[Axis(_("金额（元）"), MONEY)],
        note=_("剩余预算 = 预算 − 已安排待兑付 − 已兑付；为负数表示已安排的超出预算。"),
    )
    return _with_totals(chart)


def item_quota_chart(*, user: User, programme: DashboardProgramme) -> Chart:
    summary = selectors.awards_per_item(user=user, programme=programme.code)
    series = []
    for year in summary.years:
        label = str(year)
        series.append(
            Series(
                f"counted-{year}",
                _("%(year)s年 占名额") % {"year": label},
                COUNT,
                [row.counted.get(year, 0) for row in summary.items],
                stack=label,
            )
        )
        series.append(
            Series(
                f"exempt-{year}",
                _("%(year)s年 不占名额") % {"year": label},
                COUNT,
                [row.exempt.get(year, 0) for row in summary.items],
                stack=label,
            )
        )
    series.append(
        Series("queued", _("排队中（未安排年度）"), COUNT, [row.queued for row in summary.items])
    )
    chart = Chart(
        key="items",
        title=_("各奖励事项年度获奖数与名额"),
        caption=_(
            "%(programme)s各奖励事项每个兑付年度已安排和已兑付的奖励数（件），"
            "年度名额为每项每年 %(quota)s 项"
        )
        % {"programme": programme.name, "quota": summary.quota},
        category_label=_("奖励事项"),
        categories=[row.title for row in summary.items],
        series=series,
        axes=[Axis(_("奖励数（件）"), COUNT)],
        horizontal=True,
        mark_line=(_("年度名额"), summary.quota),
        note=_("不占名额的奖励经批准不计入年度名额；排队中的奖励已确认，尚未安排兑付年度。"),
    )
    return _with_totals(chart)


def queue_chart(*, user: User) -> Chart:
    stages = selectors.queue_by_stage(user=user)
    return Chart(
        key="queue",
        title=_("各审核环节待办数与等待时间"),
        caption=_("各审核环节等待处理的申报数（件）与自进入该环节起的平均、最长等待天数"),
        category_label=_("审核环节"),
        categories=[stage.label for stage in stages],
        series=[
            Series("count", _("待处理（件）"), COUNT, [s.count for s in stages]),
            Series("average", _("平均等待（天）"), DAYS, [s.average_days for s in stages], axis=1),
            Series("longest", _("最长等待（天）"), DAYS, [s.longest_days for s in stages], axis=1),
        ],
        axes=[Axis(_("申报数（件）"), COUNT), Axis(_("等待天数"), DAYS)],
        horizontal=True,
        note=_(
            "市级看到全市各县区的件数（只计数，不列申报）；县区只计本县区。"
            "等待天数自申报进入该环节时起算。"
        ),
    )


def jurisdiction_chart(*, user: User, programme: DashboardProgramme) -> Chart:
    rows = selectors.amounts_by_jurisdiction(user=user, programme=programme.code)
    chart = Chart(
        key="jurisdictions",
        title=_("各县区奖励金额"),
        caption=_("%(programme)s各县区已批准奖励的已安排待兑付、已兑付与排队中金额（元）")
        % {"programme": programme.name},
        category_label=_("所属县区"),
        categories=[row.name for row in rows],
        series=[
            Series("paid", _("已兑付"), MONEY, [row.paid for row in rows], stack="amount"),
            Series(
                "planned", _("已安排待兑付"), MONEY, [row.planned for row in rows], stack="amount"
            ),
            Series(
                "queued",
                _("排队中（未安排年度）"),
                MONEY,
                [row.queued for row in rows],
                stack="amount",
            ),
        ],
        axes=[Axis(_("金额（元）"), MONEY)],
        horizontal=True,
    )
    return _with_totals(chart)


def dashboard_charts(*, user: User, programme: DashboardProgramme) -> list[Chart]:
    """The charts `user` reads for one programme: the money charts, and for the city the review
    queues and the amounts by county."""
    charts = [budget_chart(programme=programme), item_quota_chart(user=user, programme=programme)]
    if selectors.sees_city_charts(user):
        charts.append(queue_chart(user=user))
        charts.append(jurisdiction_chart(user=user, programme=programme))
    return charts


def dashboard_charts_as_of(
    *, user: User, programme: DashboardProgramme
) -> tuple[list[Chart], datetime]:
    """The charts and when they were computed: at most DASHBOARD_CACHE_SECONDS ago, shared by
    readers who see the same (role, county, programme, language).

    Each chart aggregates every case of the programme (hundreds of milliseconds at 100,000
    cases, every request); a statistic a minute old reads the same, and the page says its time.
    """

    def compute() -> tuple[list[Chart], datetime]:
        return dashboard_charts(user=user, programme=programme), timezone.now()

    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = ":".join(
        (
            "dashboards",
            programme.code,
            user.role,
            user.jurisdiction or "-",
            translation.get_language() or "-",
        )
    )
    return cast(tuple[list[Chart], datetime], cache.get_or_set(key, compute, seconds))
