"""Writes for the site as a whole: demo data for a newcomer's first look."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation

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

# (username, role, display name, jurisdiction, index of DEMO_ENTERPRISES, description)
DEMO_USERS = [
    ("qiye", Role.ENTERPRISE, "李华", "", 0, "信阳示范数据科技有限公司（浉河区）"),
    ("qiye_luoshan", Role.ENTERPRISE, "赵敏", "", 1, "罗山数据交易运营有限公司（罗山县）"),
    ("city", Role.CITY_REVIEWER, "市发展改革委复审员", "", None, "市发展改革委"),
    ("finance", Role.FINANCE, "市财政局经办人", "", None, "市财政局"),
    ("admin", Role.ADMIN, "系统管理员", "", None, "全部"),
]
# A county reviewer for every jurisdiction of the rules in force, so that an enterprise
# registered anywhere in the demo has somebody to review its case: county_<slug>.
COUNTY_USERNAMES = {
    "411502": "county_shihe",
    "411503": "county_pingqiao",
    "411521": "county_luoshan",
    "411522": "county_guangshan",
    "411523": "county_xinxian",
    "411524": "county_shangcheng",
    "411525": "county_gushi",
    "411526": "county_huangchuan",
    "411527": "county_huaibin",
    "411528": "county_xixian",
}


# County finance for each county whose matching programme (同步奖励) is enabled: finance_<slug>.
# Its budgets: the county's programme is smaller than the city's.
DEMO_COUNTY_BUDGETS = {0: "300000.00", 1: "300000.00"}


def county_finance_username(jurisdiction: str) -> str:
    """The demo county finance user of a county programme, e.g. finance_luoshan."""
    return county_username(jurisdiction).replace("county_", "finance_", 1)


def county_username(jurisdiction: str) -> str:
    """The demo county reviewer's username for a jurisdiction code (functional zones by slug)."""
    return COUNTY_USERNAMES.get(jurisdiction, f"county_{jurisdiction}")


# A minimal valid PDF (one blank A4 page, a correct xref): demo evidence that passes the same
# checks as real uploads, which now open every PDF with pypdf.
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
    b"2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
    b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>>>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n"
    b"0000000105 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n184\n%%EOF\n"
)

# (enterprise user, item, project, event date, facts, how far the case goes). Together they put a
# case at every stage, so each role has work on day one and a money journey can finish.
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
    (
        "qiye",
        "contest_national",
        "茶产业大数据创新应用",
        "2025-10-12",
        {"prize_level": "third"},
        "returned",
    ),
    ("qiye", "honor_national", "城市全域数字化转型试点", "2025-03-01", {}, "announced"),
    ("qiye", "platform_provincial", "信阳数据技术创新中心", "2025-06-18", {}, "announcement_over"),
    ("qiye", "cluster_provincial", "信阳数据产业集聚区建设试点", "2025-02-20", {}, "paid"),
    (
        "qiye_luoshan",
        "first_transaction",
        "罗山交通数据产品首单交易",
        "2025-09-01",
        {"transaction_amount": "3000000.00"},
        "submitted",
    ),
    ("qiye_luoshan", "honor_provincial", "罗山县数据要素试点", "2025-04-28", {}, "reviewed"),
    ("qiye_luoshan", "dataset_national", "淮河流域水文高质量数据集", "2025-07-07", {}, "approved"),
    ("qiye_luoshan", "platform_national", "数字化转型促进中心", "2025-05-05", {}, "confirmed"),
    ("qiye_luoshan", "cluster_national", "豫南数据产业集群", "2025-01-15", {}, "scheduled"),
]
# The officials' actions that bring a submitted demo case to its stage; "announce_past" opens a
# 公示 that has already ended, "plan" and "pay" happen after every case is filed (see below).
_TO_CITY = [("recommend", "county"), ("review", "city")]
_DEMO_STEPS: dict[str, list[tuple[str, str]]] = {
    "draft": [],
    "submitted": [],
    "returned": [("county_return", "county")],
    "recommended": [("recommend", "county")],
    "reviewed": _TO_CITY,
    "approved": [*_TO_CITY, ("approve", "city")],
    "announced": [*_TO_CITY, ("approve", "city"), ("announce", "city")],
    "announcement_over": [*_TO_CITY, ("approve", "city"), ("announce_past", "city")],
    "confirmed": [*_TO_CITY, ("approve", "city"), ("announce_past", "city")],
    "scheduled": [*_TO_CITY, ("approve", "city"), ("announce_past", "city"), ("confirm", "city")],
    "paid": [*_TO_CITY, ("approve", "city"), ("announce_past", "city"), ("confirm", "city")],
}
_DEMO_REASONS = {"county_return": "请补充大赛主办单位出具的获奖证明原件扫描件（加盖公章）。"}
# Two budget years, so that finance can plan this year's payouts and the next.
DEMO_BUDGETS = {0: "1500000.00", 1: "2000000.00"}
DEMO_PAYMENT_REFERENCE = "XYCZ-DEMO-0001"


def _announce_in_the_past(*, application_id: int, actor: User) -> None:
    """Open a 公示 of ANNOUNCEMENT_WORKING_DAYS working days that ended before today, so the city
    can confirm the case on the demo's first day.

    The same transition as `announce`, with the period dated in the past (and audited so): a
    demo must let the city confirm a case without anyone changing the clock.
    """
    from django.conf import settings

    from applicants.services.cases import case_transition
    from awards.announcements.calendar import working_days_end
    from awards.announcements.services import announcement_number
    from awards.models import Award

    days = settings.ANNOUNCEMENT_WORKING_DAYS
    today = timezone.localdate()
    # Far enough back that even a Spring Festival inside the period leaves it over by today.
    starts_on = today - timedelta(days=days * 2 + 21)

    def open_past_period(application: Application) -> dict:
        award = Award.objects.get(application=application)
        award.announcement_days = days
        award.announcement_starts_on = starts_on
        award.announcement_ends_on = working_days_end(starts_on=starts_on, days=days)
        award.announcement_number = announcement_number(
            application=application, year=starts_on.year
        )
        award.save(
            update_fields=[
                "announcement_days",
                "announcement_starts_on",
                "announcement_ends_on",
                "announcement_number",
            ]
        )
        return {
            "announcement_days": days,
            "working_days": True,
            "announcement_number": award.announcement_number,
            "announcement_starts_on": starts_on.isoformat(),
            "announcement_ends_on": award.announcement_ends_on.isoformat(),
            "amount": f"{award.amount:.2f}",
        }

    case_transition(
        application_id=application_id,
        action="announce",
        actor=actor,
        before_save=open_past_period,
    )


def _demo_cases_load(users: dict[str, User]) -> dict[str, int]:
    """File the demo cases through the same services people use, once; {stage: case id}."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applicants.policy import item_rule
    from applicants.services.applications import (
        ApplicationInput,
        application_create,
        application_submit,
    )
    from awards.services.decisions import case_decide

    created: dict[str, int] = {}
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
        created[stage] = case.pk
        if stage == "draft":
            continue
        application_submit(actor=actor, application_id=case.pk)
        county = users[county_username(actor.enterprise.jurisdiction)]
        for action, who in _DEMO_STEPS[stage]:
            official = county if who == "county" else users["city"]
            if action == "announce_past":
                _announce_in_the_past(application_id=case.pk, actor=official)
                continue
            case_decide(
                application_id=case.pk,
                action=action,
                actor=official,
                reason=_DEMO_REASONS.get(action, ""),
            )
    return created


def _demo_money_load(users: dict[str, User], created: dict[str, int]) -> None:
    """Budgets for this year and the next, a payout plan, one payment, one confirmed case left.

    With a county programme enabled, the county's matching cases the city's confirmations
    created: one confirmed by the county and planned, one left for its reviewer to confirm.
    """
    from awards.models import Budget
    from awards.services.decisions import case_decide
    from awards.services.payouts import budget_set, payouts_schedule

    this_year = timezone.localdate().year
    for offset, amount in DEMO_BUDGETS.items():
        if not Budget.objects.filter(programme="city", year=this_year + offset).exists():
            budget_set(year=this_year + offset, amount=Decimal(amount), actor=users["finance"])
    if "scheduled" in created or "paid" in created:
        payouts_schedule()
    if "paid" in created:
        case_decide(
            application_id=created["paid"],
            action="pay",
            actor=users["finance"],
            payment_reference=DEMO_PAYMENT_REFERENCE,
            paid_at=timezone.localdate(),
        )
    # Confirmed after the plan ran, so finance finds one confirmed case waiting for the next plan.
    if "confirmed" in created:
        case_decide(application_id=created["confirmed"], action="confirm", actor=users["city"])
    _demo_county_money_load(users, created)


def _demo_county_money_load(users: dict[str, User], created: dict[str, int]) -> None:
    """Each enabled county programme: its budgets, and its first match confirmed and planned."""
    from applicants.models import Status
    from applicants.programmes import programme_codes
    from awards.models import Budget
    from awards.services.decisions import case_decide
    from awards.services.payouts import budget_set, payouts_schedule

    this_year = timezone.localdate().year
    for code in programme_codes()[1:]:
        finance = users.get(county_finance_username(code))
        if finance is None:
            continue
        for offset, amount in DEMO_COUNTY_BUDGETS.items():
            if not Budget.objects.filter(programme=code, year=this_year + offset).exists():
                budget_set(
                    year=this_year + offset, amount=Decimal(amount), actor=finance, programme=code
                )
        if "scheduled" not in created:
            continue
        match = Application.objects.filter(
            programme=code, matched_application_id=created["scheduled"], status=Status.PROPOSED
        ).first()
        if match is not None:
            case_decide(
                application_id=match.pk, action="match_confirm", actor=users[county_username(code)]
            )
            payouts_schedule(code)


def _with_check_character(code17: str) -> str:
    from stdnum.cn import uscc

    return code17 + uscc.calc_check_digit(code17)


@transaction.atomic
def demo_data_load() -> list[DemoLogin]:
    """Create demo enterprises, users for every role and cases at every stage; idempotent."""
    from applicants import policy
    from applicants.programmes import programme_codes, programme_funding_body

    enterprises = []
    for data in DEMO_ENTERPRISES:
        code = _with_check_character(data["credit_code"][:17])
        # Verified: the demo's cases were filed as if the county had checked them already.
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=code, defaults={**data, "credit_code": code, "identity_status": "verified"}
        )
        enterprises.append(enterprise)
    people = list(DEMO_USERS)
    with translation.override("zh-hans"):
        for code, name in policy.jurisdiction_choices():
            people.append(
                (county_username(code), Role.COUNTY_REVIEWER, f"{name}初审员", code, None, name)
            )
        for code in programme_codes()[1:]:
            name = policy.jurisdiction_name(code)
            body = programme_funding_body(code)
            people.append(
                (
                    county_finance_username(code),
                    Role.COUNTY_FINANCE,
                    f"{body}经办人",
                    code,
                    None,
                    f"{body}（{name}同步奖励）",
                )
            )
    logins = []
    users = {}
    # Hashed once: a password hash costs most of a second, and every demo user shares it.
    password_hash = make_password(DEMO_PASSWORD)
    for username, role, name, jurisdiction, enterprise_index, description in people:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=None,
                role=role,
                display_name=name,
                jurisdiction=jurisdiction,
                enterprise=enterprises[enterprise_index] if enterprise_index is not None else None,
                email=f"{username}@example.com",
            )
            user.password = password_hash
            user.save(update_fields=["password"])
        users[username] = user
        logins.append(DemoLogin(username, str(role.label), description))
    created = _demo_cases_load(users)
    _demo_money_load(users, created)
    from applicants.verification.demo import DEMO_PENDING_USERNAME, demo_pending_enterprise_load

    demo_pending_enterprise_load(password=DEMO_PASSWORD, licence_pdf=_DEMO_PDF)
    logins.append(DemoLogin(DEMO_PENDING_USERNAME, str(Role.ENTERPRISE.label), "待县区核验的单位"))
    return logins
