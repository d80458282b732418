"""The rules over HTTP: the same answers as the command line, 400 with field errors."""

import re

import pytest
from django.urls import reverse

from tests.api_helpers import api_errors
from tests.portal.test_rules_commands import SIMULATION

pytestmark = pytest.mark.django_db

FACTS = {
    "transaction_amount": "3000000.00",
    "event_date": "2025-06-01",
    "applicant_type": "data_trading_operator",
    "jurisdiction": "411502",
}


def test_quote_answers_anonymous_callers(client):
    response = client.post(
        reverse("api-quote"),
        {"item": "first_transaction", "facts": FACTS},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["amount"] == "120000.00"
    assert body["eligible"] is True
    assert body["trace"][0]["clause"]


def test_quote_speaks_english_when_asked(client):
    facts = {**FACTS, "applicant_type": "data_enterprise"}
    response = client.post(
        reverse("api-quote"),
        {"item": "first_transaction", "facts": facts},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    body = response.json()
    assert body["eligible"] is False
    assert not re.search(r"[\u4e00-\u9fff]", body["reasons"][0])


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"facts": FACTS}, ["item"]),
        ({"item": "nope", "facts": FACTS}, ["item"]),
        (
            {"item": "first_transaction", "facts": {**FACTS, "transaction_amount": "-1"}},
            ["facts", "transaction_amount"],
        ),
        (
            {"item": "first_transaction", "facts": {**FACTS, "transaction_amount": "abc"}},
            ["facts", "transaction_amount"],
        ),
        (
            {"item": "first_transaction", "facts": {**FACTS, "event_date": "2025-13-01"}},
            ["facts", "event_date"],
        ),
        ({"item": "first_transaction", "facts": "x"}, ["facts"]),
    ],
)
def test_quote_rejects_invalid_input_with_field_errors(client, payload, path):
    response = client.post(reverse("api-quote"), payload, content_type="application/json")
    assert response.status_code == 400
    assert api_errors(response)[".".join(path)]


def test_simulate_payouts_matches_the_command(client):
    response = client.post(
        reverse("api-simulate-payouts"), SIMULATION, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["awards"] == {"A-1": 2025}


def test_simulate_payouts_rejects_a_naive_datetime(client):
    bad = {
        **SIMULATION,
        "awards": [{**SIMULATION["awards"][0], "approved_at": "2025-03-01T10:00:00"}],
    }
    response = client.post(reverse("api-simulate-payouts"), bad, content_type="application/json")
    assert response.status_code == 400
    assert "awards.0.approved_at" in api_errors(response)


def test_json_nested_too_deep_is_a_400_not_a_500(client):
    body = '{"item": "first_transaction", "facts": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.post(reverse("api-quote"), body, content_type="application/json")
    assert response.status_code == 400


def test_a_json_integer_too_long_to_parse_is_a_400(client):
    body = '{"item": "first_transaction", "facts": {"transaction_amount": ' + "9" * 5000 + "}}"
    response = client.post(reverse("api-quote"), body, content_type="application/json")
    assert response.status_code == 400


def test_a_simulation_is_bounded_in_size(client, monkeypatch):
    from portal import api

    monkeypatch.setattr(api, "MAX_SIMULATED_AWARDS", 3)
    award = SIMULATION["awards"][0]
    many = [{**award, "id": f"A-{i}"} for i in range(4)]
    response = client.post(
        reverse("api-simulate-payouts"),
        {**SIMULATION, "awards": many},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "awards" in api_errors(response)


# --- county programmes (县区同步奖励) over HTTP: the same "programme" and "matching" as the CLI --

LUOSHAN_FACTS = {
    "event_date": "2025-06-01",
    "applicant_type": "data_enterprise",
    "jurisdiction": "411521",
    "prize_level": "first",
}


def test_the_quote_api_adds_the_county_match(client, db, luoshan_programme):
    answer = client.post(
        reverse("api-quote"),
        {"item": "contest_national", "facts": LUOSHAN_FACTS},
        content_type="application/json",
    ).json()
    assert answer["amount"] == "300000.00"
    (match,) = answer["matching"]
    assert (match["programme"], match["eligible"], match["amount"]) == ("411521", True, "150000.00")
    county = client.post(
        reverse("api-quote"),
        {"item": "contest_national", "facts": LUOSHAN_FACTS, "programme": "411521"},
        content_type="application/json",
    ).json()
    assert (county["amount"], county["matching"]) == ("150000.00", [])


def test_the_quote_api_refuses_an_unknown_programme_with_a_field_error(client, db):
    response = client.post(
        reverse("api-quote"),
        {"item": "contest_national", "facts": LUOSHAN_FACTS, "programme": "411599"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "411599" in api_errors(response)["programme"][0]


def test_the_simulation_api_uses_the_countys_quota(client, db, luoshan_programme):
    awards = [
        {
            "id": f"A-{n}",
            "item": "contest_national",
            "amount": "10.00",
            "approved_at": f"2026-01-0{n}T09:00:00+08:00",
        }
        for n in range(1, 5)
    ]
    data = {"budgets": {"2026": "1000.00", "2027": "1000.00"}, "awards": awards}
    city = client.post(reverse("api-simulate-payouts"), data, content_type="application/json")
    county = client.post(
        reverse("api-simulate-payouts"),
        {**data, "programme": "411521"},
        content_type="application/json",
    )
    assert sorted(city.json()["awards"].values()) == [2026] * 4  # the city's 5 per year
    assert sorted(county.json()["awards"].values()) == [2026, 2026, 2026, 2027]  # 示例: 3
