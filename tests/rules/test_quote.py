"""The policy calculator: amounts, boundaries, eligibility, invalid input and the trace."""

from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import RulesInputError, load_rulebook, quote
from rules.messages import (
    ALREADY_AWARDED,
    APPLICANT_TYPE_NOT_ADMITTED,
    BEFORE_RETROACTIVE_START,
    JURISDICTION_NOT_ADMITTED,
    MONEY_NEGATIVE,
    NOT_FIRST_TIME,
    THRESHOLD_NOT_MET,
    ZERO_AMOUNT,
)
from tests.rules.conftest import replace_once

TODAY = date(2025, 12, 31)
ITEM_FACTS = {
    "contest_provincial": {"prize_level": "first"},
    "contest_national": {"prize_level": "first"},
    "first_registration": {
        "assessment_fee": "100000.00",
        "certificate_issuer": "provincial_exchange",
    },
    "first_transaction": {"transaction_amount": "3000000.00"},
    "first_balance_sheet": {"entry_amount": "800000.00"},
}
ALL_ITEMS = list(load_rulebook().latest.items)
ALL_TYPES = ("data_enterprise", "city_enterprise", "data_trading_operator", "other_enterprise")


def facts(item: str, **overrides: object) -> dict[str, object]:
    """Valid facts for `item` (an eligible case), with overrides; None drops a fact."""
    base: dict[str, object] = {
        "event_date": "2025-06-01",
        "applicant_type": "data_trading_operator",
        "jurisdiction": "411502",
        **ITEM_FACTS.get(item, {}),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def ask(item: str, **overrides: object):
    return quote(item, facts(item, **overrides), today=TODAY)


def invalid(item: str, raw_facts: dict[str, object]) -> RulesInputError:
    with pytest.raises(RulesInputError) as caught:
        quote(item, raw_facts, today=TODAY)
    return caught.value


# --- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "level", "amount"),
    [
        ("contest_provincial", "first", "100000.00"),
        ("contest_provincial", "second", "80000.00"),
        ("contest_provincial", "third", "50000.00"),
        ("contest_national", "first", "300000.00"),
        ("contest_national", "second", "200000.00"),
        ("contest_national", "third", "100000.00"),
    ],
)
def test_contest_amounts_per_prize_level(item, level, amount):
    answer = ask(item, prize_level=level)
    assert answer.eligible
    assert answer.amount == Decimal(amount)


@pytest.mark.parametrize(
    ("item", "amount"),
    [
        ("honor_provincial", "100000.00"),
        ("honor_national", "200000.00"),
        ("dataset_national", "200000.00"),
        ("dataset_provincial", "100000.00"),
        ("cluster_national", "200000.00"),
        ("cluster_provincial", "100000.00"),
        ("platform_national", "200000.00"),
        ("platform_provincial", "100000.00"),
    ],
)
def test_fixed_amounts(item, amount):
    answer = ask(item)
    assert answer.eligible
    assert answer.amount == Decimal(amount)
    assert answer.to_dict()["amount"] == amount


@pytest.mark.parametrize(
    ("item", "fact", "base", "amount"),
    [
        # 30 % of the fee, at most 50,000
        ("first_registration", "assessment_fee", "100000.00", "30000.00"),
        ("first_registration", "assessment_fee", "0.05", "0.02"),  # 0.015 rounds half-up
        ("first_registration", "assessment_fee", "0.15", "0.05"),  # 0.045 → 0.05
        ("first_registration", "assessment_fee", "166666.63", "49999.99"),  # 49999.989
        ("first_registration", "assessment_fee", "166666.65", "50000.00"),  # 49999.995 → cap
        ("first_registration", "assessment_fee", "166666.67", "50000.00"),  # 50000.001, capped
        ("first_registration", "assessment_fee", "1000000000000.00", "50000.00"),
        # 4 % of the transaction, at most 200,000
        ("first_transaction", "transaction_amount", "3000000.00", "120000.00"),
        ("first_transaction", "transaction_amount", "0.13", "0.01"),  # 0.0052
        ("first_transaction", "transaction_amount", "4999999.75", "199999.99"),
        ("first_transaction", "transaction_amount", "4999999.99", "200000.00"),  # 199999.9996
        ("first_transaction", "transaction_amount", "5000000.00", "200000.00"),  # exactly the cap
        ("first_transaction", "transaction_amount", "5000000.01", "200000.00"),  # above: capped
        # 10 % of the entry, at most 100,000, entry strictly above 500,000
        ("first_balance_sheet", "entry_amount", "500000.01", "50000.00"),  # 50000.001
        ("first_balance_sheet", "entry_amount", "750000.05", "75000.01"),  # half-up, not even
        ("first_balance_sheet", "entry_amount", "999999.94", "99999.99"),
        ("first_balance_sheet", "entry_amount", "999999.99", "100000.00"),  # 99999.999
        ("first_balance_sheet", "entry_amount", "1000000.00", "100000.00"),  # exactly the cap
        ("first_balance_sheet", "entry_amount", "1000000.01", "100000.00"),
    ],
)
def test_percentage_amounts_round_half_up_then_cap(item, fact, base, amount):
    applicant = "data_trading_operator"
    answer = ask(item, **{fact: base, "applicant_type": applicant})
    assert answer.eligible
    assert answer.amount == Decimal(amount)
    assert answer.amount.as_tuple().exponent == -2


def test_the_documented_example():
    answer = quote(
        "first_transaction",
        {
            "event_date": "2025-06-01",
            "applicant_type": "data_trading_operator",
            "jurisdiction": "411502",
            "transaction_amount": "3000000.00",
        },
        today=TODAY,
    )
    body = answer.to_dict()
    assert list(body) == ["item", "eligible", "amount", "reasons", "rules_version", "trace"]
    assert body["item"] == "first_transaction"
    assert body["eligible"] is True
    assert body["amount"] == "120000.00"
    assert body["reasons"] == []
    assert body["rules_version"] == "2025-draft"
    assert all(list(s) == ["clause", "step", "value", "description"] for s in body["trace"])


@pytest.mark.parametrize(
    ("entry", "eligible"),
    [("499999.99", False), ("500000.00", False), ("500000.01", True)],
)
def test_the_balance_sheet_threshold_is_strict(entry, eligible):
    answer = ask("first_balance_sheet", entry_amount=entry)
    assert answer.eligible is eligible
    if not eligible:
        assert [r.code for r in answer.reasons] == [THRESHOLD_NOT_MET.code]
        assert answer.amount == Decimal("0.00")
        assert "须大于 500000.00 元" in answer.to_dict()["reasons"][0]


def test_a_computed_zero_is_not_eligible():
    answer = ask("first_transaction", transaction_amount="0.12")  # 0.0048 → 0.00
    assert not answer.eligible
    assert [r.code for r in answer.reasons] == [ZERO_AMOUNT.code]


# --- time window and first time -------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_date", "eligible"),
    [("2024-12-31", False), ("2025-01-01", True), (TODAY.isoformat(), True)],
)
def test_events_from_2025_01_01_are_eligible(event_date, eligible):
    answer = ask("honor_national", event_date=event_date)
    assert answer.eligible is eligible
    if not eligible:
        assert [r.code for r in answer.reasons] == [BEFORE_RETROACTIVE_START.code]
        assert answer.reasons[0].clause == "八、优化产业发展环境（五）"


def test_a_future_event_is_invalid_input():
    error = invalid("honor_national", facts("honor_national", event_date="2026-01-01"))
    assert error.codes == {"event_date": ["date_in_future"]}
    assert "2026-01-01" in error.errors["event_date"][0]


def test_today_defaults_to_the_date_in_shanghai():
    answer = quote("honor_national", facts("honor_national"))
    assert answer.eligible


@pytest.mark.parametrize("first_time", [False, "false", "FALSE"])
def test_not_the_first_time_is_ineligible(first_time):
    answer = ask("first_registration", first_time=first_time)
    assert not answer.eligible
    assert [r.code for r in answer.reasons] == [NOT_FIRST_TIME.code]
    assert answer.amount == Decimal("0.00")


@pytest.mark.parametrize("first_time", [True, "true", None])
def test_first_time_defaults_to_true(first_time):
    assert ask("first_registration", first_time=first_time).eligible


def test_several_reasons_are_all_given():
    answer = ask(
        "first_balance_sheet",
        event_date="2024-06-01",
        first_time=False,
        entry_amount="100.00",
    )
    codes = [r.code for r in answer.reasons]
    assert codes == ["before_retroactive_start", "not_first_time", "threshold_not_met"]
    assert answer.to_dict("en")["reasons"][1].startswith("This item rewards the first time")


# --- top-up (从优、就高、不重复) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("prior", "eligible", "amount"),
    [
        ("0.00", True, "300000.00"),
        ("100000.00", True, "200000.00"),  # provincial 1st, then national 1st
        ("299999.99", True, "0.01"),
        ("300000.00", False, "0.00"),
        ("400000.00", False, "0.00"),
    ],
)
def test_top_up_pays_the_difference(prior, eligible, amount):
    answer = ask("contest_national", prize_level="first", prior_awards_same_project=prior)
    assert answer.eligible is eligible
    assert answer.amount == Decimal(amount)
    top_up = next(s for s in answer.trace if s.step == "top_up")
    assert top_up.value == amount
    assert top_up.clause == "八、优化产业发展环境（五）"
    if not eligible:
        assert [r.code for r in answer.reasons] == [ALREADY_AWARDED.code]


def test_top_up_applies_after_the_cap():
    answer = ask(
        "first_transaction",
        transaction_amount="10000000.00",
        prior_awards_same_project="150000.00",
    )
    assert answer.amount == Decimal("50000.00")


# --- who and where ----------------------------------------------------------------------------


@pytest.mark.parametrize("applicant_type", ALL_TYPES)
@pytest.mark.parametrize("item", ALL_ITEMS)
def test_applicant_types_per_item(item, applicant_type):
    admitted = {
        "first_registration": {"city_enterprise", "data_enterprise", "data_trading_operator"},
        "first_transaction": {"data_trading_operator"},
    }.get(item, set(ALL_TYPES))
    answer = ask(item, applicant_type=applicant_type)
    assert answer.eligible is (applicant_type in admitted)
    if not answer.eligible:
        assert [r.code for r in answer.reasons] == [APPLICANT_TYPE_NOT_ADMITTED.code]


@pytest.mark.parametrize(
    "jurisdiction",
    ["411502", "411503", "411521", "411528", "xy_etdz", "yds_hitech", "yangshan", "jigongshan"],
)
def test_every_jurisdiction_of_xinyang_is_admitted_by_default(jurisdiction):
    assert ask("cluster_provincial", jurisdiction=jurisdiction).eligible


def test_a_version_can_restrict_an_items_jurisdictions(write_version, shipped_text):
    text = replace_once(
        shipped_text,
        'jurisdictions = "all"',
        'jurisdictions = ["xy_etdz", "yds_hitech"]',
        after="[items.cluster_provincial]",
    )
    book = load_rulebook(write_version("2025-01-01-draft.toml", text))
    args = {"today": TODAY, "rulebook": book}
    inside = quote(
        "cluster_provincial", facts("cluster_provincial", jurisdiction="xy_etdz"), **args
    )
    assert inside.eligible
    outside = quote("cluster_provincial", facts("cluster_provincial"), **args)
    assert not outside.eligible
    assert [r.code for r in outside.reasons] == [JURISDICTION_NOT_ADMITTED.code]
    assert outside.to_dict()["reasons"] == ["「浉河区」不在本项目的申报范围内。"]
    assert outside.to_dict("en")["reasons"] == ["“Shihe District” is not admitted for this item."]
    assert quote("cluster_national", facts("cluster_national"), **args).eligible


# --- invalid input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "field", "value", "code"),
    [
        ("first_transaction", "event_date", None, "required"),
        ("first_transaction", "applicant_type", None, "required"),
        ("first_transaction", "jurisdiction", "", "required"),
        ("first_transaction", "transaction_amount", None, "required"),
        ("contest_national", "prize_level", None, "required"),
        ("first_registration", "certificate_issuer", None, "required"),
        ("first_transaction", "bonus", "1", "unknown_field"),
        ("contest_national", "first_time", True, "unknown_field"),
        ("first_transaction", "transaction_amount", "abc", "money_malformed"),
        ("first_transaction", "transaction_amount", "3,000,000.00", "money_malformed"),
        ("first_transaction", "transaction_amount", "3e6", "money_malformed"),
        ("first_transaction", "transaction_amount", "¥100", "money_malformed"),
        ("first_transaction", "transaction_amount", True, "money_malformed"),
        ("first_transaction", "transaction_amount", [1], "money_malformed"),
        ("first_transaction", "transaction_amount", 3000000.0, "money_float"),
        ("first_transaction", "transaction_amount", "-1.00", "money_negative"),
        ("first_transaction", "transaction_amount", -1, "money_negative"),
        ("first_transaction", "transaction_amount", "1.001", "money_too_precise"),
        ("first_transaction", "transaction_amount", Decimal("0.005"), "money_too_precise"),
        ("first_transaction", "transaction_amount", "NaN", "money_not_finite"),
        ("first_transaction", "transaction_amount", "Infinity", "money_not_finite"),
        ("first_transaction", "transaction_amount", "-inf", "money_not_finite"),
        ("first_transaction", "transaction_amount", Decimal("NaN"), "money_not_finite"),
        ("first_transaction", "transaction_amount", "1000000000000.01", "money_too_large"),
        ("first_transaction", "prior_awards_same_project", "-5.00", "money_negative"),
        ("contest_national", "prize_level", "fourth", "enum_invalid"),
        ("contest_national", "prize_level", "一等奖", "enum_invalid"),
        ("first_registration", "certificate_issuer", "city", "enum_invalid"),
        ("first_transaction", "applicant_type", "bank", "enum_invalid"),
        ("first_transaction", "jurisdiction", "410102", "enum_invalid"),
        ("first_transaction", "event_date", "2025/06/01", "date_malformed"),
        ("first_transaction", "event_date", "2025-02-30", "date_malformed"),
        ("first_transaction", "event_date", "20250601", "date_malformed"),
        ("first_transaction", "event_date", 20250601, "date_malformed"),
        ("first_transaction", "event_date", "2026-01-01", "date_in_future"),
        ("first_transaction", "first_time", "yes", "bool_malformed"),
        ("first_transaction", "first_time", 1, "bool_malformed"),
    ],
)
def test_each_kind_of_invalid_input_names_its_field(item, field, value, code):
    error = invalid(item, facts(item, **{field: value}))
    assert error.codes == {field: [code]}
    assert error.to_dict() == {"errors": {field: error.errors[field]}}
    assert all(message for message in error.messages("en")[field])


def test_an_unknown_item_is_invalid():
    error = invalid("first_cuddle", facts("honor_national"))
    assert error.codes == {"item": ["unknown_item"]}
    assert error.errors["item"] == ["未知的奖励项目「first_cuddle」。"]
    assert error.messages("en")["item"] == ["Unknown reward item “first_cuddle”."]


def test_facts_must_be_an_object():
    error = invalid("honor_national", ["event_date"])  # type: ignore[arg-type]
    assert error.codes == {"facts": ["not_an_object"]}


def test_every_bad_field_is_named_at_once():
    error = invalid(
        "no_such_item",
        {"event_date": "someday", "applicant_type": "x", "prior_awards_same_project": "-1"},
    )
    assert error.codes == {
        "item": ["unknown_item"],
        "event_date": ["date_malformed"],
        "applicant_type": ["enum_invalid"],
        "jurisdiction": ["required"],
        "prior_awards_same_project": ["money_negative"],
    }
    assert error.errors["prior_awards_same_project"] == [MONEY_NEGATIVE.render()]


def test_money_max_itself_is_valid():
    answer = ask("first_transaction", transaction_amount="1000000000000.00")
    assert answer.amount == Decimal("200000.00")


@pytest.mark.parametrize(
    "amount", ["3000000.00", "3000000", " 3000000.0 ", 3000000, Decimal("3000000.00")]
)
def test_money_is_accepted_as_string_int_or_decimal(amount):
    assert ask("first_transaction", transaction_amount=amount).amount == Decimal("120000.00")


def test_a_date_object_is_accepted():
    assert ask("honor_national", event_date=date(2025, 6, 1)).eligible


def test_the_parsed_facts_are_kept():
    answer = ask("first_transaction", transaction_amount="3000000")
    assert answer.facts["transaction_amount"] == Decimal("3000000.00")
    assert answer.facts["event_date"] == date(2025, 6, 1)
    assert answer.facts["first_time"] is True
    assert answer.facts["prior_awards_same_project"] == Decimal("0.00")


# --- the trace --------------------------------------------------------------------------------


def test_the_trace_of_a_percentage_item_names_every_state():
    answer = ask("first_registration", assessment_fee="0.05")
    steps = [(s.step, s.value) for s in answer.trace]
    assert steps == [
        ("time_window", "2025-06-01"),
        ("applicant_type", "data_trading_operator"),
        ("jurisdiction", "411502"),
        ("first_time", "true"),
        ("base", "0.05"),
        ("rate", "0.015"),
        ("rounding", "0.02"),
        ("cap", "0.02"),
        ("top_up", "0.02"),
        ("payable", "0.02"),
    ]
    clauses = {s.step: s.clause for s in answer.trace}
    assert clauses["time_window"] == clauses["top_up"] == "八、优化产业发展环境（五）"
    assert clauses["rate"] == clauses["cap"] == "四、促进数据合规流通交易（四）"
    rate = next(s for s in answer.trace if s.step == "rate")
    assert rate.description() == "0.05 元 × 30% = 0.015 元。"
    assert rate.description("en") == "0.05 yuan × 30% = 0.015 yuan."


def test_the_trace_of_a_capped_case_says_so():
    answer = ask("first_balance_sheet", entry_amount="2000000.00")
    cap = next(s for s in answer.trace if s.step == "cap")
    assert cap.value == "100000.00"
    assert "上限" in cap.description()


def test_the_trace_of_a_fixed_item():
    answer = ask("contest_provincial", prize_level="second")
    assert [s.step for s in answer.trace] == [
        "time_window",
        "applicant_type",
        "jurisdiction",
        "base",
        "top_up",
        "payable",
    ]
    base = next(s for s in answer.trace if s.step == "base")
    assert base.value == "80000.00"
    assert "二等奖" in base.description()
    assert "Second prize" in base.description("en")


def test_an_ineligible_trace_stops_at_payable_zero():
    answer = ask("first_transaction", applicant_type="data_enterprise")
    assert [s.step for s in answer.trace][-1] == "payable"
    assert answer.trace[-1].value == "0.00"
    assert "base" not in [s.step for s in answer.trace]


# --- a later rules version --------------------------------------------------------------------


def test_each_case_is_answered_by_the_version_in_force_on_its_event_date(
    write_version, shipped_text
):
    write_version("2025-01-01-draft.toml", shipped_text)
    revised = shipped_text.replace('version = "2025-draft"', 'version = "2027-revised"')
    revised = revised.replace("effective_from = 2025-01-01", "effective_from = 2027-01-01")
    revised = replace_once(
        revised, 'cap = "100000.00"', 'cap = "80000.00"', after="[items.first_balance_sheet]"
    )
    book = load_rulebook(write_version("2027-01-01-revised.toml", revised))
    assert [v.version for v in book.versions] == ["2025-draft", "2027-revised"]

    def balance_sheet(event_date: str):
        return quote(
            "first_balance_sheet",
            facts("first_balance_sheet", event_date=event_date, entry_amount="2000000.00"),
            today=date(2027, 6, 1),
            rulebook=book,
        )

    before = balance_sheet("2026-12-31")
    assert (before.rules_version, before.amount) == ("2025-draft", Decimal("100000.00"))
    after = balance_sheet("2027-01-01")
    assert (after.rules_version, after.amount) == ("2027-revised", Decimal("80000.00"))
    assert book.current(date(2027, 6, 1)).version == "2027-revised"


# --- properties -------------------------------------------------------------------------------

PERCENTAGE = {
    "first_registration": "assessment_fee",
    "first_transaction": "transaction_amount",
    "first_balance_sheet": "entry_amount",
}
money = st.decimals(
    min_value=Decimal("0.00"), max_value=Decimal("100000000.00"), places=2, allow_nan=False
)


@settings(max_examples=300, deadline=None)
@given(item=st.sampled_from(list(PERCENTAGE)), base=money, prior=money)
def test_percentage_amounts_are_capped_and_exact_to_the_fen(item, base, prior):
    rule = load_rulebook().latest.items[item]
    answer = ask(item, **{PERCENTAGE[item]: base, "prior_awards_same_project": prior})
    assert Decimal("0.00") <= answer.amount <= rule.cap
    assert answer.amount.as_tuple().exponent == -2
    assert answer.eligible is (answer.amount > 0)
    if not answer.eligible:
        assert answer.amount == Decimal("0.00")
        assert answer.reasons


@settings(max_examples=300, deadline=None)
@given(item=st.sampled_from(list(PERCENTAGE)), a=money, b=money, prior=money)
def test_the_amount_never_decreases_as_the_base_grows(item, a, b, prior):
    low, high = sorted((a, b))
    fact = PERCENTAGE[item]
    extra = {"prior_awards_same_project": prior}
    assert ask(item, **{fact: low}, **extra).amount <= ask(item, **{fact: high}, **extra).amount


@settings(max_examples=300, deadline=None)
@given(
    item=st.sampled_from(ALL_ITEMS),
    applicant_type=st.sampled_from(ALL_TYPES),
    event_date=st.dates(min_value=date(2024, 6, 1), max_value=TODAY),
    first_time=st.booleans(),
    prior=money,
)
def test_any_case_has_a_consistent_answer(item, applicant_type, event_date, first_time, prior):
    changes: dict[str, object] = {
        "applicant_type": applicant_type,
        "event_date": event_date,
        "prior_awards_same_project": prior,
    }
    if item.startswith("first_"):
        changes["first_time"] = first_time
    answer = ask(item, **changes)
    rule = load_rulebook().latest.items[item]
    assert answer.amount <= rule.max_amount
    assert answer.eligible is (answer.amount > 0) is (not answer.reasons)
    if event_date < date(2025, 1, 1):
        assert not answer.eligible
    assert answer.trace[-1].step == "payable"
    assert answer.trace[-1].value == answer.to_dict()["amount"]


def test_the_callers_decimal_context_does_not_matter():
    with localcontext() as context:
        context.prec = 4
        context.rounding = ROUND_DOWN
        answer = ask("first_balance_sheet", entry_amount="750000.05")
        assert answer.to_dict()["amount"] == "75000.01"


def test_minus_zero_is_zero_in_the_trace():
    answer = quote(
        "first_transaction",
        {
            "transaction_amount": "-0.00",
            "event_date": "2025-06-01",
            "applicant_type": "data_trading_operator",
            "jurisdiction": "411502",
        },
        today=date(2026, 1, 1),
    )
    assert all(not step.value.startswith("-") for step in answer.trace)


@pytest.mark.parametrize("amount", ["٣٠٠٠", "３０００", "3000\u0663"])
def test_money_in_non_ascii_digits_is_invalid(amount):
    with pytest.raises(RulesInputError) as error:
        quote(
            "first_transaction",
            {
                "transaction_amount": amount,
                "event_date": "2025-06-01",
                "applicant_type": "data_trading_operator",
                "jurisdiction": "411502",
            },
            today=date(2026, 1, 1),
        )
    assert "transaction_amount" in error.value.errors
