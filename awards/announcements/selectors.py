"""Reads of the 公示: the public list, the case an objection may be filed against, and the
objections of a case for the officials who may see it."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from applicants.models import Application, Status, User
from applicants.selectors import case_get_for
from awards.announcements.models import Objection, ObjectionState
from awards.models import Award


def announcements_public(*, today: date | None = None) -> QuerySet[Award]:
    """The public list: awards in their 公示 period today (Beijing time), and those held while an
    objection is checked (异议核实中: their period is stopped, so its dates do not apply)."""
    today = today or timezone.localdate()
    running = Q(
        application__status=Status.ANNOUNCED,
        announcement_starts_on__lte=today,
        announcement_ends_on__gte=today,
    )
    return (
        Award.objects.filter(running | Q(application__status=Status.HELD))
        .select_related("application__enterprise")
        .order_by("announcement_ends_on", "application__enterprise__name", "id")
    )


# What the public list shows of an award, its case and its enterprise: nothing else is read (a
# row read in full decoded two traces and the facts of each of fifty awards).
PUBLIC_LIST_FIELDS = (
    "id",
    "application_id",
    "amount",
    "announcement_number",
    "announcement_starts_on",
    "announcement_ends_on",
    "announcement_held_days",
    "application__status",
    "application__item",
    "application__project_name",
    "application__enterprise__name",
)


def announcement_list_public(*, today: date | None = None) -> QuerySet[Award]:
    """`announcements_public` reading only what the published list shows."""
    return announcements_public(today=today).only(*PUBLIC_LIST_FIELDS)


def announcement_open_for_objection(
    *, application_id: int, today: date | None = None
) -> Award | None:
    """The award of a case the public may object to today (in its period, or held), or None."""
    return announcements_public(today=today).filter(application_id=application_id).first()


def open_objections_count() -> Coalesce:
    """An annotation for a queryset of cases: how many of its objections wait for the city."""
    counts = (
        Objection.objects.filter(application=OuterRef("pk"), state=ObjectionState.OPEN)
        .order_by()
        .values("application")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class CaseObjections:
    """The resolution page: the case, its award, and its objections (open ones first)."""

    application: Application
    award: Award | None
    objections: list[Objection]

    @property
    def open(self) -> list[Objection]:
        return [o for o in self.objections if o.is_open]

    @property
    def resolved(self) -> list[Objection]:
        return [o for o in self.objections if not o.is_open]


def case_objections_for(*, user: User, application_id: int) -> CaseObjections:
    """A case's objections for an official who may see the case (else 404); two queries."""
    application = case_get_for(user, application_id, with_award=True)
    award = getattr(application, "award", None)
    objections = list(
        Objection.objects.filter(application=application)
        .select_related("resolved_by")
        .order_by("created_at", "id")
    )
    return CaseObjections(application=application, award=award, objections=objections)


def objection_get_for(*, user: User, objection_id: int) -> Objection:
    """One objection, if `user` may see its case (else 404: the case's own access check)."""
    application_id = (
        Objection.objects.filter(pk=objection_id).values_list("application_id", flat=True).first()
    )
    if application_id is None:
        raise Http404
    case_get_for(user, application_id)
    return Objection.objects.get(pk=objection_id)
