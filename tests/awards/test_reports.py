"""Payout reports (兑付报表): the grouped page, its XLSX/CSV exports checked against the database,
who sees what, the background export job, and the audit entry of every export."""

import csv
import datetime
import io
import time
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from applicants import policy, programmes
from applicants.models import CITY_PROGRAMME, Application, CaseEvent, Status
from applicants.roles import Role
from awards.models import Award
from awards.reports import errors as E
from awards.reports import exports, selectors, services
from awards.reports.models import ExportState, PayoutExport
from awards.spreadsheets import MONEY_FORMAT
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, EnterpriseFactory, make_user, sign_in

THIS_YEAR = timezone.localdate().year
NEXT_YEAR = THIS_YEAR + 1
REPORTS = "awards:reports"
EXPORT = "awards:report_export"
HEADERS = list(exports.HEADERS)
AMOUNT = exports.AMOUNT_COLUMN
FORMULA = '=HYPERLINK("http://x","y")'


def award_case(
    status: str,
    *,
    amount: str = "10000.00",
    pay_year: int | None = None,
    item: str = "contest_provincial",
    programme: str = CITY_PROGRAMME,
    **kwargs: object,
) -> Application:
    """A case in a payout state with its award, written directly (fast; no audit entries)."""
    if status == Status.SCHEDULED and pay_year is None:
        pay_year = THIS_YEAR
    if status == Status.PAID and pay_year is None:
        pay_year = THIS_YEAR
    case = ApplicationFactory(status=status, item=item, **kwargs)
    if programme != CITY_PROGRAMME:
        Application.objects.filter(pk=case.pk).update(
            programme=programme, matched_application=ApplicationFactory(status=Status.PAID)
        )
    now = timezone.now()
    paid = status == Status.PAID
    Award.objects.create(
        application=case,
        amount=Decimal(amount),
        computed_amount=Decimal(amount),
        rules_version="test",
        approved_by=_city(),
        approved_at=now,
        first_approved_at=now,
        pay_year=pay_year,
        paid_at=timezone.localdate() if paid else None,
        payment_reference="ZF-1" if paid else "",
    )
    return Application.objects.select_related("award", "enterprise").get(pk=case.pk)


def _city():
    from applicants.models import User

    return User.objects.filter(role=Role.CITY_REVIEWER).first() or make_user(Role.CITY_REVIEWER)


def mixed_cases() -> dict[str, list[Application]]:
    """Planned in two years, paid, queued, in two jurisdictions and two items; and cases that are
    not (yet) in any payout."""
    shihe = EnterpriseFactory(jurisdiction="411502")
    pingqiao = EnterpriseFactory(jurisdiction="411503")
    cases = {
        "planned": [
            award_case(Status.SCHEDULED, amount="100000.00", enterprise=shihe),
            award_case(Status.SCHEDULED, amount="50000.50", pay_year=NEXT_YEAR, enterprise=shihe),
            award_case(
                Status.SCHEDULED,
                amount="30000.00",
                enterprise=pingqiao,
                item="contest_national",
                facts={"prize_level": "second"},
            ),
        ],
        "paid": [
            award_case(Status.PAID, amount="20000.00", enterprise=shihe),
            award_case(Status.PAID, amount="7000.25", enterprise=pingqiao),
        ],
        "queued": [
            award_case(Status.CONFIRMED, amount="5000.00", enterprise=pingqiao),
        ],
    }
    # Not in a payout: approved (not yet announced), announced, recommended, rejected.
    for status in (Status.APPROVED, Status.ANNOUNCED):
        award_case(status, amount="99999.00", enterprise=shihe)
    ApplicationFactory(status=Status.RECOMMENDED, enterprise=shihe)
    return cases


def db_sum(cases, **filters) -> Decimal:
    return Award.objects.filter(application__in=cases, **filters).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal("0.00")


def every(cases: dict[str, list[Application]]) -> list[Application]:
    return [c for group in cases.values() for c in group]


def xlsx_rows(content: bytes) -> tuple[object, list[list[object]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def export(client, file_format: str, **filters: str):
    return client.post(reverse(EXPORT), {"format": file_format, **filters})


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_sums_planned_paid_and_queued_per_year_and_in_total(client, finance_user):
    cases = mixed_cases()
    sign_in(client, finance_user)
    response = client.get(reverse(REPORTS))
    assert response.status_code == 200
    groups = {g.key: g for g in response.context["groups"].object_list}
    assert list(groups) == [str(THIS_YEAR), str(NEXT_YEAR), ""]
    this_year = groups[str(THIS_YEAR)].sums
    assert this_year.planned_count == 2
    assert this_year.planned_amount == Decimal("130000.00")
    assert this_year.paid_count == 2
    assert this_year.paid_amount == Decimal("27000.25")
    assert this_year.amount == Decimal("157000.25")
    queued = groups[""]
    assert queued.label == "排队中（未安排年度）"
    assert (queued.sums.queued_count, queued.sums.queued_amount) == (1, Decimal("5000.00"))
    totals = response.context["totals"]
    assert totals.count == 6
    assert totals.amount == db_sum(every(cases))
    assert totals.planned_amount == db_sum(cases["planned"])
    assert totals.paid_amount == db_sum(cases["paid"])
    assert totals.queued_amount == db_sum(cases["queued"])
    html = response.content.decode()
    assert "¥157,000.25" in html
    assert "¥212,000.75" in html  # the grand total


@pytest.mark.django_db
@pytest.mark.parametrize("group_by", [g.value for g in selectors.GroupBy])
def test_every_grouping_adds_up_to_the_total_and_is_labelled_in_words(
    client, finance_user, group_by, luoshan_programme
):
    mixed_cases()
    award_case(Status.SCHEDULED, amount="1234.00", programme=luoshan_programme)
    sign_in(client, finance_user)
    response = client.get(reverse(REPORTS), {"group": group_by})
    assert response.status_code == 200
    groups = response.context["groups"].object_list
    totals = response.context["totals"]
    assert sum(g.sums.amount for g in groups) == totals.amount
    assert sum(g.sums.count for g in groups) == totals.count == 7
    for group in groups:
        assert group.sums.count == (
            group.sums.planned_count + group.sums.paid_count + group.sums.queued_count
        )
        # Names and labels, never codes such as 411521 or contest_provincial.
        assert group.label not in {"411502", "411503", "411521", "city", "contest_provincial"}
    labels = [g.label for g in groups]
    if group_by == "programme":
        assert labels == ["市级奖励", programmes.programme_name(luoshan_programme)]
    if group_by == "jurisdiction":
        assert policy.jurisdiction_name("411502") in labels
    if group_by == "status":
        assert labels == ["已安排", "已拨付", "排队中"]


@pytest.mark.django_db
def test_filters_narrow_the_report(client, finance_user):
    cases = mixed_cases()
    sign_in(client, finance_user)

    def total(**params):
        response = client.get(reverse(REPORTS), params)
        assert response.status_code == 200, response.context["filter"].errors
        return response.context["totals"]

    assert total(year=str(NEXT_YEAR)).amount == Decimal("50000.50")
    assert total(status="queued").amount == Decimal("5000.00")
    assert total(status="paid").count == 2
    assert total(item="contest_national").amount == Decimal("30000.00")
    assert total(jurisdiction="411503").amount == db_sum(
        [c for c in every(cases) if c.jurisdiction == "411503"]
    )
    one = cases["paid"][0].enterprise
    assert total(q=one.name).count == 3
    assert total(q=one.credit_code.lower()).count == 3
    assert total(programme="city").count == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"year": "abc"}, "year", E.BAD_YEAR),
        ({"year": "1899"}, "year", E.BAD_YEAR),
        ({"programme": "nowhere"}, "programme", E.UNKNOWN_PROGRAMME % {"value": "nowhere"}),
        ({"group": "colour"}, "group", E.UNKNOWN_CHOICE % {"value": "colour"}),
        ({"status": "lost"}, "status", E.UNKNOWN_CHOICE % {"value": "lost"}),
    ],
)
def test_a_bad_filter_is_a_400_with_its_message_never_a_500(
    client, finance_user, params, field, message
):
    sign_in(client, finance_user)
    response = client.get(reverse(REPORTS), params)
    assert response.status_code == 400
    assert str(message) in response.context["filter"].errors[field]
    assert str(message) in response.content.decode()
    response = export(client, "csv", **params)
    assert response.status_code == 400
    assert not CaseEvent.objects.filter(action=services.AUDIT_ACTION).exists()


@pytest.mark.django_db
def test_a_county_reviewer_sees_and_exports_only_its_jurisdiction(client, county_reviewer):
    cases = mixed_cases()
    own = [c for c in every(cases) if c.jurisdiction == county_reviewer.jurisdiction]
    sign_in(client, county_reviewer)
    response = client.get(reverse(REPORTS))
    assert response.context["totals"].count == len(own) == 3
    assert response.context["totals"].amount == db_sum(own)
    assert [c for c, _n in response.context["filter"].form.fields["jurisdiction"].choices] == [
        "411502"
    ]
    # Another county is not a choice, so not a way round.
    assert client.get(reverse(REPORTS), {"jurisdiction": "411503"}).status_code == 400
    rows = csv_rows(export(client, "csv").content)
    references = {r[0] for r in rows[1:]}
    assert {c.reference for c in own} <= references
    assert not {c.reference for c in every(cases) if c not in own} & references


@pytest.mark.django_db
def test_county_finance_reports_its_countys_matching_programme(client, luoshan_programme):
    mixed_cases()
    match = award_case(Status.SCHEDULED, amount="4321.00", programme=luoshan_programme)
    user = make_user(Role.COUNTY_FINANCE, jurisdiction=luoshan_programme)
    sign_in(client, user)
    totals = client.get(reverse(REPORTS)).context["totals"]
    assert (totals.count, totals.amount) == (1, match.award.amount)


@pytest.mark.django_db
def test_enterprises_get_403_everywhere_and_visitors_the_login(client, enterprise_user):
    export_row = PayoutExport.objects.create(requested_by=make_user(Role.FINANCE), format="csv")
    urls = [
        reverse(REPORTS),
        reverse("awards:report_export_status", args=[export_row.pk]),
        reverse("awards:report_export_download", args=[export_row.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    sign_in(client, enterprise_user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert export(client, "xlsx").status_code == 403
    assert not CaseEvent.objects.filter(action=services.AUDIT_ACTION).exists()


def _page_queries(client, django_assert_num_queries, n: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(REPORTS), {"group": "enterprise"})
    assert response.status_code == 200
    assert response.context["totals"].count == n
    return len(queries)


@pytest.mark.django_db
def test_the_page_makes_the_same_queries_for_5_and_50_cases(
    client, finance_user, django_assert_num_queries
):
    sign_in(client, finance_user)
    for _ in range(5):
        award_case(Status.SCHEDULED)
    few = _page_queries(client, django_assert_num_queries, 5)
    statuses = [Status.SCHEDULED, Status.PAID, Status.CONFIRMED]
    for i in range(45):
        award_case(statuses[i % 3], amount=f"{1000 + i}.00")
    with django_assert_num_queries(few):
        response = client.get(reverse(REPORTS), {"group": "enterprise"})
    assert response.context["totals"].count == 50


# --- exports ------------------------------------------------------------------------------------


def _check_groups_against_db(rows: list[list[object]], cases, money) -> None:
    """Each 小计 line equals the database's sum of the detail lines above it; 合计 the total."""
    by_reference = {c.reference: c for c in every(cases)}
    seen: list[Application] = []
    subtotals = 0
    for row in rows[1:]:
        label = row[0]
        if label == exports.SUBTOTAL_LABEL:
            assert money(row[AMOUNT]) == db_sum(seen)
            assert row[exports.COUNT_COLUMN] == f"{len(seen)} 笔"
            subtotals += 1
            seen = []
        elif label == exports.TOTAL_LABEL:
            assert not seen
            assert money(row[AMOUNT]) == db_sum(every(cases))
            assert row[exports.COUNT_COLUMN] == f"{len(every(cases))} 笔"
        elif label in exports.PART_LABELS.values():
            status = next(s for s, text in exports.PART_LABELS.items() if text == label)
            assert money(row[AMOUNT]) == db_sum(cases[str(status)])
        else:
            case = by_reference[label]
            assert money(row[AMOUNT]) == case.award.amount
            seen.append(case)
    assert subtotals == 3  # this year, next year, queued


@pytest.mark.django_db
def test_the_xlsx_lists_each_award_with_subtotals_and_totals_matching_the_database(
    client, finance_user
):
    cases = mixed_cases()
    sign_in(client, finance_user)
    response = export(client, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet, rows = xlsx_rows(response.content)
    assert rows[0] == HEADERS
    assert rows[0][:3] == ["申报编号", "企业名称", "统一社会信用代码"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 36
    assert sheet[1][0].font.bold
    # 6 awards, 3 小计, 合计, and its three parts.
    assert len(rows) == 1 + 6 + 3 + 1 + 3
    _check_groups_against_db(rows, cases, lambda v: Decimal(str(v)))
    detail = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == cases["paid"][0].reference)
    assert detail[AMOUNT].number_format == MONEY_FORMAT
    assert detail[AMOUNT].data_type == "n"
    assert detail[HEADERS.index("拨付日期")].value.date() == timezone.localdate()
    assert detail[HEADERS.index("批准时间")].is_date
    assert detail[HEADERS.index("奖励计划")].value == "市级奖励"
    assert detail[HEADERS.index("县区")].value == policy.jurisdiction_name("411502")
    assert detail[HEADERS.index("奖励事项")].value == policy.item_title("contest_provincial")
    assert detail[HEADERS.index("状态")].value == "已拨付"
    assert detail[HEADERS.index("兑付年度")].value == THIS_YEAR
    total_row = next(r for r in sheet.iter_rows() if r[0].value == exports.TOTAL_LABEL)
    assert total_row[0].font.bold
    assert total_row[AMOUNT].number_format == MONEY_FORMAT
    queued = next(r for r in rows if r[0] == cases["queued"][0].reference)
    assert queued[HEADERS.index("兑付年度")] is None
    assert queued[HEADERS.index("状态")] == "排队中"


@pytest.mark.django_db
def test_the_csv_has_a_bom_the_same_lines_and_money_with_two_places(client, finance_user):
    cases = mixed_cases()
    sign_in(client, finance_user)
    response = export(client, "csv", group="status")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content)
    assert rows[0] == HEADERS
    subtotals = [r for r in rows if r[0] == exports.SUBTOTAL_LABEL]
    assert [(r[1], Decimal(r[AMOUNT])) for r in subtotals] == [
        ("已安排", db_sum(cases["planned"])),
        ("已拨付", db_sum(cases["paid"])),
        ("排队中", db_sum(cases["queued"])),
    ]
    total = next(r for r in rows if r[0] == exports.TOTAL_LABEL)
    assert total[AMOUNT] == f"{db_sum(every(cases)):.2f}"
    paid = next(r for r in rows if r[0] == cases["paid"][0].reference)
    assert paid[HEADERS.index("拨付日期")] == timezone.localdate().isoformat()
    assert paid[AMOUNT] == "20000.00"


@pytest.mark.django_db
def test_formulas_typed_by_an_enterprise_come_out_inert_in_both_files(client, finance_user):
    case = award_case(Status.SCHEDULED, project_name=FORMULA)
    Application.objects.filter(pk=case.pk).update(project_name=FORMULA)
    case.enterprise.name = "@SUM(1)"
    case.enterprise.save()
    sign_in(client, finance_user)
    sheet, rows = xlsx_rows(export(client, "xlsx").content)
    line = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == case.reference)
    assert line[HEADERS.index("项目/成果名称")].value == "'" + FORMULA
    assert line[HEADERS.index("项目/成果名称")].data_type == "s"
    assert line[HEADERS.index("企业名称")].value == "'@SUM(1)"
    # The enterprise's name is also the 小计 line's label when grouped by enterprise.
    _sheet, rows = xlsx_rows(export(client, "xlsx", group="enterprise").content)
    subtotal = next(r for r in rows if r[0] == exports.SUBTOTAL_LABEL)
    assert subtotal[1].startswith("'@SUM(1)")
    text = csv_rows(export(client, "csv").content)
    line = next(r for r in text if r[0] == case.reference)
    assert line[HEADERS.index("项目/成果名称")] == "'" + FORMULA
    assert line[HEADERS.index("企业名称")] == "'@SUM(1)"


@pytest.mark.django_db
def test_every_export_is_an_audit_entry_with_who_the_filter_and_the_rows(client, finance_user):
    mixed_cases()
    sign_in(client, finance_user)
    export(client, "xlsx", year=str(THIS_YEAR), q="  ")
    event = CaseEvent.objects.get(action=services.AUDIT_ACTION)
    assert event.actor == finance_user
    assert event.actor_role == Role.FINANCE
    assert event.application is None
    assert event.data == {
        "format": "xlsx",
        "filters": {"year": THIS_YEAR, "group": "year"},
        "rows": 4,
    }
    from applicants.audit import audit_chain_verify

    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_an_unknown_format_is_a_message_not_a_file(client, finance_user):
    sign_in(client, finance_user)
    response = export(client, "pdf", year=str(THIS_YEAR))
    assert response.status_code == 302
    assert response["Location"] == reverse(REPORTS) + f"?year={THIS_YEAR}"
    page = client.get(response["Location"])
    assert str(E.UNKNOWN_EXPORT_FORMAT) in page.content.decode()
    assert not CaseEvent.objects.filter(action=services.AUDIT_ACTION).exists()


# --- large exports: a job -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_large_export_is_a_job_the_page_follows_to_a_download(
    client, finance_user, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPORT_INLINE_ROWS = 3
    cases = mixed_cases()
    sign_in(client, finance_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = export(client, "csv", group="item")
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response["Location"].endswith("#exports")
    job = PayoutExport.objects.get()
    assert (job.requested_by, job.format, job.filters) == (finance_user, "csv", {"group": "item"})
    assert (job.state, job.rows, job.rows_done) == (ExportState.DONE, 6, 6)
    assert job.finished_at is not None
    page = client.get(response["Location"])
    assert "共 6 行，文件在后台生成" in page.content.decode()
    status = client.get(reverse("awards:report_export_status", args=[job.pk]))
    assert b"hx-trigger" not in status.content
    assert "按奖励事项分组" in status.content.decode()
    download = client.get(reverse("awards:report_export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    rows = csv_rows(b"".join(download.streaming_content))
    assert len([r for r in rows if r[0] == exports.SUBTOTAL_LABEL]) == 2  # two items
    assert Decimal(next(r for r in rows if r[0] == exports.TOTAL_LABEL)[AMOUNT]) == db_sum(
        every(cases)
    )
    event = CaseEvent.objects.get(action=services.AUDIT_ACTION)
    assert event.actor == finance_user
    assert event.data == {
        "format": "csv",
        "filters": {"group": "item"},
        "rows": 6,
        "export": job.pk,
    }


@pytest.mark.django_db
def test_only_the_requester_or_an_administrator_downloads_an_export(
    client, finance_user, admin_user_, city_reviewer, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPORT_INLINE_ROWS = 0
    award_case(Status.SCHEDULED)
    sign_in(client, finance_user)
    with django_capture_on_commit_callbacks(execute=True):
        export(client, "xlsx")
    job = PayoutExport.objects.get()
    download = reverse("awards:report_export_download", args=[job.pk])
    status = reverse("awards:report_export_status", args=[job.pk])
    sign_in(client, city_reviewer)
    assert client.get(download).status_code == 404
    assert client.get(status).status_code == 404
    assert job.pk not in [e.pk for e in client.get(reverse(REPORTS)).context["exports"]]
    sign_in(client, admin_user_)
    assert client.get(download).status_code == 200
    assert client.get(reverse("awards:report_export_download", args=[job.pk + 99])).status_code == (
        404
    )


@pytest.mark.django_db
def test_an_unfinished_export_shows_its_progress_and_polls(client, finance_user):
    job = PayoutExport.objects.create(
        requested_by=finance_user,
        format="xlsx",
        filters={"year": THIS_YEAR, "programme": "city", "group": "enterprise"},
        state=ExportState.RUNNING,
        rows=10,
        rows_done=4,
    )
    sign_in(client, finance_user)
    html = client.get(reverse("awards:report_export_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'max="10" value="4"' in html
    assert "已写 4 / 10 行" in html
    assert f"{THIS_YEAR} · 市级奖励 · 按企业分组" in html
    assert client.get(reverse("awards:report_export_download", args=[job.pk])).status_code == 404
    page = client.get(reverse(REPORTS)).content.decode()
    assert f'id="export-{job.pk}"' in page


@pytest.mark.django_db
def test_the_job_reports_progress_in_steps_and_a_rerun_of_a_done_job_changes_nothing(
    finance_user, monkeypatch
):
    for _ in range(5):
        award_case(Status.SCHEDULED)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    seen: list[int] = []
    real = services._progress

    def spy(export_id):
        report = real(export_id)

        def record(done):
            seen.append(done)
            report(done)

        return record

    monkeypatch.setattr(services, "_progress", spy)
    job = PayoutExport.objects.create(requested_by=finance_user, format="xlsx", rows=5)
    services.payout_export_run(export_id=job.pk)
    assert seen == [2, 4]
    job.refresh_from_db()
    assert (job.state, job.rows_done) == (ExportState.DONE, 5)
    name = job.file.name
    services.payout_export_run(export_id=job.pk)
    job.refresh_from_db()
    assert job.file.name == name
    assert CaseEvent.objects.filter(action=services.AUDIT_ACTION).count() == 1


@pytest.mark.django_db
def test_a_job_left_running_by_a_killed_worker_is_finished_by_a_rerun(finance_user):
    award_case(Status.PAID)
    job = PayoutExport.objects.create(
        requested_by=finance_user, format="csv", state=ExportState.RUNNING, rows=1, rows_done=0
    )
    services.payout_export_run(export_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.rows) == (ExportState.DONE, 1)


@pytest.mark.django_db
def test_a_job_is_scoped_by_its_requesters_view_when_it_runs(
    client, county_reviewer, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPORT_INLINE_ROWS = 1
    cases = mixed_cases()
    sign_in(client, county_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        export(client, "csv")
    job = PayoutExport.objects.get()
    own = {c.reference for c in every(cases) if c.jurisdiction == county_reviewer.jurisdiction}
    rows = csv_rows(job.file.open("rb").read())
    listed = {r[0] for r in rows[1:] if r[0].startswith("XY-")}
    assert listed == own


@pytest.mark.django_db
def test_a_job_with_a_filter_no_longer_valid_fails_with_the_reason(finance_user):
    job = PayoutExport.objects.create(
        requested_by=finance_user, format="csv", filters={"programme": "gone"}
    )
    services.payout_export_run(export_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert job.error == str(E.UNKNOWN_PROGRAMME % {"value": "gone"})


@pytest.mark.worker
def test_a_large_export_runs_in_a_real_worker_with_progress_and_a_download(
    celery_worker_process, client, settings
):
    settings.REPORT_EXPORT_INLINE_ROWS = 4
    finance = make_user(Role.FINANCE)
    cases = mixed_cases()
    sign_in(client, finance)
    response = export(client, "xlsx", group="jurisdiction")
    assert response.status_code == 302
    job = PayoutExport.objects.get()
    status_url = reverse("awards:report_export_status", args=[job.pk])
    deadline = time.monotonic() + 60
    html = ""
    while time.monotonic() < deadline:
        html = client.get(status_url).content.decode()
        job.refresh_from_db()
        if job.state in {ExportState.DONE, ExportState.FAILED}:
            break
        assert "<progress" in html
        time.sleep(0.2)
    assert job.state == ExportState.DONE, job.error
    assert (job.rows, job.rows_done) == (6, 6)
    html = client.get(status_url).content.decode()
    assert "export-download" in html
    download = client.get(reverse("awards:report_export_download", args=[job.pk]))
    _sheet, rows = xlsx_rows(b"".join(download.streaming_content))
    assert Decimal(str(next(r for r in rows if r[0] == exports.TOTAL_LABEL)[AMOUNT])) == (
        db_sum(every(cases))
    )
    assert CaseEvent.objects.filter(
        action=services.AUDIT_ACTION, actor=finance, data__export=job.pk, data__rows=6
    ).exists()


# --- the real workflow --------------------------------------------------------------------------


@pytest.mark.django_db
def test_cases_moved_through_the_real_workflow_are_reported_where_they_stand(client, finance_user):
    paid = case_in(Status.PAID, pay_year=THIS_YEAR)
    planned = case_in(Status.SCHEDULED, pay_year=THIS_YEAR)
    queued = case_in(Status.CONFIRMED)
    case_in(Status.ANNOUNCED)
    sign_in(client, finance_user)
    rows = csv_rows(export(client, "csv", group="status").content)
    status_of = {r[0]: r[HEADERS.index("状态")] for r in rows}
    assert status_of[planned.reference] == "已安排"
    assert status_of[paid.reference] == "已拨付"
    assert status_of[queued.reference] == "排队中"
    assert len([r for r in rows if r[0].startswith("XY-")]) == 3
    approved_at = next(r for r in rows if r[0] == paid.reference)[HEADERS.index("批准时间")]
    local = timezone.localtime(paid.award.approved_at)
    assert approved_at == local.strftime("%Y-%m-%d %H:%M")
    assert datetime.date.fromisoformat(
        next(r for r in rows if r[0] == paid.reference)[HEADERS.index("拨付日期")]
    ) == (paid.award.paid_at)
