"""The command-line contract with county programmes (县区同步奖励): `quote` gains a "matching"
list and a "programme" fact, `simulate_payouts` a "programme" key; every old key is unchanged."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from applicants import policy
from portal.management.json_command import INVALID_INPUT_EXIT
from rules import quote
from tests.rules.test_programmes import EXAMPLE

WITH_EXAMPLE = override_settings(COUNTY_PROGRAMME_FILES=[str(EXAMPLE)])
SHIHE = {"event_date": "2025-06-01", "applicant_type": "data_enterprise", "jurisdiction": "411502"}
LUOSHAN = {**SHIHE, "jurisdiction": "411521"}
OLD_CALLS = [
    # The README's example (REWARDS.md §4), an ineligible case, English, a Luoshan item unmatched.
    (
        "first_transaction",
        {
            "transaction_amount": "3000000.00",
            "event_date": "2025-06-01",
            "applicant_type": "data_trading_operator",
            "jurisdiction": "411502",
        },
        "zh",
    ),
    ("first_balance_sheet", {**SHIHE, "entry_amount": "500000.00"}, "zh"),
    ("contest_national", {**SHIHE, "prize_level": "first"}, "en"),
    (
        "first_transaction",
        {**LUOSHAN, "applicant_type": "data_trading_operator", "transaction_amount": "1000.00"},
        "zh",
    ),
]


def run(command: str, *args: str) -> tuple[int, str]:
    """Run a JSON command in-process: (exit code, stdout)."""
    out = StringIO()
    try:
        call_command(command, *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def run_quote(item: str, facts: dict, lang: str = "zh") -> tuple[int, dict]:
    code, text = run("quote", item, "--facts", json.dumps(facts), "--lang", lang)
    return code, json.loads(text)


def old_output(item: str, facts: dict, lang: str) -> str:
    """What `quote` printed before programmes: the city quote's §4 shape, one line."""
    return json.dumps(quote(item, facts).to_dict(lang), ensure_ascii=False) + "\n"


def check_old_call(item: str, facts: dict, lang: str) -> None:
    code, text = run("quote", item, "--facts", json.dumps(facts), "--lang", lang)
    assert code == 0
    before = old_output(item, facts, lang)
    answer = json.loads(text)
    assert answer.pop("matching") == []
    assert answer == json.loads(before)
    # Byte for byte: the old text, with the new key appended last.
    assert text == before[: -len("}\n")] + ', "matching": []}\n'


@pytest.mark.parametrize(("item", "facts", "lang"), OLD_CALLS)
def test_old_calls_print_the_old_output_plus_an_empty_matching_list(item, facts, lang):
    check_old_call(item, facts, lang)


@pytest.mark.parametrize(("item", "facts", "lang"), OLD_CALLS)
def test_old_calls_are_unchanged_with_the_example_programme_enabled(item, facts, lang):
    with WITH_EXAMPLE:
        check_old_call(item, facts, lang)


@WITH_EXAMPLE
def test_a_luoshan_national_prize_shows_the_county_match():
    code, answer = run_quote("contest_national", {**LUOSHAN, "prize_level": "second"})
    assert code == 0
    assert list(answer)[-1] == "matching"
    assert answer["amount"] == "200000.00"
    [match] = answer["matching"]
    assert set(match) == {"programme", "eligible", "amount", "rules_version", "trace"}
    assert match["programme"] == "411521"
    assert match["eligible"] is True
    assert Decimal(match["amount"]) == Decimal("0.50") * Decimal(answer["amount"])
    assert match["rules_version"] == "411521-2026-example"
    assert [s["step"] for s in match["trace"]] == ["city_award", "match_ratio", "top_up", "payable"]
    assert all(set(s) == {"clause", "step", "value", "description"} for s in match["trace"])
    assert match["trace"][-1]["clause"] == "罗山县同步奖励办法（示例）第三条"


@WITH_EXAMPLE
def test_a_shihe_case_and_an_unmatched_item_have_no_match():
    assert run_quote("contest_national", {**SHIHE, "prize_level": "first"})[1]["matching"] == []
    facts = {**LUOSHAN, "applicant_type": "data_trading_operator", "transaction_amount": "1000.00"}
    assert run_quote("first_transaction", facts)[1]["matching"] == []


@WITH_EXAMPLE
def test_a_county_programme_answers_with_its_match():
    code, answer = run_quote(
        "contest_national", {**LUOSHAN, "prize_level": "first", "programme": "411521"}
    )
    assert code == 0
    assert list(answer) == [
        "item",
        "eligible",
        "amount",
        "reasons",
        "rules_version",
        "trace",
        "matching",
    ]
    assert answer["item"] == "contest_national"
    assert (answer["eligible"], answer["amount"], answer["reasons"]) == (True, "150000.00", [])
    assert answer["rules_version"] == "411521-2026-example"
    assert answer["trace"][0]["step"] == "city_award"
    assert answer["matching"] == []
    # Own amounts (a fixed pilot item): the county's, not a share.
    answer = run_quote("platform_national", {**LUOSHAN, "programme": "411521"})[1]
    assert answer["amount"] == "100000.00"


@WITH_EXAMPLE
def test_a_county_programme_for_another_county_s_case_is_ineligible_with_a_reason():
    facts = {**SHIHE, "prize_level": "first", "programme": "411521"}
    code, answer = run_quote("contest_national", facts)
    assert code == 0
    assert (answer["eligible"], answer["amount"]) == (False, "0.00")
    assert answer["reasons"] == [
        "申报单位所属辖区「浉河区」不是罗山县，不在罗山县数据产业同步奖励（示例）的范围内。"
    ]
    code, answer = run_quote("contest_national", facts, "en")
    assert "not in Luoshan County" in answer["reasons"][0]
    # An item the county does not match: its own reason, still exit 0.
    facts = {**LUOSHAN, "programme": "411521"}
    code, answer = run_quote("dataset_national", facts)
    assert (code, answer["eligible"]) == (0, False)
    assert answer["reasons"] == [
        "罗山县数据产业同步奖励（示例）不同步奖励「列入国家级高质量数据集典型案例或行业高质量数据集目录」。"
    ]


def test_a_county_programme_outside_its_dates_explains_the_refusal(tmp_path):
    ended = EXAMPLE.read_text(encoding="utf-8").replace(
        "effective_from = 2025-01-01", "effective_from = 2025-01-01\neffective_until = 2025-03-31"
    )
    path = tmp_path / "ended.toml"
    path.write_text(ended, encoding="utf-8")
    with override_settings(COUNTY_PROGRAMME_FILES=[str(path)]):
        code, answer = run_quote("honor_national", {**LUOSHAN, "programme": "411521"})
        assert run_quote("honor_national", LUOSHAN)[1]["matching"] == []
    assert (code, answer["eligible"]) == (0, False)
    assert (
        "不在罗山县数据产业同步奖励（示例）的施行期间（2025-01-01至2025-03-31）内"
        in answer["reasons"][0]
    )


@pytest.mark.parametrize(
    ("programme", "lang", "message"),
    [
        ("411599", "zh", "未知的奖励计划「411599」，可选：city、411521。"),
        ("411502", "en", "Unknown programme “411502”; expected one of: city, 411521."),
        (7, "zh", "未知的奖励计划「7」，可选：city、411521。"),
    ],
)
@WITH_EXAMPLE
def test_an_unknown_programme_exits_2(programme, lang, message):
    code, answer = run_quote("honor_national", {**LUOSHAN, "programme": programme}, lang)
    assert code == INVALID_INPUT_EXIT
    assert answer == {"errors": {"programme": [message]}}


def test_without_programmes_a_county_is_unknown_and_other_errors_are_kept():
    code, answer = run_quote("honor_national", {"programme": "411521"})
    assert code == INVALID_INPUT_EXIT
    assert answer["errors"]["programme"] == ["未知的奖励计划「411521」，可选：city。"]
    assert answer["errors"]["event_date"] == ["此项为必填项。"]


# --- simulate_payouts --------------------------------------------------------------------------


def simulation(item: str, count: int, **extra: object) -> dict:
    """`count` awards of 10,000.00 for `item` approved in 2025, a budget large enough for all."""
    awards = [
        {
            "id": f"A-{i}",
            "item": item,
            "amount": "10000.00",
            "approved_at": f"2025-03-0{i}T10:00:00+08:00",
        }
        for i in range(1, count + 1)
    ]
    return {"budgets": {"2025": "1000000.00", "2026": "1000000.00"}, "awards": awards, **extra}


def simulate(tmp_path: Path, data: dict, lang: str = "zh") -> tuple[int, dict]:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, text = run("simulate_payouts", str(path), "--lang", lang)
    return code, json.loads(text)


@WITH_EXAMPLE
def test_a_county_plan_uses_the_county_quota(tmp_path):
    code, city_plan = simulate(tmp_path, simulation("contest_national", 4))
    assert code == 0
    assert city_plan["awards"] == {"A-1": 2025, "A-2": 2025, "A-3": 2025, "A-4": 2025}
    same = simulate(tmp_path, simulation("contest_national", 4, programme="city"))[1]
    assert same == city_plan
    code, county_plan = simulate(tmp_path, simulation("contest_national", 4, programme="411521"))
    assert code == 0
    # 罗山县 pays 3 per item per year (the city 5): the fourth waits for 2026.
    assert county_plan["awards"] == {"A-1": 2025, "A-2": 2025, "A-3": 2025, "A-4": 2026}
    assert set(county_plan) == {"awards", "years"}
    assert county_plan["years"]["2025"] == {
        "budget": "1000000.00",
        "paid": "30000.00",
        "remaining": "970000.00",
        "counts": {"contest_national": 3},
    }


@WITH_EXAMPLE
def test_a_county_plan_takes_only_the_items_it_matches(tmp_path):
    code, answer = simulate(tmp_path, simulation("first_transaction", 1, programme="411521"))
    assert code == INVALID_INPUT_EXIT
    assert list(answer["errors"]) == ["awards[0].item"]
    assert "contest_national" in answer["errors"]["awards[0].item"][0]


@WITH_EXAMPLE
def test_a_plan_for_an_unknown_programme_exits_2(tmp_path):
    code, answer = simulate(tmp_path, simulation("honor_national", 1, programme="411599"), "en")
    assert code == INVALID_INPUT_EXIT
    assert answer == {
        "errors": {"programme": ["Unknown programme “411599”; expected one of: city, 411521."]}
    }


def test_without_programmes_a_county_plan_is_refused(tmp_path):
    code, answer = simulate(tmp_path, simulation("honor_national", 1, programme="411521"))
    assert code == INVALID_INPUT_EXIT
    assert answer == {"errors": {"programme": ["未知的奖励计划「411521」，可选：city。"]}}


# --- the Django accessor --------------------------------------------------------------------------


def test_the_programme_book_follows_the_setting():
    assert policy.programme_book().codes == ()
    assert policy.programme_version_for("411521", date(2025, 6, 1)) is None
    # A relative path (as in .env.example) is read from the project directory; blanks are skipped.
    relative = "rules/examples/411521-luoshan.example.toml"
    with override_settings(COUNTY_PROGRAMME_FILES=[relative, ""]):
        assert policy.programme_book().codes == ("411521",)
        version = policy.programme_version_for("411521", date(2025, 6, 1))
        assert version is not None
        assert version.version == "411521-2026-example"
        assert policy.programme_version_for("411521", date(2024, 12, 31)) is None
        assert policy.programme_version_for("411502", date(2025, 6, 1)) is None
    assert policy.programme_book().codes == ()
