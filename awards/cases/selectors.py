"""Reads for the officials' case page: the warnings box, the enterprise's awards, history."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants import policy
from applicants.flags import credit_code_division_warning, similar_applications
from applicants.history import HistoryEntry, case_history
from applicants.models import (
    LIST_DEFERRED_AWARD_FIELDS,
    LIST_DEFERRED_FIELDS,
    Application,
    CaseEvent,
    EvidenceFile,
    Status,
    User,
)
from applicants.programmes import ProgrammeCases, programme_cases_of
from applicants.selectors import cases_visible_to, visibility_key
from applicants.services.cases import actor_may_act_on
from applicants.workflow import GRANTED_STATES, Transition, transitions_from
from awards.listing import Memo, case_url_maker
from awards.models import Award, Objection, ObjectionState
from awards.selectors import AmountView, case_amount, earlier_awards_for
from portal.compiled import fetch_compiled


@dataclass(frozen=True)
class EvidenceRow:
    file: EvidenceFile
    label: str
    url: str


@dataclass(frozen=True)
class FactRow:
    label: str
    value: str


@dataclass(frozen=True)
class CaseLink:
    """Another case named on the case page; `url` is "" when it lies outside the official's scope
    (then neither its number nor its name is shown)."""

    application: Application
    url: str
    status_label: str

    @property
    def visible(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class CaseWarning:
    """One thing the official should look at before deciding, in the page's language."""

    kind: str  # duplicate, similar, first_time, credit_code_division, ineligible
    text: str
    cases: list[CaseLink] = field(default_factory=list)
    hidden_cases: int = 0  # how many more exist outside the official's scope


@dataclass(frozen=True)
class AwardRow:
    """An award the same enterprise holds (granted, or sent back by an objection)."""

    link: CaseLink
    award: Award
    item_title: str
    # Counted against this case under 从优、就高、不重复 (`earlier_awards_for`).
    same_achievement: bool


@dataclass(frozen=True)
class CaseDetail:
    application: Application
    facts: list[FactRow]
    evidence: list[EvidenceRow]
    amount: AmountView
    duplicate_of: Application | None
    # A duplicate exists but lies outside this official's scope: warn without naming it.
    duplicate_hidden: bool
    history: list[HistoryEntry]
    objections: list[Objection]
    actions: list[Transition]
    item_title: str = ""
    jurisdiction_name: str = ""
    warnings: list[CaseWarning] = field(default_factory=list)
    enterprise_awards: list[AwardRow] = field(default_factory=list)
    # The city case and its county matches (县区同步奖励), this one among them.
    programme_cases: ProgrammeCases | None = None

    @property
    def open_objections(self) -> list[Objection]:
        """The objections that hold the case until the city resolves them."""
        return [o for o in self.objections if o.state == ObjectionState.OPEN]


# Texts of the case page's warnings (tests reuse them).
WARNING_DUPLICATE = gettext_lazy("疑似重复申报：与以下申报为同一单位的同一事项和成果")
WARNING_DUPLICATE_HIDDEN = gettext_lazy(
    "疑似重复申报：同一单位已就同一事项和成果另行申报，该申报尚未进入您的审核范围。"
)
WARNING_SIMILAR = gettext_lazy("名称相近的同类申报（可能为同一成果）")
WARNING_FIRST_TIME = gettext_lazy(
    "“首次”类事项：该单位已有同一事项的申报在办或已获奖励，每个单位只能获得一次"
)
WARNING_INELIGIBLE = gettext_lazy("按规则不符合奖励条件：%(reasons)s")

# A first-time item is taken while another case of it is in review or granted (not refused,
# withdrawn or a draft).
_FIRST_TIME_BLOCKING = frozenset(Status.values) - {
    Status.DRAFT,
    Status.WITHDRAWN,
    Status.REJECTED,
}


# What the page shows of a linked case (a duplicate, the city case of a match) and of the approver.
_LINKED_CASE_FIELDS = frozenset({"id", "created_at", "project_name", "status", "programme"})
_APPROVER_FIELDS = frozenset({"id", "display_name", "username"})


def _unread_fields(path: str, model: type[Model], shown: frozenset[str]) -> list[str]:
    """`path__field` for every column of `model` the page does not show (for `.defer`)."""
    return [f"{path}__{f.name}" for f in model._meta.concrete_fields if f.name not in shown]


def _own_award(application: Application) -> Award | None:
    """The case's award as read with it (select_related), or None."""
    return getattr(application, "award", None)


# Both reads annotate their rows (duplicate_visible and has_matches; visible): typed as Any.
def _case_read(visible: QuerySet[Application]) -> QuerySet[Any]:
    """The case page's read of the case, through the reader's visible cases: the access check
    and the read are one query."""
    return (
        visible.select_related(
            "enterprise",
            "award",
            "award__approved_by",
            "possible_duplicate_of",
            "matched_application",
        )
        # The linked cases are named and linked, never read in full; the approver is named.
        .defer(
            *_unread_fields("possible_duplicate_of", Application, _LINKED_CASE_FIELDS),
            *_unread_fields("matched_application", Application, _LINKED_CASE_FIELDS),
            *_unread_fields("award__approved_by", User, _APPROVER_FIELDS),
        )
        # Asked in the same query: whether the reader may open the duplicate, and whether a
        # county matched the case (else its programmes' card needs no read).
        .annotate(
            duplicate_visible=Exists(visible.filter(pk=OuterRef("possible_duplicate_of_id"))),
            has_matches=Exists(Application.objects.filter(matched_application_id=OuterRef("pk"))),
        )
    )


def _case_events(case: int) -> QuerySet[CaseEvent]:
    return (
        CaseEvent.objects.filter(application_id=case)
        .select_related("actor", "actor__enterprise")
        .order_by("id")
    )


def _case_evidence(case: int) -> QuerySet[EvidenceFile]:
    # The model's order within one case (its first key, the case, would join the cases).
    return EvidenceFile.objects.filter(application_id=case).order_by("kind", "version")


def _case_objections(case: int) -> QuerySet[Objection]:
    return Objection.objects.filter(application_id=case)


def _enterprise_other_cases(
    visible: QuerySet[Application], *, enterprise: int, case: int
) -> QuerySet[Any]:
    """The enterprise's other filed cases, with their awards and whether the reader may open
    each: one read for the award list, the warnings and the first-time check."""
    return (
        Application.objects.filter(enterprise_id=enterprise)
        .exclude(pk=case)
        .exclude(status__in=(Status.DRAFT, Status.WITHDRAWN))
        .select_related("award")
        .defer(*LIST_DEFERRED_FIELDS, *LIST_DEFERRED_AWARD_FIELDS)
        .annotate(visible=Exists(visible.filter(pk=OuterRef("pk"))))
        .order_by("submitted_at", "id")
    )


def case_detail_for(*, user: User, application_id: object) -> CaseDetail:
    """Everything the case page shows; 404 unless `user` may see the case.

    A fixed number of queries whatever the number of events, files, awards or warnings.
    """
    try:
        case_id = int(application_id)  # type: ignore[call-overload]  # as the ORM reads an id
    except (TypeError, ValueError):
        raise Http404 from None
    visible = cases_visible_to(user)
    reader = visibility_key(user)
    found = fetch_compiled(
        ("case_detail", reader),
        lambda case: _case_read(visible).filter(pk=case)[:1],
        case=case_id,
    )
    if not found:
        raise Http404
    application = found[0]
    # The case's own rows, each in one query (plain reads: a prefetch costs more to set up).
    events = fetch_compiled("case_events", _case_events, case=application.pk)
    evidence_files = fetch_compiled("case_evidence", _case_evidence, case=application.pk)
    objections = fetch_compiled("case_objections", _case_objections, case=application.pk)
    facts = [
        FactRow(policy.fact_label(application.item, code), _fact_value(application, code, value))
        for code, value in (application.facts or {}).items()
    ]
    evidence = [
        EvidenceRow(
            f,
            policy.evidence_label(application.item, f.kind),
            reverse("applicants:evidence", args=[f.pk]),
        )
        for f in evidence_files
    ]
    history = case_history(events, application=application)
    # The cases whose awards count against this one (从优、就高、不重复), to mark them.
    earlier_ids = set(
        earlier_awards_for(application=application, own=_own_award(application)).values_list(
            "application_id", flat=True
        )
    )
    # The enterprise's other filed cases, with their awards and whether the reader may open
    # each: one read for the award list, the warnings and the first-time check.
    others = fetch_compiled(
        ("case_others", reader),
        lambda enterprise, case: _enterprise_other_cases(visible, enterprise=enterprise, case=case),
        enterprise=application.enterprise_id,
        case=application.pk,
    )
    # `similar` is drawn from `others`, so these are every case the page names.
    similar = similar_applications(application, filed=others)
    duplicate = application.possible_duplicate_of
    visible_ids = {c.pk for c in others if c.visible}
    if duplicate is not None and application.duplicate_visible:
        visible_ids.add(duplicate.pk)
    # Each named case's link worked out once (a case may be named twice).
    case_url = case_url_maker("awards:case_detail")
    links: Memo[CaseLink] = Memo(lambda case: _case_link(case, visible_ids, case_url))
    amount = case_amount(application=application)
    award_rows = [
        AwardRow(
            link=links[other],
            award=other.award,
            item_title=policy.item_title(other.item),
            same_achievement=other.pk in earlier_ids,
        )
        for other in others
        if (other.status in GRANTED_STATES or other.pk in earlier_ids)
        and getattr(other, "award", None) is not None
    ]
    duplicate_visible = duplicate is not None and duplicate.pk in visible_ids
    return CaseDetail(
        application=application,
        facts=facts,
        evidence=evidence,
        amount=amount,
        duplicate_of=duplicate if duplicate_visible else None,
        duplicate_hidden=duplicate is not None and not duplicate_visible,
        history=history,
        objections=objections,
        actions=[
            t
            for t in transitions_from(application.status, user.role, is_match=application.is_match)
            if actor_may_act_on(actor=user, application=application)
        ],
        item_title=policy.item_title(application.item),
        jurisdiction_name=policy.jurisdiction_name(application.jurisdiction),
        warnings=_case_warnings(
            application=application,
            duplicate=duplicate,
            similar=similar,
            others=others,
            amount=amount,
            case_links=links,
        ),
        enterprise_awards=award_rows,
        programme_cases=programme_cases_of(
            application,
            visible=visible,
            url_name="awards:case_detail",
            matched=application.has_matches,
        ),
    )


def _case_link(
    case: Application, visible_ids: set[int], case_url: Callable[[object], str]
) -> CaseLink:
    url = case_url(case.pk) if case.pk in visible_ids else ""
    return CaseLink(application=case, url=url, status_label=str(case.get_status_display()))


def _linked(cases: list[Application], links: Memo[CaseLink]) -> tuple[list[CaseLink], int]:
    named = [links[c] for c in cases]
    return [link for link in named if link.visible], sum(1 for link in named if not link.visible)


def _case_warnings(
    *,
    application: Application,
    duplicate: Application | None,
    similar: list[Application],
    others: Sequence[Application],
    amount: AmountView,
    case_links: Memo[CaseLink],
) -> list[CaseWarning]:
    """Every warning of the case page, most serious first; reads nothing from the database."""
    warnings = []
    if duplicate is not None:
        links, _hidden = _linked([duplicate], case_links)
        duplicate_text = WARNING_DUPLICATE if links else WARNING_DUPLICATE_HIDDEN
        warnings.append(CaseWarning("duplicate", str(duplicate_text), links))
    near = [c for c in similar if duplicate is None or c.pk != duplicate.pk]
    if near:
        links, hidden = _linked(near, case_links)
        warnings.append(CaseWarning("similar", str(WARNING_SIMILAR), links, hidden))
    rule = policy.item_rule(application.item)
    if rule is not None and rule.first_time:
        taken = [
            c for c in others if c.item == application.item and c.status in _FIRST_TIME_BLOCKING
        ]
        if taken:
            links, hidden = _linked(taken, case_links)
            warnings.append(CaseWarning("first_time", str(WARNING_FIRST_TIME), links, hidden))
    division = credit_code_division_warning(
        credit_code=application.enterprise.credit_code, jurisdiction=application.jurisdiction
    )
    if division:
        warnings.append(CaseWarning("credit_code_division", division))
    if not amount.eligible and amount.reasons:
        reasons = _("；").join(amount.reasons)
        warnings.append(CaseWarning("ineligible", str(WARNING_INELIGIBLE % {"reasons": reasons})))
    return warnings


def _fact_value(application: Application, code: str, value: object) -> str:
    return policy.fact_value_label(application.item, code, str(value))
