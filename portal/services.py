"""Writes for the site as a whole: demo data for a newcomer's first look."""

from dataclasses import dataclass

from django.db import transaction

from applicants.models import Enterprise, User
from applicants.roles import Role
from applicants.services.accounts import user_create

DEMO_PASSWORD = "xinyang-demo-2025"  # noqa: S105 - printed for newcomers; demo data only


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    description: str


DEMO_ENTERPRISES = [
    {
        "name": "信阳示范数据科技有限公司",
        "credit_code": "91411502MA40ABCD0X",
        "jurisdiction": "411502",
        "applicant_type": "data_enterprise",
        "legal_representative": "张明",
        "contact_name": "李华",
        "contact_phone": "0376-6200001",
        "contact_email": "lihua@example.com",
        "bank_name": "中国银行信阳分行",
        "bank_account": "6216610200001234567",
    },
    {
        "name": "罗山数据交易运营有限公司",
        "credit_code": "91411521MA45Q8RT1X",
        "jurisdiction": "411521",
        "applicant_type": "data_trading_operator",
        "legal_representative": "王强",
        "contact_name": "赵敏",
        "contact_phone": "0376-2100002",
        "contact_email": "zhaomin@example.com",
        "bank_name": "中国工商银行罗山支行",
        "bank_account": "6222021700007654321",
    },
]

DEMO_USERS = [
    ("qiye", Role.ENTERPRISE, "李华", "", 0, "信阳示范数据科技有限公司（浉河区）"),
    ("qiye_luoshan", Role.ENTERPRISE, "赵敏", "", 1, "罗山数据交易运营有限公司（罗山县）"),
    ("county_shihe", Role.COUNTY_REVIEWER, "浉河区初审员", "411502", None, "浉河区"),
    ("county_luoshan", Role.COUNTY_REVIEWER, "罗山县初审员", "411521", None, "罗山县"),
    ("city", Role.CITY_REVIEWER, "市发展改革委复审员", "", None, "市发展改革委"),
    ("finance", Role.FINANCE, "市财政局经办人", "", None, "市财政局"),
    ("admin", Role.ADMIN, "系统管理员", "", None, "全部"),
]


def _with_check_character(code17: str) -> str:
    from stdnum.cn import uscc

    return code17 + uscc.calc_check_digit(code17)


@transaction.atomic
def demo_data_load() -> list[DemoLogin]:
    """Create the demo enterprises and one user per role; running it again changes nothing."""
    enterprises = []
    for data in DEMO_ENTERPRISES:
        code = _with_check_character(data["credit_code"][:17])
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=code, defaults={**data, "credit_code": code}
        )
        enterprises.append(enterprise)
    logins = []
    for username, role, name, jurisdiction, enterprise_index, description in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                display_name=name,
                jurisdiction=jurisdiction,
                enterprise=enterprises[enterprise_index] if enterprise_index is not None else None,
                email=f"{username}@example.com",
            )
        logins.append(DemoLogin(username, str(role.label), description))
    return logins
