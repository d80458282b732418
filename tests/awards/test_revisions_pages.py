"""The rule-revision pages: upload (a bad file re-renders with the key and its line), the report
in words, the XLSX export, adoption with a date (a taken date is a field error)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applicants.models import Status
from awards.revisions.models import CandidateState, RulesCandidate
from tests.awards.helpers import city_user
from tests.awards.revision_helpers import candidate_text, compare_waiting
from tests.factories import ApplicationFactory, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("adopted_dir")]


@pytest.fixture
def city(client):
    sign_in(client, city_user())
    return client


def _upload(client, text: str, name: str = "修订.toml"):
    response = client.post(
        reverse("revisions:candidates"),
        {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/toml")},
    )
    compare_waiting()
    return response


def test_a_candidate_is_uploaded_compared_and_read_in_words(city):
    ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    response = _upload(city, candidate_text())
    candidate = RulesCandidate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("revisions:detail", args=[candidate.pk])
    page = city.get(response["Location"]).content.decode()
    assert "honor_provincial" not in page
    assert "threshold.amount" not in page
    assert "门槛金额（元）" in page
    assert "奖励上限（元）" in page
    assert "¥100,000.00" in page
    assert "¥150,000.00" in page
    assert "奖励基数" in page  # the step, named
    assert "+¥50,000.00" in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (candidate_text().replace('rounding = "ROUND_HALF_UP"\n', ""), "rounding"),
        (candidate_text().replace("cap = ", "capp = ", 1), "capp"),
        ("version = \n", "TOML"),
    ],
)
def test_a_bad_file_re_renders_with_its_key_and_line(city, text, expected):
    response = _upload(city, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert expected in page
    assert not RulesCandidate.objects.exists()


def test_the_report_exports_as_a_workbook(city):
    ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    _upload(city, candidate_text())
    candidate = RulesCandidate.objects.get()
    response = city.get(reverse("revisions:export", args=[candidate.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "参数变化",
        "申报变化",
        "按奖励事项",
        "按县区",
        "按奖励计划",
        "兑付安排",
    ]
    rows = list(book["申报变化"].iter_rows(values_only=True))
    assert rows[1][5] == 100000
    assert rows[1][7] == 150000


def test_adoption_takes_a_date_and_refuses_one_taken(city):
    _upload(city, candidate_text())
    candidate = RulesCandidate.objects.get()
    url = reverse("revisions:adopt", args=[candidate.pk])
    response = city.post(url, {"effective_from": "2025-01-01"})
    assert response.status_code == 400
    assert "2025-draft" in response.content.decode()
    response = city.post(url, {"effective_from": "not a date"})
    assert response.status_code == 400
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.CANDIDATE
    response = city.post(url, {"effective_from": "2026-07-01"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.ADOPTED
    assert str(candidate.adopted_effective_from) == "2026-07-01"
    # Adopted: no second decision.
    assert city.post(reverse("revisions:discard", args=[candidate.pk])).status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.ADOPTED


def test_in_english_the_title_and_a_removed_item_read_in_english(city):
    ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    _upload(city, candidate_text())
    candidate = RulesCandidate.objects.get()
    city.cookies["django_language"] = "en"
    page = city.get(reverse("revisions:detail", args=[candidate.pk])).content.decode()
    assert "Draft for Comments" in page
    assert "platform_provincial" not in page
    assert "Provincial data technology innovation platform" in page
