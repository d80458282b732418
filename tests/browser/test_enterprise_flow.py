"""An enterprise does its whole part in the browser, in Chinese: register, apply, upload, submit."""

import re

import pytest
from playwright.sync_api import expect

from applicants.models import Application, Enterprise, EvidenceFile, Status
from tests.browser.helpers import pdf_upload
from tests.factories import credit_code_for, tiny_png

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("evidence_storage")]

PASSWORD = "Browser-Flow-2025"


def _png(name):
    return {"name": name, "mimeType": "image/png", "buffer": tiny_png()}


def _register(page, base_url, code):
    page.goto(f"{base_url}/accounts/login/")
    page.click("#register-link")
    page.wait_for_selector("#register-form")
    page.fill("#id_name", "信阳浏览器测试数据有限公司")
    page.fill("#id_credit_code", code)
    page.select_option("#id_jurisdiction", "411502")
    page.select_option("#id_applicant_type", "data_enterprise")
    page.fill("#id_legal_representative", "张三")
    page.fill("#id_contact_name", "李四")
    page.fill("#id_contact_phone", "0376-6200001")
    page.fill("#id_contact_email", "lisi@example.com")
    page.fill("#id_bank_name", "中国银行信阳分行")
    page.fill("#id_bank_account", "6216610200001234567")
    page.fill("#id_username", "browser-qiye")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.set_input_files("#id_licence", pdf_upload("营业执照.pdf"))
    page.click("#register-submit")
    page.wait_for_selector("#dashboard-title")
    # The county's verification has its own journey (test_identity_flow.py): done here directly.
    Enterprise.objects.filter(credit_code=code).update(identity_status="verified")


def _open_new(page, base_url, item):
    page.goto(f"{base_url}/")
    page.click(f"#new-{item}")
    page.wait_for_selector("#application-form")


def _expect_amount(page, amount):
    # A locator assertion, not wait_for_function: the portal's CSP forbids eval.
    expect(page.locator("#quote-amount")).to_have_text(amount)


def _submit_from_form(page):
    page.check("#id_declaration_accepted")
    page.click("#to-submit")
    page.wait_for_selector("#confirm-form")
    page.click("#confirm-submit")
    page.wait_for_selector("#timeline")


def test_an_enterprise_registers_applies_and_follows_its_cases(
    live_server, page, transactional_db, tmp_path
):
    base = live_server.url
    # A wrong check character is refused with the reason.
    code = credit_code_for(777001)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    page.goto(f"{base}/enterprise/register/")
    page.fill("#id_credit_code", wrong)
    page.click("#register-submit")
    assert "校验位不正确" in page.inner_text("#field-credit_code")

    _register(page, base, code)
    assert page.inner_text("#dashboard-title") == "企业工作台"
    assert Enterprise.objects.filter(credit_code=code).exists()

    # 1. A fixed item: 省级数据表彰, saved as a draft first, then submitted.
    _open_new(page, base, "honor_provincial")
    page.fill("#id_project_name", "省级数据资源开发利用试点")
    page.fill("#id_event_date", "2025-04-15")
    page.wait_for_selector("#quote-amount")
    _expect_amount(page, "100,000.00")
    page.set_input_files("#id_evidence__approval_notice", pdf_upload("认定文件.pdf"))
    page.click("#save-draft")
    page.wait_for_selector("#uploaded-approval_notice")
    assert "草稿已保存" in page.content()
    honor = Application.objects.get(item="honor_provincial")
    assert honor.status == Status.DRAFT
    assert page.input_value("#id_project_name") == "省级数据资源开发利用试点"
    _submit_from_form(page)
    assert page.inner_text("#case-status") == "已提交"
    assert "提交申报" in page.inner_text("#timeline")

    # 2. A fixed_by_level item: 国家级赛事二等奖.
    _open_new(page, base, "contest_national")
    page.fill("#id_project_name", "数据要素×智慧农业")
    page.fill("#id_event_date", "2025-06-01")
    page.select_option("#id_prize_level", "second")
    _expect_amount(page, "200,000.00")
    page.set_input_files("#id_evidence__award_certificate", _png("证书.png"))
    page.set_input_files("#id_evidence__award_notice", pdf_upload("通报.pdf"))
    _submit_from_form(page)
    assert "200,000.00" in page.inner_text("#amount-card")

    # 3. A percentage item with a strict threshold: 首入表. The live amount follows the typing.
    _open_new(page, base, "first_balance_sheet")
    page.fill("#id_project_name", "公共数据资源入表")
    page.fill("#id_event_date", "2025-05-10")
    page.fill("#id_entry_amount", "500,000.00")
    page.wait_for_selector("#quote-reasons")
    assert "未达到门槛" in page.inner_text("#quote-reasons")
    page.fill("#id_entry_amount", "1,234,567.80")
    _expect_amount(page, "100,000.00")
    assert "超过上限" in page.inner_text("#quote-trace")
    page.fill("#id_entry_amount", "600,000.00")
    _expect_amount(page, "60,000.00")
    assert "四、促进数据合规流通交易（四）" in page.inner_text("#quote-trace")
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    page.set_input_files("#id_evidence__audit_report", pdf_upload("审计报告.pdf"))
    page.set_input_files("#id_evidence__accounting_voucher", _png("凭证.png"))
    page.click("#save-draft")
    page.wait_for_selector("#uploaded-accounting_voucher")
    assert page.input_value("#id_entry_amount") == "600000.00"
    _submit_from_form(page)
    assert page.inner_text("#case-status") == "已提交"
    timeline = page.inner_text("#timeline")
    assert "提交申报" in timeline
    assert "上传证明材料" in timeline
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", timeline)
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)

    balance = Application.objects.get(item="first_balance_sheet")
    assert str(balance.expected_amount) == "60000.00"
    assert balance.facts["entry_amount"] == "600000.00"
    assert EvidenceFile.objects.filter(application=balance).count() == 2
    assert set(Application.objects.values_list("status", flat=True)) == {Status.SUBMITTED}

    # The dashboard lists the three cases with their status.
    page.goto(f"{base}/")
    table = page.inner_text("#recent-applications")
    for name in ["省级数据资源开发利用试点", "数据要素×智慧农业", "公共数据资源入表"]:
        assert name in table
    assert table.count("已提交") == 3
