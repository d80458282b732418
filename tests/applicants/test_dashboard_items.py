"""新建申报 offers what the rules admit for the enterprise; the rest is one click away, greyed."""

import re

import pytest
from django.urls import reverse

from applicants.models import Status
from applicants.roles import Role
from applicants.selectors import enterprise_dashboard_panels
from tests.factories import ApplicationFactory, EnterpriseFactory, make_user, sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def _user(applicant_type):
    return make_user(Role.ENTERPRISE, enterprise=EnterpriseFactory(applicant_type=applicant_type))


def test_a_data_enterprise_is_offered_the_items_it_may_apply_for(client):
    user = _user("data_enterprise")
    sign_in(client, user)
    html = client.get(HOME).content.decode()
    admitted = html[html.index('id="admitted-items"') : html.index('id="other-items"')]
    assert 'id="new-first_registration"' in admitted
    assert 'id="new-honor_provincial"' in admitted
    # 首次数据交易 admits only data trading operators: not offered, shown greyed with why.
    assert "new-first_transaction" not in html
    others = html[html.index('id="other-items"') :]
    assert 'data-item="first_transaction"' in others
    reason = re.search(r'id="reason-first_transaction">([^<]*)<', others).group(1)
    assert reason == "仅限数据交易运营机构申报"


def test_the_reason_is_in_the_page_language(client):
    user = _user("other_enterprise")
    sign_in(client, user)
    client.cookies["django_language"] = "en"
    html = client.get(HOME).content.decode()
    reason = re.search(r'id="reason-first_registration">([^<]*)<', html).group(1)
    assert reason == (
        "Only for: City-owned enterprise or public institution, Data enterprise, "
        "Data trading operator"
    )
    assert "Show all items" in html


def test_a_data_trading_operator_is_offered_every_item():
    user = _user("data_trading_operator")
    panels = enterprise_dashboard_panels(user=user)
    assert panels["other_items"] == []
    assert len(panels["admitted_items"]) == len(panels["items"])


def test_a_first_time_item_already_granted_stays_marked(client):
    user = _user("data_enterprise")
    ApplicationFactory(
        enterprise=user.enterprise,
        created_by=user,
        item="first_registration",
        facts={},
        status=Status.PAID,
    )
    sign_in(client, user)
    html = client.get(HOME).content.decode()
    row = html[html.index('data-item="first_registration"') :]
    row = row[: row.index('data-item="', 10)]
    assert "已获奖励，不能再次申报" in row
    assert "new-first_registration" not in row


def test_the_form_of_an_item_not_admitted_opens_and_says_why_it_will_be_ineligible(client):
    user = _user("data_enterprise")
    sign_in(client, user)
    response = client.get(reverse("applicants:new", args=["first_transaction"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="application-form"' in html
    assert "仅限数据交易运营机构申报" in html
    assert "按规则将不符合条件" in html
    # An admitted item's form carries no such warning.
    html = client.get(reverse("applicants:new", args=["honor_provincial"])).content.decode()
    assert "按规则将不符合条件" not in html


def test_the_list_says_which_items_are_already_under_way(client):
    user = _user("data_enterprise")
    filed = ApplicationFactory(
        enterprise=user.enterprise, item="honor_provincial", status=Status.SUBMITTED
    )
    ApplicationFactory(enterprise=user.enterprise, item="dataset_national", status=Status.WITHDRAWN)
    sign_in(client, user)
    html = client.get(HOME).content.decode()
    note = re.search(r'id="under-way-honor_provincial">([^<]*)<', html)
    assert note is not None
    assert filed.reference in note.group(1)
    assert "1 项" in note.group(1)
    # A withdrawn case is not under way.
    assert 'id="under-way-dataset_national"' not in html


def test_the_calculator_opens_with_the_cases_facts(client):
    from urllib.parse import parse_qs, urlsplit

    user = _user("data_enterprise")
    case = ApplicationFactory(
        enterprise=user.enterprise,
        item="contest_provincial",
        facts={"prize_level": "second"},
        status=Status.SUBMITTED,
    )
    sign_in(client, user)
    html = client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
    href = (
        re.search(r'href="([^"]+)" id="calculator-from-case"', html).group(1).replace("&amp;", "&")
    )
    query = parse_qs(urlsplit(href).query)
    assert query["item"] == ["contest_provincial"]
    assert query["prize_level"] == ["second"]
    page = client.get(href).content.decode()
    assert 'id="quote-amount"' in page
    assert "80,000.00" in page
