"""免申即享: `manage.py import_winners FILE [--dry-run]` turns a published winners list into
pre-filled drafts; every other row is reported with its reason; importing again creates nothing."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from applicants.models import Application, CaseEvent, Notification, Status
from applicants.selectors import submission_blockers
from applicants.winners.models import WinnerImport
from tests.factories import ApplicationFactory, EnterpriseFactory, credit_code_for, make_user

pytestmark = pytest.mark.django_db

ENGLISH_HEADER = "credit_code,enterprise_name,item,prize_level,event_date,document_number"
CHINESE_HEADER = "统一社会信用代码,单位名称,奖励事项,获奖等次,日期,文号"


def _run(path, *args):
    out = io.StringIO()
    try:
        call_command("import_winners", str(path), *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


@pytest.fixture
def world():
    listed = EnterpriseFactory(name="信阳数智科技有限公司")
    member = make_user("enterprise", enterprise=listed)
    pending = EnterpriseFactory(identity_status="pending")
    make_user("enterprise", enterprise=pending)
    filed = EnterpriseFactory()
    make_user("enterprise", enterprise=filed)
    existing = ApplicationFactory(
        enterprise=filed,
        item="honor_provincial",
        event_date=date(2025, 6, 1),
        status=Status.SUBMITTED,
    )
    return {
        "listed": listed,
        "member": member,
        "pending": pending,
        "filed": filed,
        "existing": existing,
    }


def _sample(world) -> str:
    listed, pending, filed = world["listed"], world["pending"], world["filed"]
    # The listed enterprise's code typed with spaces and in lower case: the same code.
    spaced = " ".join([listed.credit_code[:6], listed.credit_code[6:].lower()])
    return "\n".join(
        [
            CHINESE_HEADER,
            f"{spaced},{listed.name},省级“数据要素×”等大赛获奖,一等奖,2025-05-20,豫数〔2025〕8号",
            f"{listed.credit_code},{listed.name},honor_national,,2025/7/1,国数〔2025〕3号",
            f"{credit_code_for(99)},未注册公司,contest_provincial,二等奖,2025-05-20,豫数〔2025〕8号",
            f"{pending.credit_code},{pending.name},contest_provincial,三等奖,2025-05-20,豫数〔2025〕8号",
            f"{listed.credit_code},{listed.name},contest_national,一等奖,2024-12-31,国数〔2024〕9号",
            f"{listed.credit_code},{listed.name},某不存在的事项,,2025-05-20,豫数〔2025〕8号",
            f"{listed.credit_code},{listed.name},first_registration,,2025-05-20,豫数〔2025〕8号",
            f"{filed.credit_code},{filed.name},honor_provincial,,2025-06-01,豫数〔2025〕11号",
            f"{listed.credit_code},{listed.name},contest_provincial,特等奖,2025-05-20,豫数〔2025〕8号",
            "12345,坏代码公司,contest_provincial,一等奖,2025-05-20,豫数〔2025〕8号",
            ",,,,,",
            f"{listed.credit_code},{listed.name},honor_national,,2025-07-01,国数〔2025〕3号",
        ]
    )


def test_a_sample_list_makes_drafts_for_the_matched_rows_and_reports_the_rest(tmp_path, world):
    path = tmp_path / "winners.csv"
    path.write_text(_sample(world), encoding="utf-8")
    code, report = _run(path)
    assert code == 0
    drafts = list(Application.objects.filter(winner_key__gt="").order_by("pk"))
    assert report["created"] == [d.reference for d in drafts]
    assert [(d.item, d.status) for d in drafts] == [
        ("contest_provincial", Status.DRAFT),
        ("honor_national", Status.DRAFT),
    ]
    contest = drafts[0]
    assert contest.enterprise == world["listed"]
    assert contest.created_by == world["member"]
    assert contest.facts == {"prize_level": "first"}
    assert contest.event_date == date(2025, 5, 20)
    assert contest.cited_announcement["document_number"] == "豫数〔2025〕8号"
    assert "一等奖" in contest.project_name
    reasons = {(s["row"], s["reason"]) for s in report["skipped"]}
    assert reasons == {
        (4, "no_enterprise"),
        (5, "not_verified"),
        (6, "out_of_window"),
        (7, "unknown_item"),
        (8, "item_not_listed"),
        (9, "duplicate_application"),
        (10, "unknown_prize_level"),
        (11, "invalid_credit_code"),
        (13, "duplicate_row"),
    }
    assert all(s["message"] for s in report["skipped"])
    duplicate = next(s for s in report["skipped"] if s["reason"] == "duplicate_application")
    assert world["existing"].reference in duplicate["message"]
    # The enterprise is told; the list stands in for the notice, so only the certificate and
    # the declaration remain before it can submit.
    note = Notification.objects.get(recipient=world["member"], application=contest)
    assert "豫数〔2025〕8号" in note.message
    blockers = {field for field, _ in submission_blockers(contest)}
    assert blockers == {"evidence__award_certificate", "declaration_accepted"}
    # Audited: one entry per draft and one for the import.
    assert CaseEvent.objects.filter(action="winner_draft_created").count() == 2
    imported = CaseEvent.objects.get(action="winners_imported")
    assert imported.data["created"] == 2
    assert imported.data["skipped"] == 9
    assert WinnerImport.objects.get().report["created"][0]["case"] == contest.reference


def test_importing_the_same_list_again_creates_nothing(tmp_path, world):
    path = tmp_path / "winners.csv"
    path.write_text(_sample(world), encoding="utf-8")
    _run(path)
    before = Application.objects.count()
    code, again = _run(path)
    assert code == 0
    assert again["created"] == []
    assert Application.objects.count() == before
    already = [s for s in again["skipped"] if s["reason"] == "already_imported"]
    # Row 13 repeats row 3: now already imported too.
    assert [s["row"] for s in already] == [2, 3, 13]


def test_a_dry_run_stores_nothing_and_lists_what_it_would_create(tmp_path, world):
    path = tmp_path / "winners.csv"
    path.write_text(_sample(world), encoding="utf-8")
    events = CaseEvent.objects.count()
    code, report = _run(path, "--dry-run")
    assert code == 0
    assert report["created"] == []
    assert [w["row"] for w in report["would_create"]] == [2, 3]
    assert not Application.objects.filter(winner_key__gt="").exists()
    assert not WinnerImport.objects.exists()
    assert CaseEvent.objects.count() == events


def test_an_xlsx_list_with_english_keys_and_date_cells(tmp_path, world):
    book = Workbook()
    sheet = book.active
    sheet.append(ENGLISH_HEADER.split(","))
    listed = world["listed"]
    sheet.append(
        [listed.credit_code, listed.name, "contest_national", "二等奖", date(2025, 9, 9), "A-1"]
    )
    path = tmp_path / "winners.xlsx"
    book.save(path)
    code, report = _run(path)
    assert code == 0
    assert len(report["created"]) == 1
    case = Application.objects.get(winner_key__gt="")
    assert case.facts == {"prize_level": "second"}
    assert case.event_date == date(2025, 9, 9)


def test_a_gb18030_csv_from_excel_is_read(tmp_path, world):
    listed = world["listed"]
    row = f"{listed.credit_code},{listed.name},honor_provincial,,2025年8月8日,豫数〔2025〕20号"
    text = f"{CHINESE_HEADER}\r\n{row}\r\n"
    path = tmp_path / "winners.csv"
    path.write_bytes(text.encode("gb18030"))
    code, report = _run(path)
    assert code == 0
    assert len(report["created"]) == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "表头"),
        (b"name,amount\nx,1\n", "credit_code"),
        (ENGLISH_HEADER.encode() + b"\n", "没有任何数据行"),
        (b"PK\x03\x04not really a workbook", "无法读取"),
        (b"\xff\xfe\x00\x00binary\x00", "无法读取"),
    ],
)
def test_a_file_it_cannot_read_exits_2_with_errors(tmp_path, content, expected):
    path = tmp_path / "winners.csv"
    path.write_bytes(content)
    code, report = _run(path)
    assert code == 2
    assert set(report) == {"errors"}
    assert expected in report["errors"]["file"][0]


def test_a_missing_file_exits_2(tmp_path):
    code, report = _run(tmp_path / "nowhere.csv")
    assert code == 2
    assert "file" in report["errors"]


def test_too_many_rows_exit_2(tmp_path, settings, world):
    settings.WINNERS_MAX_ROWS = 2
    listed = world["listed"]
    row = f"{listed.credit_code},{listed.name},honor_provincial,,2025-08-08,X"
    path = tmp_path / "winners.csv"
    path.write_text("\n".join([ENGLISH_HEADER, row, row, row]), encoding="utf-8")
    code, report = _run(path)
    assert code == 2
    assert "2" in report["errors"]["file"][0]
    assert not Application.objects.filter(winner_key__gt="").exists()


def test_the_same_achievement_twice_in_one_list_makes_one_draft(tmp_path, world):
    listed = world["listed"]
    rows = [
        ENGLISH_HEADER,
        f"{listed.credit_code},{listed.name},contest_national,一等奖,2025-04-01,国数〔2025〕1号",
        # Another document number, the same date: the same prize announced twice.
        f"{listed.credit_code},{listed.name},contest_national,一等奖,2025-04-01,国数〔2025〕2号",
        f"{listed.credit_code},{listed.name},contest_national,二等奖,2025-09-01,国数〔2025〕7号",
    ]
    path = tmp_path / "winners.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    code, report = _run(path)
    assert code == 0
    assert len(report["created"]) == 2
    assert [(s["row"], s["reason"]) for s in report["skipped"]] == [(3, "duplicate_row")]
