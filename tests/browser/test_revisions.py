"""规则修订 in the browser: the city's reviewer uploads a candidate from the dashboard, reads
what it changes (in words, the case with its old and new amount), exports the report and
adopts it with a date."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from applicants.models import Status
from awards.revisions.models import CandidateState, RulesCandidate
from tests.awards.revision_helpers import candidate_text
from tests.browser.helpers import login
from tests.factories import ApplicationFactory, make_user

pytestmark = [pytest.mark.browser]


def test_a_reviewer_uploads_reads_exports_and_adopts_a_revision(
    live_server, page, transactional_db, tmp_path, adopted_dir
):
    base = live_server.url
    case = ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    reviewer = make_user("city_reviewer", username="city-rules")
    candidate_file = tmp_path / "2026年修订草案.toml"
    candidate_file.write_text(candidate_text(), encoding="utf-8")

    login(page, base, reviewer.username)
    page.click("#revisions-link")
    page.set_input_files("#id_file", str(candidate_file))
    page.click("#revisions-submit")
    page.wait_for_selector("#parameters-table")
    # The parameters in words, the case with its amounts and the step that changed.
    expect(page.locator("#parameters-table")).to_contain_text("奖励上限（元）")
    expect(page.locator("#parameters-table")).to_contain_text("省级数据表彰或入选省级试点")
    expect(page.locator("#parameters-table")).to_contain_text("¥150,000.00")
    expect(page.locator("#parameters-table")).not_to_contain_text("platform_")
    expect(page.locator("#parameters-table")).not_to_contain_text("threshold")
    row = page.locator("#cases-table tr", has_text=case.reference)
    expect(row).to_contain_text("¥100,000.00")
    expect(row).to_contain_text("¥150,000.00")
    expect(row).to_contain_text("奖励基数")
    expect(page.locator("#summary-changed")).to_have_text("1")

    with page.expect_download() as download:
        page.click("#revision-export")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "申报变化" in book.sheetnames

    page.fill("#id_effective_from", "2025-01-01")
    page.click("#adopt-submit")
    expect(page.locator("#adopt-form")).to_contain_text("2025-draft")
    page.fill("#id_effective_from", "2026-07-01")
    page.click("#adopt-submit")
    expect(page.locator("#revision-state")).to_have_text("已采用")
    expect(page.locator("#revision-meta")).to_contain_text("2026-07-01")
    assert RulesCandidate.objects.get().state == CandidateState.ADOPTED


def test_the_page_waits_for_the_worker_and_shows_the_report_when_it_is_done(
    live_server, page, transactional_db, tmp_path, adopted_dir
):
    """A comparison still with the worker: the reviewer reads what is being done, in both
    languages and at a phone's width, and the report appears by itself when it is stored."""
    import hashlib

    from django.utils import timezone

    from awards.revisions.models import ReportState
    from awards.revisions.services import candidate_report_compute

    ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    reviewer = make_user("city_reviewer", username="city-waits")
    text = candidate_text()
    candidate = RulesCandidate.objects.create(
        version="2026-revision",
        title="修订草案",
        file_name="修订.toml",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        effective_from="2026-07-01",
        uploaded_by=reviewer,
        report_state=ReportState.COMPUTING,
        report_requested_at=timezone.now(),
        report_generation=1,
    )
    login(page, live_server.url, reviewer.username)
    url = f"{live_server.url}/review/rules/{candidate.pk}/"
    for lang, words in (("zh-hans", "正在逐件重新计算"), ("en", "Re-pricing every unpaid case")):
        page.context.add_cookies(
            [{"name": "django_language", "value": lang, "url": live_server.url}]
        )
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            expect(page.locator("#report-status")).to_contain_text(words)
            expect(page.locator("#parameters-table")).to_have_count(0)
            expect(page.locator("#revision-export")).to_have_count(0)
            page.screenshot(path=str(tmp_path / f"waiting-{lang}-{width}.png"))
    # The worker stores the report: the page shows it without being reloaded by hand.
    candidate_report_compute(candidate_id=candidate.pk, generation=1)
    expect(page.locator("#parameters-table")).to_be_visible(timeout=10_000)
    expect(page.locator("#report-status")).to_have_count(0)
    expect(page.locator("#revision-export")).to_be_visible()
    # Discarding asks first: dismissed, the candidate stays; accepted, it is discarded.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#revision-discard")
    page.wait_for_timeout(300)
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.CANDIDATE
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#revision-discard")
    expect(page.locator("#revision-state")).to_contain_text("Discarded")
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.DISCARDED
