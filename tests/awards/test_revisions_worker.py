"""A candidate's comparison is computed by a worker: the page waits for it (polling a status
that names what is being done), exports and adoption wait too, an older request's result is
dropped, a failure or a lost worker is said in words and the comparison can be asked again."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applicants.models import Status
from awards.revisions import services
from awards.revisions.models import ReportState, RulesCandidate
from tests.awards.helpers import city_user
from tests.awards.revision_helpers import candidate_text
from tests.factories import ApplicationFactory, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("adopted_dir")]


@pytest.fixture
def city(client):
    sign_in(client, city_user())
    return client


def _upload(client) -> RulesCandidate:
    client.post(
        reverse("revisions:candidates"),
        {"file": SimpleUploadedFile("修订.toml", candidate_text().encode(), "application/toml")},
    )
    return RulesCandidate.objects.get()


def _compute(candidate: RulesCandidate) -> RulesCandidate | None:
    return services.candidate_report_compute(
        candidate_id=candidate.pk, generation=candidate.report_generation
    )


def test_the_upload_hands_the_comparison_to_a_worker_once_committed(
    city, django_capture_on_commit_callbacks
):
    ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True) as handed:
        candidate = _upload(city)
    assert len(handed) == 1
    candidate.refresh_from_db()
    assert candidate.report_state == ReportState.READY
    assert candidate.report["cases"]


def test_while_computing_the_page_waits_and_nothing_can_be_exported_or_adopted(city):
    ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    candidate = _upload(city)
    assert candidate.report_state == ReportState.COMPUTING
    page = city.get(reverse("revisions:detail", args=[candidate.pk])).content.decode()
    assert 'data-state="computing"' in page
    assert f'hx-get="{reverse("revisions:status", args=[candidate.pk])}"' in page
    assert "正在逐件重新计算尚未兑付的申报" in page
    for absent in ('id="parameters-table"', 'id="revision-export"', 'id="adopt-card"'):
        assert absent not in page
    export = city.get(reverse("revisions:export", args=[candidate.pk]), follow=True)
    assert "影响分析尚未完成，完成后才能导出。" in export.content.decode()
    adopt = city.post(
        reverse("revisions:adopt", args=[candidate.pk]),
        {"effective_from": "2026-07-01"},
        follow=True,
    )
    assert "影响分析尚未完成，完成后才能采用这份修订。" in adopt.content.decode()
    assert RulesCandidate.objects.get().state == "candidate"
    status = city.get(reverse("revisions:status", args=[candidate.pk]))
    assert "HX-Refresh" not in status
    assert 'hx-trigger="every 2s"' in status.content.decode()
    # The worker finishes: the status tells the page to show the report.
    assert _compute(candidate) is not None
    status = city.get(reverse("revisions:status", args=[candidate.pk]))
    assert status["HX-Refresh"] == "true"
    page = city.get(reverse("revisions:detail", args=[candidate.pk])).content.decode()
    assert 'id="parameters-table"' in page
    assert 'id="adopt-card"' in page


def test_only_the_newest_request_is_stored(city):
    candidate = _upload(city)
    first = candidate.report_generation
    city.post(reverse("revisions:compare", args=[candidate.pk]))
    candidate.refresh_from_db()
    assert candidate.report_generation == first + 1
    assert services.candidate_report_compute(candidate_id=candidate.pk, generation=first) is None
    candidate.refresh_from_db()
    assert candidate.report_state == ReportState.COMPUTING
    assert _compute(candidate).report_state == ReportState.READY
    # A redelivered task of the same request stores the same report again.
    assert _compute(candidate).report_state == ReportState.READY


def test_a_failed_comparison_is_said_and_can_be_asked_again(city, monkeypatch):
    candidate = _upload(city)

    def broken(version):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_report", broken)
    assert _compute(candidate).report_state == ReportState.FAILED
    page = city.get(reverse("revisions:detail", args=[candidate.pk])).content.decode()
    assert 'data-state="failed"' in page
    assert "影响分析计算失败" in page
    assert "hx-trigger" not in page
    assert 'id="revision-compare"' in page
    monkeypatch.undo()
    city.post(reverse("revisions:compare", args=[candidate.pk]))
    candidate.refresh_from_db()
    assert _compute(candidate).report_state == ReportState.READY


def test_a_comparison_that_lost_its_worker_stops_the_wait(city, settings):
    candidate = _upload(city)
    RulesCandidate.objects.filter(pk=candidate.pk).update(
        report_requested_at=timezone.now()
        - timedelta(seconds=settings.REVISION_REPORT_STALE_SECONDS + 1)
    )
    status = city.get(reverse("revisions:status", args=[candidate.pk]))
    assert status["HX-Refresh"] == "true"
    page = city.get(reverse("revisions:detail", args=[candidate.pk])).content.decode()
    assert 'data-state="stalled"' in page
    assert "可能已中断" in page
