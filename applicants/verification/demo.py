"""Demo data of identity checks: one enterprise waiting for its county, so the queue has work."""

from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile

from applicants.models import Enterprise
from applicants.services.enterprises import (
    EnterpriseInput,
    credit_code_normalize,
    enterprise_register,
)

DEMO_PENDING_USERNAME = "qiye_pending"
# 浉河区's reviewer (county_shihe) finds it in 单位身份核验.
DEMO_PENDING_ENTERPRISE = EnterpriseInput(
    name="信阳待核验数据服务有限公司",
    credit_code="91411502MA45PD7K1",
    jurisdiction="411502",
    applicant_type="data_enterprise",
    legal_representative="陈静",
    contact_name="周平",
    contact_phone="0376-6200003",
    contact_email="zhouping@example.com",
    bank_name="中国建设银行信阳分行",
    bank_account="6227002400001122334",
)


def demo_pending_enterprise_load(*, password: str, licence_pdf: bytes) -> None:
    """Register the pending demo enterprise as a person would (licence and all); idempotent."""
    from stdnum.cn import uscc

    body = DEMO_PENDING_ENTERPRISE.credit_code
    code = credit_code_normalize(body + uscc.calc_check_digit(body))
    if Enterprise.objects.filter(credit_code=code).exists():
        return
    enterprise_register(
        enterprise=replace(DEMO_PENDING_ENTERPRISE, credit_code=code),
        username=DEMO_PENDING_USERNAME,
        password=password,
        licence=SimpleUploadedFile("营业执照.pdf", licence_pdf, content_type="application/pdf"),
    )
