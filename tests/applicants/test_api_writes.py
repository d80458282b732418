"""The enterprise's writes over the API: create, update, upload evidence, submit, withdraw, and
resubmit after a return, on the same services as the pages; each refusal in the one error body."""

import pytest
from django.test import Client

from applicants.api_tokens.models import TokenScope
from applicants.api_tokens.services import api_token_create
from applicants.models import Application, Status
from applicants.services.cases import case_transition
from tests.api_helpers import api_error_body, api_errors
from tests.applicants.conftest import complete_draft
from tests.factories import TINY_PDF, make_user, sign_in, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_storage")]

APPLICATIONS = "/api/v1/applications/"
DRAFT = {
    "item": "contest_provincial",
    "project_name": "数据要素大赛项目",
    "event_date": "2025-05-20",
    "facts": {"prize_level": "second"},
}


def _post(client, url, body=None, **kwargs):
    return client.post(url, body or {}, content_type="application/json", **kwargs)


def test_an_enterprise_creates_a_draft_and_reads_it_back(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = _post(client, APPLICATIONS, DRAFT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["reference"].startswith("XY-")
    case = Application.objects.get(pk=body["id"])
    assert case.enterprise == enterprise_user.enterprise
    assert case.facts == {"prize_level": "second"}
    assert client.get(f"{APPLICATIONS}{case.pk}/").json()["project_name"] == "数据要素大赛项目"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"item": "no_such_item"}, "item"),
        ({"project_name": "\u200b"}, "project_name"),
        ({"event_date": "2999-01-01"}, "event_date"),
        ({"event_date": "2025-13-01"}, "event_date"),
        ({"facts": {"prize_level": "gold"}}, "prize_level"),
        ({"facts": "x"}, "facts"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_stores_nothing(client, enterprise_user, change, field):
    sign_in(client, enterprise_user)
    response = _post(client, APPLICATIONS, {**DRAFT, **change})
    assert response.status_code == 400
    assert field in api_errors(response)
    assert not Application.objects.exists()


def test_officials_may_not_write_applications(client, city_reviewer):
    sign_in(client, city_reviewer)
    response = _post(client, APPLICATIONS, DRAFT)
    assert response.status_code == 403
    assert api_error_body(response)["code"] == "not_allowed"


def test_a_read_only_token_may_not_create(enterprise_user):
    secret = api_token_create(
        user=enterprise_user, name="只读", scope=TokenScope.READ, valid_days=30
    ).secret
    response = _post(Client(), APPLICATIONS, DRAFT, headers={"authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"


def test_a_write_token_does_the_whole_journey(enterprise_user):
    secret = api_token_create(
        user=enterprise_user, name="对接", scope=TokenScope.WRITE, valid_days=30
    ).secret
    machine = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {secret}"})
    case_id = _post(machine, APPLICATIONS, {**DRAFT, "item": "honor_provincial"}).json()["id"]
    incomplete = _post(machine, f"{APPLICATIONS}{case_id}/submit/")
    assert incomplete.status_code == 400
    assert "evidence__approval_notice" in api_errors(incomplete)
    uploaded = machine.post(
        f"{APPLICATIONS}{case_id}/evidence/",
        {"kind": "approval_notice", "file": upload("批复.pdf")},
    )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["version"] == 1
    patched = machine.patch(
        f"{APPLICATIONS}{case_id}/",
        {"declaration_accepted": True},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["project_name"] == DRAFT["project_name"]  # untouched by PATCH
    submitted = _post(machine, f"{APPLICATIONS}{case_id}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["expected_amount"] == "100000.00"
    # Submitted: locked.
    locked = machine.patch(
        f"{APPLICATIONS}{case_id}/", {"project_name": "改名"}, content_type="application/json"
    )
    assert locked.status_code == 409
    assert locked.json()["code"] == "conflict"


def test_evidence_of_the_wrong_kind_or_type_is_refused(client, enterprise_user):
    case = complete_draft(enterprise_user)
    sign_in(client, enterprise_user)
    url = f"{APPLICATIONS}{case.pk}/evidence/"
    wrong_kind = client.post(url, {"kind": "award_certificate", "file": upload("x.pdf")})
    assert wrong_kind.status_code == 400
    assert "evidence__award_certificate" in api_errors(wrong_kind)
    not_a_pdf = client.post(
        url, {"kind": "approval_notice", "file": upload("x.pdf", b"MZ" + TINY_PDF[2:])}
    )
    assert not_a_pdf.status_code == 400
    assert "evidence__approval_notice" in api_errors(not_a_pdf)
    missing = client.post(url, {"kind": "approval_notice"})
    assert "file" in api_errors(missing)


def test_another_enterprises_case_is_404_for_every_write(client, enterprise_user):
    theirs = complete_draft(make_user("enterprise"))
    sign_in(client, enterprise_user)
    base = f"{APPLICATIONS}{theirs.pk}/"
    assert client.patch(base, {}, content_type="application/json").status_code == 404
    assert _post(client, f"{base}submit/").status_code == 404
    assert _post(client, f"{base}withdraw/").status_code == 404
    assert client.post(f"{base}evidence/", {"kind": "approval_notice"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.DRAFT


def test_withdraw_then_again_is_a_conflict(client, enterprise_user):
    case = complete_draft(enterprise_user)
    sign_in(client, enterprise_user)
    first = _post(client, f"{APPLICATIONS}{case.pk}/withdraw/", {"reason": "重复填报"})
    assert first.status_code == 200
    assert first.json()["status"] == "withdrawn"
    again = _post(client, f"{APPLICATIONS}{case.pk}/withdraw/")
    assert again.status_code == 409


def test_a_returned_case_is_corrected_and_resubmitted(client, enterprise_user, county_reviewer):
    case = complete_draft(enterprise_user)
    sign_in(client, enterprise_user)
    assert _post(client, f"{APPLICATIONS}{case.pk}/submit/").status_code == 200
    case_transition(
        application_id=case.pk, action="county_return", actor=county_reviewer, reason="补充材料"
    )
    fixed = client.put(
        f"{APPLICATIONS}{case.pk}/",
        {"project_name": "改正后的名称", "event_date": "2025-03-01", "declaration_accepted": True},
        content_type="application/json",
    )
    assert fixed.status_code == 200, fixed.content
    resubmitted = _post(client, f"{APPLICATIONS}{case.pk}/submit/")
    assert resubmitted.status_code == 200
    assert resubmitted.json()["status"] == "submitted"
    assert resubmitted.json()["revision"] == 2
    assert Application.objects.get(pk=case.pk).project_name == "改正后的名称"
