"""County matching programmes (县区同步奖励): the example file and the strict loader."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rules import (
    ProgrammeBook,
    RulesDataError,
    load_programme_version,
    load_programmes,
    load_rulebook,
)
from rules.loader import VERSIONS_DIR
from tests.rules.conftest import replace_once

EXAMPLE = Path(__file__).resolve().parents[2] / "rules" / "examples" / "411521-luoshan.example.toml"
RATIO_ITEMS = ("contest_national", "contest_provincial", "honor_national", "honor_provincial")
OWN_AMOUNTS = {
    "cluster_national": Decimal("100000.00"),
    "cluster_provincial": Decimal("50000.00"),
    "platform_national": Decimal("100000.00"),
    "platform_provincial": Decimal("50000.00"),
}


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def write(tmp_path: Path):
    """Write a programme file into tmp_path; returns its path."""

    def write(text: str, name: str = "programme.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def refused(path: Path) -> RulesDataError:
    with pytest.raises(RulesDataError) as caught:
        load_programme_version(path)
    return caught.value


def test_the_example_is_outside_the_loaded_rules_directory():
    assert EXAMPLE.is_file()
    assert EXAMPLE.parent != VERSIONS_DIR
    assert not list(VERSIONS_DIR.glob("*411521*"))
    assert [v.version for v in load_rulebook().versions] == ["2025-draft"]


def test_the_example_round_trips_through_the_strict_loader():
    v = load_programme_version(EXAMPLE)
    assert v.programme == "411521"
    assert v.version == "411521-2026-example"
    assert "示例" in v.title
    assert "example" in v.title_en.lower()
    assert v.example is True
    assert (v.funding_body, v.funding_body_en) == ("罗山县财政局", "Luoshan County Finance Bureau")
    assert v.issuer == "罗山县发展和改革委员会"
    assert v.issuer_en == "Luoshan County Development and Reform Commission"
    assert v.clause == "罗山县同步奖励办法（示例）第三条"
    assert v.effective_from == date(2025, 1, 1)
    assert v.effective_until is None
    assert v.quota_per_item_per_year == 3
    assert v.rounding == "ROUND_HALF_UP"
    assert v.source == str(EXAMPLE)
    assert set(v.items) == set(RATIO_ITEMS) | set(OWN_AMOUNTS)
    for item in RATIO_ITEMS:
        assert v.items[item].ratio == Decimal("0.50")
        assert v.items[item].amount is None
    for item, amount in OWN_AMOUNTS.items():
        assert v.items[item].ratio is None
        assert v.items[item].amount == amount
    # Not the dataset listings, not the first-time items.
    assert not {i for i in v.items if i.startswith(("dataset_", "first_"))}
    assert v.label("zh") == "罗山县数据产业同步奖励（示例） · 2025-01-01起"
    assert v.label("en").endswith("· from 2025-01-01")
    assert v.funding_body_name("en") == "Luoshan County Finance Bureau"
    assert v.issuer_name("zh") == "罗山县发展和改革委员会"


def test_the_example_as_a_book():
    book = load_programmes([EXAMPLE])
    assert book.codes == ("411521",)
    assert book.get("411502") is None
    programme = book.get("411521")
    assert programme is not None
    assert programme.version_for(date(2024, 12, 31)) is None
    assert programme.version_for(date(2025, 1, 1)) is programme.versions[0]
    assert book.matching_for("411521", "contest_national", date(2025, 6, 1)) is not None
    assert book.matching_for("411521", "first_transaction", date(2025, 6, 1)) is None
    assert book.matching_for("411502", "contest_national", date(2025, 6, 1)) is None


def test_no_files_give_an_empty_book():
    book = load_programmes([])
    assert book == ProgrammeBook({})
    assert book.codes == ()
    assert book.matching_for("411521", "contest_national", date(2025, 6, 1)) is None


def test_optional_keys_take_their_defaults(example_text, write):
    text = replace_once(example_text, "example = true\n", "", after='programme = "')
    text = text.replace("quota_per_item_per_year = 3\n", "")
    v = load_programme_version(write(text))
    assert v.example is False
    assert v.quota_per_item_per_year == 5  # the city's, in force on effective_from


@pytest.mark.parametrize(
    ("old", "new", "path", "problem"),
    [
        (
            'programme = "411521"',
            'programme = "411599"',
            "programme",
            "'411599' is not a district or county of Xinyang (rules version 2025-draft)",
        ),
        (
            'programme = "411521"',
            'programme = "xy_etdz"',
            "programme",
            "is a functional zone, not a district or county of Xinyang",
        ),
        ("[items.contest_national]", "[items.foo]", "items.foo", "unknown item 'foo'"),
        ('ratio = "0.50"', 'ratio = "0"', "items.contest_provincial.ratio", "greater than 0"),
        ('ratio = "0.50"', 'ratio = "1.5"', "items.contest_provincial.ratio", "at most 1"),
        (
            'ratio = "0.50"',
            'ratio = "abc"',
            "items.contest_provincial.ratio",
            'expected a decimal fraction string like "0.50"',
        ),
        (
            'ratio = "0.50"',
            "ratio = 0.5",
            "items.contest_provincial.ratio",
            'expected a decimal fraction string like "0.50"',
        ),
        (
            'ratio = "0.50"',
            'ratio = "0.50"\namount = "50000.00"',
            "items.contest_provincial",
            "either ratio or the county's own amounts, not both",
        ),
        (
            '[items.contest_provincial]\nratio = "0.50"',
            "[items.contest_provincial]",
            "items.contest_provincial",
            "give either ratio (a share of the city award) or the county's own amounts",
        ),
        (
            'ratio = "0.50"',
            'amount = "50000.00"',
            "items.contest_provincial",
            "is a fixed_by_level item in the city rules",
        ),
        (
            '[items.cluster_provincial]\namount = "50000.00"',
            '[items.cluster_provincial]\nrate = "0.10"\ncap = "50000.00"',
            "items.cluster_provincial",
            "is a fixed item in the city rules",
        ),
        (
            '[items.cluster_provincial]\namount = "50000.00"',
            '[items.cluster_provincial]\namount = "0.00"',
            "items.cluster_provincial.amount",
            "must be greater than 0.00",
        ),
        (
            '[items.cluster_provincial]\namount = "50000.00"',
            '[items.cluster_provincial]\namount = "50000"',
            "items.cluster_provincial.amount",
            "expected money as a string",
        ),
        (
            '[items.cluster_provincial]\namount = "50000.00"',
            '[items.cluster_provincial]\namount = "2000000000000.00"',
            "items.cluster_provincial.amount",
            "is above money_max",
        ),
        ('funding_body = "罗山县财政局"\n', "", "funding_body", "missing key"),
        ('funding_body = "罗山县财政局"', 'funding_body = ""', "funding_body", "non-empty"),
        ("example = true", "example = true\nbudget = 1", "budget", "unknown key"),
        (
            'ratio = "0.50"',
            'ratio = "0.50"\nnote = "x"',
            "items.contest_provincial.note",
            "unknown key",
        ),
        (
            "effective_from = 2025-01-01",
            "effective_from = 2025-01-01\neffective_until = 2024-12-31",
            "effective_until",
            "is before effective_from",
        ),
        (
            "effective_from = 2025-01-01",
            "effective_from = 2024-06-01",
            "effective_from",
            "no city rules version is in force on 2024-06-01",
        ),
        (
            "quota_per_item_per_year = 3",
            "quota_per_item_per_year = -1",
            "quota_per_item_per_year",
            "expected a non-negative integer",
        ),
        (
            "quota_per_item_per_year = 3",
            'quota_per_item_per_year = "3"',
            "quota_per_item_per_year",
            "expected a non-negative integer",
        ),
        ("example = true", 'example = "yes"', "example", "expected true or false"),
    ],
)
def test_a_malformed_programme_is_refused_with_its_message(
    example_text, write, old, new, path, problem
):
    # After the header comment, which quotes some keys.
    error = refused(write(replace_once(example_text, old, new, after='programme = "')))
    assert error.key_path == path
    assert problem in error.problem


def test_no_items_are_refused(example_text, write):
    head = example_text.split("\n[items.", 1)[0]
    error = refused(write(head + "items = {}\n"))
    assert (error.key_path, error.problem) == ("items", "expected a non-empty table of items")


def test_by_level_amounts_need_exactly_the_city_levels(example_text, write):
    by_level = '[items.contest_provincial.amounts]\nfirst = "50000.00"\nsecond = "40000.00"\n'
    text = replace_once(example_text, '[items.contest_provincial]\nratio = "0.50"\n', by_level)
    error = refused(write(text))
    assert (error.key_path, error.problem) == (
        "items.contest_provincial.amounts.third",
        "missing key",
    )
    text = replace_once(
        example_text,
        '[items.contest_provincial]\nratio = "0.50"\n',
        by_level + 'third = "25000.00"\nfourth = "1.00"\n',
    )
    error = refused(write(text))
    assert (error.key_path, error.problem) == (
        "items.contest_provincial.amounts.fourth",
        "unknown key",
    )


def test_a_duplicate_key_names_its_path(example_text, write):
    error = refused(
        write(replace_once(example_text, 'ratio = "0.50"', 'ratio = "0.50"\nratio = "0.40"'))
    )
    assert error.key_path == "items.contest_provincial.ratio"
    assert "duplicate key" in error.problem


def test_two_versions_of_one_programme_may_not_start_on_one_day(example_text, write):
    first = write(example_text, "a.toml")
    second = write(example_text.replace("411521-2026-example", "411521-2026-02"), "b.toml")
    with pytest.raises(RulesDataError) as caught:
        load_programmes([first, second])
    assert caught.value.key_path == "effective_from"
    assert "2025-01-01 is also the effective_from of" in caught.value.problem


def test_two_versions_may_not_share_a_version_id(example_text, write):
    first = write(example_text, "a.toml")
    later = example_text.replace("effective_from = 2025-01-01", "effective_from = 2025-07-01")
    with pytest.raises(RulesDataError) as caught:
        load_programmes([first, write(later, "b.toml")])
    assert caught.value.key_path == "version"
    assert "'411521-2026-example' is also in" in caught.value.problem


def test_the_latest_started_version_answers_and_an_end_date_ends_the_programme(example_text, write):
    first = write(example_text, "a.toml")
    later = example_text.replace("411521-2026-example", "411521-2026-02").replace(
        "effective_from = 2025-01-01",
        "effective_from = 2025-07-01\neffective_until = 2025-12-31",
    )
    programme = load_programmes([write(later, "b.toml"), first]).get("411521")
    assert programme is not None
    assert [v.version for v in programme.versions] == ["411521-2026-example", "411521-2026-02"]
    assert programme.version_for(date(2025, 6, 30)).version == "411521-2026-example"
    assert programme.version_for(date(2025, 12, 31)).version == "411521-2026-02"
    # Ended by its last version: the older, open-ended one does not come back.
    assert programme.version_for(date(2026, 1, 1)) is None
    assert programme.current(date(2026, 1, 1)) is None
    assert programme.version_to_judge(date(2026, 1, 1)).version == "411521-2026-02"
    assert programme.version_to_judge(date(2024, 1, 1)).version == "411521-2026-example"
    assert programme.versions[1].in_force_on(date(2025, 12, 31))
    assert not programme.versions[1].in_force_on(date(2026, 1, 1))


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(RulesDataError, match="cannot read"):
        load_programmes([tmp_path / "nope.toml"])
