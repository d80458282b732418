"""Reads for applicants. Access to a case is decided here, in one place."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

import rules
from applicants import policy
from applicants.errors import (
    CREDIT_CODE_OTHER_JURISDICTION,
    CREDIT_CODE_OUTSIDE_CITY,
    SUBMIT_DECLARATION_REQUIRED,
    SUBMIT_EVIDENCE_REQUIRED,
    SUBMIT_FIELD_REQUIRED,
    UNKNOWN_ITEM,
)
from applicants.models import (
    Application,
    ApplicationRevision,
    CaseEvent,
    Enterprise,
    EvidenceFile,
    Status,
    User,
)
from applicants.roles import Role
from applicants.text import names_similar
from applicants.workflow import GRANTED_STATES


def enterprise_for_user(*, user: User) -> Enterprise | None:
    """The enterprise a signed-in enterprise user acts for, if any."""
    return user.enterprise if user.is_authenticated and user.enterprise_id else None


def cases_visible_to(user: User) -> QuerySet[Application]:
    """Every case `user` may see: the one rule every list, detail, file and API view uses.

    An enterprise sees its own; a county reviewer the submitted cases of its jurisdiction; the
    city, finance and administrators the cases a county recommended.
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
    if user.role in {Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN}:
        return cases.filter(recommended_at__isnull=False)
    return cases.none()


def case_get_for(user: User, application_id: int) -> Application:
    """The case if `user` may see it, else 404 (never reveal that another's case exists)."""
    try:
        return cases_visible_to(user).select_related("enterprise").get(pk=application_id)
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


def enterprise_dashboard_panels(*, user: User) -> dict[str, object]:
    """The enterprise's cases by state, its latest cases, and the items it may apply for."""
    cases = cases_visible_to(user)
    counts = dict(cases.values_list("status").annotate(n=Count("id")).order_by())
    version = policy.version_in_force()
    first_items = [code for code, rule in version.items.items() if rule.first_time]
    granted = set(
        cases.filter(status__in=GRANTED_STATES, item__in=first_items).values_list("item", flat=True)
    )
    lang = policy.rules_lang()
    return {
        "case_counts": [(Status(key).label, counts[key]) for key in Status.values if key in counts],
        "case_total": sum(counts.values()),
        "recent_applications": list(cases.order_by("-updated_at", "-id")[:10]),
        "items": [
            ItemEntry(
                code=rule.code,
                title=rule.title(lang),
                family=rule.family,
                max_amount=f"{rule.max_amount:.2f}",
                first_time=rule.first_time,
                blocked=rule.code in granted,
            )
            for rule in version.items.values()
        ],
    }


def applications_for_list(user: User) -> QuerySet[Application]:
    """The cases `user` sees in a list, newest activity first (no related rows are read)."""
    return cases_visible_to(user).order_by("-updated_at", "-id")


def application_detail_for(user: User, application_id: int) -> Application:
    """The case (404 unless visible) with its evidence, revisions and timeline fetched up front."""
    application = case_get_for(user, application_id)
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
        enterprise_id=enterprise_id, item=item, status__in=GRANTED_STATES
    ).exists()


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


# States in which a case was filed and not taken back: what a duplicate can be compared with.
_FILED_EXCLUDED = (Status.DRAFT, Status.WITHDRAWN)


def similar_applications(application: Application) -> list[Application]:
    """Other filed cases of the same enterprise that are probably the same achievement.

    A flag for officials (同一成果疑似重复申报): a similar name (`names_similar`) under an item of
    the same kind (同类: the overlap groups of the rules version), e.g. provincial and national.
    """
    related = policy.same_kind_items(application.item, application.event_date)
    candidates = (
        Application.objects.filter(enterprise_id=application.enterprise_id, item__in=related)
        .exclude(pk=application.pk)
        .exclude(status__in=_FILED_EXCLUDED)
        .order_by("submitted_at", "id")
    )
    return [c for c in candidates if names_similar(c.project_name, application.project_name)]


CREDIT_CODE_CITY_DIVISION = "411500"  # 信阳市: a code registered by the city's own authority


def credit_code_division_warning(*, credit_code: str, jurisdiction: str) -> str:
    """Why the code's registration division (characters 3–8) does not fit the jurisdiction, or "".

    GB 32100: characters 3–8 are the division code of the registering authority. Outside 4115xx
    the enterprise was registered outside Xinyang; another county's code may mean it moved. A
    flag for the county reviewer, never a refusal. Functional zones have no division code of
    their own, so only the city prefix is checked for them.
    """
    division = credit_code[2:8]
    if not (division.isdigit() and len(division) == 6):
        return ""
    if not division.startswith(CREDIT_CODE_CITY_DIVISION[:4]):
        return str(CREDIT_CODE_OUTSIDE_CITY % {"division": division})
    if (
        jurisdiction.isdigit()
        and division != CREDIT_CODE_CITY_DIVISION
        and division != jurisdiction
    ):
        return str(
            CREDIT_CODE_OTHER_JURISDICTION
            % {
                "division": division,
                "name": policy.jurisdiction_name(division),
                "jurisdiction": policy.jurisdiction_name(jurisdiction),
            }
        )
    return ""


def enterprise_members(*, enterprise_id: int) -> QuerySet[User]:
    """The accounts that act for one enterprise."""
    return User.objects.filter(enterprise_id=enterprise_id).order_by("date_joined", "id")


def submission_blockers(application: Application) -> list[tuple[str, str]]:
    """(field, message) for everything that must be done before the case can be submitted."""
    rule = policy.item_rule(application.item)
    if rule is None:
        return [("item", str(UNKNOWN_ITEM))]
    blockers = []
    if not application.project_name:
        blockers.append(("project_name", str(SUBMIT_FIELD_REQUIRED)))
    if not application.event_date:
        blockers.append(("event_date", str(SUBMIT_FIELD_REQUIRED)))
    present = {e.kind for e in application.evidence_files.all()}
    lang = policy.rules_lang()
    blockers.extend(
        (f"evidence__{spec.code}", SUBMIT_EVIDENCE_REQUIRED % {"label": spec.label(lang)})
        for spec in rule.evidence
        if spec.required and spec.code not in present
    )
    if not application.declaration_accepted:
        blockers.append(("declaration_accepted", str(SUBMIT_DECLARATION_REQUIRED)))
    return blockers
