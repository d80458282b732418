"""Words for the trace, as rules data: step names, the version's title, chapters in English.

And the CLI/API contract (`Quote.to_dict()`, REWARDS.md §4), which these labels must not change.
"""

import json
from datetime import date

import pytest

from rules import RulesDataError, load_rulebook, quote
from rules.messages import MESSAGES, TRACE_STEP_LABELS, step_label
from tests.rules.conftest import replace_once

TODAY = date(2025, 12, 31)
README_CASE = {
    "transaction_amount": "3000000.00",
    "event_date": "2025-06-01",
    "applicant_type": "data_trading_operator",
    "jurisdiction": "411502",
}
# The byte-exact CLI/API output for the README's example (REWARDS.md §4): keys, order, codes as
# values, money without separators. Labels for people are derived at display time, never here.
README_CASE_JSON = (
    '{"item": "first_transaction", "eligible": true, "amount": "120000.00", "reasons": [], '
    '"rules_version": "2025-draft", "trace": ['
    '{"clause": "八、优化产业发展环境（五）", "step": "time_window", "value": "2025-06-01", '
    '"description": "事件日期 2025-06-01 不早于 2025-01-01，在本措施发布之前，参照执行。"}, '
    '{"clause": "四、促进数据合规流通交易（四）", "step": "applicant_type", '
    '"value": "data_trading_operator", '
    '"description": "申报主体类型「数据交易运营机构」属于本项目的奖励对象。"}, '
    '{"clause": "四、促进数据合规流通交易（四）", "step": "jurisdiction", "value": "411502", '
    '"description": "「浉河区」属于本项目的申报范围（信阳市辖内县区、功能区的申报单位）。"}, '
    '{"clause": "四、促进数据合规流通交易（四）", "step": "first_time", "value": "true", '
    '"description": "申报事项为首次（每家企业限一次）。"}, '
    '{"clause": "四、促进数据合规流通交易（四）", "step": "base", "value": "3000000.00", '
    '"description": "计算基数：数据交易额 3000000.00 元。"}, '
    '{"clause": "四、促进数据合规流通交易（四）", "step": "rate", "value": "120000.00", '
    '"description": "3000000.00 元 × 4% = 120000.00 元。"}, '
    '{"clause": "四、促进数据合规流通交易（四）", "step": "rounding", "value": "120000.00", '
    '"description": "四舍五入到分：120000.00 元。"}, '
    '{"clause": "四、促进数据合规流通交易（四）", "step": "cap", "value": "120000.00", '
    '"description": "未超过上限 200000.00 元，计 120000.00 元。"}, '
    '{"clause": "八、优化产业发展环境（五）", "step": "top_up", "value": "120000.00", '
    '"description": "同一成果此前未获奖励，无需扣减：120000.00 元。"}, '
    '{"clause": "四、促进数据合规流通交易（四）", "step": "payable", "value": "120000.00", '
    '"description": "应奖励 120000.00 元。"}]}'
)


def _every_step() -> set[str]:
    """Every step name the shipped rules produce: an item of each family, a top-up, a refusal."""
    common = {k: v for k, v in README_CASE.items() if k != "transaction_amount"}
    cases = [
        ("first_transaction", README_CASE),
        ("first_balance_sheet", {**common, "entry_amount": "800000.00"}),
        ("contest_national", {**common, "prize_level": "first"}),
        ("honor_national", {**common, "prior_awards_same_project": "100000.00"}),
        ("honor_national", {**common, "event_date": "2024-06-01"}),
    ]
    return {step.step for item, facts in cases for step in quote(item, facts, today=TODAY).trace}


def test_the_cli_and_api_shape_of_a_quote_is_unchanged():
    result = quote("first_transaction", README_CASE, today=TODAY)
    assert json.dumps(result.to_dict(), ensure_ascii=False) == README_CASE_JSON


def test_the_stored_trace_keeps_codes_as_values():
    record = quote("first_transaction", README_CASE, today=TODAY).trace_record()
    assert [set(step) for step in record] == [
        {"clause", "step", "value", "description", "description_en"}
    ] * len(record)
    assert record[1]["value"] == "data_trading_operator"


def test_every_step_has_a_name_in_both_languages():
    steps = _every_step()
    assert {"time_window", "threshold", "rate", "cap", "top_up", "payable"} <= steps
    assert steps <= set(TRACE_STEP_LABELS)
    assert step_label("time_window") == "时间范围"
    assert step_label("time_window", "en") == "Time window"
    assert step_label("top_up") == "从优就高不重复"
    assert step_label("top_up", "en") == "Highest award, no double payment"
    for step in steps:
        assert step_label(step, "zh") != step
        assert step_label(step, "en").isascii()


def test_an_unknown_step_keeps_its_code_rather_than_failing():
    assert step_label("ceiling", "en") == "ceiling"


def test_the_version_is_named_by_its_title_and_start_date():
    version = load_rulebook().version("2025-draft")
    assert (
        version.label("zh") == "关于促进数据产业高质量发展的实施意见（征求意见稿） · 2025-01-01起"
    )
    assert version.label("en") == (
        "Opinions on Promoting the High-Quality Development of the Data Industry "
        "(Draft for Comments) · from 2025-01-01"
    )


def test_every_cited_clause_has_its_chapter_title_in_english():
    version = load_rulebook().latest
    clauses = {version.common.clause} | {rule.clause for rule in version.items.values()}
    for clause in clauses:
        assert version.chapter_title_en(clause), clause
    assert version.chapter_title_en("三、加强数据资源开发利用（三）") == (
        "III. Data resource development and use"
    )
    assert version.chapter_title_en("八、优化产业发展环境（五）").startswith("VIII. ")
    assert version.chapter_title_en("九、不存在的章（一）") == ""


def test_no_text_of_ours_calls_every_applicant_a_district_one():
    # 市辖区项目申报单位 is the policy's own phrase (kept in clause_text); our sentences name
    # counties and functional zones too (罗山县 is not a 区).
    for message in MESSAGES.values():
        assert "市辖区" not in message.zh, message.code
    trace = quote("first_transaction", {**README_CASE, "jurisdiction": "411521"}, today=TODAY)
    assert "信阳市辖内县区、功能区" in trace.trace[2].description("zh")


@pytest.mark.parametrize(
    ("old", "new", "after", "where"),
    [
        ('title_en = "Opinions', '# title_en = "Opinions', "", "title_en: missing key"),
        (
            '"八、优化产业发展环境" = ',
            '"八、优化产业环境" = ',
            "[chapter_titles_en]",
            "common_rules",
        ),
        ('"七、繁荣产业发展生态" = ', '"七、繁荣产业发展生态（二）" = ', "", "chapter_titles_en."),
        ("[chapter_titles_en]", "[chapter_titles]", "", "chapter_titles"),
    ],
)
def test_the_loader_refuses_missing_or_malformed_chapter_data(
    shipped_text, write_version, old, new, after, where
):
    directory = write_version("v.toml", replace_once(shipped_text, old, new, after=after))
    with pytest.raises(RulesDataError) as error:
        load_rulebook(directory)
    assert where in str(error.value)


def test_a_clause_citing_an_unlisted_chapter_names_the_item(shipped_text, write_version):
    text = replace_once(
        shipped_text, '"七、繁荣产业发展生态" = "VII. A thriving industry ecosystem"\n', ""
    )
    with pytest.raises(RulesDataError) as error:
        load_rulebook(write_version("v.toml", text))
    assert "items.cluster_national.clause" in str(error.value)
    assert "chapter_titles_en" in str(error.value)
