"""The API's one error body: the same shape for 400, 403, 404, 405, 409, 413 and 429, in the
request's language, never an HTML page."""

import pytest
from django.core.cache import cache

from applicants.models import Status
from portal.throttles import ClientAnonThrottle
from tests.api_helpers import api_error_body, api_errors, api_message
from tests.factories import ApplicationFactory, sign_in

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_is_a_json_404_in_the_callers_language(client):
    chinese = client.get("/api/v1/nowhere/")
    assert chinese.status_code == 404
    assert chinese["Content-Type"].startswith("application/json")
    assert api_message(chinese) == "未找到该对象，或您无权查看。"
    assert chinese.json()["code"] == "not_found"
    english = client.get("/api/v1/nowhere/", headers={"accept-language": "en"})
    assert api_message(english) == "Not found, or you may not see it."


def test_a_case_another_official_may_not_see_is_the_same_404(client, county_reviewer):
    elsewhere = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411521")
    sign_in(client, county_reviewer)
    response = client.get(f"/api/v1/cases/{elsewhere.pk}/")
    assert response.status_code == 404
    assert api_error_body(response)["code"] == "not_found"


def test_validation_messages_follow_accept_language(client):
    body = {"item": "no_such_item", "facts": {}}
    chinese = client.post("/api/v1/quote/", body, content_type="application/json")
    english = client.post(
        "/api/v1/quote/", body, content_type="application/json", headers={"accept-language": "en"}
    )
    assert chinese.status_code == english.status_code == 400
    assert api_error_body(chinese)["codes"]["item"] == api_error_body(english)["codes"]["item"]
    assert api_errors(chinese)["item"] != api_errors(english)["item"]
    assert english.json()["code"] == "invalid"


def test_a_body_over_the_servers_limit_is_a_json_413(client, city_reviewer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    case = ApplicationFactory(status=Status.RECOMMENDED)
    sign_in(client, city_reviewer)
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        "reason=" + "x" * 20_000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "过大" in api_message(response)


def test_a_json_body_over_the_limit_is_the_same_413(client, settings):
    settings.API_MAX_JSON_BYTES = 1_000
    response = client.post("/api/v1/quote/", {"item": "x" * 2_000}, content_type="application/json")
    assert response.status_code == 413
    assert api_error_body(response)["code"] == "too_large"


def test_an_unsupported_method_and_anonymous_access_have_the_body(client):
    assert api_error_body(client.delete("/api/v1/quote/"))["code"] == "method_not_allowed"
    anonymous = client.get("/api/v1/cases/")
    assert anonymous.status_code == 401
    assert api_error_body(anonymous)["code"] == "not_authenticated"


def test_an_enterprise_refused_the_review_api_gets_the_body(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 403
    assert api_error_body(response)["code"] == "permission_denied"


def test_throttled_is_a_429_with_the_body(client, monkeypatch):
    monkeypatch.setattr(ClientAnonThrottle, "THROTTLE_RATES", {"anon": "1/minute"})
    cache.clear()
    body = {"item": "no_such_item", "facts": {}}
    client.post("/api/v1/quote/", body, content_type="application/json")
    response = client.post("/api/v1/quote/", body, content_type="application/json")
    cache.clear()
    assert response.status_code == 429
    assert api_error_body(response)["code"] == "throttled"
    assert "non_field_errors" in api_errors(response)
