"""What each document states, read in one place (documents are Chinese: the law's language)."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation

import rules
from applicants import policy, programmes
from applicants.models import (
    CITY_PROGRAMME,
    Application,
    ApplicationRevision,
    CaseEvent,
    Status,
    User,
)
from applicants.rmb import rmb_capital
from applicants.roles import Role
from awards.documents.models import Document, DocumentKind
from awards.models import Award, Budget
from portal.compiled import fetch_compiled

ZERO = Decimal("0.00")


def _local_date(moment: datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def _actor_text(event: CaseEvent | None) -> str:
    if event is None:
        return ""
    if event.actor is None:
        return "系统"
    role = Role(event.actor_role).label if event.actor_role in Role.values else event.actor_role
    name = event.actor.display_name or event.actor.username
    where = policy.jurisdiction_name(event.actor.jurisdiction) if event.actor.jurisdiction else ""
    return f"{name}（{role}{' · ' + where if where else ''}）"


def _version_text(version_id: str) -> str:
    try:
        version = rules.load_rulebook().version(version_id)
    except rules.RulesDataError:
        return version_id
    return f"{version.title}（{version.effective_from.isoformat()} 起施行）"


@dataclass(frozen=True)
class Line:
    label: str
    value: str


@dataclass
class ApprovalSheet:
    """奖励资金审批表 of one award."""

    application: Application
    award: Award
    enterprise_name: str
    credit_code: str
    jurisdiction: str
    item_title: str
    clause: str
    clause_text: str
    facts: list[Line]
    trace: list[str]
    computed_amount: Decimal
    amount: Decimal
    amount_words: str
    rules_version: str
    county_opinion: Line | None
    county_date: str
    city_decision: Line | None
    city_date: str
    announcement: str
    announcement_outcome: str
    override: str = ""
    exemption: str = ""
    # Whose programme: the policy's title, who decides (heads the sheet) and who pays.
    programme_title: str = "《关于促进数据产业高质量发展的实施意见》"
    issuer: str = "信阳市发展和改革委员会"
    funding_body: str = "信阳市财政局"
    # A county's matching award: the city award it matches (申报编号, amount).
    matched_reference: str = ""
    matched_amount: Decimal | None = None

    def subject(self) -> dict[str, str]:
        return {
            "case": self.application.reference,
            "enterprise": self.enterprise_name,
            "item": self.item_title,
            "amount": f"{self.amount:.2f}",
            "date": self.city_date,
        }


def approval_sheet(*, application_id: int) -> ApprovalSheet:
    """Everything the 审批表 of a case states; the case must have an award."""
    application = Application.objects.select_related("enterprise").get(pk=application_id)
    award = Award.objects.select_related("approved_by").get(application=application)
    events = list(
        CaseEvent.objects.filter(application=application).select_related("actor").order_by("id")
    )
    recommend = next((e for e in reversed(events) if e.action == "recommend"), None)
    decided_by = "match_confirm" if application.is_match else "approve"
    approve = next((e for e in reversed(events) if e.action == decided_by), None)
    rule = None
    for version in reversed(rules.load_rulebook().versions):
        rule = version.items.get(application.item)
        if rule is not None:
            break
    facts = [
        Line(
            policy.fact_label(application.item, code),
            policy.fact_value_label(application.item, code, value),
        )
        for code, value in (award.facts or {}).items()
    ]
    if award.announcement_starts_on:
        starts, ends = award.announcement_starts_on, award.announcement_ends_on
        ends_text = ends.isoformat() if ends else ""
        announcement = f"{starts.isoformat()} 至 {ends_text}（{award.announcement_days} 个工作日）"
    else:
        announcement = "尚未公示"
    outcome = {
        Status.APPROVED: "待公示",
        Status.ANNOUNCED: "公示中",
        Status.HELD: "公示期间收到异议，异议核实中",
        Status.CONFIRMED: "公示期满无异议",
        Status.SCHEDULED: "公示期满无异议",
        Status.PAID: "公示期满无异议",
        Status.REVIEWED: "公示期间收到异议，退回复审",
    }.get(Status(application.status), str(Status(application.status).label))
    objections = sum(1 for e in events if e.action == "object")
    if objections and application.status not in {Status.REVIEWED, Status.HELD}:
        outcome += f"（公示期间曾收到异议 {objections} 件，已复核）"
    heading = _programme_heading(application)
    return ApprovalSheet(
        application=application,
        award=award,
        enterprise_name=application.enterprise.name,
        credit_code=application.enterprise.credit_code,
        jurisdiction=policy.jurisdiction_name(application.jurisdiction),
        item_title=policy.item_title(application.item),
        clause=rule.clause if rule else "",
        clause_text=rule.clause_text if rule else "",
        facts=facts,
        trace=[f"〔{s['clause']}〕{s['description']}" for s in award.trace],
        computed_amount=award.computed_amount,
        amount=award.amount,
        amount_words=rmb_capital(award.amount),
        rules_version=_version_text(award.rules_version),
        county_opinion=Line(_actor_text(recommend), recommend.reason or "同意推荐")
        if recommend
        else None,
        county_date=_local_date(recommend.created_at if recommend else None),
        city_decision=Line(
            _actor_text(approve), "确认同步奖励" if application.is_match else "批准奖励"
        )
        if approve
        else None,
        city_date=_local_date(approve.created_at if approve else award.approved_at),
        announcement=heading.pop("announcement", announcement),
        announcement_outcome=heading.pop("announcement_outcome", outcome),
        override=(
            f"规则计算 {award.computed_amount:,.2f} 元，核定 {award.amount:,.2f} 元。"
            f"理由：{award.override_reason}"
            if award.overridden
            else ""
        ),
        exemption=f"不占年度名额。理由：{award.exempt_reason}" if award.quota_exempt else "",
        **heading,
    )


def _programme_heading(application: Application) -> dict[str, Any]:
    """The sheet's heading for the case's programme; a county's names the city award it matches."""
    if not application.is_match:
        return {}
    version = programmes.programme_version(application.programme)
    city = Application.objects.filter(matches=application).select_related("award").first()
    city_award = getattr(city, "award", None) if city is not None else None
    announced = ""
    if city_award is not None and city_award.announcement_starts_on:
        ends_on = city_award.announcement_ends_on
        announced = (
            f"{city_award.announcement_starts_on.isoformat()} 至 "
            f"{ends_on.isoformat() if ends_on else ''}"
        )
    return {
        # The county matches an award already announced by the city: no 公示 of its own.
        "announcement": f"随市级奖励公示（{announced}）" if announced else "随市级奖励公示",
        "announcement_outcome": "市级奖励公示期满无异议",
        "programme_title": version.title if version else application.programme,
        "issuer": programmes.programme_issuer(application.programme),
        "funding_body": programmes.programme_funding_body(application.programme),
        "matched_reference": city.reference if city is not None else "",
        "matched_amount": city_award.amount if city_award is not None else None,
    }


@dataclass
class BatchRow:
    number: int
    reference: str
    enterprise: str
    credit_code: str
    jurisdiction: str
    item: str
    amount: Decimal
    status: str


@dataclass
class BatchList:
    """兑现资金汇总表 of one programme's pay year."""

    year: int
    programme: str
    programme_title: str
    funding_body: str
    rows: list[BatchRow]
    by_item: list[tuple[str, int, Decimal]]
    by_jurisdiction: list[tuple[str, int, Decimal]]
    budget: Decimal | None
    planned: Decimal
    paid: Decimal
    total: Decimal
    total_words: str
    remaining: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    def subject(self) -> dict[str, str]:
        return {
            "year": str(self.year),
            "programme": self.programme_title,
            "count": str(len(self.rows)),
            "amount": f"{self.total:.2f}",
            "date": timezone.localdate().isoformat(),
        }


def batch_awards(*, year: int, programme: str = CITY_PROGRAMME) -> QuerySet[Award]:
    """The awards a programme's pay year pays: scheduled into it or paid from it, in order."""
    return (
        Award.objects.filter(
            pay_year=year,
            application__programme=programme,
            application__status__in=[Status.SCHEDULED, Status.PAID],
        )
        .select_related("application__enterprise")
        .order_by("first_approved_at", "id")
    )


def batch_list(*, year: int, programme: str = CITY_PROGRAMME) -> BatchList:
    """Everything the batch list of a programme's pay year states."""
    rows: list[BatchRow] = []
    by_item: dict[str, tuple[int, Decimal]] = defaultdict(lambda: (0, ZERO))
    by_place: dict[str, tuple[int, Decimal]] = defaultdict(lambda: (0, ZERO))
    planned = paid = ZERO
    for number, award in enumerate(batch_awards(year=year, programme=programme), 1):
        case = award.application
        item, place = policy.item_title(case.item), policy.jurisdiction_name(case.jurisdiction)
        rows.append(
            BatchRow(
                number,
                case.reference,
                case.enterprise.name,
                case.enterprise.credit_code,
                place,
                item,
                award.amount,
                str(Status(case.status).label),
            )
        )
        by_item[item] = (by_item[item][0] + 1, by_item[item][1] + award.amount)
        by_place[place] = (by_place[place][0] + 1, by_place[place][1] + award.amount)
        if case.status == Status.PAID:
            paid += award.amount
        else:
            planned += award.amount
    budget = (
        Budget.objects.filter(programme=programme, year=year)
        .values_list("amount", flat=True)
        .first()
    )
    total = planned + paid
    return BatchList(
        year=year,
        programme=programme,
        programme_title=programmes.programme_name(programme),
        funding_body=programmes.programme_funding_body(programme),
        rows=rows,
        by_item=[(k, v[0], v[1]) for k, v in sorted(by_item.items())],
        by_jurisdiction=[(k, v[0], v[1]) for k, v in sorted(by_place.items())],
        budget=budget,
        planned=planned,
        paid=paid,
        total=total,
        total_words=rmb_capital(total),
        remaining=budget - total if budget is not None else None,
    )


@dataclass
class Receipt:
    """申报回执 of one submission."""

    application: Application
    revision: ApplicationRevision
    item_title: str
    facts: list[Line]
    evidence: list[dict[str, object]]
    expected_amount: Decimal
    submitted_on: str

    def subject(self) -> dict[str, str]:
        return {
            "case": self.application.reference,
            "enterprise": self.application.enterprise.name,
            "item": self.item_title,
            "amount": self.revision.snapshot.get("quote", {}).get("amount", ""),
            "date": self.submitted_on,
        }


def receipt(*, application_id: int, revision: int | None = None) -> Receipt:
    """Everything the receipt of a submission states (the latest one by default)."""
    application = Application.objects.select_related("enterprise").get(pk=application_id)
    revisions = ApplicationRevision.objects.filter(application=application).order_by("-number")
    chosen = revisions.filter(number=revision).first() if revision else revisions.first()
    if chosen is None:
        raise ApplicationRevision.DoesNotExist
    snapshot = chosen.snapshot
    facts = [
        Line(
            policy.fact_label(application.item, code),
            policy.fact_value_label(application.item, code, str(value)),
        )
        for code, value in (snapshot.get("facts") or {}).items()
    ]
    return Receipt(
        application=application,
        revision=chosen,
        item_title=policy.item_title(application.item),
        facts=facts,
        evidence=list(snapshot.get("evidence") or []),
        expected_amount=Decimal(snapshot.get("quote", {}).get("amount") or "0.00"),
        submitted_on=_local_date(chosen.submitted_at),
    )


def documents_for_case(*, application: Application) -> list[Document]:
    """The current documents of a case, newest first (compiled once: the case page reads them)."""
    return fetch_compiled("case_documents", _current_documents, case=application.pk)


def _current_documents(case: int) -> QuerySet[Document]:
    return Document.objects.filter(
        application_id=case, superseded_by__isnull=True, voided_at__isnull=True
    ).order_by("kind", "-created_at")


def documents_visible_to(user: User) -> QuerySet[Document]:
    """Every document `user` may read: the one rule the download page and the API share.

    A case's documents go with the case (cases_visible_to); its enterprise reads a receipt at
    once and the approval sheet from its announcement on. A batch list goes with its programme's
    finance desk, and the city's with the city's reviewers.
    """
    from applicants.selectors import cases_visible_to
    from applicants.workflow import APPROVAL_SHEET_PUBLIC_STATES
    from awards.payouts.selectors import finance_programmes_for

    # Asked of each document's own case (EXISTS), not as the set of every visible case: under an
    # OR that set is built whole for each download (~30 ms at 100,000 cases).
    of_cases = Exists(cases_visible_to(user).filter(pk=OuterRef("application_id")))
    if user.role == Role.ENTERPRISE:
        return Document.objects.filter(
            of_cases
            & (
                Q(kind=DocumentKind.RECEIPT)
                | Q(
                    kind=DocumentKind.APPROVAL, application__status__in=APPROVAL_SHEET_PUBLIC_STATES
                )
            )
        )
    desk = {p.code for p in finance_programmes_for(user)}
    if user.role == Role.CITY_REVIEWER:
        desk.add(CITY_PROGRAMME)
    return Document.objects.filter(of_cases | Q(kind=DocumentKind.BATCH, programme__in=desk))


def batch_fingerprint(batch: BatchList) -> str:
    """What a batch list states, as a hash: the awards of the year, their state, the budget."""
    rows = [(r.reference, f"{r.amount:.2f}", r.status) for r in batch.rows]
    budget = f"{batch.budget:.2f}" if batch.budget is not None else None
    text = json.dumps({"rows": rows, "budget": budget}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def document_is_current(document: Document) -> bool:
    """Current: not superseded or voided and, for a batch list, its year still as it states."""
    if not document.is_current:
        return False
    if document.kind == DocumentKind.BATCH and document.pay_year is not None:
        with translation.override("zh-hans"):
            batch = batch_list(year=document.pay_year, programme=document.programme)
            return batch_fingerprint(batch) == document.content_key
    return True


def batch_documents_by_year(programme: str = CITY_PROGRAMME) -> dict[int, Document]:
    """The current batch list of each pay year of a programme."""
    return {
        d.pay_year: d
        for d in Document.objects.filter(
            kind=DocumentKind.BATCH,
            programme=programme,
            superseded_by__isnull=True,
            voided_at__isnull=True,
        )
        if d.pay_year is not None
    }


def document_by_code(code: str) -> Document | None:
    return Document.objects.filter(code=code).select_related("superseded_by").first()


def current_successor(document: Document) -> Document | None:
    """The current version that replaced `document`, following the chain."""
    seen = 0
    current = document
    while current.superseded_by_id is not None and seen < 100:
        current = Document.objects.get(pk=current.superseded_by_id)
        seen += 1
    return current if current.pk != document.pk else None


def latest_budget_years(programme: str = CITY_PROGRAMME) -> list[int]:
    return sorted(set(Budget.objects.filter(programme=programme).values_list("year", flat=True)))


__all__ = [
    "ApprovalSheet",
    "BatchList",
    "DocumentKind",
    "Receipt",
    "approval_sheet",
    "batch_list",
    "date",
    "receipt",
]
