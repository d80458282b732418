"""The applicants API: the same access rule as the pages (404 for another's case or file)."""

import pytest
from django.urls import reverse

from applicants.services.applications import application_submit
from tests.applicants.conftest import complete_draft
from tests.factories import TINY_PDF, sign_in

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_callers_applications(
    client, enterprise_user, other_enterprise_user
):
    own = complete_draft(enterprise_user, project_name="我的项目")
    complete_draft(other_enterprise_user, project_name="别人的项目")
    sign_in(client, enterprise_user)
    body = client.get("/api/v1/applications/").json()
    assert [row["id"] for row in body["results"]] == [own.pk]
    assert body["results"][0]["item_title"] == "省级数据表彰或入选省级试点"
    assert body["results"][0]["status"] == "draft"


def test_the_detail_carries_facts_and_evidence_with_download_links(client, enterprise_user):
    case = complete_draft(enterprise_user, item="contest_national", prize_level="first")
    application_submit(actor=enterprise_user, application_id=case.pk)
    sign_in(client, enterprise_user)
    body = client.get(f"/api/v1/applications/{case.pk}/").json()
    assert body["facts"] == {"prize_level": "first"}
    assert body["expected_amount"] == "300000.00"
    assert {e["kind"] for e in body["evidence_files"]} == {"award_certificate", "award_notice"}
    evidence = body["evidence_files"][0]
    assert evidence["download_url"] == reverse("applicants-api-evidence", args=[evidence["id"]])
    response = client.get(evidence["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == TINY_PDF


def test_another_enterprise_gets_404_for_a_case_and_its_files(
    client, enterprise_user, other_enterprise_user
):
    case = complete_draft(enterprise_user)
    evidence = case.evidence_files.get()
    sign_in(client, other_enterprise_user)
    assert client.get(f"/api/v1/applications/{case.pk}/").status_code == 404
    assert client.get(f"/api/v1/evidence/{evidence.pk}/").status_code == 404
    assert client.get("/api/v1/applications/").json()["results"] == []


def test_anonymous_callers_are_refused(client, enterprise_user):
    case = complete_draft(enterprise_user)
    evidence = case.evidence_files.get()
    # 401: the API offers token authentication (WWW-Authenticate: Bearer).
    assert client.get("/api/v1/applications/").status_code == 401
    assert client.get(f"/api/v1/applications/{case.pk}/").status_code == 401
    assert client.get(f"/api/v1/evidence/{evidence.pk}/").status_code == 401


def test_a_county_reviewer_sees_submitted_cases_of_its_jurisdiction(
    client, enterprise_user, county_reviewer, other_county_reviewer
):
    case = complete_draft(enterprise_user)
    evidence = case.evidence_files.get()
    sign_in(client, county_reviewer)
    assert client.get(f"/api/v1/applications/{case.pk}/").status_code == 404
    application_submit(actor=enterprise_user, application_id=case.pk)
    assert client.get(f"/api/v1/applications/{case.pk}/").status_code == 200
    assert client.get(f"/api/v1/evidence/{evidence.pk}/").status_code == 200
    sign_in(client, other_county_reviewer)
    assert client.get(f"/api/v1/evidence/{evidence.pk}/").status_code == 404
