"""Writes for the site as a whole: demo data for a newcomer's first look."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from applicants.models import Application, Enterprise, User
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


# A minimal valid PDF: demo evidence that passes the same content check as real uploads.
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# (enterprise user, item, project, event date, facts, how far the case goes)
DEMO_CASES = [
    (
        "qiye",
        "contest_provincial",
        "智慧茶园数据要素应用",
        "2025-05-20",
        {"prize_level": "second"},
        "draft",
    ),
    (
        "qiye",
        "first_balance_sheet",
        "茶叶溯源数据资源入表",
        "2025-08-15",
        {"entry_amount": "1200000.00"},
        "submitted",
    ),
    ("qiye", "dataset_provincial", "大别山红色文化语料库", "2025-04-10", {}, "recommended"),
    ("qiye", "honor_national", "城市全域数字化转型试点", "2025-03-01", {}, "announced"),
    (
        "qiye_luoshan",
        "first_transaction",
        "罗山交通数据产品首单交易",
        "2025-09-01",
        {"transaction_amount": "3000000.00"},
        "submitted",
    ),
]
# The officials' actions that bring a submitted demo case to its stage.
_DEMO_STEPS = {
    "draft": [],
    "submitted": [],
    "recommended": [("recommend", "county")],
    "announced": [
        ("recommend", "county"),
        ("review", "city"),
        ("approve", "city"),
        ("announce", "city"),
    ],
}


def _demo_cases_load(users: dict[str, User]) -> None:
    """File the demo cases through the same services people use, once."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applicants.policy import item_rule
    from applicants.services.applications import (
        ApplicationInput,
        application_create,
        application_submit,
    )
    from awards.services.decisions import case_decide

    for username, item, project, event_date, facts, stage in DEMO_CASES:
        actor = users[username]
        if Application.objects.filter(enterprise=actor.enterprise, project_name=project).exists():
            continue
        rule = item_rule(item)
        if rule is None or actor.enterprise is None:
            raise ValueError(f"demo case {item!r} of {username!r} does not fit the rules in force")
        evidence = {
            spec.code: SimpleUploadedFile(f"{spec.label_zh}.pdf", _DEMO_PDF, "application/pdf")
            for spec in rule.evidence
        }
        data = ApplicationInput(
            project_name=project,
            description=f"{project}（演示数据）",
            event_date=date.fromisoformat(event_date),
            facts=facts,
            declaration_accepted=True,
        )
        case = application_create(actor=actor, item=item, data=data, evidence=evidence)
        if stage == "draft":
            continue
        application_submit(actor=actor, application_id=case.pk)
        county = users[
            "county_shihe" if actor.enterprise.jurisdiction == "411502" else "county_luoshan"
        ]
        for action, who in _DEMO_STEPS[stage]:
            case_decide(
                application_id=case.pk,
                action=action,
                actor=county if who == "county" else users["city"],
            )


def _with_check_character(code17: str) -> str:
    from stdnum.cn import uscc

    return code17 + uscc.calc_check_digit(code17)


@transaction.atomic
def demo_data_load() -> list[DemoLogin]:
    """Create demo enterprises, one user per role and cases at several stages; idempotent."""
    enterprises = []
    for data in DEMO_ENTERPRISES:
        code = _with_check_character(data["credit_code"][:17])
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=code, defaults={**data, "credit_code": code}
        )
        enterprises.append(enterprise)
    logins = []
    users = {}
    for username, role, name, jurisdiction, enterprise_index, description in DEMO_USERS:
        users[username] = User.objects.filter(username=username).first() or user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=name,
            jurisdiction=jurisdiction,
            enterprise=enterprises[enterprise_index] if enterprise_index is not None else None,
            email=f"{username}@example.com",
        )
        logins.append(DemoLogin(username, str(role.label), description))
    _demo_cases_load(users)
    return logins
