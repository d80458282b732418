"""Finance over the API: programmes and budgets, planning runs, payment batches and the bank's
return, reports and their exports; each with its success, each role's refusal, foreign objects
(404), bad input (400 in the one error body) and conflicts (409)."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from applicants.api_tokens.models import TokenScope
from applicants.api_tokens.services import api_token_create
from applicants.models import CaseEvent, Status
from applicants.roles import Role
from awards.models import Budget, PayoutPlanState
from awards.payments.models import BankReturnImport, BatchState, PaymentBatch
from awards.payouts.models import PayoutRun, RunState
from awards.reports.models import ExportState, PayoutExport
from awards.reports.services import payout_export_run
from tests.api_helpers import api_error_body, api_errors, api_message
from tests.awards.helpers import case_in, finance_user
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _json(client, method, url, body=None, **kwargs):
    return getattr(client, method)(url, body or {}, content_type="application/json", **kwargs)


@pytest.fixture
def finance():
    return _client(finance_user())


@pytest.fixture
def county_finance(luoshan_programme):
    return _client(make_user(Role.COUNTY_FINANCE, jurisdiction="411521"))


def _scheduled(n: int = 2) -> list:
    cases = [case_in(Status.SCHEDULED, pay_year=THIS_YEAR) for _ in range(n)]
    PayoutPlanState.objects.update(stale=False)
    return cases


# --- programmes and budgets -------------------------------------------------------------------


def test_the_finance_desk_lists_its_programmes_with_their_years(finance, luoshan_programme):
    Budget.objects.create(programme="city", year=THIS_YEAR, amount=Decimal("800000.00"))
    body = finance.get("/api/v1/programmes/").json()
    by_code = {p["code"]: p for p in body}
    assert by_code["city"]["can_write"] is True
    assert by_code["411521"]["can_write"] is False  # the county's money is the county's
    year = next(y for y in by_code["city"]["years"] if y["year"] == THIS_YEAR)
    assert year["budget"] == "800000.00"
    assert year["remaining"] == "800000.00"


def test_county_finance_sees_its_own_programme_only(county_finance):
    body = county_finance.get("/api/v1/programmes/").json()
    assert [p["code"] for p in body] == ["411521"]
    assert county_finance.get("/api/v1/programmes/city/").status_code == 404


@pytest.mark.parametrize(
    ("role", "kwargs"),
    [
        (Role.ENTERPRISE, {}),
        (Role.CITY_REVIEWER, {}),
        (Role.COUNTY_REVIEWER, {"jurisdiction": "411502"}),
    ],
)
def test_who_has_no_finance_desk_is_refused(role, kwargs):
    client = _client(make_user(role, **kwargs))
    for url in ("/api/v1/programmes/", "/api/v1/programmes/city/batches/"):
        response = client.get(url)
        assert response.status_code == 403
        api_error_body(response)
    response = _json(
        client, "put", f"/api/v1/programmes/city/budgets/{THIS_YEAR}/", {"amount": "1"}
    )
    assert response.status_code == 403
    assert not Budget.objects.exists()


def test_anonymous_callers_are_asked_to_sign_in():
    response = Client().get("/api/v1/programmes/")
    assert response.status_code == 401
    assert api_error_body(response)["code"] == "not_authenticated"


def test_finance_sets_a_budget_and_it_is_audited(finance):
    url = f"/api/v1/programmes/city/budgets/{THIS_YEAR}/"
    response = _json(finance, "put", url, {"amount": "1200000.005"})
    assert response.status_code == 400  # 2 places, never rounded silently
    assert "amount" in api_errors(response)
    response = _json(finance, "put", url, {"amount": "1200000.00"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "year": THIS_YEAR,
        "budget": "1200000.00",
        "scheduled": "0.00",
        "paid": "0.00",
        "remaining": "1200000.00",
        "count": 0,
    }
    # Setting it again is the same answer, and one more audit entry of the change.
    assert _json(finance, "put", url, {"amount": "1200000.00"}).status_code == 200
    assert Budget.objects.get(programme="city", year=THIS_YEAR).amount == Decimal("1200000.00")
    assert CaseEvent.objects.filter(action="budget_set").count() == 2
    # The plan rests on the budget: it is run again before anything is paid from it.
    assert PayoutPlanState.objects.get(programme="city").stale


@pytest.mark.parametrize(
    ("body", "field"),
    [({"amount": "-1"}, "amount"), ({"amount": "abc"}, "amount"), ({}, "amount")],
)
def test_a_bad_budget_is_a_400_on_its_field(finance, body, field):
    response = _json(finance, "put", f"/api/v1/programmes/city/budgets/{THIS_YEAR}/", body)
    assert response.status_code == 400
    assert field in api_errors(response)
    assert not Budget.objects.exists()


def test_a_budget_below_what_is_paid_is_refused(finance):
    paid = case_in(Status.PAID, pay_year=THIS_YEAR)
    response = _json(
        finance, "put", f"/api/v1/programmes/city/budgets/{THIS_YEAR}/", {"amount": "1.00"}
    )
    assert response.status_code == 400
    assert f"{paid.award.amount:,.2f}" in api_errors(response)["amount"][0]


def test_budgets_of_other_programmes_and_years_are_out_of_reach(finance, county_finance):
    # City finance reads the county's programme but may not set its budget.
    response = _json(
        finance, "put", f"/api/v1/programmes/411521/budgets/{THIS_YEAR}/", {"amount": "1"}
    )
    assert response.status_code == 403
    # A county's finance does not even see the city's.
    response = _json(
        county_finance, "put", f"/api/v1/programmes/city/budgets/{THIS_YEAR}/", {"amount": "1"}
    )
    assert response.status_code == 404
    assert (
        _json(finance, "put", "/api/v1/programmes/city/budgets/1999/", {"amount": "1"}).status_code
        == 404
    )
    assert (
        _json(
            finance, "put", "/api/v1/programmes/nowhere/budgets/2026/", {"amount": "1"}
        ).status_code
        == 404
    )
    assert not Budget.objects.exists()


# --- planning runs ----------------------------------------------------------------------------


def test_finance_asks_for_a_plan_and_follows_the_run(finance):
    response = _json(finance, "post", "/api/v1/programmes/city/payout-runs/")
    assert response.status_code == 202, response.content
    run = response.json()
    assert run["state"] == RunState.QUEUED
    assert response["Location"].endswith(f"/api/v1/payout-runs/{run['id']}/")
    # One run at a time per programme.
    again = _json(finance, "post", "/api/v1/programmes/city/payout-runs/")
    assert again.status_code == 409
    assert api_error_body(again)["code"] == "conflict"
    assert PayoutRun.objects.count() == 1
    detail = finance.get(f"/api/v1/payout-runs/{run['id']}/").json()
    assert detail["state_label"] == "排队等待"
    assert detail["result"] == {}
    listed = finance.get("/api/v1/programmes/city/payout-runs/").json()
    assert [r["id"] for r in listed["results"]] == [run["id"]]


def test_a_run_of_another_programme_is_not_found(finance, county_finance):
    run_id = _json(finance, "post", "/api/v1/programmes/city/payout-runs/").json()["id"]
    assert county_finance.get(f"/api/v1/payout-runs/{run_id}/").status_code == 404
    # City finance reads the county's runs but does not start them.
    assert _json(finance, "post", "/api/v1/programmes/411521/payout-runs/").status_code == 403


# --- batches and the bank's return ------------------------------------------------------------


def _bank_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["申报编号", "金额", "支付凭证号", "支付日期", "状态", "失败原因"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def test_a_batch_from_candidates_to_the_banks_return(finance):
    cases = _scheduled(2)
    candidates = finance.get(f"/api/v1/programmes/city/batch-candidates/?year={THIS_YEAR}").json()
    assert sorted(c["reference"] for c in candidates["results"]) == sorted(
        c.reference for c in cases
    )
    response = _json(finance, "post", "/api/v1/programmes/city/batches/", {"year": THIS_YEAR})
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["state"] == BatchState.DRAFT
    assert batch["item_count"] == 2
    assert Decimal(batch["total"]) == sum(c.award.amount for c in cases)
    assert response["Location"].endswith(f"/api/v1/batches/{batch['id']}/")
    # Nothing is left for another batch of the year.
    again = _json(finance, "post", "/api/v1/programmes/city/batches/", {"year": THIS_YEAR})
    assert again.status_code == 400
    assert "year" in api_errors(again)

    exported = _json(finance, "post", f"/api/v1/batches/{batch['id']}/export/", {"format": "csv"})
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    text = exported.content.decode("utf-8-sig")
    assert all(c.reference in text for c in cases)
    assert finance.get(f"/api/v1/batches/{batch['id']}/").json()["state"] == BatchState.EXPORTED

    today = timezone.localdate().isoformat()
    rows = [
        [cases[0].reference, f"{cases[0].award.amount:.2f}", "ZF-1", today, "成功", ""],
        [cases[1].reference, f"{cases[1].award.amount:.2f}", "", "", "失败", "账户已销户"],
    ]
    file = io.BytesIO(_bank_csv(rows))
    file.name = "回单.csv"
    upload = finance.post(f"/api/v1/batches/{batch['id']}/bank-returns/", {"file": file})
    assert upload.status_code == 201, upload.content
    preview = upload.json()
    assert preview["bad_rows"] == 0
    assert [r["ok"] for r in preview["rows"]] == [True, True]
    assert finance.get(f"/api/v1/batches/{batch['id']}/").json()["pending_return"] == preview["id"]

    confirmed = _json(finance, "post", f"/api/v1/bank-returns/{preview['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json() == {
        "paid": 1,
        "failed": 1,
        "paid_total": f"{cases[0].award.amount:.2f}",
        "settled": True,
    }
    cases[0].refresh_from_db()
    assert cases[0].status == Status.PAID
    # Confirmed once only: nothing is paid twice.
    twice = _json(finance, "post", f"/api/v1/bank-returns/{preview['id']}/confirm/")
    assert twice.status_code == 409
    assert (
        _json(finance, "post", f"/api/v1/bank-returns/{preview['id']}/discard/").status_code == 409
    )
    assert _json(finance, "post", f"/api/v1/batches/{batch['id']}/cancel/").status_code == 409


def test_a_return_with_a_wrong_amount_records_nothing(finance):
    cases = _scheduled(1)
    batch = _json(finance, "post", "/api/v1/programmes/city/batches/", {"year": THIS_YEAR}).json()
    _json(finance, "post", f"/api/v1/batches/{batch['id']}/export/", {"format": "xlsx"})
    today = timezone.localdate().isoformat()
    file = io.BytesIO(_bank_csv([[cases[0].reference, "1.00", "ZF-1", today, "成功", ""]]))
    file.name = "回单.csv"
    pending = finance.post(f"/api/v1/batches/{batch['id']}/bank-returns/", {"file": file}).json()
    assert pending["bad_rows"] == 1
    assert pending["rows"][0]["errors"]
    refused = _json(finance, "post", f"/api/v1/bank-returns/{pending['id']}/confirm/")
    assert refused.status_code == 400
    assert api_error_body(refused)["codes"]["non_field_errors"] == ["import_refused"]
    cases[0].refresh_from_db()
    assert cases[0].status == Status.SCHEDULED
    discarded = _json(finance, "post", f"/api/v1/bank-returns/{pending['id']}/discard/")
    assert discarded.json()["state"] == "discarded"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": "next"}, "year"),
        ({"year": 1999}, "year"),
        ({"year": THIS_YEAR, "awards": []}, "awards"),
        ({"year": THIS_YEAR, "awards": ["x"]}, "awards.0"),
    ],
)
def test_a_bad_batch_is_a_400_and_builds_nothing(finance, body, field):
    _scheduled(1)
    response = _json(finance, "post", "/api/v1/programmes/city/batches/", body)
    assert response.status_code == 400
    assert field in api_errors(response)
    assert not PaymentBatch.objects.exists()


def test_an_award_already_batched_is_a_conflict(finance):
    cases = _scheduled(1)
    _json(finance, "post", "/api/v1/programmes/city/batches/", {"year": THIS_YEAR})
    response = _json(
        finance,
        "post",
        "/api/v1/programmes/city/batches/",
        {"year": THIS_YEAR, "awards": [cases[0].award.pk]},
    )
    assert response.status_code == 409
    assert PaymentBatch.objects.count() == 1


def test_bad_export_and_missing_year_are_field_errors(finance):
    _scheduled(1)
    batch = _json(finance, "post", "/api/v1/programmes/city/batches/", {"year": THIS_YEAR}).json()
    response = _json(finance, "post", f"/api/v1/batches/{batch['id']}/export/", {"format": "pdf"})
    assert response.status_code == 400
    assert "format" in api_errors(response)
    response = finance.get("/api/v1/programmes/city/batch-candidates/")
    assert response.status_code == 400
    assert "year" in api_errors(response)
    # A draft has nothing for the bank to answer yet.
    file = io.BytesIO(_bank_csv([]))
    file.name = "回单.csv"
    response = finance.post(f"/api/v1/batches/{batch['id']}/bank-returns/", {"file": file})
    assert response.status_code == 409
    assert not BankReturnImport.objects.exists()


def test_another_programmes_batches_are_not_found(finance, county_finance):
    _scheduled(1)
    batch = _json(finance, "post", "/api/v1/programmes/city/batches/", {"year": THIS_YEAR}).json()
    for method, url in [
        ("get", f"/api/v1/batches/{batch['id']}/"),
        ("post", f"/api/v1/batches/{batch['id']}/export/"),
        ("post", f"/api/v1/batches/{batch['id']}/cancel/"),
        ("post", f"/api/v1/batches/{batch['id']}/bank-returns/"),
    ]:
        response = _json(county_finance, method, url, {"format": "csv"})
        assert response.status_code == 404, url
        assert api_message(response)
    assert county_finance.get("/api/v1/programmes/city/batches/").status_code == 404
    assert PaymentBatch.objects.get().state == BatchState.DRAFT
    # An administrator reads the desk but builds no batch.
    admin = _client(make_user(Role.ADMIN))
    response = _json(admin, "post", "/api/v1/programmes/city/batches/", {"year": THIS_YEAR})
    assert response.status_code == 403
    assert admin.get(f"/api/v1/batches/{batch['id']}/").status_code == 404


def test_a_read_only_token_reads_the_desk_but_changes_nothing():
    user = finance_user()
    sign_in(Client(), user)  # enrols the second factor an official's token needs
    secret = api_token_create(user=user, name="报表", scope=TokenScope.READ, valid_days=30).secret
    headers = {"authorization": f"Bearer {secret}"}
    assert Client().get("/api/v1/programmes/", headers=headers).status_code == 200
    response = _json(
        Client(),
        "put",
        f"/api/v1/programmes/city/budgets/{THIS_YEAR}/",
        {"amount": "1"},
        headers=headers,
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"


# --- reports and their exports ----------------------------------------------------------------


def test_the_payout_report_groups_and_totals(finance):
    cases = _scheduled(2)
    body = finance.get(f"/api/v1/reports/payouts/?year={THIS_YEAR}&group=item").json()
    assert body["group"] == "item"
    assert body["count"] == len(body["results"]) >= 1
    assert body["totals"]["planned_count"] == 2
    assert Decimal(body["totals"]["amount"]) == sum(c.award.amount for c in cases)
    assert all(not g["label"].isascii() for g in body["results"])  # a title, not a code
    response = finance.get("/api/v1/reports/payouts/?year=19&status=nope")
    assert response.status_code == 400
    assert set(api_errors(response)) == {"year", "status"}


def test_a_report_export_is_a_job_its_requester_downloads(finance):
    _scheduled(2)
    response = _json(
        finance,
        "post",
        "/api/v1/report-exports/",
        {"format": "csv", "filters": {"year": str(THIS_YEAR)}},
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["state"] == ExportState.QUEUED
    assert job["file_url"] is None
    assert finance.get(f"/api/v1/report-exports/{job['id']}/file/").status_code == 404
    payout_export_run(export_id=job["id"])  # what the worker does
    done = finance.get(f"/api/v1/report-exports/{job['id']}/").json()
    assert done["state"] == ExportState.DONE
    assert done["rows"] == 2
    download = finance.get(done["file_url"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    # Another official's export is not theirs to read.
    other = _client(make_user(Role.CITY_REVIEWER))
    assert other.get(f"/api/v1/report-exports/{job['id']}/").status_code == 404
    assert other.get(done["file_url"]).status_code == 404
    assert [e["id"] for e in finance.get("/api/v1/report-exports/").json()["results"]] == [
        job["id"]
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"format": "csv", "filters": {"year": "x"}}, "year"),
        ({"format": "csv", "filters": {"colour": "red"}}, "filters"),
    ],
)
def test_a_bad_export_request_is_a_400(finance, body, field):
    response = _json(finance, "post", "/api/v1/report-exports/", body)
    assert response.status_code == 400
    assert field in api_errors(response)
    assert not PayoutExport.objects.exists()


def test_enterprises_have_no_reports():
    client = _client(make_user(Role.ENTERPRISE))
    assert client.get("/api/v1/reports/payouts/").status_code == 403
    assert _json(client, "post", "/api/v1/report-exports/", {"format": "csv"}).status_code == 403
