"""Documents and notifications over the API: each reader gets what they are entitled to (the
download page's rule), another's is a 404, and notifications read in the caller's language."""

import pytest
from django.test import Client

from applicants.models import Notification, Status
from applicants.notices import CASE_STATUS, notice_params_for_case
from applicants.roles import Role
from awards.documents.models import DocumentKind
from awards.documents.services import document_render_approval
from awards.services.decisions import case_decide
from tests.api_helpers import api_error_body, api_errors
from tests.awards.helpers import case_in, city_user
from tests.factories import ApplicationFactory, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.PDF_DEMO_SIGNING_DIR = tmp_path / "signing"


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _member(case):
    return make_user(Role.ENTERPRISE, enterprise=case.enterprise)


def test_an_enterprise_reads_its_approval_sheet_from_the_announcement_on():
    case = case_in(Status.APPROVED, item="contest_provincial", facts={"prize_level": "first"})
    sheet = document_render_approval(application_id=case.pk)
    enterprise = _client(_member(case))
    # Approved but not announced: the sheet is the city's working paper still.
    assert enterprise.get("/api/v1/documents/").json()["results"] == []
    assert enterprise.get(f"/api/v1/documents/{sheet.pk}/").status_code == 404
    assert enterprise.get(f"/api/v1/documents/{sheet.pk}/file/").status_code == 404
    case_decide(application_id=case.pk, action="announce", actor=city_user())
    listed = enterprise.get("/api/v1/documents/").json()["results"]
    assert [d["id"] for d in listed] == [sheet.pk]
    detail = enterprise.get(f"/api/v1/documents/{sheet.pk}/").json()
    assert detail["kind"] == DocumentKind.APPROVAL
    assert detail["reference"] == case.reference
    assert detail["is_current"] is True
    assert detail["verify_url"] == f"/verify/{sheet.code}/"
    pdf = enterprise.get(detail["file_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_documents_follow_the_case_and_the_finance_desk():
    case = case_in(Status.APPROVED, jurisdiction="411502")
    sheet = document_render_approval(application_id=case.pk)
    county = _client(make_user(Role.COUNTY_REVIEWER, jurisdiction="411502"))
    assert [d["id"] for d in county.get("/api/v1/documents/").json()["results"]] == [sheet.pk]
    other_county = _client(make_user(Role.COUNTY_REVIEWER, jurisdiction="411521"))
    assert other_county.get("/api/v1/documents/").json()["results"] == []
    response = other_county.get(f"/api/v1/documents/{sheet.pk}/file/")
    assert response.status_code == 404
    api_error_body(response)
    stranger = _client(make_user(Role.ENTERPRISE))
    assert stranger.get(f"/api/v1/documents/{sheet.pk}/").status_code == 404
    # The filters are documented and checked.
    city = _client(city_user())
    only = city.get(f"/api/v1/documents/?application={case.pk}&kind=approval&current=true")
    assert [d["id"] for d in only.json()["results"]] == [sheet.pk]
    assert city.get("/api/v1/documents/?current=false").json()["results"] == []
    response = city.get("/api/v1/documents/?kind=letter")
    assert response.status_code == 400
    assert "kind" in api_errors(response)


def test_documents_need_a_sign_in():
    assert Client().get("/api/v1/documents/").status_code == 401


def _notify(user, case=None, **fields):
    return Notification.objects.create(
        recipient=user,
        application=case,
        message="您的申报状态已更新。",
        code=CASE_STATUS,
        params=notice_params_for_case(
            reference=case.reference if case else "XY-0",
            project_name="Data platform",
            status=Status.RETURNED,
        ),
        **fields,
    )


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_notifications_are_the_callers_own_in_their_language():
    case = ApplicationFactory()
    member = _member(case)
    mine = _notify(member, case)
    other = _notify(make_user(Role.ENTERPRISE))
    client = _client(member)
    body = client.get("/api/v1/notifications/", headers={"accept-language": "en"}).json()
    assert [n["id"] for n in body["results"]] == [mine.pk]
    entry = body["results"][0]
    assert entry["reference"] == case.reference
    assert entry["case_url"] == f"/api/v1/applications/{case.pk}/"
    assert entry["read_at"] is None
    assert not _has_chinese(entry["text"]), entry["text"]
    chinese = client.get("/api/v1/notifications/").json()["results"][0]["text"]
    assert _has_chinese(chinese)
    assert client.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_read_one_and_all():
    case = ApplicationFactory()
    member = _member(case)
    first, second = _notify(member, case), _notify(member, case)
    client = _client(member)
    read = client.post(f"/api/v1/notifications/{first.pk}/read/").json()
    assert read["read_at"] is not None
    # Again: no change, the same time.
    assert (
        client.post(f"/api/v1/notifications/{first.pk}/read/").json()["read_at"] == read["read_at"]
    )
    assert [
        n["id"] for n in client.get("/api/v1/notifications/?unread=true").json()["results"]
    ] == [second.pk]
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []


def test_an_officials_notification_points_at_the_review_api():
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    official = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    _notify(official, case)
    entry = _client(official).get("/api/v1/notifications/").json()["results"][0]
    assert entry["case_url"] == f"/api/v1/cases/{case.pk}/"
