"""Identity in the browser: an enterprise registers with its licence and must wait; its county
verifies it; then the enterprise submits."""

import pytest

from applicants.models import Application, Enterprise, Status
from applicants.roles import Role
from applicants.verification.states import IdentityStatus
from tests.browser.helpers import login, logout, pdf_upload
from tests.factories import credit_code_for, make_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("evidence_storage")]

PASSWORD = "Browser-Identity-2025"


def test_register_wait_for_the_county_then_submit(live_server, page, transactional_db):
    base = live_server.url
    reviewer = make_user(Role.COUNTY_REVIEWER, username="county-browser", jurisdiction="411502")
    code = credit_code_for(888001)

    page.goto(f"{base}/enterprise/register/")
    page.fill("#id_name", "信阳核验浏览器测试有限公司")
    page.fill("#id_credit_code", code)
    page.select_option("#id_jurisdiction", "411502")
    page.select_option("#id_applicant_type", "data_enterprise")
    page.fill("#id_legal_representative", "张三")
    page.set_input_files("#id_licence", pdf_upload("营业执照.pdf"))
    page.fill("#id_contact_name", "李四")
    page.fill("#id_contact_phone", "0376-6200001")
    page.fill("#id_contact_email", "lisi@example.com")
    page.fill("#id_bank_name", "中国银行信阳分行")
    page.fill("#id_bank_account", "6216610200001234567")
    page.fill("#id_username", "identity-qiye")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("#register-submit")
    page.wait_for_selector("#identity-panel")
    assert "待县区核验" in page.inner_text("#identity-panel")

    # A draft can be written; the confirmation says why it cannot be submitted yet.
    page.click("#new-honor_provincial")
    page.wait_for_selector("#application-form")
    page.fill("#id_project_name", "省级数据资源开发利用试点")
    page.fill("#id_event_date", "2025-04-15")
    page.set_input_files("#id_evidence__approval_notice", pdf_upload("认定文件.pdf"))
    page.check("#id_declaration_accepted")
    page.click("#to-submit")
    page.wait_for_selector("#submit-blockers")
    assert "尚未通过所属县区的身份核验" in page.inner_text("#submit-blockers")
    assert page.locator("#confirm-form").count() == 0
    case = Application.objects.get()
    assert case.status == Status.DRAFT
    page.goto(f"{base}/enterprise/applications/{case.pk}/")
    assert "待县区核验" in page.inner_text("#case-identity")
    logout(page)

    # The county reviewer finds it in 单位核验, opens the licence inline, verifies.
    login(page, base, reviewer.username)
    page.click("#nav-identity")
    page.wait_for_selector("#pending-verifications")
    page.click("#pending-verifications .identity-row a")
    page.wait_for_selector("#identity-form")
    assert page.locator(".licence-frame").count() == 1
    page.check("#id_decision_0")
    page.fill("#id_reason", "已核对营业执照")
    page.click("#identity-submit")
    page.wait_for_selector("#identity-title")
    assert "已核验" in page.content()
    assert Enterprise.objects.get(credit_code=code).identity_status == IdentityStatus.VERIFIED
    logout(page)

    # Now the same draft is submitted.
    login(page, base, "identity-qiye", PASSWORD)
    assert page.locator("#identity-panel").count() == 0
    page.goto(f"{base}/enterprise/applications/{case.pk}/submit/")
    page.wait_for_selector("#confirm-form")
    page.click("#confirm-submit")
    page.wait_for_selector("#timeline")
    assert page.inner_text("#case-status") == "已提交"
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
