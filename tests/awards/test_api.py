"""The review API: the same scoping and filters as the pages, and 200/400/403/404/409 on actions."""

import pytest

from applicants.models import CaseEvent, Status
from awards.models import Award
from tests.api_helpers import api_errors, api_message
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, sign_in

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def _transition(client, case, **body):
    return client.post(f"{CASES}{case.pk}/transitions/", body, content_type="application/json")


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_the_queue_is_scoped_like_the_pages(client, county_reviewer, city_reviewer):
    mine = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411521")
    recommended = ApplicationFactory(status=Status.RECOMMENDED, jurisdiction="411521")
    sign_in(client, county_reviewer)
    assert _ids(client.get(CASES)) == [mine.pk]
    sign_in(client, city_reviewer)
    assert _ids(client.get(CASES)) == [recommended.pk]


def test_the_queue_filters_and_sorts(client, city_reviewer):
    a = ApplicationFactory(status=Status.RECOMMENDED, item="contest_national")
    b = ApplicationFactory(status=Status.REVIEWED, item="contest_provincial")
    sign_in(client, city_reviewer)
    assert _ids(client.get(CASES, {"item": "contest_national"})) == [a.pk]
    assert _ids(client.get(CASES, {"status": "reviewed"})) == [b.pk]
    assert _ids(client.get(CASES, {"q": b.enterprise.name})) == [b.pk]
    assert _ids(client.get(CASES, {"sort": "-submitted_at"})) == [b.pk, a.pk]
    row = client.get(CASES, {"status": "reviewed"}).json()["results"][0]
    assert row["reference"] == b.reference
    assert row["status_label"] == "市级已复审"
    assert row["item_title"]
    assert client.get(CASES, {"submitted_from": "not-a-date"}).status_code == 400


def test_case_detail_and_404_when_not_visible(client, county_reviewer, other_county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    sign_in(client, county_reviewer)
    body = client.get(f"{CASES}{case.pk}/").json()
    assert body["facts"] == {"prize_level": "first"}
    assert body["award"]["live"] is True
    assert body["award"]["amount"] == "100000.00"
    assert body["award"]["rules_version"]
    assert body["award"]["trace"][-1]["step"] == "payable"
    assert {a["action"] for a in body["actions"]} == {"recommend", "county_return", "county_reject"}
    sign_in(client, other_county_reviewer)
    assert client.get(f"{CASES}{case.pk}/").status_code == 404
    assert client.get(f"{CASES}abc/").status_code == 404


def test_enterprise_users_and_anonymous_are_refused(client, enterprise_user):
    own = ApplicationFactory(status=Status.SUBMITTED, enterprise=enterprise_user.enterprise)
    assert client.get(CASES).status_code == 401
    sign_in(client, enterprise_user)
    assert client.get(CASES).status_code == 403
    assert client.get(f"{CASES}{own.pk}/").status_code == 403
    assert _transition(client, own, action="withdraw").status_code == 403


def test_a_transition_answers_200_with_the_new_status(client, county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    sign_in(client, county_reviewer)
    response = _transition(client, case, action="recommend")
    assert response.status_code == 200
    assert response.json() == {
        "id": case.pk,
        "reference": case.reference,
        "status": "recommended",
        "status_label": "县区已推荐",
    }


def test_field_errors_are_400(client, county_reviewer, city_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    sign_in(client, county_reviewer)
    missing_reason = _transition(client, case, action="county_reject")
    assert missing_reason.status_code == 400
    assert api_errors(missing_reason)["reason"] == ["此操作必须填写理由。"]
    assert "action" in api_errors(_transition(client, case, action="launch"))
    assert _transition(client, case).status_code == 400
    reviewed = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, city_reviewer)
    bad_amount = _transition(client, reviewed, action="approve", amount="-1")
    assert bad_amount.status_code == 400
    assert "amount" in api_errors(bad_amount)
    no_reason = _transition(client, reviewed, action="approve", amount="1.00")
    assert no_reason.status_code == 400
    assert "override_reason" in api_errors(no_reason)
    assert not CaseEvent.objects.exists()


def test_a_role_not_entitled_is_403(client, county_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED, jurisdiction="411502")
    sign_in(client, county_reviewer)
    response = _transition(client, case, action="approve")
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_a_case_not_visible_is_404(client, other_county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    sign_in(client, other_county_reviewer)
    assert _transition(client, case, action="recommend").status_code == 404
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_a_case_decided_already_is_409(client, city_reviewer):
    case = case_in(Status.APPROVED)
    sign_in(client, city_reviewer)
    response = _transition(client, case, action="approve")
    assert response.status_code == 409
    assert "已被他人处理" in api_message(response)
    assert response.json()["code"] == "conflict"
    assert Award.objects.filter(application=case).count() == 1


def test_approve_through_the_api_with_an_exemption(client, city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, city_reviewer)
    response = _transition(
        client, case, action="approve", quota_exempt=True, exempt_reason="省重点项目"
    )
    assert response.status_code == 200
    award = Award.objects.get(application=case)
    assert award.quota_exempt
    assert award.exempt_reason == "省重点项目"
    detail = client.get(f"{CASES}{case.pk}/").json()
    assert detail["award"]["live"] is False
    assert detail["award"]["quota_exempt"] is True
    assert [h["action"] for h in detail["history"]] == ["approve", "quota_exempt"]


def test_malformed_json_is_400(client, city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, city_reviewer)
    response = client.post(
        f"{CASES}{case.pk}/transitions/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_a_bulk_action_reports_each_case(client, county_reviewer):
    mine = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    decided = ApplicationFactory(status=Status.RECOMMENDED, jurisdiction="411502")
    elsewhere = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411521")
    sign_in(client, county_reviewer)
    response = client.post(
        f"{CASES}bulk-transitions/",
        {"action": "recommend", "ids": [mine.pk, decided.pk, elsewhere.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    results = {row["id"]: row for row in response.json()["results"]}
    assert results[mine.pk]["ok"] is True
    assert results[decided.pk]["ok"] is False
    assert "已被他人处理" in results[decided.pk]["message"]
    assert results[elsewhere.pk]["ok"] is False
    mine.refresh_from_db()
    elsewhere.refresh_from_db()
    assert mine.status == Status.RECOMMENDED
    assert elsewhere.status == Status.SUBMITTED


def test_a_bulk_action_validates_its_input(client, county_reviewer, enterprise_user):
    sign_in(client, county_reviewer)
    url = f"{CASES}bulk-transitions/"
    not_bulk = client.post(
        url, {"action": "county_reject", "ids": [1]}, content_type="application/json"
    )
    assert "action" in api_errors(not_bulk)
    empty = client.post(url, {"action": "recommend", "ids": []}, content_type="application/json")
    assert "ids" in api_errors(empty)
    too_many = client.post(
        url, {"action": "recommend", "ids": list(range(1, 502))}, content_type="application/json"
    )
    assert "ids" in api_errors(too_many)
    sign_in(client, enterprise_user)
    assert (
        client.post(
            url, {"action": "recommend", "ids": [1]}, content_type="application/json"
        ).status_code
        == 403
    )
