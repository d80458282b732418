"""What finance and the city see of the plan's state, recoveries and flagged new prices."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applicants.models import Status
from awards.models import Award, AwardRecovery, PayoutPlanState
from awards.services.decisions import case_decide
from awards.services.payouts import budget_set
from tests.awards.helpers import case_in, city_user, finance_user, object_and_uphold
from tests.factories import ApplicationFactory, EnterpriseFactory, sign_in

pytestmark = pytest.mark.django_db

PROJECT = "茶产业数据要素应用"


def test_the_finance_page_says_when_the_plan_is_stale(client):
    finance = finance_user()
    sign_in(client, finance)
    budget_set(year=2026, amount=Decimal("500000.00"), actor=finance)
    html = client.get(reverse("awards:finance")).content.decode()
    assert 'id="plan-stale"' in html
    assert "暂停登记兑付" in html
    PayoutPlanState.objects.update(stale=False)
    assert 'id="plan-stale"' not in client.get(reverse("awards:finance")).content.decode()


def test_the_finance_page_lists_recoveries_and_links_the_batch_list(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PDF_DEMO_SIGNING_DIR = tmp_path / "signing"
    paid = case_in(Status.PAID)
    AwardRecovery.objects.create(
        award=Award.objects.get(application=paid), amount=Decimal("20000.00"), reason="按规则多付"
    )
    sign_in(client, finance_user())
    html = client.get(reverse("awards:finance")).content.decode()
    assert 'id="recoveries"' in html
    assert "¥20,000.00" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:render_batch", args=[2026]))
    assert response.status_code == 302
    html = client.get(reverse("awards:finance")).content.decode()
    assert 'class="batch-link"' in html


def test_the_city_decides_a_flagged_new_price_on_the_case_page(client):
    enterprise = EnterpriseFactory()
    provincial = case_in(
        Status.ANNOUNCED,
        enterprise=enterprise,
        item="contest_provincial",
        project_name=PROJECT,
        facts={"prize_level": "first"},
    )
    national = ApplicationFactory(
        enterprise=enterprise,
        item="contest_national",
        project_name=PROJECT,
        facts={"prize_level": "first"},
        status=Status.REVIEWED,
    )
    city = city_user()
    case_decide(application_id=national.pk, action="approve", actor=city)
    case_decide(application_id=national.pk, action="announce", actor=city)
    object_and_uphold(provincial)
    case_decide(application_id=provincial.pk, action="city_reject", actor=city, reason="不实")

    sign_in(client, city)
    page = reverse("awards:case_detail", args=[national.pk])
    html = client.get(page).content.decode()
    assert 'id="reprice-card"' in html
    assert "¥300,000.00" in html
    assert "¥200,000.00" in html
    response = client.post(reverse("awards:award_reprice", args=[national.pk]), {"accept": "1"})
    assert response.status_code == 302
    assert Award.objects.get(application=national).amount == Decimal("300000.00")
    assert 'id="reprice-card"' not in client.get(page).content.decode()


def test_a_new_price_decision_without_a_choice_re_renders_the_case_page_with_the_error(client):
    case = case_in(Status.ANNOUNCED)
    Award.objects.filter(application=case).update(reprice_to=Decimal("1.00"))
    sign_in(client, city_user())
    response = client.post(reverse("awards:award_reprice", args=[case.pk]), {"accept": "maybe"})
    assert response.status_code == 400
    assert response.context["reprice_form"].errors["accept"]
    assert Award.objects.get(application=case).reprice_to == Decimal("1.00")


def test_only_the_city_may_decide_a_new_price(client):
    case = case_in(Status.ANNOUNCED)
    Award.objects.filter(application=case).update(reprice_to=Decimal("1.00"))
    sign_in(client, finance_user())
    client.post(reverse("awards:award_reprice", args=[case.pk]), {"accept": "1"})
    assert Award.objects.get(application=case).reprice_to == Decimal("1.00")


def test_a_refused_decision_says_so_at_the_top_of_the_case_page(client):
    case = case_in(Status.SUBMITTED, jurisdiction="411502")
    from applicants.roles import Role
    from tests.factories import make_user

    sign_in(client, make_user(Role.COUNTY_REVIEWER, jurisdiction="411502"))
    response = client.post(
        reverse("awards:case_decide", args=[case.pk]), {"action": "county_return", "reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="form-errors"' in html
    assert "此操作必须填写理由" in html
    page = client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    assert page.count('id="id_reason"') <= 1  # one reason box per id on the page


def test_the_payout_list_shows_each_case_and_escapes_what_enterprises_typed(client):
    """The rows are built in Python (awards/payouts/rows.py): the case's number linked, the
    enterprise's name as typed but inert, the state, the exemption, the year ("—" before the
    plan gives one), the amount and the payment reference."""
    scheduled = case_in(
        Status.SCHEDULED,
        pay_year=2026,
        enterprise=EnterpriseFactory(name='<script>alert(1)</script>数据&科技"公司'),
    )
    Award.objects.filter(application=scheduled).update(quota_exempt=True, exempt_reason="省级")
    confirmed = case_in(Status.CONFIRMED)
    sign_in(client, finance_user())
    html = client.get(reverse("awards:finance")).content.decode()
    table = html[
        html.index('id="payout-table"') : html.index("</table>", html.index("payout-table"))
    ]
    row = table[table.index(f'href="/review/cases/{scheduled.pk}/"') :]
    row = row[: row.index("</tr>")]
    assert f">{scheduled.reference}</a>" in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;数据&amp;科技&quot;公司" in row
    assert "<script>alert" not in table
    assert f">{Status.SCHEDULED.label}</span>" in row
    assert "不占名额" in row
    assert "<td>2026</td>" in row
    assert "¥" in row
    other = table[table.index(f'href="/review/cases/{confirmed.pk}/"') :]
    other = other[: other.index("</tr>")]
    assert "<td>—</td>" in other
    assert "不占名额" not in other
