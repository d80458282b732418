"""A queue of 10,000 cases costs the same number of queries as a queue of 10: every sort (the
stored amount key, the enterprise name), a deep page, a search by name or credit code, filters;
and past the exact-count limit, one query more (the estimate), however many cases."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants.models import Application, Enterprise, Status
from applicants.roles import Role
from tests.factories import EnterpriseFactory, credit_code_for, make_user, sign_in

pytestmark = pytest.mark.django_db

QUEUE = "/review/"
API = "/api/v1/cases/"


def _bulk_cases(n: int, *, offset: int) -> None:
    """n submitted cases in 浉河区, across 50 enterprises, in a handful of INSERTs."""
    enterprises = Enterprise.objects.bulk_create(
        [
            EnterpriseFactory.build(
                name=f"规模测试企业{offset + i}", credit_code=credit_code_for(900000 + offset + i)
            )
            for i in range(50)
        ]
    )
    author = make_user(Role.ENTERPRISE, enterprise=enterprises[0])
    now = timezone.now()
    Application.objects.bulk_create(
        [
            Application(
                enterprise=enterprises[i % 50],
                item=("contest_provincial", "contest_national", "dataset_national")[i % 3],
                project_name=f"项目{offset + i}",
                facts={"prize_level": "first"},
                jurisdiction="411502",
                applicant_type="data_enterprise",
                status=Status.SUBMITTED,
                expected_amount="100000.00",
                created_by=author,
                submitted_at=now - datetime.timedelta(minutes=i),
                possible_duplicate_of=None,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )


def _measure(client, url: str, params: dict[str, str]) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-amount"},
        {"sort": "amount", "page": "150"},
        {"sort": "-submitted_at", "page": "40"},
        {"sort": "enterprise", "item": "contest_national", "q": "规模测试"},
        {"q": credit_code_for(900000)[:12]},
        {"queue": "all", "status": "submitted", "jurisdiction": "411502", "sort": "-amount"},
    ],
)
def test_ten_thousand_cases_cost_the_same_queries_as_ten(client, settings, params, record_property):
    settings.LARGE_LIST_EXACT_COUNT = 20_000  # counted exactly: the estimate has its own test
    reviewer = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    sign_in(client, reviewer)
    _bulk_cases(10, offset=0)
    client.get(QUEUE)  # warm caches (session, rules file) outside the measurement
    small_page, _small = _measure(client, QUEUE, params)
    # The API answers 404 for a page it does not have (the pages show the last one instead).
    api_params = {k: v for k, v in params.items() if k != "page"}
    small_api, _ = _measure(client, API, api_params)

    _bulk_cases(9990, offset=100)
    assert Application.objects.count() == 10000
    large_page, large = _measure(client, QUEUE, params)
    large_api, api = _measure(client, API, api_params)

    assert large_page == small_page
    assert large_api == small_api
    paginator = large.context["page"].paginator
    assert not paginator.estimated
    if "q" not in params or params.get("item"):
        assert paginator.count == (10000 if not params.get("item") else 3333)
    assert api.json()["count"] == paginator.count
    assert api.json()["count_estimated"] is False
    assert len(large.context["page"].object_list) == 50
    record_property("queries_page", large_page)
    print(f"\nqueue {params}: {small_page} queries for 10 cases, {large_page} for 10,000")


def test_past_the_exact_count_limit_the_count_is_estimated_with_one_query_more(client, settings):
    settings.LARGE_LIST_EXACT_COUNT = 1000
    sign_in(client, make_user(Role.COUNTY_REVIEWER, jurisdiction="411502"))
    _bulk_cases(10, offset=0)
    client.get(QUEUE)
    small_page, _ = _measure(client, QUEUE, {"sort": "-amount"})
    _bulk_cases(4990, offset=100)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE applicants_application")
    large_page, large = _measure(client, QUEUE, {"sort": "-amount"})
    paginator = large.context["page"].paginator
    expected = 1 if connection.vendor == "postgresql" else 0
    assert large_page == small_page + expected
    if connection.vendor == "postgresql":
        assert paginator.estimated
        assert paginator.count > 1000
        shown = re.search(r'id="queue-total">约 ([\d,]+) 件<', large.content.decode())
        assert shown is not None
        assert shown.group(1).endswith("0")  # rounded: an estimate has no last digits
        api = client.get(API, {"sort": "-amount"}).json()
        assert api["count_estimated"] is True
    # A page past the true end (an estimate may offer one) shows the true last page.
    last = client.get(QUEUE, {"sort": "-amount", "page": "9999"})
    page = last.context["page"]
    assert page.number == 5000 // 50
    assert len(page.object_list) == 50
    assert not page.has_next()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")
def test_a_long_lists_estimate_is_kept_and_an_exact_count_never(client, settings):
    """The second page of a long list neither counts to the limit nor asks for the estimate
    again (two queries fewer); a short list is counted afresh on every request; a page past
    the end drops the kept estimate."""
    from django.core.cache import cache

    cache.clear()
    settings.LARGE_LIST_EXACT_COUNT = 100
    settings.LARGE_LIST_ESTIMATE_CACHE_SECONDS = 60
    sign_in(client, make_user(Role.COUNTY_REVIEWER, jurisdiction="411502"))
    _bulk_cases(50, offset=0)
    short, first = _measure(client, QUEUE, {})
    assert first.context["page"].paginator.count == 50
    _bulk_cases(30, offset=100)
    again, second = _measure(client, QUEUE, {})
    assert again == short
    assert second.context["page"].paginator.count == 80  # exact: never kept

    _bulk_cases(2000, offset=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE applicants_application")
    asked, estimated = _measure(client, QUEUE, {})
    assert estimated.context["page"].paginator.estimated
    kept, reused = _measure(client, QUEUE, {"page": "2"})
    assert kept == asked - 2
    assert reused.context["page"].paginator.estimated
    assert reused.context["page"].paginator.count == estimated.context["page"].paginator.count
    # Most of the list goes: the kept estimate offers pages it no longer has. The last of them
    # counts exactly, shows the true last page and drops the estimate.
    last = estimated.context["page"].paginator.num_pages
    Application.objects.filter(pk__in=Application.objects.order_by("pk")[:1500]).delete()
    past = client.get(QUEUE, {"page": str(last)})
    assert past.context["page"].paginator.count == 580
    assert not past.context["page"].has_next()
    recount, _ = _measure(client, QUEUE, {})
    assert recount == asked


@pytest.mark.parametrize("sort", ["", "-submitted_at", "-amount"])
def test_a_pages_ids_are_read_without_the_rows_own_columns(client, sort):
    """One statement reads a page: its ids (the subquery the sort's index answers alone), then
    those rows with their enterprise's name and code. Joined into the ids' read, the enterprise
    was looked up for every case a deep page walks past (50,000 on page 1,000)."""
    sign_in(client, make_user(Role.CITY_REVIEWER))
    _bulk_cases(60, offset=0)
    Application.objects.update(recommended_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"queue": "all", "sort": sort, "page": "2"})
    assert len(response.context["page"].object_list) == 10
    page_read = next(q["sql"] for q in queries.captured_queries if " IN (SELECT " in q["sql"])
    outer, ids = page_read.split(" IN (SELECT ", 1)
    assert '"applicants_enterprise"."name"' in outer
    assert "applicants_enterprise" not in ids
    assert "LIMIT 50 OFFSET 50" in ids
