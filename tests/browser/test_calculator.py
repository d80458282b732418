import pytest

pytestmark = pytest.mark.browser


def test_the_calculator_updates_the_amount_as_facts_are_typed(live_server, page, transactional_db):
    page.goto(f"{live_server.url}/calculator/")
    page.select_option("#item-select", "first_balance_sheet")
    page.wait_for_selector("#calculator-form")
    page.fill("#id_event_date", "2025-06-01")
    page.select_option("#id_applicant_type", "data_enterprise")
    page.select_option("#id_jurisdiction", "411502")
    page.fill("#id_entry_amount", "800,000.00")
    page.wait_for_selector("#quote-amount")
    assert page.inner_text("#quote-amount") == "¥80,000.00"
    assert "四、促进数据合规流通交易（四）" in page.inner_text("#quote-trace")

    page.fill("#id_entry_amount", "500000.00")
    page.wait_for_selector("#quote-reasons")
    assert page.inner_text("#eligibility") == "不符合条件"
    assert page.inner_text("#quote-amount") == "¥0.00"
