"""The one function that moves a case through the workflow table."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import (
    ALREADY_DECIDED,
    REASON_REQUIRED,
    UNKNOWN_ACTION,
    Conflict,
    NotAllowed,
    ServiceError,
)
from applicants.models import Application, Status, User
from applicants.roles import COUNTY_ROLES, Role
from applicants.services.notifications import notify_case_transition
from applicants.signals import case_transitioned
from applicants.text import clean_text
from applicants.workflow import BY_ACTION, SYSTEM, Transition, action_fits_programme


def actor_may_act_on(*, actor: User | None, application: Application) -> bool:
    """Object-level scope: own enterprise, own jurisdiction, or a city-level role.

    A county's matching case (同步奖励) is the county's alone: its reviewer decides it and its
    finance pays it; the city's officials only read it. Scope, not `cases_visible_to`: an
    entitled official acting on a case in another state must hear that it was decided (409),
    not that it does not exist.
    """
    if actor is None:  # the system itself
        return True
    if actor.role == Role.ENTERPRISE:
        return actor.enterprise_id == application.enterprise_id
    if application.is_match:
        return actor.role in COUNTY_ROLES and actor.jurisdiction == application.programme
    if actor.role == Role.COUNTY_REVIEWER:
        return actor.jurisdiction == application.jurisdiction
    return actor.role in {Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN}


def _check_allowed(transition: Transition, actor: User | None, application: Application) -> None:
    role = actor.role if actor is not None else SYSTEM
    if role not in transition.roles or not actor_may_act_on(actor=actor, application=application):
        raise NotAllowed()


@transaction.atomic
def case_transition(
    *,
    application_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    data: dict | None = None,
    before_save: Callable[[Application], dict | None] | None = None,
) -> Application:
    """Apply one transition: check role and scope, lock the case, change state, audit, notify.

    `before_save` lets a calling service check and change the locked case (and its related rows)
    in the same transaction, e.g. the approved amount; a dict it returns is added to the audit
    entry's data, and an error it raises undoes the whole step. `actor=None` is the system.
    """
    transition = BY_ACTION.get(action)
    if transition is None:
        raise ServiceError(UNKNOWN_ACTION, field="action")
    # A role the table does not name is refused before anything else is said about the request.
    if (actor.role if actor is not None else SYSTEM) not in transition.roles:
        raise NotAllowed()
    # Zero-width, bidi and other invisible characters neither make a reason nor reach a page.
    reason = clean_text(reason, multiline=True)
    if transition.needs_reason and not reason:
        raise ServiceError(REASON_REQUIRED, field="reason")
    # The row lock makes two simultaneous decisions queue up; the second sees the new state.
    application = Application.objects.select_for_update().get(pk=application_id)
    _check_allowed(transition, actor, application)
    if application.status not in transition.sources or not action_fits_programme(
        action, is_match=application.is_match
    ):
        raise Conflict(ALREADY_DECIDED % {"status": Status(application.status).label})
    from_status = application.status
    application.status = transition.target
    application.status_changed_at = timezone.now()
    if transition.stamps:
        setattr(application, transition.stamps, application.status_changed_at)
    data = dict(data or {})
    if before_save is not None:
        data.update(before_save(application) or {})
    application.save()
    audit_append(
        action=action,
        actor=actor,
        application=application,
        from_status=from_status,
        to_status=transition.target,
        reason=reason,
        data=data,
    )
    # The state reached is passed on: by commit time, later steps may have moved the case on.
    reached = transition.target
    transaction.on_commit(
        lambda: notify_case_transition(
            application_id=application.pk, action=action, status=reached, reason=reason
        )
    )
    # Other apps follow the case after commit (awards renders documents); they only enqueue.
    transaction.on_commit(
        lambda: case_transitioned.send(
            sender=Application, application_id=application.pk, action=action
        )
    )
    return application
