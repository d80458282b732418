"""Approval sheets, batch lists and receipts: what they say, that they are signed, who gets them."""

import json
import shutil
import subprocess
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applicants.models import Status
from applicants.roles import Role
from awards.documents import rendering
from awards.documents.models import Document, DocumentKind
from awards.documents.services import (
    document_render_approval,
    document_render_batch,
    document_render_receipt,
)
from awards.documents.signing import signature_status
from awards.models import Award, Budget
from awards.services.decisions import case_decide
from tests.awards.helpers import case_in, city_user, object_and_uphold
from tests.factories import EnterpriseFactory, make_user, sign_in

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


def _bytes(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _text(content: bytes, tmp_path, name="doc") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def _approved_case(**kwargs):
    return case_in(
        Status.APPROVED,
        item="contest_provincial",
        facts={"prize_level": "first"},
        **kwargs,
    )


def test_the_approval_sheet_states_the_decision_in_figures_and_capitals(tmp_path):
    enterprise = EnterpriseFactory(name="信阳云图数据科技有限公司")
    case = _approved_case(enterprise=enterprise)
    document = document_render_approval(application_id=case.pk)
    text = _text(_bytes(document), tmp_path)
    assert "奖励资金审批表" in text
    assert "信阳云图数据科技有限公司" in text
    assert enterprise.credit_code in text
    assert "100,000.00" in text
    assert "壹拾万元整" in text
    assert "三、加强数据资源开发利用（三）" in text
    assert document.code in text
    assert case.reference in text
    assert "第1页共1页" in text.replace(" ", "")
    for block in ("经办人", "审核人", "负责人"):
        assert block in text


def test_every_font_is_embedded_and_subset(tmp_path):
    document = document_render_approval(application_id=_approved_case().pk)
    path = tmp_path / "fonts.pdf"
    path.write_bytes(_bytes(document))
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing, "no fonts listed"
    for line in listing:
        # name type encoding emb sub uni object ID: "yes yes" for embedded and subset.
        assert " yes yes " in line, line
    assert any("CJK" in line for line in listing)


def test_the_signature_validates_and_fails_after_one_changed_byte():
    content = _bytes(document_render_approval(application_id=_approved_case().pk))
    status = signature_status(content)
    assert status == {**status, "signed": True, "intact": True, "trusted": True}
    tampered = bytearray(content)
    tampered[len(tampered) // 2] ^= 0x01
    assert signature_status(bytes(tampered))["intact"] is False
    assert signature_status(b"not a pdf")["signed"] is False


def test_any_pdf_reader_sees_the_signature(tmp_path):
    assert shutil.which("pdfsig"), "poppler-utils is missing: run `make system-deps`"
    path = tmp_path / "signed.pdf"
    path.write_bytes(_bytes(document_render_approval(application_id=_approved_case().pk)))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature #1" in out
    assert "Total document signed" in out


HOSTILE = (
    '<img src="file:///etc/passwd"> <link href="http://127.0.0.1:1/x.css"> '
    "<script>alert(1)</script>"
)


def test_typed_markup_fetches_nothing_and_reads_as_text(tmp_path, monkeypatch):
    fetched: list[str] = []
    original = rendering.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(rendering.StaticOnlyFetcher, "fetch", spy)
    enterprise = EnterpriseFactory(name="恶意单位" + HOSTILE[:80])
    case = _approved_case(enterprise=enterprise, project_name="项目" + HOSTILE[:150])
    text = _text(_bytes(document_render_approval(application_id=case.pk)), tmp_path)
    assert '<img src="file:///etc/passwd">' in text
    assert "<script>" in text
    assert all(url.endswith("/static/css/documents.css") for url in fetched), fetched
    with pytest.raises(ValueError, match="only the portal's static files"):
        rendering.StaticOnlyFetcher().fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="only the portal's static files"):
        rendering.StaticOnlyFetcher().fetch("http://127.0.0.1:1/x.css")


def test_the_same_state_renders_once_and_a_change_supersedes():
    case = _approved_case()
    first = document_render_approval(application_id=case.pk)
    assert document_render_approval(application_id=case.pk).pk == first.pk
    case_decide(application_id=case.pk, action="announce", actor=city_user())
    second = document_render_approval(application_id=case.pk)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.superseded_by_id == second.pk
    assert not first.is_current
    assert second.is_current
    assert first.code != second.code


def test_decisions_refresh_the_sheet_and_a_rejection_voids_it(django_capture_on_commit_callbacks):
    case = case_in(Status.REVIEWED)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(application_id=case.pk, action="approve", actor=city_user())
    sheet = Document.objects.get(application=case, kind=DocumentKind.APPROVAL)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(application_id=case.pk, action="announce", actor=city_user())
    assert Document.objects.filter(application=case, kind=DocumentKind.APPROVAL).count() == 2
    sheet.refresh_from_db()
    assert not sheet.is_current
    with django_capture_on_commit_callbacks(execute=True):
        object_and_uphold(case)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(application_id=case.pk, action="city_reject", actor=city_user(), reason="不实")
    assert not Document.objects.filter(
        application=case, kind=DocumentKind.APPROVAL, superseded_by__isnull=True, voided_at=None
    ).exists()


def test_a_long_name_and_a_thousand_line_batch_keep_their_layout(tmp_path):
    year = timezone.localdate().year
    long_name = "信阳" + "数据要素创新应用研究与产业化推广" * 12  # 200 characters
    enterprise = EnterpriseFactory(name=long_name[:200])
    case = _approved_case(enterprise=enterprise)
    sheet = document_render_approval(application_id=case.pk)
    assert sheet.pages <= 2
    text = _text(_bytes(sheet), tmp_path, "long")
    assert "壹拾万元整" in text

    Budget.objects.create(year=year, amount=Decimal("999999999.00"))
    base = case_in(Status.SCHEDULED, pay_year=year, item="honor_provincial", facts={})
    award = Award.objects.get(application=base)
    # 999 more rows of the same shape, written in bulk: the layout, not the workflow, is tested.
    from applicants.models import Application

    cases = []
    for number in range(999):
        clone = Application.objects.get(pk=base.pk)
        clone.pk = None
        clone.project_name = f"批量项目{number}"
        clone.project_key = f"批量项目{number}"
        cases.append(clone)
    cases = Application.objects.bulk_create(cases)
    awards = []
    for case_clone in cases:
        twin = Award.objects.get(pk=award.pk)
        twin.pk = None
        twin.application = case_clone
        awards.append(twin)
    Award.objects.bulk_create(awards)
    batch = document_render_batch(year=year)
    assert batch.pages > 10
    text = _text(_bytes(batch), tmp_path, "batch")
    assert "1000" in text
    pages = text.split("\f")
    assert all("申报编号" in page for page in pages if page.strip()), "header on every page"
    assert "合计" in text


def test_each_document_renders_its_first_page_to_an_image(tmp_path):
    case = _approved_case()
    documents = [document_render_approval(application_id=case.pk)]
    Budget.objects.create(year=timezone.localdate().year, amount=Decimal("1000000.00"))
    documents.append(document_render_batch(year=timezone.localdate().year))
    from applicants.models import ApplicationRevision

    ApplicationRevision.objects.create(
        application=case,
        number=1,
        snapshot={"project_name": case.project_name, "facts": case.facts, "evidence": []},
        submitted_by=case.created_by,
    )
    documents.append(document_render_receipt(application_id=case.pk))
    for document in documents:
        pdf = tmp_path / f"{document.kind}.pdf"
        pdf.write_bytes(_bytes(document))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "40",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(tmp_path / document.kind),
            ],
            check=True,
        )
        image = next(tmp_path.glob(f"{document.kind}-*1.png"))
        assert image.stat().st_size > 5_000  # a page with text on it, for a reviewer to open


# --- verification -------------------------------------------------------------------------------


def test_the_verify_page_answers_for_current_superseded_and_unknown_codes(client):
    case = _approved_case()
    first = document_render_approval(application_id=case.pk)
    current = client.get(reverse("documents:verify", args=[first.code]))
    assert current.status_code == 200
    html = current.content.decode()
    assert 'data-current="true"' in html
    assert case.enterprise.name in html
    assert "¥100,000.00" in html
    case_decide(application_id=case.pk, action="announce", actor=city_user())
    second = document_render_approval(application_id=case.pk)
    superseded = client.get(reverse("documents:verify", args=[first.code])).content.decode()
    assert 'data-current="false"' in superseded
    assert reverse("documents:verify", args=[second.code]) in superseded
    unknown = client.get(reverse("documents:verify", args=["A" * 20]))
    assert unknown.status_code == 404
    assert "未找到" in unknown.content.decode()
    assert client.get("/verify/../../etc/passwd/").status_code == 404


def test_verification_lookups_are_throttled_per_address(client, settings):
    settings.VERIFY_LOOKUPS_PER_HOUR = 3
    for _ in range(3):
        assert (
            client.get("/verify/AAAAAAAAAAAAAAAAAAAA/", REMOTE_ADDR="203.0.113.7").status_code
            == 404
        )
    assert client.get("/verify/AAAAAAAAAAAAAAAAAAAA/", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get("/verify/AAAAAAAAAAAAAAAAAAAA/", REMOTE_ADDR="203.0.113.8").status_code == 404


# --- who may download ---------------------------------------------------------------------------


def test_the_enterprise_gets_its_receipt_and_its_sheet_once_announced(client):
    case = case_in(Status.SUBMITTED)
    # A submission as the service makes it, so the receipt has a revision to acknowledge.
    from applicants.models import ApplicationRevision

    ApplicationRevision.objects.create(
        application=case,
        number=1,
        snapshot={
            "project_name": case.project_name,
            "facts": case.facts,
            "evidence": [],
            "quote": {"amount": "100000.00"},
        },
        submitted_by=case.created_by,
    )
    receipt = document_render_receipt(application_id=case.pk)
    owner = case.created_by
    stranger = make_user(Role.ENTERPRISE, enterprise=EnterpriseFactory())
    sign_in(client, stranger)
    assert client.get(reverse("documents:download", args=[receipt.pk])).status_code == 404
    sign_in(client, owner)
    response = client.get(reverse("documents:download", args=[receipt.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    approved = _approved_case()
    sheet = document_render_approval(application_id=approved.pk)
    sign_in(client, approved.created_by)
    assert client.get(reverse("documents:download", args=[sheet.pk])).status_code == 404
    case_decide(application_id=approved.pk, action="announce", actor=city_user())
    assert client.get(reverse("documents:download", args=[sheet.pk])).status_code == 200


def test_batch_lists_are_for_the_city_and_finance_only(client):
    Budget.objects.create(year=2026, amount=Decimal("1000000.00"))
    batch = document_render_batch(year=2026)
    url = reverse("documents:download", args=[batch.pk])
    for role, expected in [
        (Role.FINANCE, 200),
        (Role.CITY_REVIEWER, 200),
        (Role.ENTERPRISE, 404),
    ]:
        sign_in(
            client, make_user(role, jurisdiction="411502" if role == Role.COUNTY_REVIEWER else "")
        )
        assert client.get(url).status_code == expected, role
    sign_in(client, make_user(Role.COUNTY_REVIEWER, jurisdiction="411502"))
    assert client.get(url).status_code == 404


# --- the command line ---------------------------------------------------------------------------


def _run(*args) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command(*args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_render_document_and_verify_document_keep_their_json_contract(tmp_path):
    case = _approved_case()
    target = tmp_path / "sheet.pdf"
    code, result = _run("render_document", "approval", case.reference, "--out", str(target))
    assert code == 0
    assert set(result) == {"code", "sha256", "pages", "path"}
    assert result["path"] == str(target)
    assert target.read_bytes()[:4] == b"%PDF"
    code, again = _run("render_document", "approval", str(case.pk))
    assert code == 0
    assert again["code"] == result["code"]  # nothing changed: the current stored document

    code, checked = _run("verify_document", str(target))
    assert code == 0
    assert checked["valid"] is True
    assert checked["current"] is True
    assert checked["signature"]["intact"] is True
    tampered = tmp_path / "tampered.pdf"
    content = bytearray(target.read_bytes())
    content[len(content) // 2] ^= 0x01
    tampered.write_bytes(bytes(content))
    code, checked = _run("verify_document", str(tampered))
    assert code == 0
    assert checked["valid"] is False
    code, checked = _run("verify_document", result["code"])
    assert (code, checked["valid"], checked["current"]) == (0, True, True)

    code, result = _run("render_document", "batch", "2026")
    assert code == 0
    assert result["pages"] >= 1

    for args, field in [
        (("render_document", "approval", "XY-1999-000001"), "case"),
        (("render_document", "batch", "99999"), "year"),
        (("render_document", "approval", str(case_in(Status.SUBMITTED).pk)), "case"),
        (("verify_document", "not-a-code"), "code_or_file"),
    ]:
        code, result = _run(*args)
        assert code == 2, args
        assert field in result["errors"], (args, result)


def test_an_unknown_document_kind_is_a_json_error_from_the_shell():
    import sys

    from tests.conftest import REPO_ROOT

    out = subprocess.run(
        [sys.executable, "manage.py", "render_document", "memo", "1"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "arguments" in json.loads(out.stdout)["errors"]


def test_a_batch_list_outdated_by_a_payment_no_longer_verifies_as_current(client):
    year = timezone.localdate().year
    Budget.objects.create(year=year, amount=Decimal("10000000.00"))
    case_in(Status.SCHEDULED, pay_year=year)
    batch = document_render_batch(year=year)
    assert 'data-current="true"' in client.get(f"/verify/{batch.code}/").content.decode()
    case_in(Status.PAID, pay_year=year)  # the year changed after the list was rendered
    html = client.get(f"/verify/{batch.code}/").content.decode()
    assert 'data-current="false"' in html
    assert "已不是现行版本" in html
    sign_in(client, make_user(Role.FINANCE))
    assert (
        'class="badge text-bg-warning batch-stale"'
        in client.get(reverse("awards:finance")).content.decode()
    )
    assert document_render_batch(year=year).pk != batch.pk


def test_a_county_match_has_its_own_sheet_headed_by_the_county(tmp_path, luoshan_programme):
    """县区同步奖励: the 审批表 names the county's programme, issuer, payer and the city award."""
    from applicants.models import Application

    county_reviewer = make_user(Role.COUNTY_REVIEWER, jurisdiction="411521")
    city_case = case_in(
        Status.CONFIRMED,
        enterprise=EnterpriseFactory(jurisdiction="411521"),
        item="contest_national",
        facts={"prize_level": "first"},
    )
    match = Application.objects.get(matched_application=city_case)
    case_decide(application_id=match.pk, action="match_confirm", actor=county_reviewer)
    document = document_render_approval(application_id=match.pk)
    text = " ".join(_text(_bytes(document), tmp_path).split())
    assert "罗山县数据产业同步奖励（示例）" in text
    assert "罗山县发展和改革委员会" in text
    assert "罗山县财政局" in text
    assert f"市级奖励 {city_case.reference}" in text
    assert "150,000.00" in text
    assert "确认同步奖励" in text
    assert document.programme == "411521"


def test_a_county_batch_list_lists_only_the_countys_awards(tmp_path, luoshan_programme):
    from applicants.models import Application
    from awards.services.payouts import budget_set, payouts_schedule

    year = timezone.localdate().year
    county_reviewer = make_user(Role.COUNTY_REVIEWER, jurisdiction="411521")
    county_finance = make_user(Role.COUNTY_FINANCE, jurisdiction="411521")
    city_case = case_in(
        Status.CONFIRMED,
        enterprise=EnterpriseFactory(jurisdiction="411521"),
        item="honor_national",
        facts={},
    )
    match = Application.objects.get(matched_application=city_case)
    case_decide(application_id=match.pk, action="match_confirm", actor=county_reviewer)
    budget_set(year=year, amount=Decimal("500000.00"), actor=county_finance, programme="411521")
    payouts_schedule("411521")
    Budget.objects.create(year=year, amount=Decimal("900000.00"))  # the city's, not listed
    document = document_render_batch(year=year, programme="411521")
    text = " ".join(_text(_bytes(document), tmp_path).split())
    assert match.reference in text
    assert city_case.reference not in text
    assert "罗山县财政局" in text
    assert document.programme == "411521"


def test_a_county_batch_list_is_for_its_finance_and_city_finance(client, luoshan_programme):
    Budget.objects.create(programme="411521", year=2026, amount=Decimal("300000.00"))
    batch = document_render_batch(year=2026, programme="411521")
    url = reverse("documents:download", args=[batch.pk])
    for user, expected in [
        (make_user(Role.COUNTY_FINANCE, jurisdiction="411521"), 200),
        (make_user(Role.FINANCE), 200),  # reads every county's
        (make_user(Role.COUNTY_FINANCE, jurisdiction="411522"), 404),
        (make_user(Role.CITY_REVIEWER), 404),  # the city's reviewers: the city's lists
        (make_user(Role.COUNTY_REVIEWER, jurisdiction="411521"), 404),
    ]:
        sign_in(client, user)
        assert client.get(url).status_code == expected, user.role
