"""The enterprise's case page: the money as decided, and a return for 补正 said at the top."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applicants.models import Status
from applicants.roles import Role
from applicants.services.cases import case_transition
from awards.models import Award
from awards.services.decisions import case_decide
from tests.awards.helpers import case_in, city_user, object_and_uphold
from tests.factories import ApplicationFactory, make_user, sign_in

pytestmark = pytest.mark.django_db


def _page(client, case, *, lang="zh-hans"):
    sign_in(client, case.created_by)
    client.cookies["django_language"] = lang
    response = client.get(reverse("applicants:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(html, element_id):
    """The text of the element with `element_id`, tags removed and spaces collapsed."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|dd|span|div)>', html, re.S)
    assert match, f"#{element_id} is missing"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_an_approved_case_shows_the_approved_amount_not_the_estimate(client):
    case = ApplicationFactory(status=Status.REVIEWED, expected_amount=Decimal("100000.00"))
    # Before approval, the estimate.
    html = _page(client, case)
    assert _text(html, "stored-amount") == "100,000.00"
    assert 'id="approved-amount"' not in html
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_user(),
        amount=Decimal("40000.00"),
        override_reason="项目投入核减",
    )
    html = _page(client, case)
    assert _text(html, "approved-amount") == "40,000.00"
    assert 'id="stored-amount"' not in html
    assert "核定奖励金额" in html
    assert (
        _text(html, "amount-adjusted") == "规则计算 100,000.00 元，核定 40,000.00 元：项目投入核减"
    )
    english = _page(client, case, lang="en")
    assert "Approved amount" in english
    assert "Computed by the rules 100,000.00 yuan, approved 40,000.00 yuan: 项目投入核减" in (
        _text(english, "amount-adjusted")
    )


def test_an_award_as_computed_shows_one_amount(client):
    case = case_in(Status.APPROVED)
    html = _page(client, case)
    assert _text(html, "approved-amount") == "100,000.00"
    assert 'id="amount-adjusted"' not in html


def test_during_the_announcement_the_period_is_shown(client):
    case = case_in(Status.ANNOUNCED)
    award = Award.objects.get(application=case)
    html = _page(client, case)
    period = _text(html, "announcement-period")
    assert f"{award.announcement_starts_on:%Y-%m-%d} 至 {award.announcement_ends_on:%Y-%m-%d}" in (
        period
    )
    assert "公示中" in period
    # An objection upheld sends it back to review: the award is no longer the enterprise's.
    object_and_uphold(case)
    html = _page(client, case)
    assert 'id="approved-amount"' not in html
    assert 'id="stored-amount"' in html


def test_a_scheduled_case_shows_its_pay_year_and_a_paid_one_its_payment(client):
    scheduled = case_in(Status.SCHEDULED, pay_year=2026)
    html = _page(client, scheduled)
    assert _text(html, "pay-year") == "2026 年"
    assert 'id="payment-reference"' not in html
    paid = case_in(Status.PAID, pay_year=2026)
    html = _page(client, paid)
    assert _text(html, "pay-year") == "2026 年"
    assert _text(html, "paid-on") == f"{timezone.localdate():%Y-%m-%d}"
    assert _text(html, "payment-reference") == "ZF-2026-0001"
    assert "支付凭证号" in html


def test_the_paid_case_page_reads_as_many_queries_as_before_approval(client):
    before = ApplicationFactory(status=Status.REVIEWED, expected_amount=Decimal("100000.00"))
    paid = case_in(Status.PAID, enterprise=before.enterprise, created_by=before.created_by)
    sign_in(client, before.created_by)
    counts = []
    for case in (before, paid):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
        counts.append(len(queries))
    assert _text(html, "payment-reference") == "ZF-2026-0001"  # the award came with the case
    assert counts[0] == counts[1]


# --- 补正 -------------------------------------------------------------------------------------


def _returned(reason="请补充获奖证书原件扫描件", *, by_city=False):
    if by_city:
        case = ApplicationFactory(status=Status.RECOMMENDED)
        actor, action = city_user(), "city_return"
    else:
        case = ApplicationFactory(status=Status.SUBMITTED)
        actor = make_user(Role.COUNTY_REVIEWER, jurisdiction=case.jurisdiction)
        action = "county_return"
    case_transition(application_id=case.pk, action=action, actor=actor, reason=reason)
    return case


def test_a_returned_case_says_who_returned_it_when_and_why_at_the_top(client):
    case = _returned()
    html = _page(client, case)
    banner = html.index('id="return-banner"')
    assert banner < html.index('id="case-facts"')
    assert _text(html, "return-reason") == "请补充获奖证书原件扫描件"
    event = case.events.get(action="county_return")
    by = _text(html, "return-by")
    assert "县区初审人员 · 浉河区" in by
    assert f"{timezone.localtime(event.created_at):%Y-%m-%d %H:%M}" in by
    # The reviewer's own name is not the enterprise's to read; their role and office are.
    assert event.actor.username not in by


def test_a_returned_case_has_one_resubmit_button(client):
    case = _returned(by_city=True)
    html = _page(client, case)
    edit_url = reverse("applicants:edit", args=[case.pk])
    submit_url = reverse("applicants:submit", args=[case.pk])
    assert html.count(f'href="{edit_url}"') == 1
    assert f'href="{submit_url}"' not in html
    assert 'id="resubmit-link"' in html
    assert "市发展改革委复审人员" in _text(html, "return-by")
    # A draft keeps both of its buttons and has no banner.
    draft = ApplicationFactory(status=Status.DRAFT)
    html = _page(client, draft)
    assert 'id="return-banner"' not in html
    assert 'id="edit-link"' in html
    assert 'id="submit-link"' in html


def test_the_banner_shows_the_latest_return_only(client):
    case = _returned("第一次退回的理由")
    county = make_user(Role.COUNTY_REVIEWER, jurisdiction=case.jurisdiction)
    case_transition(application_id=case.pk, action="resubmit", actor=case.created_by)
    case_transition(
        application_id=case.pk, action="county_return", actor=county, reason="第二次退回的理由"
    )
    html = _page(client, case)
    assert _text(html, "return-reason") == "第二次退回的理由"


def test_the_lists_show_the_approved_amount_once_granted(client):
    case = ApplicationFactory(status=Status.REVIEWED, expected_amount=Decimal("100000.00"))
    draft = ApplicationFactory(
        status=Status.SUBMITTED,
        enterprise=case.enterprise,
        created_by=case.created_by,
        expected_amount=Decimal("30000.00"),
    )
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_user(),
        amount=Decimal("40000.00"),
        override_reason="核减",
    )
    sign_in(client, case.created_by)
    for url in (reverse("home"), reverse("applicants:home")):
        html = client.get(url).content.decode()
        rows = html[html.index('id="application-table"') :]
        granted = rows[rows.index(case.reference) :]
        granted = granted[: granted.index("</tr>")]
        assert "40,000.00" in granted
        assert "核定" in granted
        assert "100,000.00" not in granted
        pending = rows[rows.index(draft.reference) :]
        assert "30,000.00" in pending[: pending.index("</tr>")]
