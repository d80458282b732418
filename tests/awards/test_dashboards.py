"""统计图表: each chart's numbers equal the database's, in a constant number of queries; who may
read which charts; the page in English; an empty dashboard says so."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applicants.models import Application, Status
from applicants.roles import Role
from awards.dashboards import selectors
from awards.dashboards.charts import dashboard_charts
from awards.models import Award, Budget
from awards.services.decisions import case_decide
from tests.awards.helpers import case_in
from tests.conftest import LUOSHAN
from tests.factories import ApplicationFactory, EnterpriseFactory, make_user, sign_in

pytestmark = pytest.mark.django_db

URL = reverse("awards:dashboards")
ZERO = Decimal("0.00")


def _exempt(case: Application) -> None:
    Award.objects.filter(application=case).update(quota_exempt=True, exempt_reason="重大项目")


def _waiting(status: str, days: int, **kwargs: object) -> Application:
    case = ApplicationFactory(status=status, **kwargs)
    Application.objects.filter(pk=case.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=days)
    )
    return case


@pytest.fixture
def fixture_set():
    """A small city programme: paid, scheduled (one exempt), queued awards in two counties and two
    items, budgets of two years, and cases waiting in review."""
    luoshan = EnterpriseFactory(jurisdiction=LUOSHAN)
    cases = {
        "paid": case_in(Status.PAID, pay_year=2026),
        "paid_national": case_in(Status.PAID, pay_year=2026, item="contest_national"),
        "scheduled": case_in(Status.SCHEDULED, pay_year=2026, enterprise=luoshan),
        "scheduled_next": case_in(Status.SCHEDULED, pay_year=2027),
        "exempt": case_in(Status.SCHEDULED, pay_year=2026, enterprise=luoshan),
        "queued": case_in(Status.CONFIRMED, enterprise=luoshan, item="contest_national"),
        "announced": case_in(Status.ANNOUNCED),
    }
    _exempt(cases["exempt"])
    Budget.objects.filter(year=2026).update(amount=Decimal("3000000.00"))
    Budget.objects.filter(year=2027).update(amount=Decimal("1000000.00"))
    _waiting(Status.RECOMMENDED, 3)
    _waiting(Status.RECOMMENDED, 1)
    _waiting(Status.REVIEWED, 10)
    _waiting(Status.SUBMITTED, 5)  # the county's case: the city counts it, another county does not
    return cases


def _amount(case: Application) -> Decimal:
    return Award.objects.get(application=case).amount


def _table(html: str, key: str) -> list[list[str]]:
    """The table of a chart as rows of cell texts (the header row first)."""
    table = html[html.index(f'id="table-{key}"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)
        ]
        for r in rows
    ]


def _spec(html: str) -> dict:
    data = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html)
    assert data is not None
    return json.loads(data.group(1))


# --- the numbers ------------------------------------------------------------------------------


def test_budget_planned_paid_and_remaining_per_year_equal_the_database(fixture_set):
    cases = fixture_set
    paid_2026 = _amount(cases["paid"]) + _amount(cases["paid_national"])
    scheduled_2026 = _amount(cases["scheduled"]) + _amount(cases["exempt"])
    rows = {row.year: row for row in selectors.budget_by_year(programme="city")}
    assert set(rows) == {2026, 2027}
    assert rows[2026].budget == Decimal("3000000.00")
    assert rows[2026].paid == paid_2026
    assert rows[2026].scheduled == scheduled_2026
    assert rows[2026].remaining == Decimal("3000000.00") - paid_2026 - scheduled_2026
    assert rows[2027].scheduled == _amount(cases["scheduled_next"])
    assert rows[2027].paid == ZERO
    assert rows[2027].remaining == Decimal("1000000.00") - _amount(cases["scheduled_next"])


def test_a_year_without_a_budget_has_no_remaining(fixture_set):
    Budget.objects.filter(year=2027).delete()
    rows = {row.year: row for row in selectors.budget_by_year(programme="city")}
    assert rows[2027].budget is None
    assert rows[2027].remaining is None


def test_awards_per_item_and_year_count_exempt_ones_apart_and_the_queue(fixture_set, finance_user):
    summary = selectors.awards_per_item(user=finance_user, programme="city")
    assert summary.quota == 5
    assert summary.years == [2026, 2027]
    items = {row.item: row for row in summary.items}
    assert list(items) == ["contest_provincial", "contest_national"]  # the rules' order
    provincial, national = items["contest_provincial"], items["contest_national"]
    # 2026: paid + scheduled within the quota; the exempt one apart.
    assert provincial.counted == {2026: 2, 2027: 1}
    assert provincial.exempt == {2026: 1, 2027: 0}
    assert provincial.queued == 0
    assert national.counted == {2026: 1}
    assert national.exempt == {2026: 0}
    assert national.queued == 1
    assert provincial.title == "省级“数据要素×”等大赛获奖"


def test_queue_size_and_waiting_days_per_stage(fixture_set, city_reviewer):
    stages = {s.status: s for s in selectors.queue_by_stage(user=city_reviewer)}
    assert [s for s, _label in selectors.WAITING_STAGES] == list(stages)
    assert stages[Status.RECOMMENDED].count == 2
    assert stages[Status.RECOMMENDED].average_days == Decimal("2.0")
    assert stages[Status.RECOMMENDED].longest_days == Decimal("3.0")
    assert stages[Status.REVIEWED].count == 1
    assert stages[Status.REVIEWED].longest_days == Decimal("10.0")
    assert stages[Status.ANNOUNCED].count == 1
    assert stages[Status.CONFIRMED].count == 1
    assert stages[Status.SCHEDULED].count == 3
    # The city oversees the counties' queues too: counted, though it may not open the case.
    assert stages[Status.SUBMITTED].count == 1
    assert stages[Status.SUBMITTED].longest_days == Decimal("5.0")
    assert stages[Status.RECOMMENDED].label == "待市级复审"


def test_the_county_reviewer_would_count_its_submitted_case(fixture_set, county_reviewer):
    stages = {s.status: s for s in selectors.queue_by_stage(user=county_reviewer)}
    assert stages[Status.SUBMITTED].count == 1
    assert stages[Status.SUBMITTED].longest_days == Decimal("5.0")


def test_amounts_by_jurisdiction_are_named_and_equal_the_database(fixture_set, finance_user):
    cases = fixture_set
    rows = selectors.amounts_by_jurisdiction(user=finance_user, programme="city")
    assert [(row.code, row.name) for row in rows] == [("411502", "浉河区"), (LUOSHAN, "罗山县")]
    shihe, luoshan = rows
    assert shihe.paid == _amount(cases["paid"]) + _amount(cases["paid_national"])
    assert shihe.planned == _amount(cases["scheduled_next"])
    assert shihe.queued == ZERO
    assert luoshan.planned == _amount(cases["scheduled"]) + _amount(cases["exempt"])
    assert luoshan.queued == _amount(cases["queued"])
    assert luoshan.paid == ZERO
    total = sum((r.paid + r.planned + r.queued for r in rows), start=ZERO)
    expected = sum(
        (a.amount for a in Award.objects.filter(application__status__in=selectors.PAYOUT_STATES)),
        start=ZERO,
    )
    assert total == expected


def test_the_page_shows_each_chart_with_its_numbers_in_a_table(client, fixture_set, finance_user):
    sign_in(client, finance_user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("budget", "items", "queue", "jurisdictions"):
        assert f'data-chart="{key}"' in html
        assert f'id="table-{key}"' in html
    budget = _table(html, "budget")
    assert budget[0] == ["年度", "预算", "已兑付", "已安排待兑付", "剩余预算"]
    row_2026 = next(r for r in budget if r[0] == "2026")
    paid = _amount(fixture_set["paid"]) + _amount(fixture_set["paid_national"])
    assert row_2026[1] == "3,000,000.00"
    assert row_2026[2] == f"{paid:,.2f}"
    assert budget[-1][0] == "合计"
    assert budget[-1][1] == "4,000,000.00"
    places = _table(html, "jurisdictions")
    assert [r[0] for r in places[1:]] == ["浉河区", "罗山县", "合计"]
    assert "411521" not in "".join(cell for row in places for cell in row)
    queue = _table(html, "queue")
    recommended = next(r for r in queue if r[0] == "待市级复审")
    assert recommended[1:] == ["2", "2.0", "3.0"]
    submitted = next(r for r in queue if r[0] == "待县区初审")
    assert submitted[1:] == ["1", "5.0", "5.0"]  # counted city-wide, not listed
    items = _table(html, "items")
    assert items[0] == ["奖励事项", "2026年 占名额", "2026年 不占名额", "2027年 占名额",
                        "2027年 不占名额", "排队中（未安排年度）"]  # fmt: skip
    assert items[1] == ["省级“数据要素×”等大赛获奖", "2", "1", "1", "0", "0"]
    # The script draws the same numbers; money stays exact.
    spec = _spec(html)
    assert spec["budget"]["categories"] == ["2026", "2027"]
    assert spec["budget"]["series"][0]["values"] == ["3000000.00", "1000000.00"]
    assert spec["items"]["markLine"]["value"] == 5
    assert 'src="/static/vendor/echarts-5.6.0/echarts.min.js"' in html
    assert 'src="/static/js/dashboards.js"' in html


def test_each_programme_has_its_own_tab_and_an_unknown_one_is_refused(
    client, finance_user, luoshan_programme
):
    sign_in(client, finance_user)
    html = client.get(URL).content.decode()
    assert 'data-programme="city"' in html
    assert f'data-programme="{LUOSHAN}"' in html
    assert client.get(URL, {"programme": LUOSHAN}).status_code == 200
    assert client.get(URL, {"programme": "411599"}).status_code == 403


# --- query counts -----------------------------------------------------------------------------


def _many(count: int) -> None:
    statuses = (Status.PAID, Status.SCHEDULED, Status.CONFIRMED, Status.ANNOUNCED, Status.APPROVED)
    luoshan = EnterpriseFactory(jurisdiction=LUOSHAN)
    items = ("contest_provincial", "honor_provincial", "contest_national")
    for n in range(count):
        item = items[n % 3]
        case_in(
            statuses[n % len(statuses)],
            # A paid award is paid in its pay year (2026 is this year or past in these tests).
            pay_year=2026 if statuses[n % len(statuses)] == Status.PAID else 2026 + n % 2,
            item=item,
            facts={} if item.startswith("honor") else {"prize_level": "first"},
            **({"enterprise": luoshan} if n % 4 == 0 else {}),
        )


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_the_page_reads_in_the_same_number_of_queries_for_5_and_50_cases(client, finance_user):
    sign_in(client, finance_user)
    _many(5)
    assert Application.objects.count() == 5
    few = _page_queries(client)
    _many(45)
    _waiting(Status.RECOMMENDED, 2)
    assert Application.objects.count() == 51
    assert _page_queries(client) == few


@pytest.mark.parametrize(
    ("read", "queries"),
    [
        (lambda user: selectors.budget_by_year(programme="city"), 2),
        (lambda user: selectors.awards_per_item(user=user, programme="city"), 1),
        (lambda user: selectors.queue_by_stage(user=user), 1),
        (lambda user: selectors.amounts_by_jurisdiction(user=user, programme="city"), 1),
    ],
    ids=["budget", "items", "queue", "jurisdictions"],
)
def test_each_chart_is_a_fixed_number_of_queries(
    read, queries, django_assert_num_queries, finance_user
):
    _many(10)
    with django_assert_num_queries(queries):
        read(finance_user)


# --- who may read which charts ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN])
def test_the_city_finance_and_administrators_read_the_city_dashboard(client, role):
    sign_in(client, make_user(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert [chart.key for chart in response.context["charts"]] == [
        "budget",
        "items",
        "queue",
        "jurisdictions",
    ]


def test_an_enterprise_is_refused(client, enterprise_user):
    sign_in(client, enterprise_user)
    assert client.get(URL).status_code == 403


def test_a_county_reviewer_is_refused(client, county_reviewer):
    sign_in(client, county_reviewer)
    assert client.get(URL).status_code == 403
    assert 'id="nav-dashboards"' not in client.get(reverse("home")).content.decode()


def test_a_visitor_signs_in_first(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_county_finance_without_a_county_programme_is_refused(client):
    sign_in(client, make_user(Role.COUNTY_FINANCE, jurisdiction="411522"))
    assert client.get(URL).status_code == 403


def test_county_finance_reads_its_own_programmes_money_charts_only(client, luoshan_programme):
    luoshan_reviewer = make_user(Role.COUNTY_REVIEWER, jurisdiction=LUOSHAN)
    luoshan_finance = make_user(Role.COUNTY_FINANCE, jurisdiction=LUOSHAN)
    city_case = case_in(Status.CONFIRMED, enterprise=EnterpriseFactory(jurisdiction=LUOSHAN))
    match = Application.objects.get(matched_application=city_case)
    case_decide(application_id=match.pk, action="match_confirm", actor=luoshan_reviewer)
    Budget.objects.create(programme=LUOSHAN, year=2026, amount=Decimal("500000.00"))
    sign_in(client, luoshan_finance)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["programme"].code == LUOSHAN
    assert [chart.key for chart in response.context["charts"]] == ["budget", "items"]
    html = response.content.decode()
    assert "罗山县同步奖励" in html
    assert 'id="programme-tabs"' not in html
    assert _table(html, "budget")[1] == ["2026", "500,000.00", "0.00", "0.00", "500,000.00"]
    # Its one confirmed match waits for a year.
    assert _table(html, "items")[1][-1] == "1"
    assert client.get(URL, {"programme": "city"}).status_code == 403
    assert 'id="nav-dashboards"' in client.get(reverse("home")).content.decode()


def test_the_finance_desk_links_the_dashboard(client, finance_user):
    sign_in(client, finance_user)
    html = client.get(reverse("awards:finance")).content.decode()
    assert f'href="{URL}?programme=city" id="dashboards-link"' in html
    assert 'id="nav-dashboards"' in html


# --- language and the empty state -------------------------------------------------------------


def test_the_page_in_english_reads_english_labels(client, fixture_set, finance_user):
    sign_in(client, finance_user)
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    budget = _table(html, "budget")
    assert budget[0][:4] == ["Year", "Budget", "Paid", "Scheduled, unpaid"]
    places = _table(html, "jurisdictions")
    assert [r[0] for r in places[1:3]] == ["Shihe District", "Luoshan County"]
    items = _table(html, "items")
    assert items[0][0] == "Reward item"
    assert items[1][0] == "Prize in a provincial “Data Elements ×” (or similar) contest"
    assert "City reward" in html
    spec = _spec(html)
    assert spec["jurisdictions"]["categories"] == ["Shihe District", "Luoshan County"]
    assert [s["name"] for s in spec["budget"]["series"][:3]] == [
        "Budget",
        "Paid",
        "Scheduled, unpaid",
    ]
    assert "浉河区" not in html


def test_a_dashboard_without_data_says_so_and_draws_nothing(client, finance_user):
    sign_in(client, finance_user)
    response = client.get(URL)
    html = response.content.decode()
    assert [chart.empty for chart in response.context["charts"]] == [True] * 4
    assert html.count("暂无数据") == 4
    assert "data-chart=" not in html
    assert "echarts.min.js" not in html
    assert _spec(html) == {}


def test_charts_build_for_a_programme_in_the_readers_language(fixture_set, finance_user):
    programme = selectors.dashboard_programmes_for(finance_user)[0]
    charts = {
        chart.key: chart for chart in dashboard_charts(user=finance_user, programme=programme)
    }
    assert charts["budget"].totals[0].value == Decimal("4000000.00")
    assert charts["queue"].total is False
    assert charts["items"].mark_line == ("年度名额", 5)


def test_another_countys_official_does_not_count_the_case(fixture_set, other_county_reviewer):
    stages = {s.status: s for s in selectors.queue_by_stage(user=other_county_reviewer)}
    assert stages[Status.SUBMITTED].count == 0


def test_the_charts_are_computed_once_a_minute_per_reader_scope_and_say_when(
    client, settings, fixture_set, finance_user
):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    sign_in(client, finance_user)
    first = client.get(URL).content.decode()
    assert re.search(r'id="dashboards-as-of">数据截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}<', first)
    with CaptureQueriesContext(connection) as fresh:
        client.get(URL)
    cache.clear()
    with CaptureQueriesContext(connection) as recomputed:
        client.get(URL)
    # The cached page reads no case: only the session, the user and the programme list.
    assert len(fresh) < len(recomputed)
    assert not any("awards_award" in q["sql"] for q in fresh.captured_queries)
    # Another scope (the city reviewer) is computed for itself.
    sign_in(client, make_user(Role.CITY_REVIEWER))
    with CaptureQueriesContext(connection) as other:
        client.get(URL)
    assert any("awards_award" in q["sql"] for q in other.captured_queries)
    cache.clear()
