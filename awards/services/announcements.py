"""The public announcement (公示): opening it, confirming it after it ends, public objections."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applicants.errors import FIELD_REQUIRED, ServiceError
from applicants.models import Application, User
from applicants.services.cases import case_transition
from applicants.text import clean_text
from awards.errors import ANNOUNCEMENT_CLOSED, ANNOUNCEMENT_NOT_OVER, NO_AWARD, TOO_MANY_OBJECTIONS
from awards.models import Award, Objection
from awards.selectors import announcement_get


def _award_of(application: Application) -> Award:
    award = Award.objects.filter(application=application).first()
    if award is None:
        raise ServiceError(NO_AWARD)
    return award


def announce_before_save(application: Application, *, actor: User | None, **_: object) -> dict:
    """Open the 公示 period today (Beijing time) for ANNOUNCEMENT_DAYS days, counting today."""
    award = _award_of(application)
    days = settings.ANNOUNCEMENT_DAYS
    award.announcement_days = days
    award.announcement_starts_on = timezone.localdate()
    award.announcement_ends_on = award.announcement_starts_on + timedelta(days=days - 1)
    award.save(
        update_fields=["announcement_days", "announcement_starts_on", "announcement_ends_on"]
    )
    return {
        "announcement_days": days,
        "announcement_starts_on": award.announcement_starts_on.isoformat(),
        "announcement_ends_on": award.announcement_ends_on.isoformat(),
        "amount": f"{award.amount:.2f}",
    }


def confirm_before_save(application: Application, *, actor: User | None, **_: object) -> dict:
    """Refuse to confirm while the period runs: it ends with the last day, announcement_ends_on."""
    award = _award_of(application)
    ends_on = award.announcement_ends_on
    if ends_on is None or timezone.localdate() <= ends_on:
        raise ServiceError(
            ANNOUNCEMENT_NOT_OVER % {"ends_on": ends_on.isoformat() if ends_on else "-"}
        )
    return {"announcement_ends_on": ends_on.isoformat(), "amount": f"{award.amount:.2f}"}


@transaction.atomic
def objection_file(
    *,
    application_id: int,
    name: str,
    contact: str,
    text: str,
    ip_address: str | None = None,
) -> Objection:
    """Record a public objection and send the case back to city review (the system acts).

    The city reviewers and the enterprise are told through the transition's notification.
    """
    name, contact = clean_text(name), clean_text(contact)
    text = clean_text(text, multiline=True)
    for field, value in (("name", name), ("contact", contact), ("text", text)):
        if not value:
            raise ServiceError(FIELD_REQUIRED, field=field)
    if settings.OBJECTIONS_PER_HOUR > 0:  # 0 turns the limit off
        since = timezone.now() - timedelta(hours=1)
        # Objections of unknown origin share one allowance, so no address means no escape.
        same_source = Objection.objects.filter(ip_address=ip_address or None)
        recent = same_source.filter(created_at__gte=since).count()
        if recent >= settings.OBJECTIONS_PER_HOUR:
            raise ServiceError(TOO_MANY_OBJECTIONS)
    if announcement_get(application_id=application_id) is None:
        raise ServiceError(ANNOUNCEMENT_CLOSED)
    filed: list[Objection] = []

    def record(application: Application) -> dict:
        award = _award_of(application)
        today = timezone.localdate()
        starts, ends = award.announcement_starts_on, award.announcement_ends_on
        if starts is None or ends is None or not starts <= today <= ends:
            raise ServiceError(ANNOUNCEMENT_CLOSED)
        filed.append(
            Objection.objects.create(
                application=application,
                name=name,
                contact=contact,
                text=text,
                ip_address=ip_address or None,
            )
        )
        return {"objection_id": filed[0].pk}

    case_transition(
        application_id=application_id,
        action="object",
        actor=None,
        reason=text,
        before_save=record,
    )
    return filed[0]
