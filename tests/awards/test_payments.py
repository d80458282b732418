"""Payment batches: build, export (XLSX/CSV against the database), bank return, paid is final."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import IntegrityError, InternalError, transaction
from django.urls import reverse
from django.utils import timezone

from applicants.errors import NotAllowed, ServiceError
from applicants.models import CaseEvent, Enterprise, Notification, Status
from applicants.rmb import rmb_capital
from applicants.roles import Role
from awards.errors import PAYMENT_BEFORE_APPROVAL, PAYMENT_BEFORE_PAY_YEAR, PAYMENT_DATE_IN_FUTURE
from awards.models import Award, PayoutPlanState
from awards.payments import errors as E
from awards.payments import exports, services
from awards.payments.models import BatchState, ItemOutcome, PaymentBatch, PaymentBatchItem
from tests.awards.helpers import case_in, finance_user
from tests.factories import make_user, sign_in

THIS_YEAR = timezone.localdate().year
TODAY = timezone.localdate()


def _scheduled(n: int = 3, *, year: int = THIS_YEAR, **kwargs: object) -> list:
    cases = [case_in(Status.SCHEDULED, pay_year=year, **kwargs) for _ in range(n)]
    # As if the re-plan queued by the budgets the helper set had run: payments may go ahead.
    PayoutPlanState.objects.update(stale=False)
    return cases


def _exported_batch(cases: list, actor=None) -> PaymentBatch:
    actor = actor or finance_user()
    batch = services.batch_create(actor=actor, programme="city", year=cases[0].award.pay_year)
    services.batch_export(actor=actor, batch_id=batch.pk, file_format="csv")
    batch.refresh_from_db()
    return batch


def _bank_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["申报编号", "金额", "支付凭证号", "支付日期", "状态", "失败原因"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _paid_row(case, *, amount=None, voucher="ZF-001", on=None, status="成功") -> list[str]:
    return [
        case.reference,
        f"{amount if amount is not None else case.award.amount:.2f}",
        voucher,
        (on or TODAY).isoformat(),
        status,
        "",
    ]


def _upload(batch, content: bytes, actor=None):
    return services.bank_return_upload(
        actor=actor or finance_user(), batch_id=batch.pk, file_name="回单.csv", content=content
    )


# --- building batches -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_takes_the_years_scheduled_awards_and_each_award_only_once():
    cases = _scheduled(3)
    finance = finance_user()
    batch = services.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    assert batch.state == BatchState.DRAFT
    assert sorted(i.award.application_id for i in batch.items.all()) == sorted(c.pk for c in cases)
    assert CaseEvent.objects.filter(action="batch_created", data__batch=batch.reference).exists()
    # Nothing left for a second batch of the year.
    with pytest.raises(ServiceError) as refused:
        services.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    assert refused.value.message == E.BATCH_NOTHING_TO_ADD % {"year": THIS_YEAR}
    # And the database itself refuses a second open batch for an award.
    other = PaymentBatch.objects.create(programme="city", year=THIS_YEAR, created_by=finance)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentBatchItem.objects.create(
            batch=other, award=cases[0].award, amount=cases[0].award.amount
        )


@pytest.mark.django_db
def test_a_cancelled_batch_frees_its_awards():
    cases = _scheduled(2)
    finance = finance_user()
    first = services.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    services.batch_cancel(actor=finance, batch_id=first.pk)
    again = services.batch_create(
        actor=finance, programme="city", year=THIS_YEAR, award_ids=[cases[0].award.pk]
    )
    assert [i.award_id for i in again.items.all()] == [cases[0].award.pk]
    assert CaseEvent.objects.filter(action="batch_cancelled").count() == 1


@pytest.mark.django_db
def test_only_the_programmes_finance_builds_and_reads_its_batches(client, luoshan_programme):
    cases = _scheduled(1)
    county_finance = make_user(Role.COUNTY_FINANCE, jurisdiction="411521")
    with pytest.raises(NotAllowed):
        services.batch_create(actor=county_finance, programme="city", year=THIS_YEAR)
    batch = services.batch_create(actor=finance_user(), programme="city", year=THIS_YEAR)
    with pytest.raises(NotAllowed):
        services.batch_export(actor=county_finance, batch_id=batch.pk, file_format="xlsx")
    detail = reverse("awards:batch_detail", args=[batch.pk])
    for role, kwargs in [
        (Role.CITY_REVIEWER, {}),
        (Role.COUNTY_REVIEWER, {"jurisdiction": "411502"}),
        (Role.ADMIN, {}),
        (Role.COUNTY_FINANCE, {"jurisdiction": "411521"}),
    ]:
        sign_in(client, make_user(role, **kwargs))
        assert client.get(detail).status_code == 403, role
        assert (
            client.post(
                reverse("awards:batch_export", args=[batch.pk]), {"format": "csv"}
            ).status_code
            == 403
        ), role
    sign_in(client, make_user(Role.COUNTY_FINANCE, jurisdiction="411521"))
    assert client.get(reverse("awards:batches") + "?programme=city").status_code == 403
    assert client.get(reverse("awards:batches")).status_code == 200  # its own county's
    sign_in(client, cases[0].enterprise.members.first())
    assert client.get(reverse("awards:batches")).status_code == 403
    sign_in(client, finance_user())
    assert client.get(detail).status_code == 200


# --- exports ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_xlsx_form_lists_every_award_with_totals_and_the_capital_amount():
    cases = _scheduled(3)
    finance = finance_user()
    batch = services.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    exported = services.batch_export(actor=finance, batch_id=batch.pk, file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    header_row = exports.XLSX_HEADER_ROW
    assert sheet["A1"].value == "财政直接支付申请书"
    assert [c.value for c in sheet[header_row]][:9] == [
        "序号", "收款人全称", "统一社会信用代码", "开户银行", "银行账号", "金额", "奖励事项",
        "政策依据", "预算年度",
    ]  # fmt: skip
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.column_dimensions["B"].width >= 30
    items = list(batch.items.select_related("award__application__enterprise").order_by("id"))
    data = list(sheet.iter_rows(min_row=header_row + 1, max_row=header_row + len(items)))
    for number, (line, item) in enumerate(zip(data, items, strict=True), 1):
        enterprise = item.award.application.enterprise
        values = [c.value for c in line]
        assert values[0] == number
        assert values[1:5] == [
            enterprise.name,
            enterprise.credit_code,
            enterprise.bank_name,
            enterprise.bank_account,
        ]
        assert Decimal(str(values[5])) == item.award.amount
        assert line[5].number_format == "#,##0.00"
        assert values[7]  # 政策依据: the item's clause
        assert values[8] == THIS_YEAR
        assert values[9] == item.award.application.reference
    total = sum(c.award.amount for c in cases)
    totals = [c.value for c in sheet[header_row + len(items) + 1]]
    assert totals[1] == "合计"
    assert Decimal(str(totals[5])) == total
    assert sheet[header_row + len(items) + 1][5].number_format == "#,##0.00"
    words = [c.value for c in sheet[header_row + len(items) + 2]]
    assert words[1] == "合计金额（大写）"
    assert words[2] == rmb_capital(total)
    batch.refresh_from_db()
    assert batch.state == BatchState.EXPORTED
    event = CaseEvent.objects.get(action="batch_exported")
    assert event.data["format"] == "xlsx"
    assert event.data["rows"] == 3


@pytest.mark.django_db
def test_the_csv_has_a_bom_the_same_rows_and_the_totals():
    cases = _scheduled(2)
    finance = finance_user()
    batch = services.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    exported = services.batch_export(actor=finance, batch_id=batch.pk, file_format="csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["序号", "收款人全称", "统一社会信用代码", "开户银行", "银行账号", "金额"]
    by_reference = {c.reference: c for c in cases}
    for row in rows[1:3]:
        case = by_reference[row[9]]
        assert row[1] == case.enterprise.name
        assert Decimal(row[5]) == case.award.amount
    total = sum(c.award.amount for c in cases)
    assert rows[3][1] == "合计"
    assert Decimal(rows[3][5]) == total
    assert rows[4][2] == rmb_capital(total)


@pytest.mark.django_db
def test_a_formula_typed_by_an_enterprise_comes_out_inert():
    formula = '=HYPERLINK("http://evil.example/","点我")'
    cases = _scheduled(1)
    Enterprise.objects.filter(pk=cases[0].enterprise_id).update(
        name=formula, bank_name="+1-2", bank_account="@SUM(A1)"
    )
    finance = finance_user()
    batch = services.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    xlsx = services.batch_export(actor=finance, batch_id=batch.pk, file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    line = sheet[exports.XLSX_HEADER_ROW + 1]
    assert line[1].value == "'" + formula
    assert line[1].data_type == "s"
    assert line[3].value == "'+1-2"
    assert line[4].value == "'@SUM(A1)"
    text = services.batch_export(actor=finance, batch_id=batch.pk, file_format="csv")
    row = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))[1]
    assert row[1] == "'" + formula
    assert row[3] == "'+1-2"
    assert row[4] == "'@SUM(A1)"


# --- the bank's return ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_return_with_one_failed_row_pays_the_others_and_tells_the_enterprise(
    django_capture_on_commit_callbacks,
):
    cases = _scheduled(3)
    batch = _exported_batch(cases)
    failed = cases[2]
    content = _bank_csv(
        [
            _paid_row(cases[0], voucher="ZF-101"),
            _paid_row(cases[1], voucher="ZF-102"),
            [failed.reference, f"{failed.award.amount:.2f}", "", "", "失败", "账户已销户"],
        ]
    )
    pending = _upload(batch, content)
    preview = services.bank_return_preview(actor=finance_user(), import_id=pending.pk)
    assert [o.ok for o in preview] == [True, True, True]
    # The preview recorded nothing.
    assert Award.objects.filter(paid_at__isnull=False).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        result = services.bank_return_commit(actor=finance_user(), import_id=pending.pk)
    assert (result.paid, result.failed, result.settled) == (2, 1, True)
    assert result.paid_total == cases[0].award.amount + cases[1].award.amount
    for case, voucher in [(cases[0], "ZF-101"), (cases[1], "ZF-102")]:
        case.refresh_from_db()
        award = Award.objects.get(application=case)
        assert case.status == Status.PAID
        assert (award.payment_reference, award.paid_at) == (voucher, TODAY)
    failed.refresh_from_db()
    assert failed.status == Status.SCHEDULED
    item = PaymentBatchItem.objects.get(award__application=failed)
    assert (item.outcome, item.holds_award, item.failure_reason) == (
        ItemOutcome.FAILED,
        False,
        "账户已销户",
    )
    event = CaseEvent.objects.get(action="payment_failed", application=failed)
    assert event.reason == "账户已销户"
    member = failed.enterprise.members.first()
    assert Notification.objects.filter(
        recipient=member, application=failed, params__reason="账户已销户"
    ).exists()
    batch.refresh_from_db()
    assert batch.state == BatchState.SETTLED
    assert CaseEvent.objects.filter(action="bank_return_imported").count() == 1
    # The failed award may go into a new batch.
    again = services.batch_create(actor=finance_user(), programme="city", year=THIS_YEAR)
    assert [i.award_id for i in again.items.all()] == [failed.award.pk]


@pytest.mark.django_db
def test_the_import_commits_nothing_when_one_row_is_bad():
    cases = _scheduled(3)
    batch = _exported_batch(cases)
    content = _bank_csv(
        [
            _paid_row(cases[0]),
            _paid_row(cases[1], amount=cases[1].award.amount + Decimal("0.01")),
            _paid_row(cases[2]),
        ]
    )
    pending = _upload(batch, content)
    preview = services.bank_return_preview(actor=finance_user(), import_id=pending.pk)
    assert [o.ok for o in preview] == [True, False, True]
    assert preview[1].errors == [
        str(
            E.ROW_AMOUNT_MISMATCH
            % {
                "amount": f"{cases[1].award.amount + Decimal('0.01'):,.2f}",
                "expected": f"{cases[1].award.amount:,.2f}",
            }
        )
    ]
    events_before = CaseEvent.objects.count()
    with pytest.raises(services.ImportRefused) as refused:
        services.bank_return_commit(actor=finance_user(), import_id=pending.pk)
    assert [o.ok for o in refused.value.outcomes] == [True, False, True]
    assert not Award.objects.filter(paid_at__isnull=False).exists()
    assert not PaymentBatchItem.objects.exclude(outcome=ItemOutcome.PENDING).exists()
    assert CaseEvent.objects.count() == events_before
    assert not Notification.objects.filter(params__status=Status.PAID).exists()


@pytest.mark.django_db
def test_each_kind_of_bad_row_is_named():
    cases = _scheduled(3)
    later = _scheduled(1, year=THIS_YEAR + 1)[0]
    batch = _exported_batch(cases)
    outsider = _scheduled(1)[0]  # scheduled after the batch was built: not in it
    # The award of next year in a batch of its own: paying it this year is ahead of its year.
    ahead = services.batch_create(actor=finance_user(), programme="city", year=THIS_YEAR + 1)
    services.batch_export(actor=finance_user(), batch_id=ahead.pk, file_format="csv")
    outsider_batch_rows = [_paid_row(outsider)]
    content = _bank_csv(
        [
            _paid_row(cases[0], on=TODAY + datetime.timedelta(days=1)),
            _paid_row(cases[1], on=TODAY - datetime.timedelta(days=1)),
            _paid_row(cases[2]),
            _paid_row(cases[2]),
            *outsider_batch_rows,
            [cases[0].reference, "abc", "ZF", TODAY.isoformat(), "成功", ""],
            [cases[1].reference, f"{cases[1].award.amount:.2f}", "", "", "待定", ""],
            [cases[1].reference, f"{cases[1].award.amount:.2f}", "", "", "失败", ""],
        ]
    )
    outcomes = services.bank_return_preview(
        actor=finance_user(), import_id=_upload(batch, content).pk
    )
    errors = [o.errors for o in outcomes]
    assert str(PAYMENT_DATE_IN_FUTURE) in errors[0]
    assert str(PAYMENT_BEFORE_APPROVAL) in errors[1]
    assert errors[2] == []
    assert errors[3] == [str(E.ROW_DUPLICATE % {"line": 4})]
    assert errors[4] == [str(E.ROW_NOT_IN_BATCH)]
    assert errors[5] == [str(E.ROW_DUPLICATE % {"line": 2})]
    assert str(E.ROW_DUPLICATE % {"line": 3}) in errors[6]
    assert str(E.ROW_STATUS_UNKNOWN % {"status": "待定"}) in errors[6]
    # The pay year: a row of next year's award paid today.
    ahead_outcomes = services.bank_return_preview(
        actor=finance_user(), import_id=_upload(ahead, _bank_csv([_paid_row(later)])).pk
    )
    assert str(PAYMENT_BEFORE_PAY_YEAR % {"year": THIS_YEAR + 1}) in ahead_outcomes[0].errors


@pytest.mark.django_db
def test_a_failed_row_needs_the_banks_reason_and_an_amount_that_reads():
    cases = _scheduled(2)
    batch = _exported_batch(cases)
    content = _bank_csv(
        [
            [cases[0].reference, f"{cases[0].award.amount:.2f}", "", "", "失败", ""],
            [cases[1].reference, "1.2.3", "ZF", TODAY.isoformat(), "成功", ""],
        ]
    )
    outcomes = services.bank_return_preview(
        actor=finance_user(), import_id=_upload(batch, content).pk
    )
    assert outcomes[0].errors == [str(E.ROW_REASON_REQUIRED)]
    assert outcomes[1].errors[0].startswith(str(E.ROW_AMOUNT_INVALID % {"error": ""}))


@pytest.mark.django_db
def test_rows_are_checked_again_at_commit():
    cases = _scheduled(2)
    batch = _exported_batch(cases)
    pending = _upload(batch, _bank_csv([_paid_row(cases[0]), _paid_row(cases[1])]))
    assert all(
        o.ok for o in services.bank_return_preview(actor=finance_user(), import_id=pending.pk)
    )
    # Meanwhile a budget change made the plan stale: the `pay` transition now refuses.
    PayoutPlanState.objects.update_or_create(programme="city", defaults={"stale": True})
    with pytest.raises(services.ImportRefused):
        services.bank_return_commit(actor=finance_user(), import_id=pending.pk)
    assert not Award.objects.filter(paid_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_return_can_name_the_account_instead_of_the_case():
    cases = _scheduled(1)
    batch = _exported_batch(cases)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["收款账号", "交易金额", "交易流水号", "交易日期", "交易状态"])
    writer.writerow(
        [
            cases[0].enterprise.bank_account,
            f"{cases[0].award.amount:,.2f}",
            "LS-9",
            TODAY.strftime("%Y%m%d"),
            "支付成功",
        ]
    )
    # Banks' own systems write GBK.
    pending = _upload(batch, buffer.getvalue().encode("gb18030"))
    result = services.bank_return_commit(actor=finance_user(), import_id=pending.pk)
    assert result.paid == 1
    assert Award.objects.get(application=cases[0]).payment_reference == "LS-9"


@pytest.mark.django_db
def test_an_xlsx_return_with_dates_and_numbers_as_cells():
    cases = _scheduled(1)
    batch = _exported_batch(cases)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["申报编号", "金额", "支付凭证号", "支付日期", "状态"])
    sheet.append([cases[0].reference, float(cases[0].award.amount), "X-1", TODAY, "成功"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    pending = _upload(batch, buffer.getvalue())
    assert services.bank_return_commit(actor=finance_user(), import_id=pending.pk).paid == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", E.FILE_EMPTY),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, E.FILE_OLD_EXCEL),
        (b"PK\x03\x04garbage that is no zip", E.FILE_NOT_READABLE),
        (b"\x00\x01\x02\xff\xfe", E.FILE_NOT_READABLE),
        ("名称,备注\n甲,乙\n".encode(), E.FILE_MISSING_COLUMNS % {"columns": "金额、状态"}),
        ("金额,状态\n1.00,成功\n".encode(), E.FILE_NO_KEY_COLUMN),
        ("申报编号,金额,状态\n".encode(), E.FILE_NO_ROWS),
    ],
)
def test_a_file_we_cannot_use_is_refused_with_a_reason(content, message):
    batch = _exported_batch(_scheduled(1))
    with pytest.raises(ServiceError) as refused:
        _upload(batch, content)
    assert str(refused.value.message) == str(message)


@pytest.mark.django_db
def test_the_return_needs_an_exported_batch():
    cases = _scheduled(1)
    batch = services.batch_create(actor=finance_user(), programme="city", year=THIS_YEAR)
    with pytest.raises(ServiceError) as refused:
        _upload(batch, _bank_csv([_paid_row(cases[0])]))
    assert refused.value.message == E.BATCH_NOT_EXPORTED


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pages_build_export_preview_and_confirm(client):
    cases = _scheduled(2)
    sign_in(client, finance_user())
    finance_page = client.get(reverse("awards:finance"))
    assert reverse("awards:batches") in finance_page.content.decode()
    listing = client.get(reverse("awards:batches"))
    assert cases[0].reference in listing.content.decode()
    created = client.post(
        reverse("awards:batches"),
        {"programme": "city", "year": THIS_YEAR, "awards": [c.award.pk for c in cases]},
    )
    batch = PaymentBatch.objects.get()
    assert created.status_code == 302
    download = client.post(reverse("awards:batch_export", args=[batch.pk]), {"format": "xlsx"})
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(download.content)).active["A1"].value
    upload_url = reverse("awards:bank_return_upload", args=[batch.pk])
    garbage = io.BytesIO(b"\x00\x01garbage")
    garbage.name = "x.csv"
    refused = client.post(upload_url, {"file": garbage})
    assert refused.status_code == 400
    assert str(E.FILE_NOT_READABLE) in refused.content.decode()
    bad = io.BytesIO(_bank_csv([_paid_row(cases[0]), _paid_row(cases[1], amount=Decimal("1"))]))
    bad.name = "bad.csv"
    client.post(upload_url, {"file": bad})
    page = client.get(reverse("awards:batch_detail", args=[batch.pk])).content.decode()
    assert 'id="preview-bad"' in page
    assert 'id="bank-return-confirm"' not in page
    good = io.BytesIO(
        _bank_csv(
            [
                _paid_row(cases[0]),
                [cases[1].reference, f"{cases[1].award.amount:.2f}", "", "", "失败", "户名不符"],
            ]
        )
    )
    good.name = "good.csv"
    client.post(upload_url, {"file": good})
    pending = batch.imports.get(state="preview")
    confirmed = client.post(reverse("awards:bank_return_confirm", args=[pending.pk]), follow=True)
    text = confirmed.content.decode()
    assert confirmed.status_code == 200
    assert 'data-state="settled"' in text
    assert "户名不符" in text
    assert Award.objects.filter(paid_at__isnull=False).count() == 1


# --- a paid award is final --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_a_paid_awards_amount_or_year():
    paid = case_in(Status.PAID, pay_year=THIS_YEAR)
    award = Award.objects.get(application=paid)
    for change in ({"amount": award.amount + 1}, {"pay_year": THIS_YEAR + 1}, {"paid_at": None}):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            Award.objects.filter(pk=award.pk).update(**change)
    award.refresh_from_db()
    assert award.pay_year == THIS_YEAR
    assert award.paid_at is not None
    # An unpaid award still moves freely.
    scheduled = _scheduled(1)[0]
    Award.objects.filter(application=scheduled).update(pay_year=THIS_YEAR + 1)
    # Other fields of a paid award (a note of repricing) are not history.
    Award.objects.filter(pk=award.pk).update(reprice_note="x")
