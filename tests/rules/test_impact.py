"""rules.impact.prices_alike: two versions price an item alike only when every input a quote of
it reads is the same, and then the same facts give the same price and trace."""

import pytest

from rules import RuleBook, load_rulebook, quote
from rules.impact import prices_alike
from rules.loader import load_version_text
from tests.rules.conftest import replace_once
from tests.rules.test_quote import ALL_ITEMS, ITEM_FACTS, TODAY, facts

SHIPPED = load_rulebook().latest


def _renamed(text: str) -> str:
    text = replace_once(text, 'version = "2025-draft"', 'version = "2026-revision"')
    return replace_once(text, "effective_from = 2025-01-01", "effective_from = 2026-07-01")


def _version(text: str):  # type: ignore[no-untyped-def]
    return load_version_text(text, source="candidate.toml")


def _steps(item: str, version, **overrides: object) -> tuple:  # type: ignore[no-untyped-def]
    result = quote(item, facts(item, **overrides), today=TODAY, rulebook=RuleBook((version,)))
    return result.eligible, result.amount, [(s.step, s.value, s.message) for s in result.trace]


def test_a_renamed_copy_prices_every_item_alike_and_identically(shipped_text):
    renamed = _version(_renamed(shipped_text))
    for item in ALL_ITEMS:
        assert prices_alike(SHIPPED, renamed, item), item
        samples = ({}, {"prior_awards_same_project": "30000.00"}, {"jurisdiction": "411503"})
        for overrides in samples:
            assert _steps(item, SHIPPED, **overrides) == _steps(item, renamed, **overrides)


@pytest.mark.parametrize(
    ("old", "new", "after", "item"),
    [
        ('cap = "200000.00"', 'cap = "100000.00"', "[items.first_transaction]",
         "first_transaction"),
        ('amount = "100000.00"', 'amount = "150000.00"', "[items.honor_provincial]",
         "honor_provincial"),
        ("retroactive_from = 2025-01-01", "retroactive_from = 2025-03-01", "", "honor_provincial"),
        ('rounding = "ROUND_HALF_UP"', 'rounding = "ROUND_DOWN"', "", "first_transaction"),
    ],
)  # fmt: skip
def test_a_changed_input_of_the_quote_makes_the_item_priced_apart(
    shipped_text, old, new, after, item
):
    changed = _version(replace_once(_renamed(shipped_text), old, new, after=after))
    assert not prices_alike(SHIPPED, changed, item)


def test_a_change_to_one_item_leaves_the_others_alike(shipped_text):
    changed = _version(
        replace_once(
            _renamed(shipped_text), 'cap = "200000.00"', 'cap = "100000.00"',
            after="[items.first_transaction]",
        )
    )  # fmt: skip
    alike = {item for item in ALL_ITEMS if prices_alike(SHIPPED, changed, item)}
    assert alike == set(ALL_ITEMS) - {"first_transaction"}
    assert set(ITEM_FACTS) - {"first_transaction"} <= alike


def test_an_item_one_version_lacks_is_never_alike():
    assert not prices_alike(SHIPPED, SHIPPED, "no_such_item")
