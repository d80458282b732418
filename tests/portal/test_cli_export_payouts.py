"""`export_payouts`: the reports page's file from the command line; JSON out, exit 0 or 2."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from applicants.models import CaseEvent, Status
from awards.reports import errors as E
from awards.reports import exports, services
from portal.management.json_command import INVALID_INPUT_EXIT
from tests.awards.test_reports import (
    AMOUNT,
    NEXT_YEAR,
    THIS_YEAR,
    award_case,
    csv_rows,
    db_sum,
    every,
    mixed_cases,
    xlsx_rows,
)
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("export_payouts", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def test_writes_the_xlsx_and_prints_what_it_wrote(tmp_path):
    cases = mixed_cases()
    out = tmp_path / "报表.xlsx"
    code, answer = run("--format", "xlsx", "--out", str(out))
    assert code == 0
    assert set(answer) == {"out", "format", "rows", "totals"}
    assert (answer["out"], answer["format"], answer["rows"]) == (str(out), "xlsx", 6)
    totals = answer["totals"]
    assert totals["count"] == 6
    assert Decimal(totals["amount"]) == db_sum(every(cases))
    assert Decimal(totals["planned"]["amount"]) == db_sum(cases["planned"])
    assert Decimal(totals["paid"]["amount"]) == db_sum(cases["paid"])
    assert totals["queued"] == {"count": 1, "amount": "5000.00"}
    _sheet, rows = xlsx_rows(out.read_bytes())
    assert rows[0] == list(exports.HEADERS)
    total = next(r for r in rows if r[0] == exports.TOTAL_LABEL)
    assert Decimal(str(total[AMOUNT])) == db_sum(every(cases))


def test_the_system_export_is_an_audit_entry(tmp_path):
    mixed_cases()
    out = str(tmp_path / "a.csv")
    code, _answer = run("--format", "csv", "--out", out, "--year", str(THIS_YEAR))
    assert code == 0
    event = CaseEvent.objects.get(action=services.AUDIT_ACTION)
    assert event.actor is None
    assert event.actor_role == "system"
    assert event.data == {
        "format": "csv",
        "filters": {"year": THIS_YEAR, "group": "year"},
        "rows": 4,
    }


def test_year_and_programme_narrow_the_file(tmp_path, luoshan_programme):
    cases = mixed_cases()
    match = award_case(Status.SCHEDULED, amount="777.00", programme=luoshan_programme)
    out = tmp_path / "next.csv"
    code, answer = run("--format", "csv", "--out", str(out), "--year", str(NEXT_YEAR))
    assert (code, answer["rows"]) == (0, 1)
    assert answer["totals"]["amount"] == "50000.50"
    code, answer = run("--format", "csv", "--out", str(out), "--programme", luoshan_programme)
    assert (code, answer["rows"]) == (0, 1)
    rows = csv_rows(out.read_bytes())
    assert rows[1][0] == match.reference
    code, answer = run("--format", "csv", "--out", str(out), "--programme", "city")
    assert (code, answer["rows"]) == (0, len(every(cases)))


def test_the_cli_writes_the_same_file_as_the_page(tmp_path, client, finance_user):
    mixed_cases()
    out = tmp_path / "cli.csv"
    assert run("--format", "csv", "--out", str(out))[0] == 0
    sign_in(client, finance_user)
    page = client.post(reverse("awards:report_export"), {"format": "csv"})
    assert page.content == out.read_bytes()


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        (["--format", "pdf"], "format", E.UNKNOWN_EXPORT_FORMAT),
        (["--format", "csv", "--year", "abc"], "year", E.BAD_YEAR),
        (["--format", "csv", "--year", "1999"], "year", E.BAD_YEAR),
        (
            ["--format", "csv", "--programme", "411599"],
            "programme",
            E.UNKNOWN_PROGRAMME % {"value": "411599"},
        ),
    ],
)
def test_bad_input_prints_the_field_and_its_message_and_exits_2(tmp_path, args, field, message):
    out = tmp_path / "x.csv"
    code, answer = run(*args, "--out", str(out))
    assert code == INVALID_INPUT_EXIT
    assert answer == {"errors": {field: [str(message)]}}
    assert not out.exists()
    assert not CaseEvent.objects.filter(action=services.AUDIT_ACTION).exists()


def test_an_unwritable_path_exits_2(tmp_path):
    out = tmp_path / "missing-dir" / "x.xlsx"
    code, answer = run("--format", "xlsx", "--out", str(out))
    assert code == INVALID_INPUT_EXIT
    assert list(answer["errors"]) == ["out"]
    assert str(out) in answer["errors"]["out"][0]


def test_missing_arguments_exit_2_with_json(capsys):
    # argparse's errors go to the process's stdout (the house's JSON error parser).
    with pytest.raises(SystemExit) as exit_:
        call_command("export_payouts", "--format", "xlsx")
    assert exit_.value.code == INVALID_INPUT_EXIT
    answer = json.loads(capsys.readouterr().out)
    assert "--out" in answer["errors"]["arguments"][0]
