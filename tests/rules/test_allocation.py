"""Payout allocation (REWARDS.md §3): the fast "fill" equals the plain walk, and its invariants."""

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import AwardInput, Plan, RulesInputError, allocate, parse_simulation_input

SHANGHAI = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))


def award(
    award_id: str,
    when: str,
    amount: str = "100000.00",
    item: str = "contest_national",
    **extra: object,
) -> AwardInput:
    return AwardInput(
        id=award_id,
        item=item,
        amount=Decimal(amount),
        approved_at=datetime.fromisoformat(when),
        **extra,  # type: ignore[arg-type]
    )


def budgets(**by_year: str) -> dict[int, Decimal]:
    return {int(year.removeprefix("y")): Decimal(amount) for year, amount in by_year.items()}


# --- the reference: the obvious walk of REWARDS.md §3, O(years × n) ---------------------------


def reference_allocate(
    year_budgets: dict[int, Decimal], awards: list[AwardInput], quota: int
) -> dict[str, int | None]:
    order = sorted(awards, key=lambda a: (a.approved_at, a.id))
    placed: dict[str, int | None] = {a.id: a.paid_year for a in order}
    for year in sorted(year_budgets):
        fixed = [a for a in order if a.paid_year == year]
        remaining = year_budgets[year] - sum((a.amount for a in fixed), Decimal(0))
        used = Counter(a.item for a in fixed if not a.quota_exempt)
        for a in order:
            if placed[a.id] is not None or a.approved_at.astimezone(SHANGHAI).year > year:
                continue
            if (a.quota_exempt or used[a.item] < quota) and a.amount <= remaining:
                placed[a.id] = year
                remaining -= a.amount
                used[a.item] += 0 if a.quota_exempt else 1
    return placed


def expected_years(year_budgets, awards, placed):
    by_id = {a.id: a for a in awards}
    years = {}
    for year in sorted(set(year_budgets) | {y for y in placed.values() if y is not None}):
        paid = [by_id[i] for i, y in placed.items() if y == year]
        total = sum((a.amount for a in paid), Decimal("0.00"))
        budget = year_budgets.get(year, Decimal("0.00"))
        years[year] = (
            budget,
            total,
            budget - total,
            dict(sorted(Counter(a.item for a in paid).items())),
        )
    return years


def summary(plan: Plan):
    return {y: (s.budget, s.paid, s.remaining, dict(s.counts)) for y, s in plan.years.items()}


# --- REWARDS.md §3 and §4 by example ---------------------------------------------------------


def test_the_documented_simulation():
    data = {
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
    year_budgets, awards, strategy = parse_simulation_input(data)
    assert strategy == "fill"
    assert allocate(year_budgets, awards, strategy=strategy).to_dict() == {
        "awards": {"A-1": 2025},
        "years": {
            "2025": {
                "budget": "1000000.00",
                "paid": "300000.00",
                "remaining": "700000.00",
                "counts": {"contest_national": 1},
            },
            "2026": {
                "budget": "500000.00",
                "paid": "0.00",
                "remaining": "500000.00",
                "counts": {},
            },
        },
    }


def test_the_approval_year_is_taken_in_shanghai():
    # 2026-01-01 07:00 +08:00 is still 2025 in UTC, but it is a 2026 approval.
    late = award("A-1", "2025-12-31T23:00:00+00:00")
    plan = allocate(budgets(y2025="1000000.00", y2026="1000000.00"), [late])
    assert plan.awards == {"A-1": 2026}
    early = award("A-2", "2025-12-31T15:59:59+00:00")  # 23:59:59 in Shanghai
    assert allocate(budgets(y2025="1000000.00"), [early]).awards == {"A-2": 2025}


def test_at_most_five_per_item_per_year_the_rest_next_year():
    awards = [award(f"A-{i}", f"2025-03-0{i}T10:00:00+08:00") for i in range(1, 8)]
    awards.append(award("B-1", "2025-03-09T10:00:00+08:00", item="contest_provincial"))
    plan = allocate(budgets(y2025="9000000.00", y2026="9000000.00"), awards)
    assert [plan.awards[f"A-{i}"] for i in range(1, 8)] == [2025] * 5 + [2026] * 2
    assert plan.awards["B-1"] == 2025
    assert dict(plan.years[2025].counts) == {"contest_national": 5, "contest_provincial": 1}


def test_a_quota_exempt_award_takes_no_place_but_is_counted():
    awards = [award(f"A-{i}", f"2025-03-0{i}T10:00:00+08:00") for i in range(1, 7)]
    awards.append(award("X-1", "2025-04-01T10:00:00+08:00", quota_exempt=True))
    plan = allocate(budgets(y2025="9000000.00"), awards)
    assert plan.awards["A-6"] is None
    assert plan.awards["X-1"] == 2025
    assert plan.years[2025].counts == {"contest_national": 6}
    assert plan.years[2025].quota_used == {"contest_national": 5}


def test_an_award_that_does_not_fit_waits_while_smaller_later_ones_are_paid():
    awards = [
        award("A-1", "2025-01-10T10:00:00+08:00", "250000.00"),
        award("A-2", "2025-02-10T10:00:00+08:00", "300000.00", item="honor_national"),
        award("A-3", "2025-03-10T10:00:00+08:00", "100000.00", item="dataset_national"),
    ]
    plan = allocate(budgets(y2025="400000.00", y2026="300000.00"), awards)
    assert plan.awards == {"A-1": 2025, "A-2": 2026, "A-3": 2025}
    assert plan.years[2025].remaining == Decimal("50000.00")


def test_a_deferred_award_keeps_its_place_ahead_of_newer_ones():
    awards = [award(f"A-{i}", f"2025-0{i}-01T10:00:00+08:00") for i in range(1, 7)]
    awards.append(award("N-1", "2026-01-05T10:00:00+08:00"))
    plan = allocate(budgets(y2025="9000000.00", y2026="100000.00"), awards)
    assert plan.awards["A-6"] == 2026
    assert plan.awards["N-1"] is None


def test_a_year_without_budget_pays_nothing_and_carries_over():
    awards = [award("A-1", "2025-03-01T10:00:00+08:00"), award("A-2", "2026-03-01T10:00:00+08:00")]
    plan = allocate(budgets(y2025="0.00", y2027="1000000.00"), awards)
    assert plan.awards == {"A-1": 2027, "A-2": 2027}
    assert list(plan.years) == [2025, 2027]


def test_an_award_is_never_paid_before_its_approval_year():
    plan = allocate(budgets(y2025="9000000.00"), [award("A-1", "2026-02-01T10:00:00+08:00")])
    assert plan.awards == {"A-1": None}
    assert plan.queued == ["A-1"]


def test_an_award_is_never_split():
    plan = allocate(
        budgets(y2025="50000.00", y2026="60000.00"), [award("A-1", "2025-02-01T10:00:00+08:00")]
    )
    assert plan.awards == {"A-1": None}
    assert plan.to_dict()["awards"] == {"A-1": None}


def test_paid_awards_stay_where_they_are_and_use_budget_and_quota():
    paid = [award(f"P-{i}", f"2025-0{i}-01T10:00:00+08:00", paid_year=2026) for i in range(1, 6)]
    new = award("N-1", "2025-01-02T10:00:00+08:00")
    plan = allocate(budgets(y2025="0.00", y2026="1000000.00", y2027="1000000.00"), [*paid, new])
    assert all(plan.awards[a.id] == 2026 for a in paid)
    assert plan.awards["N-1"] == 2027  # 2026's five quota places are taken
    assert plan.years[2026].paid == Decimal("500000.00")


def test_an_award_paid_before_its_approval_year_is_refused():
    late = award("P-1", "2026-01-01T07:00:00+08:00", paid_year=2025)
    with pytest.raises(RulesInputError) as error:
        allocate(budgets(y2025="1000000.00"), [late], strategy="fill", quota_per_item=5)
    assert error.value.codes == {"awards[0].paid_year": ["paid_before_approval"]}


def test_a_paid_year_without_budget_is_reported():
    plan = allocate(
        budgets(y2026="1000000.00"), [award("P-1", "2024-05-01T10:00:00+08:00", paid_year=2024)]
    )
    assert plan.awards == {"P-1": 2024}
    assert plan.years[2024].budget == Decimal("0.00")
    assert plan.years[2024].remaining == Decimal("-100000.00")


def test_ties_in_time_are_broken_by_id_whatever_the_offset():
    same_instant = ["2025-03-01T10:00:00+08:00", "2025-03-01T02:00:00+00:00"]
    awards = [award("B", same_instant[0]), award("A", same_instant[1])]
    plan = allocate(budgets(y2025="100000.00"), awards)
    assert plan.awards == {"A": 2025, "B": None}
    assert list(plan.awards) == ["A", "B"]


def test_the_defaults_come_from_the_latest_rules_version():
    awards = [award(f"A-{i}", f"2025-03-0{i}T10:00:00+08:00") for i in range(1, 8)]
    plan = allocate(budgets(y2025="9000000.00"), awards)
    assert sum(1 for y in plan.awards.values() if y == 2025) == 5


# --- invalid input ----------------------------------------------------------------------------


def _rejected(year_budgets, awards, **options) -> dict[str, list[str]]:
    with pytest.raises(RulesInputError) as caught:
        allocate(year_budgets, awards, **options)
    return caught.value.codes


def test_naive_datetimes_are_rejected():
    naive = AwardInput("A-1", "contest_national", Decimal("1.00"), datetime(2025, 3, 1))
    assert _rejected(budgets(y2025="1.00"), [award("A-0", "2025-01-01T00:00:00+08:00"), naive]) == {
        "awards[1].approved_at": ["datetime_naive"]
    }


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"amount": Decimal("-1.00")}, "awards[0].amount", "money_negative"),
        ({"amount": Decimal("1.005")}, "awards[0].amount", "money_too_precise"),
        ({"amount": Decimal("NaN")}, "awards[0].amount", "money_not_finite"),
        ({"amount": 100}, "awards[0].amount", "not_a_decimal"),
        ({"id": ""}, "awards[0].id", "text_malformed"),
        ({"item": None}, "awards[0].item", "text_malformed"),
        ({"approved_at": "2025-03-01"}, "awards[0].approved_at", "datetime_malformed"),
        ({"quota_exempt": "no"}, "awards[0].quota_exempt", "bool_malformed"),
        ({"paid_year": "2025"}, "awards[0].paid_year", "year_malformed"),
    ],
)
def test_each_bad_award_field_is_named(change, field, code):
    bad = replace(award("A-1", "2025-03-01T10:00:00+08:00"), **change)
    assert _rejected(budgets(y2025="1.00"), [bad]) == {field: [code]}


def test_an_amount_with_fewer_places_is_fine():
    ok = award("A-1", "2025-03-01T10:00:00+08:00", "100000")
    assert allocate(budgets(y2025="100000"), [ok]).awards == {"A-1": 2025}


def test_duplicate_ids_are_rejected():
    awards = [award("A-1", "2025-03-01T10:00:00+08:00"), award("A-1", "2025-04-01T10:00:00+08:00")]
    assert _rejected(budgets(y2025="1.00"), awards) == {"awards[1].id": ["duplicate_id"]}


def test_bad_budgets_strategy_and_quota_are_rejected():
    codes = _rejected(
        {2025: Decimal("-1.00"), "2026": Decimal("1.00"), 2027: "5.00"},
        [],
        strategy="greedy",
        quota_per_item=-1,
    )
    assert codes == {
        "strategy": ["unknown_strategy"],
        "quota_per_item": ["integer_malformed"],
        "budgets.2025": ["money_negative"],
        "budgets.2026": ["year_malformed"],
        "budgets.2027": ["not_a_decimal"],
    }


def test_something_else_than_an_award_is_rejected():
    assert _rejected(budgets(y2025="1.00"), [{"id": "A-1"}]) == {"awards[0]": ["not_an_award"]}


# --- the simulate_payouts input ---------------------------------------------------------------


def _bad_input(data) -> dict[str, list[str]]:
    with pytest.raises(RulesInputError) as caught:
        parse_simulation_input(data)
    return caught.value.codes


VALID_AWARD = {
    "id": "A-1",
    "item": "contest_national",
    "amount": "300000.00",
    "approved_at": "2025-03-01T10:00:00+08:00",
}


def test_simulation_input_is_parsed():
    data = {
        "budgets": {"2025": "1000000.00"},
        "awards": [
            VALID_AWARD,
            {**VALID_AWARD, "id": "A-2", "quota_exempt": True, "paid_year": 2025},
        ],
    }
    year_budgets, awards, strategy = parse_simulation_input(data)
    assert year_budgets == {2025: Decimal("1000000.00")}
    assert strategy == "fill"
    assert awards[0] == AwardInput(
        "A-1", "contest_national", Decimal("300000.00"), datetime(2025, 3, 1, 10, tzinfo=CST)
    )
    assert awards[1].quota_exempt is True
    assert awards[1].paid_year == 2025


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ([], {"input": ["not_an_object"]}),
        ({}, {"budgets": ["required"], "awards": ["required"]}),
        ({"budgets": [], "awards": {}}, {"budgets": ["not_an_object"], "awards": ["not_a_list"]}),
        ({"budgets": {}, "awards": [], "quota": 5}, {"quota": ["unknown_field"]}),
        ({"budgets": {}, "awards": [], "strategy": "greedy"}, {"strategy": ["unknown_strategy"]}),
        ({"budgets": {"2025": "1.001"}, "awards": []}, {"budgets.2025": ["money_too_precise"]}),
        ({"budgets": {"2025": "-1.00"}, "awards": []}, {"budgets.2025": ["money_negative"]}),
        ({"budgets": {"2025": 1e6}, "awards": []}, {"budgets.2025": ["money_float"]}),
        ({"budgets": {"25": "1.00"}, "awards": []}, {"budgets.25": ["year_malformed"]}),
        ({"budgets": {}, "awards": [1]}, {"awards[0]": ["not_an_object"]}),
    ],
)
def test_bad_simulation_input_is_named_by_path(data, errors):
    assert _bad_input(data) == errors


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"amount": "3e5"}, "amount", "money_malformed"),
        ({"amount": "-1.00"}, "amount", "money_negative"),
        ({"amount": None}, "amount", "required"),
        ({"item": "contest_galactic"}, "item", "enum_invalid"),
        ({"approved_at": "2025-03-01T10:00:00"}, "approved_at", "datetime_naive"),
        ({"approved_at": "2025-03-01"}, "approved_at", "datetime_malformed"),
        ({"approved_at": "yesterday"}, "approved_at", "datetime_malformed"),
        ({"quota_exempt": "maybe"}, "quota_exempt", "bool_malformed"),
        ({"paid_year": "last"}, "paid_year", "year_malformed"),
        ({"id": ""}, "id", "required"),
        ({"note": "x"}, "note", "unknown_field"),
    ],
)
def test_bad_award_fields_are_named_by_path(change, field, code):
    bad = {k: v for k, v in {**VALID_AWARD, **change}.items() if v is not None}
    good = [VALID_AWARD | {"id": f"G-{i}"} for i in range(3)]
    data = {"budgets": {"2025": "1.00"}, "awards": [*good, bad]}
    assert _bad_input(data) == {f"awards[3].{field}": [code]}


def test_duplicate_ids_in_simulation_input():
    data = {"budgets": {}, "awards": [VALID_AWARD, VALID_AWARD]}
    assert _bad_input(data) == {"awards[1].id": ["duplicate_id"]}


# --- the fast allocation equals the reference, and the invariants hold -----------------------

ZONES = [CST, UTC, SHANGHAI, timezone(timedelta(hours=-5))]
ITEMS = ["contest_national", "honor_national", "first_transaction"]
AMOUNTS = [Decimal(a) for a in ("0.00", "1.00", "50000.00", "100000.00", "200000.00", "300000.00")]


@st.composite
def cases(draw):
    """Budgets over a few years with gaps, and awards with shared instants (ties) and offsets."""
    pool = draw(
        st.lists(
            st.datetimes(
                min_value=datetime(2024, 6, 1),
                max_value=datetime(2028, 6, 1),
                timezones=st.sampled_from(ZONES),
            ),
            min_size=1,
            max_size=25,
        )
    )
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["A-", "a", "Z"]),
                st.sampled_from(ITEMS),
                st.sampled_from(AMOUNTS),
                st.sampled_from(pool),
                st.sampled_from([False, False, False, True]),
                st.sampled_from([None, None, None, 2024, 2025, 2026, 2029]),
            ),
            max_size=40,
        )
    )
    # A paid award was paid in or after its approval year (Beijing time); allocate refuses others.
    awards = [
        AwardInput(
            f"{prefix}{i:03d}",
            item,
            amount,
            when,
            exempt,
            None if paid is None else max(paid, when.astimezone(SHANGHAI).year),
        )
        for i, (prefix, item, amount, when, exempt, paid) in enumerate(rows)
    ]
    year_budgets = draw(
        st.dictionaries(
            st.integers(2024, 2029),
            st.sampled_from([Decimal(b) for b in ("0.00", "100000.00", "350000.00", "1000000.00")]),
            max_size=5,
        )
    )
    return year_budgets, awards, draw(st.integers(min_value=0, max_value=3))


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_the_fast_allocation_equals_the_plain_walk(case):
    year_budgets, awards, quota = case
    plan = allocate(year_budgets, awards, strategy="fill", quota_per_item=quota)
    expected = reference_allocate(year_budgets, awards, quota)
    assert plan.awards == expected
    assert list(plan.awards) == list(expected)  # queue order
    assert summary(plan) == expected_years(year_budgets, awards, expected)


@settings(max_examples=150, deadline=None)
@given(case=cases(), seed=st.integers())
def test_the_plan_does_not_depend_on_input_order(case, seed):
    year_budgets, awards, quota = case
    shuffled = list(awards)
    random.Random(seed).shuffle(shuffled)
    first = allocate(year_budgets, awards, quota_per_item=quota)
    second = allocate(dict(reversed(year_budgets.items())), shuffled, quota_per_item=quota)
    assert first.to_dict() == second.to_dict()


@settings(max_examples=150, deadline=None)
@given(case=cases())
def test_the_invariants_of_a_plan(case):
    year_budgets, awards, quota = case
    # Only unpaid awards, so every placement is the allocation's own.
    awards = [replace(a, paid_year=None) for a in awards]
    plan = allocate(year_budgets, awards, quota_per_item=quota)
    by_id = {a.id: a for a in awards}
    assert set(plan.awards) == set(by_id)  # each award exactly once
    for award_id, year in plan.awards.items():
        if year is not None:
            assert year in year_budgets
            assert year >= by_id[award_id].approved_at.astimezone(SHANGHAI).year
    for year, s in plan.years.items():
        paid = [by_id[i] for i, y in plan.awards.items() if y == year]
        assert s.paid == sum((a.amount for a in paid), Decimal("0.00")) <= s.budget
        assert s.remaining >= 0
        quota_used = Counter(a.item for a in paid if not a.quota_exempt)
        assert all(count <= quota for count in quota_used.values())
        assert dict(s.quota_used) == dict(sorted(quota_used.items()))


@settings(max_examples=150, deadline=None)
@given(case=cases(), data=st.data())
def test_replanning_with_the_plan_paid_changes_nothing(case, data):
    year_budgets, awards, quota = case
    awards = [replace(a, paid_year=None) for a in awards]
    plan = allocate(year_budgets, awards, quota_per_item=quota)
    # Pay some of the placed awards (all, or any subset), then plan again.
    placed = [a for a in awards if plan.awards[a.id] is not None]
    paying = data.draw(st.sets(st.sampled_from([a.id for a in placed]))) if placed else set()
    again = [replace(a, paid_year=plan.awards[a.id]) if a.id in paying else a for a in awards]
    assert allocate(year_budgets, again, quota_per_item=quota).to_dict() == plan.to_dict()
    all_paid = [replace(a, paid_year=plan.awards[a.id]) for a in awards]
    assert allocate(year_budgets, all_paid, quota_per_item=quota).to_dict() == plan.to_dict()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_large_case_equals_the_plain_walk(seed):
    """Thousands of awards in one queue, so the search tree has three levels."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=SHANGHAI)
    awards = [
        AwardInput(
            id=f"A-{i:05d}",
            item=rng.choice(ITEMS[:2]),
            amount=Decimal(rng.randrange(1, 400)) * 1000,
            approved_at=start + timedelta(minutes=rng.randrange(4 * 365 * 24 * 60)),
            quota_exempt=rng.random() < 0.3,
        )
        for i in range(9000)
    ]
    year_budgets = {2025 + y: Decimal(rng.randrange(1, 30)) * 100000 for y in range(5)}
    plan = allocate(year_budgets, awards, quota_per_item=5)
    assert plan.awards == reference_allocate(year_budgets, awards, 5)
    assert date(2025, 1, 1).year in plan.years


@settings(max_examples=150, deadline=None)
@given(case=cases())
def test_the_search_tree_is_right_with_a_tiny_fanout(case):
    """A fan-out of 2 or 3 gives deep trees even for the small generated cases."""
    year_budgets, awards, quota = case
    expected = reference_allocate(year_budgets, awards, quota)
    for fanout in (2, 3):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("rules.allocation._FANOUT", fanout)
            assert allocate(year_budgets, awards, quota_per_item=quota).awards == expected


def test_a_what_if_uses_the_version_in_force_today_not_a_future_one(shipped_text, write_version):
    from rules import load_rulebook
    from tests.rules.conftest import replace_once

    # A revision dated far ahead lowers the largest accepted amount; today it is not in force.
    future = replace_once(shipped_text, 'version = "2025-draft"', 'version = "2999-revision"')
    future = replace_once(future, "effective_from = 2025-01-01", "effective_from = 2999-01-01")
    future = replace_once(future, 'money_max = "1000000000000.00"', 'money_max = "300000.00"')
    write_version("2025-01-01-draft.toml", shipped_text)
    book = load_rulebook(write_version("2999-01-01-revision.toml", future))
    assert book.latest.version == "2999-revision"
    # The budget is above the future money_max: accepted, because today's version decides.
    data = {"budgets": {"2025": "10000000.00"}, "awards": [VALID_AWARD]}
    budgets_in, _, _ = parse_simulation_input(data, rulebook=book)
    assert budgets_in == {2025: Decimal("10000000.00")}
