"""Enterprises in each identity state, made through the services the portal uses."""

from django.db import transaction

from applicants.models import Enterprise, User
from applicants.roles import Role
from applicants.services.enterprises import EnterpriseInput, enterprise_register
from tests.factories import EnterpriseFactory, credit_code_for, make_user, upload

PASSWORD = "Xinyang-Reward-2025"


def enterprise_input(n: int = 777, **overrides: str) -> EnterpriseInput:
    data = {
        "name": f"信阳核验测试{n}有限公司",
        "credit_code": credit_code_for(n),
        "jurisdiction": "411502",
        "applicant_type": "data_enterprise",
        "legal_representative": "王五",
        "contact_name": "赵六",
        "contact_phone": "0376-6200009",
        "contact_email": f"owner{n}@example.com",
        "bank_name": "中国银行信阳分行",
        "bank_account": "6216610200009999",
    }
    return EnterpriseInput(**{**data, **overrides})


def registered(n: int = 777, *, username: str | None = None, **overrides: str) -> User:
    """A member of a freshly registered enterprise (pending verification, licence uploaded)."""
    return enterprise_register(
        enterprise=enterprise_input(n, **overrides),
        username=username or f"owner{n}",
        password=PASSWORD,
        licence=upload("营业执照.pdf"),
    )


def pending_member(**enterprise: object) -> User:
    """A member of an unverified enterprise with a licence, without the registration's extras."""
    from applicants.verification.licences import licence_store

    member = make_user(Role.ENTERPRISE, enterprise=EnterpriseFactory(unverified=True, **enterprise))
    with transaction.atomic():
        licence = licence_store(
            enterprise=member.enterprise, upload=upload("营业执照.pdf"), actor=member
        )
        Enterprise.objects.filter(pk=member.enterprise_id).update(licence=licence)
    member.refresh_from_db()
    return member
