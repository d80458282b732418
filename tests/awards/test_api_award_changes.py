"""The city's changes to an award after approval, as API operations of their own: the amount
(override), the quota exemption and a flagged new price; with the page's rules and refusals."""

from decimal import Decimal

import pytest
from django.test import Client

from applicants.models import CaseEvent, Status
from applicants.roles import Role
from awards.models import Award
from tests.api_helpers import api_error_body, api_errors
from tests.awards.helpers import case_in, city_user
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def approved():
    return case_in(
        Status.APPROVED,
        item="contest_provincial",
        facts={"prize_level": "first"},
        jurisdiction="411502",
    )


def test_the_city_lowers_an_approved_amount_with_its_reason(approved):
    city = _client(city_user())
    computed = approved.award.computed_amount
    lower = (computed - Decimal("1000.00")).quantize(Decimal("0.01"))
    response = _post(
        city,
        f"/api/v1/cases/{approved.pk}/override/",
        {"amount": f"{lower}", "override_reason": "按评审意见调减。"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["amount"] == f"{lower:.2f}"
    assert body["computed_amount"] == f"{computed:.2f}"
    assert body["overridden"] is True
    assert body["override_reason"] == "按评审意见调减。"
    assert CaseEvent.objects.filter(application=approved, action="override").exists()
    # The case reads as decided.
    detail = city.get(f"/api/v1/cases/{approved.pk}/").json()
    assert detail["amount"] == f"{lower:.2f}"
    assert detail["overridden"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "100.00"}, "override_reason"),
        ({"amount": "100.00", "override_reason": "\u200b"}, "override_reason"),
        ({"amount": "-1", "override_reason": "理由"}, "amount"),
        ({"amount": "1.001", "override_reason": "理由"}, "amount"),
        ({"override_reason": "理由"}, "amount"),
    ],
)
def test_a_bad_override_is_a_400_and_changes_nothing(approved, body, field):
    response = _post(_client(city_user()), f"/api/v1/cases/{approved.pk}/override/", body)
    assert response.status_code == 400
    assert field in api_errors(response)
    award = Award.objects.get(application=approved)
    assert award.amount == approved.award.amount
    assert not award.overridden


def test_no_override_above_what_the_policy_allows(approved):
    above = approved.award.computed_amount + Decimal("0.01")
    response = _post(
        _client(city_user()),
        f"/api/v1/cases/{approved.pk}/override/",
        {"amount": f"{above}", "override_reason": "理由"},
    )
    assert response.status_code == 400
    api_error_body(response)
    assert Award.objects.get(application=approved).amount == approved.award.amount


def test_an_announced_amount_is_no_longer_overridden():
    case = case_in(Status.ANNOUNCED)
    response = _post(
        _client(city_user()),
        f"/api/v1/cases/{case.pk}/override/",
        {"amount": "1.00", "override_reason": "理由"},
    )
    assert response.status_code == 409
    assert api_error_body(response)["code"] == "conflict"


def test_only_the_city_changes_an_award(approved):
    county = _client(make_user(Role.COUNTY_REVIEWER, jurisdiction="411502"))
    body = {
        "amount": "1.00",
        "override_reason": "理由",
        "quota_exempt": True,
        "exempt_reason": "理由",
    }
    for url in ("override", "quota-exemption"):
        response = _post(county, f"/api/v1/cases/{approved.pk}/{url}/", body)
        assert response.status_code == 403, url
    enterprise = _client(make_user(Role.ENTERPRISE, enterprise=approved.enterprise))
    assert _post(enterprise, f"/api/v1/cases/{approved.pk}/override/", body).status_code == 403
    # A county that does not see the case does not learn it exists.
    elsewhere = _client(make_user(Role.COUNTY_REVIEWER, jurisdiction="411521"))
    assert _post(elsewhere, f"/api/v1/cases/{approved.pk}/override/", body).status_code == 404
    assert _post(Client(), f"/api/v1/cases/{approved.pk}/override/", body).status_code == 401
    award = Award.objects.get(application=approved)
    assert (award.overridden, award.quota_exempt) == (False, False)


def test_the_city_exempts_from_the_quota_and_revokes_it(approved):
    city = _client(city_user())
    url = f"/api/v1/cases/{approved.pk}/quota-exemption/"
    response = _post(city, url, {"quota_exempt": True, "exempt_reason": "市政府专题会议决定。"})
    assert response.status_code == 200, response.content
    assert response.json()["quota_exempt"] is True
    response = _post(city, url, {"quota_exempt": False, "exempt_reason": "决定撤销。"})
    assert response.json()["quota_exempt"] is False
    assert list(
        CaseEvent.objects.filter(application=approved, action__startswith="quota_exempt")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["quota_exempt", "quota_exempt_revoked"]
    response = _post(city, url, {"quota_exempt": True})
    assert response.status_code == 400
    assert "exempt_reason" in api_errors(response)


def test_a_rejected_case_has_no_exemption_to_change():
    case = case_in(Status.SUBMITTED)
    response = _post(
        _client(city_user()),
        f"/api/v1/cases/{case.pk}/quota-exemption/",
        {"quota_exempt": True, "exempt_reason": "理由"},
    )
    # Not visible to the city before a county recommends it.
    assert response.status_code == 404


def test_nothing_to_reprice_is_a_conflict(approved):
    response = _post(
        _client(city_user()), f"/api/v1/cases/{approved.pk}/reprice/", {"accept": True}
    )
    assert response.status_code == 409
    response = _post(_client(city_user()), f"/api/v1/cases/{approved.pk}/reprice/", {})
    assert response.status_code == 400
    assert "accept" in api_errors(response)
