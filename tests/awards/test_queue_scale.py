"""A queue of 10,000 cases costs the same number of queries as a queue of 10, and renders fast."""

import datetime
import time

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


def _measure(client, url: str, params: dict[str, str]) -> tuple[int, float, object]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, params)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return len(queries), elapsed, response


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-amount"},
        {"sort": "enterprise", "item": "contest_national", "q": "规模测试"},
    ],
)
def test_ten_thousand_cases_cost_the_same_queries_as_ten(client, params, record_property):
    reviewer = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    sign_in(client, reviewer)
    _bulk_cases(10, offset=0)
    client.get(QUEUE)  # warm caches (session, rules file) outside the measurement
    small_page, _, _small = _measure(client, QUEUE, params)
    small_api, _, _ = _measure(client, API, params)

    _bulk_cases(9990, offset=100)
    assert Application.objects.count() == 10000
    large_page, seconds, large = _measure(client, QUEUE, params)
    large_api, api_seconds, api = _measure(client, API, params)

    assert large_page == small_page
    assert large_api == small_api
    assert large.context["page"].paginator.count == (10000 if not params.get("item") else 3333)
    assert len(large.context["page"].object_list) == 50
    assert api.json()["count"] == large.context["page"].paginator.count
    record_property("queries_page", large_page)
    record_property("seconds_page", round(seconds, 3))
    print(
        f"\nqueue {params}: {small_page} queries for 10 cases, {large_page} for 10,000; "
        f"page {seconds:.3f}s, API {api_seconds:.3f}s ({large_api} queries)"
    )
    assert seconds < 2.0
