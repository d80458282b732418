import pytest
from django.urls import reverse

from applicants.templatetags.money import yuan_sign

pytestmark = pytest.mark.django_db

BASE = {"event_date": "2025-06-01", "applicant_type": "data_enterprise", "jurisdiction": "411502"}


def test_the_calculator_is_public_and_lists_every_item(client):
    response = client.get(reverse("calculator"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "政策计算器" in html
    assert html.count('<option value="') >= 13


def test_picking_an_item_shows_its_facts_and_clause(client):
    html = client.get(reverse("calculator"), {"item": "first_balance_sheet"}).content.decode()
    assert 'name="entry_amount"' in html
    assert "四、促进数据合规流通交易（四）" in html
    assert "入表金额大于50万元" in html


def test_an_eligible_case_shows_the_amount_and_trace_with_clauses(client):
    params = {"item": "first_balance_sheet", **BASE, "entry_amount": "1,000,000.00"}
    html = client.get(reverse("calculator"), params).content.decode()
    assert 'id="quote-amount">¥100,000.00<' in html
    assert "符合条件" in html
    assert "八、优化产业发展环境（五）" in html or "四、促进数据合规流通交易（四）" in html


def test_an_ineligible_case_shows_the_reasons(client):
    params = {"item": "first_balance_sheet", **BASE, "entry_amount": "500000.00"}
    html = client.get(reverse("calculator"), params).content.decode()
    assert "不符合条件" in html
    assert 'id="quote-reasons"' in html
    assert "¥0.00" in html


@pytest.mark.parametrize("amount", ["-1", "abc", "1.234", "1e5"])
def test_invalid_amounts_rerender_with_a_message_and_keep_the_other_values(client, amount):
    params = {"item": "first_balance_sheet", **BASE, "entry_amount": amount}
    response = client.get(reverse("calculator"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="entry_amount"' in html
    assert 'value="2025-06-01"' in html
    assert 'id="quote-amount"' not in html


def test_script_typed_into_a_field_is_shown_as_text(client):
    params = {"item": "first_balance_sheet", **BASE, "entry_amount": "<script>alert(1)</script>"}
    html = client.get(reverse("calculator"), params).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_htmx_requests_get_only_the_panel(client):
    params = {"item": "honor_national", **BASE}
    response = client.get(reverse("calculator"), params, headers={"hx-request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "¥200,000.00" in html


def test_the_calculator_speaks_english(client):
    client.post(reverse("set_language"), {"language": "en"})
    params = {"item": "honor_national", **BASE}
    html = client.get(reverse("calculator"), params).content.decode()
    assert "Policy calculator" in html
    assert "Eligible" in html


def test_unknown_item_is_a_message_not_an_error(client):
    response = client.get(reverse("calculator"), {"item": "bogus"})
    assert response.status_code == 200
    assert "未知的奖励事项" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "shown"),
    [("100000.00", "¥100,000.00"), ("0.5", "¥0.50"), (None, ""), ("x", "x")],
)
def test_yuan_sign_filter(value, shown):
    assert yuan_sign(value) == shown


def test_an_absurdly_long_amount_is_a_message_not_a_server_error(client):
    params = {"item": "first_balance_sheet", **BASE, "entry_amount": "1" * 30}
    response = client.get(reverse("calculator"), params)
    assert response.status_code == 200
    assert 'data-field="entry_amount"' in response.content.decode()
