"""Pricing a county's matching award (县区同步奖励) on the city's quote of a case."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rules import MatchQuote, ProgrammeVersion, load_programme_version, quote, quote_match
from rules.messages import (
    MATCH_ALREADY_MATCHED,
    MATCH_CITY_INELIGIBLE,
    MATCH_ITEM_NOT_MATCHED,
    MATCH_OUTSIDE_COUNTY,
    MATCH_OUTSIDE_DATES,
    THRESHOLD_NOT_MET,
    TRACE_STEP_LABELS,
)
from tests.rules.test_programmes import EXAMPLE

TODAY = date(2026, 6, 30)
CLAUSE = "罗山县同步奖励办法（测试）第五条"
# Every form a county may use: a ratio, and its own fixed, by-level and percentage amounts.
PROGRAMME = f"""
programme = "411521"
version = "411521-test"
title = "罗山县同步奖励（测试）"
title_en = "Luoshan matching (test)"
funding_body = "罗山县财政局"
funding_body_en = "Luoshan County Finance Bureau"
issuer = "罗山县发展和改革委员会"
issuer_en = "Luoshan County DRC"
clause = "{CLAUSE}"
effective_from = 2025-01-01
effective_until = 2025-12-31

[items.honor_provincial]
ratio = "0.50"

[items.honor_national]
amount = "60000.00"

[items.contest_national.amounts]
first = "90000.00"
second = "60000.00"
third = "30000.00"

[items.first_balance_sheet]
rate = "0.05"
cap = "30000.00"
"""


@pytest.fixture
def version(tmp_path: Path) -> ProgrammeVersion:
    path = tmp_path / "test.toml"
    path.write_text(PROGRAMME, encoding="utf-8")
    return load_programme_version(path)


def city(item: str, **facts: object):
    """The city's quote of a Luoshan case of 2025-06-01."""
    base = {
        "event_date": "2025-06-01",
        "applicant_type": "data_enterprise",
        "jurisdiction": "411521",
    }
    return quote(item, {**base, **facts}, today=TODAY)


def steps(match: MatchQuote) -> list[str]:
    return [s.step for s in match.trace]


def test_a_ratio_of_the_approved_city_award_rounds_half_up_on_an_odd_cent(version):
    match = quote_match(version, city("honor_provincial"), city_amount=Decimal("100000.01"))
    # 0.50 × 100000.01 = 50000.005: half-up gives .01 (half-even would give .00).
    assert match.eligible
    assert match.amount == Decimal("50000.01")
    assert steps(match) == ["city_award", "match_ratio", "top_up", "payable"]
    ratio = match.trace[1]
    assert (ratio.clause, ratio.value) == (CLAUSE, "50000.01")
    assert "50000.005" in ratio.description("zh")


def test_a_ratio_defaults_to_the_city_quote_and_ignores_prior_matches(version):
    # The city award is already net of the city's 从优就高不重复: no second deduction.
    match = quote_match(version, city("honor_provincial"), prior_matched=Decimal("40000.00"))
    assert match.amount == Decimal("50000.00")
    top_up = match.trace[2]
    assert top_up.step == "top_up"
    assert "不再扣减" in top_up.description("zh")
    assert "nothing more is deducted" in top_up.description("en")


def test_the_trace_cites_the_city_decision_then_the_county_clause(version):
    match = quote_match(version, city("honor_provincial"), city_reference="XY-2026-000012")
    first = match.trace[0]
    assert first.step == "city_award"
    assert first.clause == "三、加强数据资源开发利用（三）"  # the city item's clause
    assert first.value == "100000.00"
    assert first.description("zh") == "市级奖励 100000.00 元（XY-2026-000012，市发展改革委批准）。"
    assert "XY-2026-000012" in first.description("en")
    assert all(s.clause == CLAUSE for s in match.trace[1:])
    assert set(steps(match)) <= set(TRACE_STEP_LABELS)


def test_own_fixed_amount(version):
    match = quote_match(version, city("honor_national"))
    assert match.amount == Decimal("60000.00")
    assert steps(match) == ["city_award", "base", "top_up", "payable"]
    assert match.trace[1].value == "60000.00"


def test_own_amount_by_the_city_case_level(version):
    match = quote_match(version, city("contest_national", prize_level="second"))
    assert match.amount == Decimal("60000.00")
    assert "二等奖" in match.trace[1].description("zh")
    assert "Second prize" in match.trace[1].description("en")


def test_own_percentage_rounds_then_caps(version):
    match = quote_match(version, city("first_balance_sheet", entry_amount="500000.10"))
    # 500000.10 × 5% = 25000.005 → 25000.01, under the cap.
    assert match.amount == Decimal("25000.01")
    assert steps(match) == ["city_award", "base", "rate", "rounding", "cap", "top_up", "payable"]
    assert [s.value for s in match.trace[1:5]] == ["500000.10", "25000.005", "25000.01", "25000.01"]
    capped = quote_match(version, city("first_balance_sheet", entry_amount="900000.00"))
    assert capped.amount == Decimal("30000.00")


def test_own_amounts_deduct_what_the_programme_already_matched(version):
    partial = quote_match(version, city("honor_national"), prior_matched=Decimal("25000.00"))
    assert (partial.eligible, partial.amount) == (True, Decimal("35000.00"))
    assert "60000.00 − 25000.00 → 35000.00" in partial.trace[2].description("zh")

    none_left = quote_match(version, city("honor_national"), prior_matched=Decimal("60000.00"))
    assert none_left.eligible is False
    assert none_left.amount == Decimal("0.00")
    assert [r.message for r in none_left.reasons] == [MATCH_ALREADY_MATCHED]
    assert none_left.trace[-1].step == "payable"
    assert none_left.trace[-1].value == "0.00"


def test_an_item_the_programme_does_not_match(version):
    match = quote_match(
        version,
        city(
            "first_transaction",
            transaction_amount="1000.00",
            applicant_type="data_trading_operator",
        ),
    )
    assert match.eligible is False
    assert match.amount == Decimal("0.00")
    assert [r.code for r in match.reasons] == [MATCH_ITEM_NOT_MATCHED.code]
    assert "match_item" in steps(match)


def test_an_event_after_effective_until(version):
    match = quote_match(version, city("honor_national", event_date="2026-01-01"))
    assert match.eligible is False
    assert [r.message for r in match.reasons] == [MATCH_OUTSIDE_DATES]
    assert "2025-01-01至2025-12-31" in match.reasons[0].text("zh")
    assert "2025-01-01 to 2025-12-31" in match.reasons[0].text("en")


def test_an_ineligible_city_quote_is_not_matched(version):
    ineligible = city("first_balance_sheet", entry_amount="500000.00")
    assert not ineligible.eligible
    # Even an amount approved by override: the county's money follows the rules.
    match = quote_match(version, ineligible, city_amount=Decimal("50000.00"))
    assert match.eligible is False
    assert match.amount == Decimal("0.00")
    assert [r.message for r in match.reasons] == [THRESHOLD_NOT_MET, MATCH_CITY_INELIGIBLE]
    assert steps(match) == ["city_award", "payable"]


def test_a_case_of_another_county(version):
    match = quote_match(version, city("honor_national", jurisdiction="411502"))
    assert match.eligible is False
    assert [r.message for r in match.reasons] == [MATCH_OUTSIDE_COUNTY]
    assert "浉河区" in match.reasons[0].text("zh")
    assert "Luoshan County" in match.reasons[0].text("en")


def test_the_example_pays_half_of_a_national_first_prize():
    example = load_programme_version(EXAMPLE)
    match = quote_match(example, city("contest_national", prize_level="first"))
    assert match.amount == Decimal("150000.00")
    assert match.rules_version == "411521-2026-example"


def test_the_cli_shape_and_the_stored_record(version):
    match = quote_match(version, city("honor_provincial"))
    answer = match.to_dict("en")
    assert list(answer) == ["programme", "eligible", "amount", "rules_version", "trace"]
    assert answer["programme"] == "411521"
    assert answer["amount"] == "50000.00"
    assert answer["rules_version"] == "411521-test"
    assert answer["trace"][0] == {
        "clause": "三、加强数据资源开发利用（三）",
        "step": "city_award",
        "value": "100000.00",
        "description": "City award of 100000.00 yuan (computed under the city's rules).",
    }
    record = match.trace_record()
    assert [set(s) for s in record] == [
        {"clause", "step", "value", "description", "description_en"}
    ] * len(record)
    assert record[-1]["description"] == "应同步奖励 50000.00 元。"
    assert record[-1]["description_en"] == "Matching award payable: 50000.00 yuan."
