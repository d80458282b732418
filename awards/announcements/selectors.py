"""Reads of the 公示: the public list, the case an objection may be filed against, and the
objections of a case for the officials who may see it."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from applicants.models import Application, Status, User
from applicants.selectors import case_get_for
from awards.announcements.models import Objection, ObjectionState
from awards.models import Award

# The published order: by the end of the period, then the enterprise.
PUBLIC_LIST_ORDER = ("announcement_ends_on", "application__enterprise__name", "id")


def _in_period(today: date) -> Q:
    """Awards in their 公示 period on `today` (Beijing time)."""
    return Q(
        application__status=Status.ANNOUNCED,
        announcement_starts_on__lte=today,
        announcement_ends_on__gte=today,
    )


# Held while an objection is checked (异议核实中): the period is stopped, its dates do not apply.
_HELD = Q(application__status=Status.HELD)


def announcements_public(*, today: date | None = None) -> QuerySet[Award]:
    """The public list: awards in their 公示 period today (Beijing time), and those held while an
    objection is checked."""
    today = today or timezone.localdate()
    return (
        Award.objects.filter(_in_period(today) | _HELD)
        .select_related("application__enterprise")
        .order_by(*PUBLIC_LIST_ORDER)
    )


class PublicAnnouncement(NamedTuple):
    """One line of the published list: what it shows of an award, its case and enterprise."""

    award_id: int
    application_id: int
    status: str
    announcement_number: str
    enterprise_name: str
    item: str
    project_name: str
    amount: Decimal
    announcement_starts_on: date
    announcement_ends_on: date
    announcement_held_days: int


# `PublicAnnouncement`'s columns, in its order: nothing else is read (a row read in full decoded
# two traces and the facts of each of fifty awards).
PUBLIC_LIST_FIELDS = (
    "id",
    "application_id",
    "application__status",
    "announcement_number",
    "application__enterprise__name",
    "application__item",
    "application__project_name",
    "amount",
    "announcement_starts_on",
    "announcement_ends_on",
    "announcement_held_days",
)


def announcement_page_public(
    number: str | None, *, per_page: int, today: date | None = None
) -> Page:
    """A page of `announcements_public` as `PublicAnnouncement` rows (an invalid or too high
    `number` gives the first or last page, as `Paginator.get_page`).

    Read as two parts, those in their period and those held, each from its own index (the
    awards' end dates; the cases in 公示): their union is the list, counted without the
    enterprises. One condition on both tables ("in its period, or held") is served by neither
    index, and its count and page read every award and thousands of cases (40 ms at 4,000
    announcements, against 17).
    """
    today = today or timezone.localdate()  # one day for the count and the page, even at midnight
    # Each part unsorted (`order_by()`, not the awards' default order): the union is sorted once.
    running = Award.objects.filter(_in_period(today)).order_by()
    held = Award.objects.filter(_HELD).order_by()
    rows = (
        running.values_list(*PUBLIC_LIST_FIELDS)
        .union(held.values_list(*PUBLIC_LIST_FIELDS), all=True)
        .order_by(*PUBLIC_LIST_ORDER)
    )
    paginator = Paginator(rows, per_page)
    paginator.count = running.values("pk").union(held.values("pk"), all=True).count()
    page = paginator.get_page(number)
    page.object_list = [PublicAnnouncement(*row) for row in page.object_list]
    return page


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
