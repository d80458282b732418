"""同类: the rules version's overlap groups, loaded strictly."""

import pytest

from rules import RulesDataError, load_rulebook
from tests.rules.conftest import replace_once

GROUP = '[[overlap_groups]]\ncode = "dataset"'


def test_the_draft_groups_the_items_of_one_kind():
    version = load_rulebook().version("2025-draft")
    assert version.same_kind("contest_provincial") == {
        "contest_provincial",
        "honor_provincial",
        "contest_national",
        "honor_national",
    }
    assert version.same_kind("dataset_national") == {"dataset_national", "dataset_provincial"}
    assert version.same_kind("cluster_provincial") == {"cluster_provincial", "cluster_national"}
    assert version.same_kind("platform_national") == {"platform_national", "platform_provincial"}
    # Each first-time item is a kind of its own.
    for item in ("first_registration", "first_transaction", "first_balance_sheet"):
        assert version.same_kind(item) == {item}
        assert version.overlap_group(item) is None
    assert version.overlap_group("honor_national").label("en") == (
        "Contest prizes, honours and pilots"
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "problem"),
    [
        (
            'items = ["dataset_provincial", "dataset_national"]',
            'items = ["dataset_provincial", "dataset_lunar"]',
            "overlap_groups[1].items[1]",
            "unknown code 'dataset_lunar'",
        ),
        (
            'items = ["dataset_provincial", "dataset_national"]',
            'items = ["dataset_provincial", "honor_national"]',
            "overlap_groups[1].items",
            "'honor_national' is already in group 'contest_honor'",
        ),
        (
            'items = ["dataset_provincial", "dataset_national"]',
            'items = ["dataset_provincial"]',
            "overlap_groups[1].items",
            "at least two items",
        ),
        (
            'code = "dataset"\n',
            'code = "dataset"\nkind = "x"\n',
            "overlap_groups[1].kind",
            "unknown",
        ),
        ('code = "dataset"', 'code = "cluster"', "overlap_groups[2].code", "duplicate code"),
    ],
)
def test_a_malformed_group_is_refused_with_its_path(
    shipped_text, write_version, old, new, path, problem
):
    text = replace_once(shipped_text, old, new, after=GROUP)
    with pytest.raises(RulesDataError) as caught:
        load_rulebook(write_version("2025-01-01-draft.toml", text))
    assert caught.value.key_path == path
    assert problem in str(caught.value)


def test_a_version_must_state_its_groups(shipped_text, write_version):
    start = shipped_text.index("[[overlap_groups]]")
    end = shipped_text.index("# --- the 13 reward items")
    with pytest.raises(RulesDataError) as caught:
        load_rulebook(write_version("v.toml", shipped_text[:start] + shipped_text[end:]))
    assert caught.value.key_path == "overlap_groups"
    assert "missing key" in str(caught.value)
