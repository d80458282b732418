"""Evidence files: judged by content, size-limited, versioned, hashed, audited, served privately."""

import hashlib

import pytest
from django.urls import reverse

from applicants.audit import audit_chain_verify
from applicants.errors import EVIDENCE_BAD_TYPE, EVIDENCE_TOO_LARGE, Conflict, ServiceError
from applicants.models import CaseEvent, EvidenceFile, Status
from applicants.services.applications import (
    ApplicationInput,
    application_create,
    application_submit,
)
from applicants.services.cases import case_transition
from applicants.services.evidence import evidence_add
from tests.applicants.conftest import complete_draft
from tests.factories import TINY_PDF, make_user, sign_in, tiny_png, upload

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _draft(user, item="honor_provincial"):
    return application_create(actor=user, item=item, data=ApplicationInput(project_name="项目"))


def test_a_pdf_is_stored_with_its_hash_and_an_audit_entry(enterprise_user):
    case = _draft(enterprise_user)
    evidence = evidence_add(
        actor=enterprise_user, application_id=case.pk, kind="approval_notice", upload=upload()
    )
    assert (evidence.version, evidence.content_type, evidence.size) == (
        1,
        "application/pdf",
        len(TINY_PDF),
    )
    assert evidence.sha256 == hashlib.sha256(TINY_PDF).hexdigest()
    assert evidence.original_name == "证书.pdf"
    with evidence.file.open("rb") as stored:
        assert stored.read() == TINY_PDF
    assert "证书" not in evidence.file.name  # stored under a random name
    event = CaseEvent.objects.get(action="evidence_added")
    assert event.application == case
    assert event.data["sha256"] == evidence.sha256
    assert event.data["kind"] == "approval_notice"
    assert audit_chain_verify().ok


def test_uploading_the_same_kind_again_adds_a_version(enterprise_user):
    case = _draft(enterprise_user)
    first = evidence_add(
        actor=enterprise_user, application_id=case.pk, kind="approval_notice", upload=upload()
    )
    second = evidence_add(
        actor=enterprise_user,
        application_id=case.pk,
        kind="approval_notice",
        upload=upload("scan.png", tiny_png(), "image/png"),
    )
    assert (first.version, second.version) == (1, 2)
    assert second.content_type == "image/png"
    assert EvidenceFile.objects.filter(application=case).count() == 2
    with first.file.open("rb") as stored:
        assert stored.read() == TINY_PDF


def test_a_jpeg_is_recognised_by_its_content():
    from io import BytesIO

    from applicants.files import sniff_evidence_kind

    assert (
        sniff_evidence_kind(BytesIO(b"\xff\xd8\xff\xe0\x00\x10JFIF")).content_type == "image/jpeg"
    )
    assert sniff_evidence_kind(BytesIO(b"GIF89a")) is None


def test_an_exe_renamed_pdf_is_refused(enterprise_user):
    case = _draft(enterprise_user)
    with pytest.raises(ServiceError) as error:
        evidence_add(
            actor=enterprise_user,
            application_id=case.pk,
            kind="approval_notice",
            upload=upload("setup.pdf", EXE, "application/pdf"),
        )
    assert error.value.message == EVIDENCE_BAD_TYPE
    assert not EvidenceFile.objects.exists()
    assert not CaseEvent.objects.exists()


def test_an_exe_renamed_pdf_is_refused_by_the_form_keeping_the_typed_values(
    client, enterprise_user
):
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:new", args=["honor_provincial"]),
        {
            "action": "save",
            "project_name": "保留我",
            "evidence__approval_notice": upload("setup.pdf", EXE, "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence__approval_notice"] == [str(EVIDENCE_BAD_TYPE)]
    assert 'value="保留我"' in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_25_mb_file_is_refused(client, enterprise_user, settings):
    assert settings.EVIDENCE_MAX_BYTES == 20 * 1024 * 1024
    sign_in(client, enterprise_user)
    big = TINY_PDF + b"0" * (25 * 1024 * 1024)
    response = client.post(
        reverse("applicants:new", args=["honor_provincial"]),
        {
            "action": "save",
            "project_name": "大文件",
            "evidence__approval_notice": upload("big.pdf", big),
        },
    )
    message = str(EVIDENCE_TOO_LARGE % {"max": "20"})
    assert response.context["form"].errors["evidence__approval_notice"] == [message]
    assert not EvidenceFile.objects.exists()
    case = _draft(enterprise_user)
    with pytest.raises(ServiceError):
        evidence_add(
            actor=enterprise_user,
            application_id=case.pk,
            kind="approval_notice",
            upload=upload("big.pdf", big),
        )


def test_an_unknown_kind_is_refused(enterprise_user):
    case = _draft(enterprise_user)
    with pytest.raises(ServiceError):
        evidence_add(
            actor=enterprise_user, application_id=case.pk, kind="award_certificate", upload=upload()
        )


def test_no_upload_after_submission_and_files_stay(enterprise_user, county_reviewer):
    case = complete_draft(enterprise_user)
    application_submit(actor=enterprise_user, application_id=case.pk)
    with pytest.raises(Conflict):
        evidence_add(
            actor=enterprise_user, application_id=case.pk, kind="approval_notice", upload=upload()
        )
    case_transition(
        application_id=case.pk, action="county_return", actor=county_reviewer, reason="补充"
    )
    evidence = evidence_add(
        actor=enterprise_user, application_id=case.pk, kind="approval_notice", upload=upload()
    )
    assert evidence.version == 2
    assert EvidenceFile.objects.filter(application=case).count() == 2


def test_another_enterprise_cannot_upload_to_a_case(enterprise_user, other_enterprise_user):
    case = _draft(enterprise_user)
    with pytest.raises(ServiceError):
        evidence_add(
            actor=other_enterprise_user,
            application_id=case.pk,
            kind="approval_notice",
            upload=upload(),
        )


def test_the_owner_downloads_inline_with_the_sniffed_type(client, enterprise_user):
    case = _draft(enterprise_user)
    evidence = evidence_add(
        actor=enterprise_user,
        application_id=case.pk,
        kind="approval_notice",
        upload=upload("看起来像.pdf", tiny_png(), "application/pdf"),
    )
    sign_in(client, enterprise_user)
    response = client.get(reverse("applicants:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == tiny_png()


def test_another_enterprise_gets_404_for_a_file_and_its_case(
    client, enterprise_user, other_enterprise_user
):
    case = complete_draft(enterprise_user)
    evidence = case.evidence_files.get()
    sign_in(client, other_enterprise_user)
    assert client.get(reverse("applicants:evidence", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("applicants:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("applicants:evidence", args=[999999])).status_code == 404


def test_officials_see_files_only_of_cases_they_are_entitled_to(
    client, enterprise_user, county_reviewer, other_county_reviewer
):
    case = complete_draft(enterprise_user)
    evidence = case.evidence_files.get()
    url = reverse("applicants:evidence", args=[evidence.pk])
    sign_in(client, county_reviewer)
    assert client.get(url).status_code == 404  # a draft is the enterprise's own
    application_submit(actor=enterprise_user, application_id=case.pk)
    assert client.get(url).status_code == 200
    sign_in(client, other_county_reviewer)
    assert client.get(url).status_code == 404
    city = make_user("city_reviewer")
    sign_in(client, city)
    assert client.get(url).status_code == 404  # not recommended yet


def test_anonymous_visitors_are_sent_to_login_for_files(client, enterprise_user):
    case = complete_draft(enterprise_user)
    evidence = case.evidence_files.get()
    response = client.get(reverse("applicants:evidence", args=[evidence.pk]))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_there_is_no_public_url_for_stored_files(client, enterprise_user):
    case = complete_draft(enterprise_user)
    evidence = case.evidence_files.get()
    sign_in(client, enterprise_user)
    for prefix in ["/", "/media/", "/static/"]:
        assert client.get(prefix + evidence.file.name).status_code == 404


def test_the_draft_form_uploads_files_with_the_facts(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:new", args=["contest_national"]),
        {
            "action": "save",
            "project_name": "国赛项目",
            "prize_level": "third",
            "evidence__award_certificate": upload("证书.png", tiny_png(), "image/png"),
        },
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert (evidence.kind, evidence.content_type) == ("award_certificate", "image/png")
    assert evidence.application.status == Status.DRAFT


@pytest.mark.parametrize(
    ("uploaded", "content_type", "served"),
    [
        ("证书.pdf", "application/pdf", "证书.pdf"),
        ("doc.exe", "application/pdf", "doc.pdf"),
        ("photo.JPEG", "image/jpeg", "photo.JPEG"),
        ("scan", "image/png", "scan.png"),
        ("a.b.png", "image/jpeg", "a.b.jpg"),
    ],
)
def test_the_served_name_carries_the_extension_of_the_real_type(uploaded, content_type, served):
    from applicants.files import download_name

    assert download_name(uploaded, content_type) == served
