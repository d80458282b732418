"""The rules version files and their strict loader."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rules import RulesDataError, load_rulebook
from rules.errors import NoVersionInForce
from tests.rules.conftest import replace_once

# The policy text the rules quote, kept in the repository beside its reading as a spec.
POLICY = Path(__file__).resolve().parents[2] / "docs" / "policy" / "policy.zh.txt"

ITEMS = {
    # code: (family, clause)
    "contest_provincial": ("fixed_by_level", "三、加强数据资源开发利用（三）"),
    "honor_provincial": ("fixed", "三、加强数据资源开发利用（三）"),
    "contest_national": ("fixed_by_level", "三、加强数据资源开发利用（三）"),
    "honor_national": ("fixed", "三、加强数据资源开发利用（三）"),
    "dataset_national": ("fixed", "三、加强数据资源开发利用（五）"),
    "dataset_provincial": ("fixed", "三、加强数据资源开发利用（五）"),
    "first_registration": ("percentage", "四、促进数据合规流通交易（四）"),
    "first_transaction": ("percentage", "四、促进数据合规流通交易（四）"),
    "first_balance_sheet": ("percentage", "四、促进数据合规流通交易（四）"),
    "cluster_national": ("fixed", "七、繁荣产业发展生态（二）"),
    "cluster_provincial": ("fixed", "七、繁荣产业发展生态（二）"),
    "platform_national": ("fixed", "七、繁荣产业发展生态（三）"),
    "platform_provincial": ("fixed", "七、繁荣产业发展生态（三）"),
}
JURISDICTIONS = {
    "411502": "浉河区",
    "411503": "平桥区",
    "411521": "罗山县",
    "411522": "光山县",
    "411523": "新县",
    "411524": "商城县",
    "411525": "固始县",
    "411526": "潢川县",
    "411527": "淮滨县",
    "411528": "息县",
    "xy_etdz": "信阳经济技术开发区",
    "yds_hitech": "豫东南高新技术产业开发区",
    "yangshan": "羊山新区",
    "jigongshan": "鸡公山管理区",
    "nanwanhu": "南湾湖风景区管理区",
    "shangtianti": "上天梯非金属矿管理区",
}
ALL_TYPES = ("data_enterprise", "city_enterprise", "data_trading_operator", "other_enterprise")


@pytest.fixture
def draft():
    return load_rulebook().version("2025-draft")


def test_the_shipped_rulebook_has_the_draft_version(draft):
    book = load_rulebook()
    assert [v.version for v in book.versions] == ["2025-draft"]
    assert draft.effective_from == date(2025, 1, 1)
    assert draft.retroactive_from == date(2025, 1, 1)
    assert draft.published_on is None
    assert draft.quota_per_item_per_year == 5
    assert draft.allocation_strategy == "fill"
    assert draft.money_max == Decimal("1000000000000.00")
    assert draft.rounding == "ROUND_HALF_UP"
    assert draft.common.clause == "八、优化产业发展环境（五）"
    assert "从优、就高、不重复" in draft.common.top_up_text


def test_the_default_rulebook_is_loaded_once():
    assert load_rulebook() is load_rulebook()


@pytest.mark.parametrize(("code", "family", "clause"), [(c, *v) for c, v in ITEMS.items()])
def test_every_item_is_defined_with_its_clause(draft, code, family, clause):
    rule = draft.items[code]
    assert rule.family == family
    assert rule.clause == clause
    assert rule.first_time is code.startswith("first_")
    assert rule.title_zh
    assert rule.title_en
    assert rule.evidence
    assert any(e.required for e in rule.evidence)


def test_the_items_are_exactly_the_thirteen(draft):
    assert list(draft.items) == list(ITEMS)


def test_the_jurisdictions_are_xinyangs(draft):
    assert {j.code: j.name_zh for j in draft.jurisdictions} == JURISDICTIONS
    assert {j.kind for j in draft.jurisdictions if j.code.isdigit()} <= {"district", "county"}
    assert all(draft.items[c].jurisdictions == tuple(JURISDICTIONS) for c in ITEMS)


@pytest.mark.parametrize(
    ("item", "types"),
    [
        ("first_registration", {"city_enterprise", "data_enterprise", "data_trading_operator"}),
        ("first_transaction", {"data_trading_operator"}),
        ("first_balance_sheet", set(ALL_TYPES)),
        *[(c, set(ALL_TYPES)) for c in ITEMS if not c.startswith("first_")],
    ],
)
def test_applicant_types_per_item(draft, item, types):
    assert set(draft.items[item].applicant_types) == types


@pytest.mark.parametrize(
    ("item", "evidence"),
    [
        ("contest_provincial", {"award_certificate", "award_notice"}),
        ("contest_national", {"award_certificate", "award_notice"}),
        (
            "first_registration",
            {"registration_certificate", "quality_assessment_report", "fee_invoice"},
        ),
        ("first_transaction", {"transaction_contract", "contract_filing_receipt", "payment_proof"}),
        ("first_balance_sheet", {"audit_report", "accounting_voucher"}),
        ("honor_national", {"approval_notice"}),
        ("dataset_provincial", {"approval_notice"}),
        ("cluster_national", {"approval_notice"}),
        ("platform_provincial", {"approval_notice"}),
    ],
)
def test_evidence_documents_per_item(draft, item, evidence):
    assert {e.code for e in draft.items[item].evidence} == evidence


def test_item_facts_and_their_types(draft):
    specs = {i: {f.code: f.type for f in draft.items[i].facts} for i in ITEMS}
    assert specs["contest_provincial"] == {"prize_level": "enum"}
    assert specs["first_registration"] == {"assessment_fee": "money", "certificate_issuer": "enum"}
    assert specs["first_transaction"] == {"transaction_amount": "money"}
    assert specs["first_balance_sheet"] == {"entry_amount": "money"}
    issuer = draft.items["first_registration"].fact("certificate_issuer")
    assert [c.code for c in issuer.choices] == ["provincial_exchange", "national_registry"]
    threshold = draft.items["first_balance_sheet"].threshold
    assert threshold is not None
    assert threshold.amount == Decimal("500000.00")
    assert threshold.strict


def test_fact_specs_put_the_common_facts_first(draft):
    codes = [s.code for s in draft.fact_specs("first_transaction")]
    assert codes == [
        "event_date",
        "applicant_type",
        "jurisdiction",
        "prior_awards_same_project",
        "first_time",
        "transaction_amount",
    ]
    assert "first_time" not in [s.code for s in draft.fact_specs("contest_national")]


def test_choices_with_labels_in_both_languages(draft):
    assert ("411502", "浉河区") in draft.jurisdiction_choices("zh")
    assert ("411502", "Shihe District") in draft.jurisdiction_choices("en")
    assert ("data_trading_operator", "数据交易运营机构") in draft.applicant_type_choices()
    assert ("other_enterprise", "Other enterprise") in draft.applicant_type_choices("en")
    assert [code for code, _ in draft.item_choices("en")] == list(ITEMS)


def test_clause_texts_quote_the_cited_paragraph_exactly(draft):
    policy = POLICY.read_text(encoding="utf-8")
    for rule in draft.items.values():
        paragraph = _paragraph(policy, rule.clause)
        for excerpt in rule.clause_text.split("……"):
            assert excerpt in paragraph, (rule.code, excerpt)
    common = _paragraph(policy, draft.common.clause)
    for text in ("time_window_text", "quota_text", "county_text", "top_up_text"):
        assert getattr(draft.common, text) in common


def _paragraph(policy: str, clause: str) -> str:
    """The text of 章、标题（段） in the policy: the chapter, then its paragraph."""
    chapter, paragraph = re.fullmatch(r"(.+?)（(.+)）", clause).groups()
    body = policy[policy.index(f"\n{chapter}\n") :]
    next_chapter = re.search(r"\n[一二三四五六七八九十]+、", body[1:])
    body = body[: next_chapter.start() + 1] if next_chapter else body
    start = body.index(f"（{paragraph}）")
    end = body.find("\n（", start + 1)
    return body[start : end if end > 0 else None]


def test_version_for_picks_the_version_in_force():
    book = load_rulebook()
    assert book.version_for(date(2025, 1, 1)).version == "2025-draft"
    assert book.current(date(2030, 1, 1)).version == "2025-draft"
    with pytest.raises(NoVersionInForce):
        book.version_for(date(2024, 12, 31))


# --- strictness -------------------------------------------------------------------------------


def _load_with(write_version, text: str) -> RulesDataError:
    directory = write_version("2025-01-01-draft.toml", text)
    with pytest.raises(RulesDataError) as caught:
        load_rulebook(directory)
    assert "2025-01-01-draft.toml" in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "after", "key_path", "problem"),
    [
        # unknown keys
        (
            'rounding = "ROUND_HALF_UP"',
            'rounding = "ROUND_HALF_UP"\nroundng = "x"',
            "",
            "roundng",
            "unknown key",
        ),
        (
            'cap = "200000.00"',
            'cap = "200000.00"\ncaps = "1.00"',
            "[items.first_transaction]",
            "items.first_transaction.caps",
            "unknown key",
        ),
        (
            "required = true",
            'required = true\nhelp = "x"',
            "[[items.first_transaction.facts]]",
            "items.first_transaction.facts[0].help",
            "unknown key",
        ),
        (
            'amount = "200000.00"',
            'amount = "200000.00"\ncap = "1.00"',
            "[items.cluster_national]",
            "items.cluster_national.cap",
            "unknown key",
        ),
        # missing keys
        (
            'cap = "200000.00"\n',
            "",
            "[items.first_transaction]",
            "items.first_transaction.cap",
            "missing key",
        ),
        ("quota_per_item_per_year = 5\n", "", "", "quota_per_item_per_year", "missing key"),
        (
            'third = "100000.00"\n',
            "",
            "[items.contest_national.amounts]",
            "items.contest_national.amounts.third",
            "missing key",
        ),
        ('kind = "county"\n', "", "", "jurisdictions[2].kind", "missing key"),
        # wrong types
        (
            "quota_per_item_per_year = 5",
            'quota_per_item_per_year = "5"',
            "",
            "quota_per_item_per_year",
            "integer",
        ),
        (
            "effective_from = 2025-01-01",
            'effective_from = "2025-01-01"',
            "",
            "effective_from",
            "date",
        ),
        (
            "effective_from = 2025-01-01",
            "effective_from = 2025-01-01T00:00:00",
            "",
            "effective_from",
            "date",
        ),
        (
            "first_time = true",
            'first_time = "yes"',
            "[items.first_transaction]",
            "items.first_transaction.first_time",
            "true or false",
        ),
        (
            'type = "money"',
            'type = "float"',
            "[[items.first_transaction.facts]]",
            "items.first_transaction.facts[0].type",
            "not one of",
        ),
        (
            'family = "fixed"',
            'family = "lump_sum"',
            "[items.cluster_national]",
            "items.cluster_national.family",
            "not one of",
        ),
        # bad money and rates
        (
            'cap = "200000.00"',
            'cap = "200000"',
            "[items.first_transaction]",
            "items.first_transaction.cap",
            "money",
        ),
        (
            'cap = "200000.00"',
            'cap = "2e5"',
            "[items.first_transaction]",
            "items.first_transaction.cap",
            "money",
        ),
        (
            'cap = "200000.00"',
            "cap = 200000.00",
            "[items.first_transaction]",
            "items.first_transaction.cap",
            "money",
        ),
        (
            'amount = "200000.00"',
            'amount = "-200000.00"',
            "[items.cluster_national]",
            "items.cluster_national.amount",
            "money",
        ),
        ('money_max = "1000000000000.00"', 'money_max = "NaN"', "", "money_max", "money"),
        (
            'rate = "0.04"',
            'rate = "4%"',
            "[items.first_transaction]",
            "items.first_transaction.rate",
            "decimal fraction",
        ),
        (
            'rate = "0.04"',
            'rate = "4"',
            "[items.first_transaction]",
            "items.first_transaction.rate",
            "at most 1",
        ),
        # references and citations
        (
            'applicant_types = ["data_trading_operator"]',
            'applicant_types = ["data_traders"]',
            "",
            "items.first_transaction.applicant_types[0]",
            "unknown code",
        ),
        (
            'jurisdictions = "all"',
            'jurisdictions = ["411599"]',
            "[items.cluster_national]",
            "items.cluster_national.jurisdictions[0]",
            "unknown code",
        ),
        (
            'clause = "七、繁荣产业发展生态（二）"',
            'clause = "七（二）"',
            "[items.cluster_national]",
            "items.cluster_national.clause",
            "cited",
        ),
        (
            'level_fact = "prize_level"',
            'level_fact = "level"',
            "[items.contest_national]",
            "items.contest_national.level_fact",
            "enum fact",
        ),
        ('code = "411503"', 'code = "411502"', "", "jurisdictions[1].code", "duplicate code"),
        ('rounding = "ROUND_HALF_UP"', 'rounding = "HALF_UP"', "", "rounding", "not one of"),
        (
            "required = true",
            "required = false",
            "[[items.first_balance_sheet.facts]]",
            "items.first_balance_sheet.base_fact",
            "must be required",
        ),
        (
            'allocation_strategy = "fill"',
            'allocation_strategy = "greedy"',
            "",
            "allocation_strategy",
            "not one of",
        ),
    ],
)
def test_the_loader_rejects_and_names_the_key(
    write_version, shipped_text, old, new, after, key_path, problem
):
    error = _load_with(write_version, replace_once(shipped_text, old, new, after=after))
    assert error.key_path == key_path
    assert problem in error.problem
    assert key_path in str(error)


@pytest.mark.parametrize(
    ("old", "new", "after", "key"),
    [
        (
            'cap = "200000.00"',
            'cap = "200000.00"\ncap = "300000.00"',
            "[items.first_transaction]",
            "items.first_transaction.cap",
        ),
        ('title = "', 'version = "again"\ntitle = "', "", "version"),
        ("[items.cluster_provincial]", "[items.cluster_national]", "", "items.cluster_national"),
    ],
)
def test_a_duplicate_key_is_rejected_by_name(write_version, shipped_text, old, new, after, key):
    error = _load_with(write_version, replace_once(shipped_text, old, new, after=after))
    assert error.key_path == key
    assert "duplicate" in error.problem


def test_a_duplicate_key_on_the_last_line_is_named(write_version, shipped_text):
    error = _load_with(write_version, shipped_text.rstrip() + "\nrequired = false")
    assert error.key_path == "items.platform_provincial.evidence.required"


def test_invalid_toml_is_reported_with_the_file(write_version, shipped_text):
    error = _load_with(write_version, shipped_text + "\nthis is not toml\n")
    assert "not valid TOML" in error.problem


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(RulesDataError, match="no rules version"):
        load_rulebook(tmp_path)


def test_two_versions_may_not_share_an_id_or_a_start(write_version, shipped_text):
    write_version("2025-01-01-draft.toml", shipped_text)
    later = shipped_text.replace("effective_from = 2025-01-01", "effective_from = 2026-01-01")
    directory = write_version("2026-01-01-same-id.toml", later)
    with pytest.raises(RulesDataError, match="2025-draft"):
        load_rulebook(directory)
    (directory / "2026-01-01-same-id.toml").unlink()
    same_day = shipped_text.replace('version = "2025-draft"', 'version = "2025-other"')
    write_version("2025-01-01-other.toml", same_day)
    with pytest.raises(RulesDataError, match="effective_from"):
        load_rulebook(directory)


def test_published_on_is_optional_but_checked(write_version, shipped_text):
    text = shipped_text.replace(
        "retroactive_from = 2025-01-01", "retroactive_from = 2025-01-01\npublished_on = 2025-09-01"
    )
    version = load_rulebook(write_version("2025-01-01-draft.toml", text)).latest
    assert version.published_on == date(2025, 9, 1)
    early = text.replace("published_on = 2025-09-01", "published_on = 2024-09-01")
    error = _load_with(write_version, early)
    assert error.key_path == "published_on"
