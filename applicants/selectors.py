"""Reads for applicants. Access to a case is decided here, in one place."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

import rules
from applicants import policy
from applicants.errors import (
    FIRST_TIME_OTHER_CASE,
    ITEM_ONLY_FOR_APPLICANT_TYPES,
    ITEM_ONLY_FOR_JURISDICTIONS,
    SUBMIT_DECLARATION_REQUIRED,
    SUBMIT_EVIDENCE_REQUIRED,
    SUBMIT_FIELD_REQUIRED,
    UNKNOWN_ITEM,
)
from applicants.models import (
    CITY_PROGRAMME,
    Application,
    ApplicationRevision,
    CaseEvent,
    Enterprise,
    EvidenceFile,
    Status,
    User,
)
from applicants.roles import Role
from applicants.verification.selectors import identity_blocker
from applicants.workflow import GRANTED_STATES
from rules import ItemRule


def enterprise_for_user(*, user: User) -> Enterprise | None:
    """The enterprise a signed-in enterprise user acts for, if any."""
    return user.enterprise if user.is_authenticated and user.enterprise_id else None


def cases_visible_to(user: User) -> QuerySet[Application]:
    """Every case `user` may see: the one rule every list, detail, file and API view uses.

    An enterprise sees its own; a county reviewer the submitted cases of its jurisdiction (its
    county's matching cases included); county finance its county's matching cases; the city,
    finance and administrators the cases a county recommended, and every county's matching cases
    (to read: only the county acts on them).
    """
    cases = Application.objects.all()
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.role == Role.ENTERPRISE:
        return (
            cases.filter(enterprise_id=user.enterprise_id) if user.enterprise_id else cases.none()
        )
    # Officials see only what was filed: a draft, even one withdrawn unfiled, is the enterprise's.
    cases = cases.filter(submitted_at__isnull=False)
    if user.role == Role.COUNTY_REVIEWER:
        return cases.filter(jurisdiction=user.jurisdiction)
    if user.role == Role.COUNTY_FINANCE:
        return cases.filter(programme=user.jurisdiction)
    if user.role in {Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN}:
        return cases.filter(Q(recommended_at__isnull=False) | ~Q(programme=CITY_PROGRAMME))
    return cases.none()


def visibility_key(user: User) -> tuple[object, ...]:
    """What cases_visible_to reads of `user`: two readers alike here see the same cases (a
    compiled query's key, portal.compiled)."""
    return (user.is_authenticated, user.is_active, user.role, user.jurisdiction, user.enterprise_id)


def case_get_for(user: User, application_id: int, *, with_award: bool = False) -> Application:
    """The case if `user` may see it, else 404 (never reveal that another's case exists).

    `with_award` reads the case's award (the reverse relation awards defines) in the same query.
    """
    cases = cases_visible_to(user).select_related("enterprise")
    if with_award:
        cases = cases.select_related("award")
    try:
        return cases.get(pk=application_id)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class ItemEntry:
    """A reward item as the enterprise's dashboard offers it (新建申报)."""

    code: str
    title: str
    family: str
    max_amount: str
    first_time: bool
    blocked: bool  # a first_* item already granted to this enterprise
    # Whether the rules admit the enterprise's applicant type and jurisdiction; if not, why.
    admitted: bool = True
    not_admitted_reason: str = ""
    # The enterprise's own cases of the item, not withdrawn or rejected: how many, and the latest
    # (its reference and state), so the list says what is already under way (政策匹配).
    open_cases: int = 0
    latest_reference: str = ""
    latest_status: str = ""


def item_not_admitted_reason(rule: ItemRule, *, applicant_type: str, jurisdiction: str) -> str:
    """Why the rules will find an enterprise ineligible for an item whatever it types, or "".

    E.g. "仅限数据交易运营机构申报": the item admits other applicant types only. The enterprise
    may still file (officials decide), so this is advice, never a refusal.
    """
    version = policy.version_in_force()
    separator = pgettext("list separator", "、")
    if applicant_type not in rule.applicant_types:
        lang = policy.rules_lang()
        # In the rules' order, which is the clause's (市属企事业单位、数据企业、数据交易运营机构).
        admitted = [version.applicant_type(code).label(lang) for code in rule.applicant_types]
        return str(ITEM_ONLY_FOR_APPLICANT_TYPES % {"types": separator.join(admitted)})
    if jurisdiction not in rule.jurisdictions:
        names = [policy.jurisdiction_name(code) for code in rule.jurisdictions]
        return str(ITEM_ONLY_FOR_JURISDICTIONS % {"places": separator.join(names)})
    return ""


def enterprise_dashboard_panels(*, user: User) -> dict[str, object]:
    """The enterprise's cases by state, its latest cases, and the items it may apply for.

    `items` lists every item of the rules version; those whose rules do not admit the
    enterprise carry the reason (`admitted` False), and `admitted_items` / `other_items` split them.
    """
    cases = cases_visible_to(user)
    counts = dict(cases.values_list("status").annotate(n=Count("id")).order_by())
    version = policy.version_in_force()
    first_items = [code for code, rule in version.items.items() if rule.first_time]
    granted = set(
        cases.filter(status__in=GRANTED_STATES, item__in=first_items).values_list("item", flat=True)
    )
    enterprise = enterprise_for_user(user=user)
    lang = policy.rules_lang()
    under_way: dict[str, list[Application]] = {}
    for case in (
        cases.filter(programme=CITY_PROGRAMME)
        .exclude(status__in=(Status.WITHDRAWN, Status.REJECTED))
        .only("id", "item", "status", "created_at", "programme")
        .order_by("-created_at", "-id")
    ):
        under_way.setdefault(case.item, []).append(case)
    items = []
    for rule in version.items.values():
        latest = under_way[rule.code][0] if rule.code in under_way else None
        reason = (
            item_not_admitted_reason(
                rule,
                applicant_type=enterprise.applicant_type,
                jurisdiction=enterprise.jurisdiction,
            )
            if enterprise is not None
            else ""
        )
        items.append(
            ItemEntry(
                code=rule.code,
                title=rule.title(lang),
                family=rule.family,
                max_amount=f"{rule.max_amount:.2f}",
                first_time=rule.first_time,
                blocked=rule.code in granted,
                admitted=not reason,
                not_admitted_reason=reason,
                open_cases=len(under_way.get(rule.code, [])),
                latest_reference=latest.reference if latest else "",
                latest_status=latest.get_status_display() if latest else "",
            )
        )
    return {
        "case_counts": [(Status(key).label, counts[key]) for key in Status.values if key in counts],
        "case_total": sum(counts.values()),
        "recent_applications": list(applications_for_list(user)[:10]),
        "items": items,
        "admitted_items": [entry for entry in items if entry.admitted],
        "other_items": [entry for entry in items if not entry.admitted],
    }


def applications_for_list(user: User) -> QuerySet[Application]:
    """The cases `user` sees in a list, newest activity first (no related rows are read).

    Each carries `amount_now` and `amount_approved`: once granted, the approved amount (the
    award's, joined in the same query), before that the expected one.
    """
    granted = Q(status__in=GRANTED_STATES, award__isnull=False)
    return (
        cases_visible_to(user)
        .annotate(
            amount_approved=Case(When(granted, then=Value(True)), default=Value(False)),
            amount_now=Case(When(granted, then=F("award__amount")), default=F("expected_amount")),
        )
        .order_by("-updated_at", "-id")
    )


def application_detail_for(user: User, application_id: int) -> Application:
    """The case (404 unless visible) with its award, evidence, revisions and timeline up front."""
    application = case_get_for(user, application_id, with_award=True)
    prefetch_related_objects(
        [application],
        Prefetch(
            "evidence_files",
            queryset=EvidenceFile.objects.select_related("uploaded_by").order_by("kind", "version"),
        ),
        Prefetch(
            "revisions",
            queryset=ApplicationRevision.objects.select_related("submitted_by").order_by("number"),
        ),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("id")),
    )
    return application


@dataclass(frozen=True)
class GrantedMoney:
    """The money of an approved case as its enterprise reads it: the decision, not the estimate."""

    amount: Decimal  # approved (核定)
    computed_amount: Decimal  # what the rules gave at approval (规则计算)
    adjusted: bool  # the approved amount differs from the rules' (or was adjusted by hand)
    adjust_reason: str
    announcement_starts_on: date | None
    announcement_ends_on: date | None
    pay_year: int | None
    paid_on: date | None
    payment_reference: str


def granted_money(application: Application) -> GrantedMoney | None:
    """The approved award of a case in `GRANTED_STATES`, else None (then the estimate stands).

    Reads the award loaded with the case (`case_get_for(..., with_award=True)`): no query. An
    award kept while an objection sends the case back to review is not shown as granted.
    """
    if application.status not in GRANTED_STATES:
        return None
    award = getattr(application, "award", None)  # a missing reverse one-to-one raises
    if award is None:
        return None
    scheduled = application.status in {Status.SCHEDULED, Status.PAID}
    return GrantedMoney(
        amount=award.amount,
        computed_amount=award.computed_amount,
        adjusted=award.overridden or award.amount != award.computed_amount,
        adjust_reason=award.override_reason,
        announcement_starts_on=award.announcement_starts_on,
        announcement_ends_on=award.announcement_ends_on,
        pay_year=award.pay_year if scheduled else None,
        paid_on=award.paid_at if application.status == Status.PAID else None,
        payment_reference=award.payment_reference if application.status == Status.PAID else "",
    )


@dataclass(frozen=True)
class QueuePlace:
    """Where a confirmed award waits for a pay year (排队中): its place in its item's queue."""

    position: int
    item: str
    quota_exempt: bool


def queue_place(application: Application) -> QueuePlace | None:
    """A confirmed award's place among the awards of its programme still waiting for a pay year.

    The plan takes waiting awards in order of approval (then id) per item's quota, the
    quota-exempt ones in one queue of their own: the place counts those ahead of it. One query,
    and only for a confirmed case.
    """
    if application.status != Status.CONFIRMED:
        return None
    award = getattr(application, "award", None)
    if award is None or award.first_approved_at is None:
        return None
    same_queue = Application.objects.filter(
        programme=application.programme,
        status=Status.CONFIRMED,
        award__quota_exempt=award.quota_exempt,
    )
    if not award.quota_exempt:
        same_queue = same_queue.filter(item=application.item)
    ahead = same_queue.filter(
        Q(award__first_approved_at__lt=award.first_approved_at)
        | Q(award__first_approved_at=award.first_approved_at, award__pk__lt=award.pk)
    ).count()
    return QueuePlace(position=ahead + 1, item=application.item, quota_exempt=award.quota_exempt)


def latest_return_event(application: Application) -> CaseEvent | None:
    """The audit entry of the return for 补正 that the case now answers, if it is returned.

    Reads the events prefetched by `application_detail_for`: no query.
    """
    if application.status != Status.RETURNED:
        return None
    returns = [e for e in application.events.all() if e.to_status == Status.RETURNED]
    return returns[-1] if returns else None


def evidence_latest_by_kind(application: Application) -> dict[str, list[EvidenceFile]]:
    """Every version of each kind, newest first, from the prefetched files."""
    by_kind: dict[str, list[EvidenceFile]] = {}
    for evidence in application.evidence_files.all():
        by_kind.setdefault(evidence.kind, []).insert(0, evidence)
    return by_kind


def evidence_get_for(user: User, evidence_id: int) -> EvidenceFile:
    """An evidence file if `user` may see its case (the same `case_get_for` check), else 404."""
    application_id = (
        EvidenceFile.objects.filter(pk=evidence_id).values_list("application_id", flat=True).first()
    )
    if application_id is None:
        raise Http404
    application = case_get_for(user, application_id)
    evidence = EvidenceFile.objects.get(pk=evidence_id)
    evidence.application = application
    return evidence


def first_time_already_granted(*, enterprise_id: int, item: str) -> bool:
    """Whether the enterprise has a case of this item approved or paid (首次: once ever)."""
    return Application.objects.filter(
        programme=CITY_PROGRAMME, enterprise_id=enterprise_id, item=item, status__in=GRANTED_STATES
    ).exists()


# A first-time item is taken by another case of it that is in review, returned for 补正 or
# granted; a draft, a withdrawn or a rejected case takes nothing.
FIRST_TIME_TAKEN_STATES = frozenset(Status.values) - {
    Status.DRAFT,
    Status.WITHDRAWN,
    Status.REJECTED,
}


def first_time_other_case(
    *, enterprise_id: int, item: str, exclude_id: int | None = None
) -> Application | None:
    """Another case of this first-time item (首次) of the enterprise that is pending or granted.

    A granted one is named first, then the earliest filed. `exclude_id` is the case at hand.
    """
    # A county's matching case is the same grant seen by the county: it takes no second place.
    others = Application.objects.filter(
        programme=CITY_PROGRAMME,
        enterprise_id=enterprise_id,
        item=item,
        status__in=FIRST_TIME_TAKEN_STATES,
    )
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    granted_first = Case(When(status__in=GRANTED_STATES, then=Value(0)), default=Value(1))
    return others.order_by(granted_first, "submitted_at", "id").first()


def application_quote_facts(
    *,
    event_date: date | None,
    facts: dict[str, str],
    applicant_type: str,
    jurisdiction: str,
) -> dict[str, str]:
    """The facts `rules.quote` takes for a case: its own, the enterprise's, and the event date."""
    data = {"applicant_type": applicant_type, "jurisdiction": jurisdiction, **facts}
    if event_date is not None:
        data["event_date"] = event_date.isoformat()
    return {k: v for k, v in data.items() if v not in ("", None)}


def application_quote(
    *,
    item: str,
    event_date: date | None,
    facts: dict[str, str],
    applicant_type: str,
    jurisdiction: str,
) -> rules.Quote:
    """The expected amount and its explanation; RulesInputError if a fact is missing or wrong."""
    return rules.quote(
        item,
        application_quote_facts(
            event_date=event_date,
            facts=facts,
            applicant_type=applicant_type,
            jurisdiction=jurisdiction,
        ),
        today=timezone.localdate(),
    )


def enterprise_members(*, enterprise_id: int) -> QuerySet[User]:
    """The accounts that act for one enterprise."""
    return User.objects.filter(enterprise_id=enterprise_id).order_by("date_joined", "id")


def submission_blockers(application: Application) -> list[tuple[str, str]]:
    """(field, message) for everything that must be done before the case can be submitted."""
    rule = policy.item_rule(application.item)
    if rule is None:
        return [("item", str(UNKNOWN_ITEM))]
    blockers = []
    # First: nothing else matters until the county has verified who is applying.
    identity = identity_blocker(application.enterprise)
    if identity:
        blockers.append(("identity", identity))
    if not application.project_name:
        blockers.append(("project_name", str(SUBMIT_FIELD_REQUIRED)))
    if not application.event_date:
        blockers.append(("event_date", str(SUBMIT_FIELD_REQUIRED)))
    present = {e.kind for e in application.evidence_files.all()}
    # 免申即享: the published list the draft was prepared from is its notice (applicants.winners).
    cited = (
        application.cited_announcement.get("evidence_kind")
        if application.cited_announcement
        else None
    )
    if cited:
        present.add(cited)
    lang = policy.rules_lang()
    blockers.extend(
        (f"evidence__{spec.code}", SUBMIT_EVIDENCE_REQUIRED % {"label": spec.label(lang)})
        for spec in rule.evidence
        if spec.required and spec.code not in present
    )
    if not application.declaration_accepted:
        blockers.append(("declaration_accepted", str(SUBMIT_DECLARATION_REQUIRED)))
    if rule.first_time:
        # Said before the confirmation step, not only when its button is pressed.
        other = first_time_other_case(
            enterprise_id=application.enterprise_id, item=rule.code, exclude_id=application.pk
        )
        if other is not None:
            blockers.append(
                (
                    "item",
                    str(
                        FIRST_TIME_OTHER_CASE
                        % {
                            "item": rule.title(lang),
                            "reference": other.reference,
                            "status": Status(other.status).label,
                        }
                    ),
                )
            )
    return blockers


def calculator_url_for(application: Application) -> str:
    """政策计算器 with the case's item and facts filled in, to try other figures on."""
    facts = application_quote_facts(
        event_date=application.event_date,
        facts=application.facts,
        applicant_type=application.applicant_type,
        jurisdiction=application.jurisdiction,
    )
    return f"{reverse('calculator')}?{urlencode({'item': application.item, **facts})}"
