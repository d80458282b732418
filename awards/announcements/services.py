"""Writes of the 公示: opening a period of working days, confirming it after it ends, filing a
public objection (which holds the case) and the city's resolution of each objection.

Every change of the case's state is a transition of `applicants.workflow` through
`case_transition` (audited, notified after commit); a step that changes no state (a second
objection, one dismissal of several) is an audit entry of its own.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import Conflict, NotAllowed, ServiceError
from applicants.models import Application, CaseEvent, Status, User
from applicants.roles import Role
from applicants.services.cases import actor_may_act_on, case_transition
from applicants.services.evidence import CheckedEvidence, evidence_open, upload_for_storage
from applicants.text import clean_text
from awards.announcements.calendar import (
    working_days_after,
    working_days_between,
    working_days_end,
)
from awards.announcements.contact import objector_name_clean, objector_phone_clean
from awards.announcements.errors import (
    ANNOUNCEMENT_HELD,
    OBJECTION_CASE_NOT_HELD,
    OBJECTION_NOT_OPEN,
    OBJECTION_OUTCOME_UNKNOWN,
    OBJECTION_TEXT_LONG,
    OBJECTION_TEXT_SHORT,
    OBJECTION_UNKNOWN,
    RESOLUTION_REASON_REQUIRED,
)
from awards.announcements.models import Objection, ObjectionState
from awards.announcements.selectors import announcement_open_for_objection
from awards.errors import ANNOUNCEMENT_CLOSED, ANNOUNCEMENT_NOT_OVER, NO_AWARD, TOO_MANY_OBJECTIONS
from awards.models import Award
from awards.services.dependents import dependents_reprice

OBJECTION_TEXT_MIN, OBJECTION_TEXT_MAX = 10, 2000
# The city's answers to one objection, by the key its form posts: the transition each takes when
# it ends the hold ("dismiss" only once no other objection is open).
OUTCOMES: dict[str, str] = {
    "dismiss": "objection_dismiss",
    "uphold": "objection_uphold",
    "reject": "objection_reject",
}


def _award_of(application: Application) -> Award:
    award = Award.objects.filter(application=application).first()
    if award is None:
        raise ServiceError(NO_AWARD)
    return award


def announcement_number(*, application: Application, year: int) -> str:
    """公示编号 of the case's next announcement: GS-<year>-<case id>, "-n" from the second on.

    Read under the case's row lock (the announce transition holds it), so never taken twice.
    """
    earlier = CaseEvent.objects.filter(application=application, action="announce").count()
    number = f"GS-{year}-{application.pk:06d}"
    return f"{number}-{earlier + 1}" if earlier else number


def announce_before_save(application: Application, *, actor: User | None, **_: object) -> dict:
    """Open the 公示 today (Beijing time) for ANNOUNCEMENT_WORKING_DAYS working days, counting
    today if it is one; refused (the transition undone) when the holiday data ends before."""
    award = _award_of(application)
    days = settings.ANNOUNCEMENT_WORKING_DAYS
    starts_on = timezone.localdate()
    award.announcement_days = days
    award.announcement_starts_on = starts_on
    award.announcement_ends_on = working_days_end(starts_on=starts_on, days=days)
    award.announcement_number = announcement_number(application=application, year=starts_on.year)
    award.announcement_held_on = None
    award.announcement_held_days = 0
    award.save(
        update_fields=[
            "announcement_days",
            "announcement_starts_on",
            "announcement_ends_on",
            "announcement_number",
            "announcement_held_on",
            "announcement_held_days",
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


def confirm_before_save(application: Application, *, actor: User | None, **_: object) -> dict:
    """Refuse to confirm while the period runs: it ends with the last day, announcement_ends_on."""
    award = _award_of(application)
    ends_on = award.announcement_ends_on
    if ends_on is None or timezone.localdate() <= ends_on:
        raise ServiceError(
            ANNOUNCEMENT_NOT_OVER % {"ends_on": ends_on.isoformat() if ends_on else "-"}
        )
    return {"announcement_ends_on": ends_on.isoformat(), "amount": f"{award.amount:.2f}"}


def confirm_refuse_if_held(*, application_id: int) -> None:
    """Say why a held case cannot be confirmed, rather than that someone else decided it."""
    status = Application.objects.filter(pk=application_id).values_list("status", flat=True).first()
    if status == Status.HELD:
        raise Conflict(ANNOUNCEMENT_HELD)


# --- filing -------------------------------------------------------------------------------------


def _objection_text_clean(text: object) -> str:
    cleaned = clean_text(text, multiline=True)
    if len(cleaned) < OBJECTION_TEXT_MIN:
        raise ServiceError(OBJECTION_TEXT_SHORT % {"min": OBJECTION_TEXT_MIN}, field="text")
    if len(cleaned) > OBJECTION_TEXT_MAX:
        raise ServiceError(OBJECTION_TEXT_LONG % {"max": OBJECTION_TEXT_MAX}, field="text")
    return cleaned


def _throttle(ip_address: str | None) -> None:
    if settings.OBJECTIONS_PER_HOUR <= 0:  # 0 turns the limit off
        return
    if connection.vendor == "postgresql":
        # One address's objections are counted one at a time (until this transaction ends):
        # simultaneous posts from it cannot all see the count below the limit.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"objection:{ip_address or ''}"]
            )
    since = timezone.now() - timedelta(hours=1)
    # Objections of unknown origin share one allowance, so no address means no escape.
    recent = Objection.objects.filter(ip_address=ip_address or None, created_at__gte=since)
    if recent.count() >= settings.OBJECTIONS_PER_HOUR:
        raise ServiceError(TOO_MANY_OBJECTIONS)


def _attach_evidence(
    objection: Objection, upload: UploadedFile, checked: CheckedEvidence
) -> Objection:
    stored = upload_for_storage(upload=upload, checked=checked, fallback_stem="evidence")
    objection.evidence_name = stored.original_name
    objection.evidence_type = stored.content_type
    objection.evidence_size = stored.size
    objection.evidence_sha256 = stored.sha256
    objection.evidence.save(stored.storage_name, stored.content, save=False)
    return objection


@transaction.atomic
def objection_file(
    *,
    application_id: int,
    name: str,
    phone: str,
    text: str,
    evidence: UploadedFile | None = None,
    ip_address: str | None = None,
) -> Objection:
    """Record a public objection by a named person with a telephone; the case is held.

    An announced case moves to 异议核实中 (`object`, the system acting): the 公示 stops and
    confirmation is refused until the city resolves it. An objection to a case already held
    joins the others (audit `objection_added`). Evidence is parsed as an enterprise's is.
    """
    name = objector_name_clean(name)
    phone = objector_phone_clean(phone)
    text = _objection_text_clean(text)
    _throttle(ip_address)
    if announcement_open_for_objection(application_id=application_id) is None:
        raise ServiceError(ANNOUNCEMENT_CLOSED)
    # Parsed before the case's row lock: a 20 MB photo takes seconds to decode and re-encode
    # (only the same address's next objection waits on the throttle's lock meanwhile).
    checked = evidence_open(upload=evidence, field="evidence") if evidence is not None else None
    application = Application.objects.select_for_update().get(pk=application_id)
    objection = Objection(
        application=application, name=name, phone=phone, text=text, ip_address=ip_address or None
    )
    if evidence is not None and checked is not None:
        _attach_evidence(objection, evidence, checked)
    try:
        _record_objection(application, objection, text=text)
    except Exception:
        if objection.evidence:
            objection.evidence.delete(save=False)
        raise
    return objection


def _record_objection(application: Application, objection: Objection, *, text: str) -> None:
    if application.status == Status.HELD:
        objection.save()
        audit_append(
            action="objection_added",
            actor=None,
            application=application,
            reason=text,
            data={"objection_id": objection.pk},
        )
        return

    def hold(locked: Application) -> dict:
        award = _award_of(locked)
        today = timezone.localdate()
        starts, ends = award.announcement_starts_on, award.announcement_ends_on
        if starts is None or ends is None or not starts <= today <= ends:
            raise ServiceError(ANNOUNCEMENT_CLOSED)
        award.announcement_held_on = today
        award.save(update_fields=["announcement_held_on"])
        objection.save()
        return {"objection_id": objection.pk, "held_on": today.isoformat()}

    # The objection text is the reason; who objected stays out of the audit data.
    case_transition(
        application_id=application.pk, action="object", actor=None, reason=text, before_save=hold
    )


# --- resolving ----------------------------------------------------------------------------------


@transaction.atomic
def objection_resolve(*, objection_id: int, actor: User, outcome: str, reason: str) -> Objection:
    """The city's answer to one open objection of a held case, with a written reason.

    `dismiss`: the objection is not founded; once no other is open the 公示 resumes
    (`objection_dismiss`) and its end moves by the working days it was held. `uphold` sends the
    case back to city review (`objection_uphold`), `reject` refuses it (`objection_reject`); the
    other open objections close with it. The award's amount, override and exemption are never
    touched here.
    """
    if actor.role != Role.CITY_REVIEWER:
        raise NotAllowed()
    if outcome not in OUTCOMES:
        raise ServiceError(OBJECTION_OUTCOME_UNKNOWN, field="outcome")
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise ServiceError(RESOLUTION_REASON_REQUIRED, field="reason")
    application_id = (
        Objection.objects.filter(pk=objection_id).values_list("application_id", flat=True).first()
    )
    if application_id is None:
        raise ServiceError(OBJECTION_UNKNOWN)
    # The case's row lock orders every write to its objections (filing takes it too).
    application = Application.objects.select_for_update().get(pk=application_id)
    if not actor_may_act_on(actor=actor, application=application):
        raise NotAllowed()
    objection = Objection.objects.get(pk=objection_id)
    if not objection.is_open:
        raise Conflict(OBJECTION_NOT_OPEN % {"state": objection.get_state_display()})
    if application.status != Status.HELD:
        raise Conflict(OBJECTION_CASE_NOT_HELD % {"status": application.get_status_display()})
    now = timezone.now()
    objection.state = ObjectionState.DISMISSED if outcome == "dismiss" else ObjectionState.UPHELD
    objection.resolution_reason = reason
    objection.resolved_by = actor
    objection.resolved_at = now
    objection.save(update_fields=["state", "resolution_reason", "resolved_by", "resolved_at"])
    others = Objection.objects.filter(application=application, state=ObjectionState.OPEN)
    if outcome == "dismiss":
        still_open = others.count()
        if still_open:
            audit_append(
                action="objection_dismissed",
                actor=actor,
                application=application,
                reason=reason,
                data={"objection_id": objection.pk, "open_objections": still_open},
            )
            return objection
        case_transition(
            application_id=application.pk,
            action=OUTCOMES[outcome],
            actor=actor,
            reason=reason,
            before_save=_resume(objection),
        )
        return objection
    closed = sorted(others.values_list("pk", flat=True))
    others.update(state=ObjectionState.CLOSED, resolved_by=actor, resolved_at=now)
    case_transition(
        application_id=application.pk,
        action=OUTCOMES[outcome],
        actor=actor,
        reason=reason,
        before_save=_leave_announcement(objection, closed),
    )
    if outcome == "reject":
        # A refused award no longer counts against the top-ups priced from it (从优、就高、不重复).
        award = Award.objects.filter(application=application).values_list("pk", flat=True).first()
        if award is not None:
            dependents_reprice(award_id=award, actor=actor)
    return objection


def _resume(objection: Objection) -> Callable[[Application], dict]:
    """The 公示 resumes: its end moves by the working days from the hold to today."""

    def resume(application: Application) -> dict:
        award = _award_of(application)
        today = timezone.localdate()
        held_on = award.announcement_held_on or today
        held = working_days_between(start=held_on, end=today)
        ends_before = award.announcement_ends_on
        assert ends_before is not None  # a held case was announced
        award.announcement_ends_on = working_days_after(day=ends_before, days=held)
        award.announcement_held_days += held
        award.announcement_held_on = None
        award.save(
            update_fields=[
                "announcement_ends_on",
                "announcement_held_days",
                "announcement_held_on",
            ]
        )
        return {
            "objection_id": objection.pk,
            "held_on": held_on.isoformat(),
            "held_working_days": held,
            "from_announcement_ends_on": ends_before.isoformat(),
            "announcement_ends_on": award.announcement_ends_on.isoformat(),
        }

    return resume


def _leave_announcement(objection: Objection, closed: list[int]) -> Callable[[Application], dict]:
    def leave(application: Application) -> dict:
        Award.objects.filter(application=application).update(announcement_held_on=None)
        return {"objection_id": objection.pk, "closed_objections": closed}

    return leave
