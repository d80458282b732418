"""Every trace a person reads is in words: the calculator, the live quote, both case pages.

Step names, values (applicant type, place, yes/no), grouped money, the rules version by its title
and, on English pages, the cited chapter's English title beside the Chinese clause.
"""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from applicants.models import Status
from applicants.trace import group_amounts_in_text, grouped_amount, trace_rows
from rules import quote
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, sign_in

pytestmark = pytest.mark.django_db

FACTS = {
    "event_date": "2025-06-01",
    "applicant_type": "data_trading_operator",
    "jurisdiction": "411521",
    "transaction_amount": "3000000.00",
}
CODES = ("time_window", "top_up", "data_trading_operator", "411521", "true", "2025-draft")
VERSION_ZH = "规则版本：关于促进数据产业高质量发展的实施意见（征求意见稿） · 2025-01-01起"
VERSION_EN = (
    "Rules version: Opinions on Promoting the High-Quality Development of the Data Industry "
    "(Draft for Comments) · from 2025-01-01"
)


def text_of(page: str, element_id: str) -> str:
    """The visible text of a trace list and of its rules-version line."""
    start = page.index(">", page.index(f'id="{element_id}"')) + 1
    end = page.index("</p>", page.index(f'id="{element_id}-version"', start))
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page[start:end])).split())


def english(client: Client) -> Client:
    client.post(reverse("set_language"), {"language": "en"})
    return client


def assert_in_words_zh(text: str) -> None:
    for words in ("时间范围", "从优就高不重复", "数据交易运营机构", "罗山县", "是", VERSION_ZH):
        assert words in text
    assert "3,000,000.00" in text
    assert "120,000.00" in text
    assert "3000000.00" not in text
    for code in CODES:
        assert code not in text
    assert "市辖区" not in text


def assert_in_words_en(text: str) -> None:
    for words in (
        "Time window",
        "Highest award, no double payment",
        "Data trading operator",
        "Luoshan County",
        "Yes",
        "3,000,000.00",
        VERSION_EN,
        "四、促进数据合规流通交易（四） (IV. Compliant circulation and trading of data)",
    ):
        assert words in text
    for code in CODES:
        assert code not in text
    assert "：" not in text  # no Chinese colon after English words


def test_the_calculator_shows_the_trace_in_words(client):
    page = client.get(reverse("calculator"), {"item": "first_transaction", **FACTS})
    assert_in_words_zh(text_of(page.content.decode(), "quote-trace"))


def test_the_calculator_shows_the_trace_in_english(client):
    page = english(client).get(reverse("calculator"), {"item": "first_transaction", **FACTS})
    assert_in_words_en(text_of(page.content.decode(), "quote-trace"))


def test_the_calculator_cites_the_clause_with_its_english_chapter(client):
    page = english(client).get(reverse("calculator"), {"item": "contest_national"})
    assert (
        "三、加强数据资源开发利用（三） (III. Data resource development and use)"
        in page.content.decode()
    )


def test_the_enterprise_live_quote_is_in_words(client, enterprise_user):
    enterprise_user.enterprise.applicant_type = "data_trading_operator"
    enterprise_user.enterprise.jurisdiction = "411521"
    enterprise_user.enterprise.save()
    sign_in(client, enterprise_user)
    url = reverse("applicants:quote", args=["first_transaction"])
    data = {"event_date": "2025-06-01", "transaction_amount": "3,000,000.00"}
    assert_in_words_zh(text_of(client.post(url, data).content.decode(), "quote-trace"))
    assert_in_words_en(text_of(english(client).post(url, data).content.decode(), "quote-trace"))


def _stored_case():
    """A submitted case whose quote was stored at submission, as `trace_record` writes it."""
    result = quote("first_transaction", FACTS, today=None)
    return ApplicationFactory(
        status=Status.SUBMITTED,
        item="first_transaction",
        facts={"transaction_amount": "3000000.00"},
        jurisdiction="411521",
        applicant_type="data_trading_operator",
        expected_amount=result.amount,
        quote_rules_version=result.rules_version,
        quote_trace=result.trace_record(),
    )


def test_the_enterprise_reads_its_stored_trace_in_words(client):
    case = _stored_case()
    sign_in(client, case.created_by)
    url = reverse("applicants:detail", args=[case.pk])
    assert_in_words_zh(text_of(client.get(url).content.decode(), "stored-trace"))
    assert_in_words_en(text_of(english(client).get(url).content.decode(), "stored-trace"))


def test_officials_read_the_approved_awards_stored_trace_in_words(client, city_reviewer):
    case = case_in(
        Status.APPROVED,
        item="first_transaction",
        facts={"transaction_amount": "3000000.00"},
        jurisdiction="411521",
        applicant_type="data_trading_operator",
    )
    assert case.award.trace[0]["step"] == "time_window"  # stored, not priced again
    sign_in(client, city_reviewer)
    url = reverse("awards:case_detail", args=[case.pk])
    assert_in_words_zh(text_of(client.get(url).content.decode(), "rule-trace"))
    assert_in_words_en(text_of(english(client).get(url).content.decode(), "rule-trace"))


def test_a_trace_stored_before_english_descriptions_still_reads_in_words():
    stored = [
        {
            "clause": "四、促进数据合规流通交易（四）",
            "step": "jurisdiction",
            "value": "xy_etdz",
            "description": "「信阳经济技术开发区」属于本项目的申报范围。",
        },
        {"clause": "四、促进数据合规流通交易（四）", "step": "rate", "value": "1234.015"},
    ]
    rows = trace_rows(stored, rules_version="2025-draft", lang="en")
    assert rows[0].label == "Where the applicant is registered"
    assert rows[0].value == "Xinyang Economic and Technological Development Zone"
    assert rows[0].description == "「信阳经济技术开发区」属于本项目的申报范围。"
    assert rows[0].chapter_en == "IV. Compliant circulation and trading of data"
    assert rows[1].value == "1,234.015"  # the exact product keeps its places
    unknown = trace_rows(stored, rules_version="2031-revised", lang="zh")
    assert unknown[0].value == "信阳经济技术开发区"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("奖励 100000.00 元。", "奖励 100,000.00 元。"),
        ("3000000.00 元 × 4% = 120000.015 元。", "3,000,000.00 元 × 4% = 120,000.015 元。"),
        ("事件日期 2025-06-01 不早于 2025-01-01。", "事件日期 2025-06-01 不早于 2025-01-01。"),
        ("0.01 × 30% = 0.003", "0.01 × 30% = 0.003"),
    ],
)
def test_amounts_in_descriptions_are_grouped_dates_are_not(text, shown):
    assert group_amounts_in_text(text) == shown


def test_grouped_amount_leaves_words_alone():
    assert grouped_amount("300000.00") == "300,000.00"
    assert grouped_amount("2025-06-01") == "2025-06-01"
