"""The ceiling: the most the policy allows one case, which no decision (an override) may exceed."""

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import load_rulebook, quote

TODAY = date(2025, 12, 31)
COMMON = {"event_date": "2025-06-01", "applicant_type": "data_enterprise", "jurisdiction": "411502"}
TOP_UP_CLAUSE = "八、优化产业发展环境（五）"


def ask(item: str, **facts: object):
    return quote(item, {**COMMON, **facts}, today=TODAY)


@pytest.mark.parametrize(
    ("item", "facts", "amount", "ceiling", "clause"),
    [
        # 30 % of the fee, 最高5万元: the cap is the ceiling, whatever the fee.
        (
            "first_registration",
            {"assessment_fee": "100000.00", "certificate_issuer": "provincial_exchange"},
            "30000.00",
            "50000.00",
            "四、促进数据合规流通交易（四）",
        ),
        (
            "first_registration",
            {"assessment_fee": "1000000.00", "certificate_issuer": "national_registry"},
            "50000.00",
            "50000.00",
            "四、促进数据合规流通交易（四）",
        ),
        # fixed_by_level: the amount of the case's own level, not the item's highest level.
        ("contest_provincial", {"prize_level": "second"}, "80000.00", "80000.00", None),
        ("contest_national", {"prize_level": "third"}, "100000.00", "100000.00", None),
        ("honor_provincial", {}, "100000.00", "100000.00", "三、加强数据资源开发利用（三）"),
    ],
)
def test_the_ceiling_is_the_cap_the_fixed_or_the_level_amount(item, facts, amount, ceiling, clause):
    answer = ask(item, **facts)
    assert answer.amount == Decimal(amount)
    assert answer.ceiling.amount == answer.ceiling.limit == Decimal(ceiling)
    assert answer.ceiling.prior == Decimal("0.00")
    assert answer.ceiling.clause == load_rulebook().latest.items[item].clause
    if clause:
        assert answer.ceiling.clause == clause
    assert answer.ceiling.top_up_clause == TOP_UP_CLAUSE


@pytest.mark.parametrize(
    ("prior", "ceiling"),
    [("0.00", "100000.00"), ("30000.00", "70000.00"), ("100000.00", "0.00"), ("150000.00", "0.00")],
)
def test_the_ceiling_deducts_what_the_same_achievement_received(prior, ceiling):
    answer = ask("honor_provincial", prior_awards_same_project=prior)
    assert answer.ceiling.amount == Decimal(ceiling)
    assert answer.ceiling.limit == Decimal("100000.00")
    assert answer.ceiling.prior == Decimal(prior)


def test_an_ineligible_case_still_has_its_ceiling():
    # 大于50万元: 500,000.00 itself fails the threshold, yet the item would pay at most 100,000.
    answer = ask("first_balance_sheet", entry_amount="500000.00")
    assert not answer.eligible
    assert answer.ceiling.amount == Decimal("100000.00")
    too_early = ask("honor_national", event_date="2024-12-31")
    assert not too_early.eligible
    assert too_early.ceiling.amount == Decimal("200000.00")


def test_the_ceiling_is_not_part_of_the_cli_and_api_answer():
    """REWARDS.md §4 is a contract: the JSON of a quote stays exactly as it was."""
    answer = ask(
        "first_registration", assessment_fee="100000.00", certificate_issuer="provincial_exchange"
    )
    assert answer.ceiling.amount == Decimal("50000.00")
    shape = answer.to_dict("zh")
    assert list(shape) == ["item", "eligible", "amount", "reasons", "rules_version", "trace"]
    head = {k: v for k, v in shape.items() if k != "trace"}
    assert json.dumps(head, ensure_ascii=False) == (
        '{"item": "first_registration", "eligible": true, "amount": "30000.00", "reasons": [], '
        f'"rules_version": "{load_rulebook().latest.version}"}}'
    )
    assert [(s["step"], s["value"]) for s in shape["trace"]] == [
        ("time_window", "2025-06-01"),
        ("applicant_type", "data_enterprise"),
        ("jurisdiction", "411502"),
        ("first_time", "true"),
        ("base", "100000.00"),
        ("rate", "30000.00"),
        ("rounding", "30000.00"),
        ("cap", "30000.00"),
        ("top_up", "30000.00"),
        ("payable", "30000.00"),
    ]
    for step, stored in zip(answer.trace, shape["trace"], strict=True):
        assert stored == {
            "clause": step.clause,
            "step": step.step,
            "value": step.value,
            "description": step.description("zh"),
        }
    assert "ceiling" not in json.dumps(answer.to_dict("en"))


ITEMS = sorted(load_rulebook().latest.items)
_FACTS = {
    "contest_provincial": {"prize_level": "first"},
    "contest_national": {"prize_level": "second"},
    "first_registration": {"certificate_issuer": "provincial_exchange"},
    "first_transaction": {"applicant_type": "data_trading_operator"},
}
_BASE = {
    "first_registration": "assessment_fee",
    "first_transaction": "transaction_amount",
    "first_balance_sheet": "entry_amount",
}


@settings(max_examples=300, deadline=None)
@given(
    item=st.sampled_from(ITEMS),
    base=st.decimals(min_value=0, max_value=10**9, places=2),
    prior=st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_the_rules_amount_never_exceeds_the_ceiling(item, base, prior):
    facts: dict[str, object] = {**_FACTS.get(item, {}), "prior_awards_same_project": f"{prior}"}
    if item in _BASE:
        facts[_BASE[item]] = f"{base}"
    answer = ask(item, **facts)
    assert answer.amount <= answer.ceiling.amount <= answer.ceiling.limit
    assert answer.ceiling.amount == max(Decimal("0.00"), answer.ceiling.limit - prior)
