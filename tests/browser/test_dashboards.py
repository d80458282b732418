"""统计图表 in Chromium: every chart is drawn by ECharts under the site's CSP, its table carries
the same numbers, and the page fits a phone, the charts following the window's width."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from applicants.models import Application, Status
from applicants.roles import Role
from awards.models import Award, Budget
from tests.awards.helpers import case_in
from tests.browser.helpers import login
from tests.factories import ApplicationFactory, EnterpriseFactory, make_user

pytestmark = pytest.mark.browser

CHARTS = ("budget", "items", "queue", "jurisdictions")

DRAWN = """key => {
  const element = document.querySelector(`[data-chart="${key}"]`);
  const chart = element && window.echarts && echarts.getInstanceByDom(element);
  const canvas = element && element.querySelector('canvas');
  return {
    instance: !!chart,
    canvas: !!canvas,
    canvasWidth: canvas ? canvas.getBoundingClientRect().width : 0,
    series: chart ? chart.getOption().series.map(s => s.name) : [],
    categories: chart ? [].concat(chart.getOption().yAxis, chart.getOption().xAxis)
      .filter(a => a.type === 'category').flatMap(a => a.data) : [],
  };
}"""


def _cells(page, key: str) -> list[list[str]]:
    return page.eval_on_selector(
        f"#table-{key}",
        "t => [...t.rows].map(r => [...r.cells].map(c => c.textContent.trim()))",
    )


def _dashboard_data() -> dict[str, Application]:
    luoshan = EnterpriseFactory(jurisdiction="411521")
    cases = {
        "paid": case_in(Status.PAID, pay_year=2026),
        "scheduled": case_in(Status.SCHEDULED, pay_year=2026, enterprise=luoshan),
        "queued": case_in(Status.CONFIRMED, item="contest_national", enterprise=luoshan),
    }
    Budget.objects.filter(year=2026).update(amount=Decimal("2500000.00"))
    waiting = ApplicationFactory(status=Status.RECOMMENDED)
    Application.objects.filter(pk=waiting.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=4)
    )
    return cases


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"{message.type}: {message.text}")
            if message.type in {"error", "warning"}
            else None
        ),
    )
    return problems


def test_every_chart_is_drawn_and_its_table_carries_the_numbers(
    live_server, page, transactional_db
):
    cases = _dashboard_data()
    make_user(Role.FINANCE, username="dash-finance")
    problems = _watch(page)
    login(page, live_server.url, "dash-finance")
    page.click("#nav-dashboards")
    page.wait_for_selector("#dashboards-title")
    for key in CHARTS:
        page.wait_for_selector(f'[data-chart="{key}"] canvas')
        drawn = page.evaluate(DRAWN, key)
        assert drawn["instance"], key
        assert drawn["canvas"], key
        headers = _cells(page, key)[0][1:]
        assert drawn["series"] == headers, key
        labels = [row[0] for row in _cells(page, key)[1:] if row[0] != "合计"]
        assert drawn["categories"] == labels, key

    paid = Award.objects.get(application=cases["paid"]).amount
    scheduled = Award.objects.get(application=cases["scheduled"]).amount
    queued = Award.objects.get(application=cases["queued"]).amount
    budget = _cells(page, "budget")
    assert budget[1] == [
        "2026",
        "2,500,000.00",
        f"{paid:,.2f}",
        f"{scheduled:,.2f}",
        f"{Decimal('2500000.00') - paid - scheduled:,.2f}",
    ]
    places = {row[0]: row[1:] for row in _cells(page, "jurisdictions")[1:]}
    assert places["浉河区"] == [f"{paid:,.2f}", "0.00", "0.00"]
    assert places["罗山县"] == ["0.00", f"{scheduled:,.2f}", f"{queued:,.2f}"]
    queue = {row[0]: row[1:] for row in _cells(page, "queue")[1:]}
    assert queue["待市级复审"] == ["1", "4.0", "4.0"]
    items = {row[0]: row[1:] for row in _cells(page, "items")[1:]}
    assert items["国家级赛事获奖"][-1] == "1"  # queued, no year yet
    assert page.locator("#table-budget caption").inner_text().startswith("市级奖励")
    # Inline scripts and style attributes are refused by the CSP: nothing may have tried.
    assert problems == []


def test_on_a_phone_the_charts_fit_and_follow_the_window(live_server, page, transactional_db):
    _dashboard_data()
    make_user(Role.CITY_REVIEWER, username="dash-city")
    problems = _watch(page)
    login(page, live_server.url, "dash-city")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/review/dashboards/")
    page.wait_for_selector('[data-chart="jurisdictions"] canvas')
    wide = page.evaluate(DRAWN, "budget")["canvasWidth"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        """() => {
          const c = document.querySelector('[data-chart="budget"] canvas');
          return c && c.getBoundingClientRect().width < 390;
        }"""
    )
    narrow = page.evaluate(DRAWN, "budget")["canvasWidth"]
    assert narrow < wide
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    # A wide table scrolls inside its card instead of widening the page.
    assert page.locator("#table-budget").evaluate("t => t.closest('.table-responsive') !== null")
    assert problems == []


def test_an_empty_dashboard_says_so_without_a_chart(live_server, page, transactional_db):
    make_user(Role.ADMIN, username="dash-admin")
    problems = _watch(page)
    login(page, live_server.url, "dash-admin")
    page.goto(f"{live_server.url}/review/dashboards/")
    assert page.locator(".dashboard-empty").count() == len(CHARTS)
    assert page.locator("[data-chart]").count() == 0
    assert page.evaluate("() => typeof window.echarts") == "undefined"
    assert problems == []
