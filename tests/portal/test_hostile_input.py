"""Hostile input never reaches a 500: NaN and Infinity, numbers too long for any column,
full-width digits, invisible and bidi characters, HTML, SQL fragments, path traversal, formula
cells and NUL bytes, in every query parameter of the busiest pages and in the decisions' forms and
API. (The public rules API and the evidence uploads have their own suites.)"""

import json

import pytest
from django.urls import reverse

from applicants.models import CaseEvent, Status
from awards.models import Award
from tests.awards.helpers import case_in
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

HOSTILE = [
    "NaN",
    "Infinity",
    "1e309",
    "１２３",
    "\u200b",
    "\u202e1",
    "<b>x</b>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "=SUM(1)",
    "9" * 400,
    "-1",
    "",
    "0x10",
    "1,2",
    "%00",
    "\x00",
]
PARAMETERS = (
    "status", "item", "q", "page", "jurisdiction", "sort", "year", "programme", "group",
    "queue", "ordering", "enterprise", "format",
)  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE)
def test_every_query_parameter_of_the_busy_pages_takes_hostile_input(
    client, city_reviewer, finance_user, value
):
    everything = dict.fromkeys(PARAMETERS, value)
    sign_in(client, city_reviewer)
    for name in ("awards:queue", "awards:reports", "awards:dashboards", "case-list"):
        response = client.get(reverse(name), everything)
        assert response.status_code < 500, (name, value, response.status_code)
    sign_in(client, finance_user)
    for name in ("awards:finance", "awards:batches", "awards:reports", "awards:dashboards"):
        response = client.get(reverse(name), everything)
        assert response.status_code < 500, (name, value, response.status_code)


@pytest.mark.parametrize("value", HOSTILE)
def test_decisions_take_hostile_input_and_store_nothing_they_should_not(
    client, city_reviewer, value
):
    case = case_in(Status.REVIEWED)
    sign_in(client, city_reviewer)
    before = CaseEvent.objects.count()
    for body in (
        {"action": value},
        {"action": "approve", "amount": value, "reason": value},
        {"action": "city_return", "reason": value},
    ):
        api = client.post(
            reverse("case-transitions", args=[case.pk]),
            json.dumps(body),
            content_type="application/json",
        )
        assert api.status_code < 500, (body, api.status_code)
        page = client.post(reverse("awards:case_decide", args=[case.pk]), body)
        assert page.status_code < 500, (body, page.status_code)
    override = client.post(
        reverse("awards:award_override", args=[case.pk]), {"amount": value, "reason": value}
    )
    assert override.status_code < 500
    # Whatever went through was a real decision with a real amount; no text of the input leaked
    # into stored money, and invisible or bidi characters never make a reason.
    for event in CaseEvent.objects.filter(pk__gt=before):
        assert "\u202e" not in event.reason
        assert "\x00" not in event.reason
    award = Award.objects.filter(application=case).first()
    if award is not None:
        assert award.amount >= 0
