"""The command-line contract of REWARDS.md §4: JSON out, exit 0 for answers, 2 for invalid input."""

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

SIMULATION = {
    "budgets": {"2025": "1000000.00", "2026": "500000.00"},
    "awards": [
        {
            "id": "A-1",
            "item": "contest_national",
            "amount": "300000.00",
            "approved_at": "2025-03-01T10:00:00+08:00",
            "quota_exempt": False,
        }
    ],
    "strategy": "fill",
}


def manage(*args: str, stdin: str | None = None, tmp_path=None) -> tuple[int, dict]:
    """Run manage.py as a fresh checkout would: embedded SQLite database, no data loaded."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, json.loads(result.stdout)


def test_quote_prints_the_documented_example(tmp_path):
    facts = {
        "transaction_amount": "3000000.00",
        "event_date": "2025-06-01",
        "applicant_type": "data_trading_operator",
        "jurisdiction": "411502",
    }
    code, answer = manage(
        "quote", "first_transaction", "--facts", json.dumps(facts), tmp_path=tmp_path
    )
    assert code == 0
    assert answer["item"] == "first_transaction"
    assert answer["eligible"] is True
    assert answer["amount"] == "120000.00"
    assert answer["reasons"] == []
    assert answer["rules_version"]
    assert all({"clause", "step", "value"} <= set(step) for step in answer["trace"])
    assert any(step["clause"] == "四、促进数据合规流通交易（四）" for step in answer["trace"])


def test_quote_of_an_ineligible_case_exits_0_with_reasons(tmp_path):
    facts = {
        "entry_amount": "500000.00",
        "event_date": "2025-06-01",
        "applicant_type": "data_enterprise",
        "jurisdiction": "411502",
    }
    code, answer = manage(
        "quote", "first_balance_sheet", "--facts", json.dumps(facts), tmp_path=tmp_path
    )
    assert code == 0
    assert answer["eligible"] is False
    assert answer["amount"] == "0.00"
    assert answer["reasons"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["quote", "no_such_item", "--facts", "{}"], "item"),
        (["quote", "first_transaction", "--facts", "not json"], "facts"),
        (["quote", "first_transaction", "--facts", "[1, 2]"], "facts"),
        (
            [
                "quote",
                "first_transaction",
                "--facts",
                json.dumps(
                    {
                        "transaction_amount": "12.345",
                        "event_date": "2025-06-01",
                        "applicant_type": "data_trading_operator",
                        "jurisdiction": "411502",
                    }
                ),
            ],
            "transaction_amount",
        ),
        (
            [
                "quote",
                "honor_national",
                "--facts",
                json.dumps(
                    {
                        "event_date": "2999-01-01",
                        "applicant_type": "data_enterprise",
                        "jurisdiction": "411502",
                    }
                ),
            ],
            "event_date",
        ),
        (["quote"], "arguments"),
        (["quote", "first_transaction", "--facts", "[" * 5000 + "]" * 5000], "facts"),
        (["quote", "first_transaction", "--facts", '{"a": ' + "9" * 5000 + "}"], "facts"),
        (["simulate_payouts", "/no/such/file.json"], "file"),
    ],
)
def test_invalid_input_exits_2_with_json_field_errors(tmp_path, args, field):
    code, answer = manage(*args, tmp_path=tmp_path)
    assert code == 2
    assert field in answer["errors"]
    assert all(isinstance(message, str) and message for message in answer["errors"][field])


def test_simulate_payouts_from_stdin_prints_the_plan(tmp_path):
    code, plan = manage("simulate_payouts", "-", stdin=json.dumps(SIMULATION), tmp_path=tmp_path)
    assert code == 0
    assert plan["awards"] == {"A-1": 2025}
    assert plan["years"]["2025"] == {
        "budget": "1000000.00",
        "paid": "300000.00",
        "remaining": "700000.00",
        "counts": {"contest_national": 1},
    }
    assert plan["years"]["2026"]["paid"] == "0.00"


def test_simulate_payouts_from_a_file_maps_an_unpayable_award_to_null(tmp_path):
    data = {**SIMULATION, "budgets": {"2025": "100000.00"}}
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data))
    code, plan = manage("simulate_payouts", str(path), tmp_path=tmp_path)
    assert code == 0
    assert plan["awards"] == {"A-1": None}


def test_simulate_payouts_rejects_bad_money_with_the_field_path(tmp_path):
    data = {**SIMULATION, "budgets": {"2025": "-5"}}
    code, answer = manage("simulate_payouts", "-", stdin=json.dumps(data), tmp_path=tmp_path)
    assert code == 2
    assert any("2025" in field for field in answer["errors"])
