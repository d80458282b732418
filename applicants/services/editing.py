"""The guard every write to a case's content goes through: own enterprise, editable state."""

from applicants.errors import APPLICATION_LOCKED, NOT_AN_ENTERPRISE_USER, Conflict, NotAllowed
from applicants.models import Application, Status, User
from applicants.roles import Role
from applicants.selectors import cases_visible_to
from applicants.workflow import EDITABLE_STATES


def enterprise_actor_check(actor: User) -> int:
    """Only an enterprise's member writes applications and evidence; returns the enterprise id."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id is None or not actor.is_active:
        raise NotAllowed(NOT_AN_ENTERPRISE_USER)
    return actor.enterprise_id


def application_lock_for_edit(*, actor: User, application_id: int) -> Application:
    """The actor's own case, row-locked, if its content may still change (草稿 or 退回补正)."""
    enterprise_actor_check(actor)
    application = (
        cases_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotAllowed()
    if application.status not in EDITABLE_STATES:
        raise Conflict(APPLICATION_LOCKED % {"status": Status(application.status).label})
    return application
