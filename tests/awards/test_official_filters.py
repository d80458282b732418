"""Queue filters and sorting: bad sort keys are no 500; choices follow what the official sees."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applicants import policy
from applicants.models import Status
from tests.api_helpers import api_errors
from tests.factories import ApplicationFactory, sign_in

pytestmark = pytest.mark.django_db

QUEUE = reverse("awards:queue")
CASES = "/api/v1/cases/"


def _page_ids(response) -> list[int]:
    return [case.pk for case in response.context["page"].object_list]


def _api_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# --- sort keys --------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", [",", ",,,", "amount,,", ",amount"])
def test_empty_sort_keys_are_ignored_on_the_page(client, city_reviewer, sort):
    ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("10.00"))
    ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("20.00"))
    sign_in(client, city_reviewer)
    response = client.get(QUEUE, {"sort": sort})
    assert response.status_code == 200
    assert len(_page_ids(response)) == 2


@pytest.mark.parametrize("sort", [",", ",,,", "amount,,", ",-amount,"])
def test_empty_sort_keys_are_ignored_in_the_api(client, city_reviewer, sort):
    low = ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("10.00"))
    high = ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("20.00"))
    sign_in(client, city_reviewer)
    response = client.get(CASES, {"sort": sort})
    assert response.status_code == 200
    ids = _api_ids(response)
    assert set(ids) == {low.pk, high.pk}
    if "-amount" in sort:
        assert ids == [high.pk, low.pk]
    elif "amount" in sort:
        assert ids == [low.pk, high.pk]


def test_repeated_and_unknown_sort_keys(client, city_reviewer):
    low = ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("10.00"))
    high = ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("20.00"))
    sign_in(client, city_reviewer)
    # The first mention of a column decides its direction; empty keys between are skipped.
    for sort, expected in (
        (",amount,,-amount", [low.pk, high.pk]),
        ("-amount,,amount,amount", [high.pk, low.pk]),
    ):
        response = client.get(CASES, {"sort": sort})
        assert response.status_code == 200
        assert _api_ids(response) == expected
        assert _page_ids(client.get(QUEUE, {"queue": "all", "sort": sort})) == expected
    # Unknown: a field error in the API, ignored on the page.
    response = client.get(CASES, {"sort": "password,"})
    assert response.status_code == 400
    assert "sort" in api_errors(response)
    page = client.get(QUEUE, {"sort": "password,"})
    assert page.status_code == 200
    assert len(_page_ids(page)) == 2


# --- choices follow what the official sees ----------------------------------------------------


def test_a_county_reviewer_is_offered_only_their_jurisdiction(client, county_reviewer):
    sign_in(client, county_reviewer)
    form = client.get(QUEUE).context["filter"].form
    assert list(form.fields["jurisdiction"].choices) == [
        ("411502", policy.jurisdiction_name("411502"))
    ]
    statuses = [key for key, _label in form.fields["status"].choices if key]
    assert Status.DRAFT not in statuses
    assert Status.SUBMITTED in statuses
    assert Status.PAID in statuses


def test_the_city_is_offered_every_jurisdiction_and_no_draft(client, city_reviewer):
    sign_in(client, city_reviewer)
    form = client.get(QUEUE).context["filter"].form
    codes = [key for key, _label in form.fields["jurisdiction"].choices if key]
    assert len(codes) == len(policy.jurisdiction_choices()) > 1
    statuses = [key for key, _label in form.fields["status"].choices if key]
    assert Status.DRAFT not in statuses
    assert {Status.RECOMMENDED, Status.APPROVED, Status.PAID} <= set(statuses)


def test_the_page_shows_no_option_outside_the_reviewers_scope(client, county_reviewer):
    sign_in(client, county_reviewer)
    html = client.get(QUEUE).content.decode()
    assert 'value="411521"' not in html  # 罗山县
    assert 'value="draft"' not in html


def test_the_api_refuses_filters_outside_the_reviewers_scope(client, county_reviewer):
    mine = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    sign_in(client, county_reviewer)
    assert _api_ids(client.get(CASES, {"jurisdiction": "411502"})) == [mine.pk]
    other = client.get(CASES, {"jurisdiction": "411521"})
    assert other.status_code == 400
    assert "jurisdiction" in api_errors(other)
    draft = client.get(CASES, {"status": "draft"})
    assert draft.status_code == 400
    assert "status" in api_errors(draft)


def test_the_api_refuses_a_draft_filter_for_the_city(client, city_reviewer):
    sign_in(client, city_reviewer)
    assert client.get(CASES, {"status": "draft"}).status_code == 400
    assert client.get(CASES, {"status": "recommended"}).status_code == 200


def test_an_open_filter_reads_as_a_word_not_dashes(client, city_reviewer):
    sign_in(client, city_reviewer)
    html = client.get(reverse("awards:queue")).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>全部</option>' in html
