"""The workflow table, applied: every transition × every role × every state, allowed or refused."""

from contextlib import contextmanager
from operator import attrgetter

import pytest
from django.db import transaction

from applicants.errors import REASON_REQUIRED, Conflict, NotAllowed, ServiceError
from applicants.models import CaseEvent, Status
from applicants.roles import Role
from applicants.services.cases import actor_may_act_on
from applicants.workflow import (
    MATCH_ONLY_ACTIONS,
    OBJECTION_ACTIONS,
    SYSTEM,
    TRANSITIONS,
    bulk_actions_for,
    transitions_from,
)
from awards.announcements.errors import OBJECTION_ACTION_ELSEWHERE
from awards.services.decisions import case_decide
from tests.awards.helpers import AWARD_PATH, case_in, end_announcement
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ALL_ROLES = (*Role.values, SYSTEM)
# The objection's steps record or resolve an objection: their own service takes them
# (tests/awards/test_objections.py); as plain decisions they are refused below.
DECISIONS = [t for t in TRANSITIONS if t.action not in OBJECTION_ACTIONS]


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run a block in a savepoint and undo it, so each role tries the same untouched case."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _extras(action: str) -> dict[str, object]:
    """What each action needs besides role and state (a reason, payment details)."""
    extras: dict[str, object] = {"reason": "理由：按规定办理"}
    if action == "pay":
        extras["payment_reference"] = "ZF-001"
    return extras


@pytest.fixture
def actors(db):
    """One actor per role, all entitled by scope to the case (own enterprise, own county)."""
    return {
        Role.ENTERPRISE: None,  # filled per case: a member of the case's enterprise
        Role.COUNTY_REVIEWER: make_user(Role.COUNTY_REVIEWER, jurisdiction="411502"),
        Role.CITY_REVIEWER: make_user(Role.CITY_REVIEWER),
        Role.FINANCE: make_user(Role.FINANCE),
        # County finance pays only its county's matching awards: nothing of a city case.
        Role.COUNTY_FINANCE: make_user(Role.COUNTY_FINANCE, jurisdiction="411502"),
        Role.ADMIN: make_user(Role.ADMIN),
        SYSTEM: None,
    }


@pytest.mark.parametrize("state", Status.values)
@pytest.mark.parametrize("transition", DECISIONS, ids=attrgetter("action"))
def test_each_role_may_take_exactly_what_the_table_gives_it(transition, state, actors):
    case = case_in(state, jurisdiction="411502")
    if state == Status.ANNOUNCED:
        end_announcement(case)  # so `confirm` is not refused for being early
    actors = {**actors, Role.ENTERPRISE: case.created_by}
    for role in ALL_ROLES:
        actor = actors[role]
        allowed = (
            state in transition.sources
            and role in transition.roles
            and role != Role.COUNTY_FINANCE
            and transition.action not in MATCH_ONLY_ACTIONS
        )
        events_before = CaseEvent.objects.filter(application=case).count()
        with rolled_back():
            if allowed:
                result = case_decide(
                    application_id=case.pk,
                    action=transition.action,
                    actor=actor,
                    **_extras(transition.action),
                )
                assert result.status == transition.target, (transition.action, role, state)
                event = CaseEvent.objects.filter(application=case).latest("id")
                assert (event.action, event.from_status, event.to_status) == (
                    transition.action,
                    state,
                    transition.target,
                )
                assert event.actor_role == (role if actor else "system")
            else:
                scoped_out = role not in transition.roles or role == Role.COUNTY_FINANCE
                expected = NotAllowed if scoped_out else Conflict
                with pytest.raises(expected):
                    case_decide(
                        application_id=case.pk,
                        action=transition.action,
                        actor=actor,
                        **_extras(transition.action),
                    )
        case.refresh_from_db()
        assert case.status == state
        assert CaseEvent.objects.filter(application=case).count() == events_before
        if role != SYSTEM and actor is not None:
            offered = {
                t.action
                for t in transitions_from(state, role)
                if actor_may_act_on(actor=actor, application=case)
            }
            assert (transition.action in offered) == allowed


@pytest.mark.parametrize("action", sorted(OBJECTION_ACTIONS))
@pytest.mark.parametrize("state", [Status.ANNOUNCED, Status.HELD])
def test_the_objection_steps_are_never_plain_decisions(action, state, actors):
    case = case_in(state, jurisdiction="411502")
    actors = {**actors, Role.ENTERPRISE: case.created_by}
    for role in ALL_ROLES:
        with pytest.raises(ServiceError) as error:
            case_decide(application_id=case.pk, action=action, actor=actors[role], reason="x")
        assert error.value.message == OBJECTION_ACTION_ELSEWHERE
        if role != SYSTEM:
            assert action not in {t.action for t in transitions_from(state, role)}
    case.refresh_from_db()
    assert case.status == state


@pytest.mark.parametrize(
    "transition", [t for t in DECISIONS if t.needs_reason], ids=attrgetter("action")
)
def test_negative_decisions_are_refused_without_a_reason(transition, actors):
    state = sorted(transition.sources)[0]
    case = case_in(state, jurisdiction="411502")
    role = sorted(transition.roles)[0]
    actor = case.created_by if role == Role.ENTERPRISE else actors[role]
    for blank in ("", "   "):
        with pytest.raises(ServiceError) as error:
            case_decide(application_id=case.pk, action=transition.action, actor=actor, reason=blank)
        assert error.value.field == "reason"
        assert error.value.message == REASON_REQUIRED
    case.refresh_from_db()
    assert case.status == state


@pytest.mark.parametrize(
    ("action", "state"),
    [("recommend", Status.SUBMITTED), ("county_return", Status.SUBMITTED)],
)
def test_a_county_reviewer_of_another_county_is_refused(action, state):
    case = case_in(state, jurisdiction="411502")
    outsider = make_user(Role.COUNTY_REVIEWER, jurisdiction="411521")
    with pytest.raises(NotAllowed):
        case_decide(application_id=case.pk, action=action, actor=outsider, reason="x")


def test_another_enterprise_cannot_withdraw_a_case():
    case = case_in(Status.SUBMITTED)
    stranger = make_user(Role.ENTERPRISE)
    with pytest.raises(NotAllowed):
        case_decide(application_id=case.pk, action="withdraw", actor=stranger)


def test_an_unknown_action_is_a_field_error(city_reviewer):
    case = case_in(Status.REVIEWED)
    with pytest.raises(ServiceError) as error:
        case_decide(application_id=case.pk, action="approve_twice", actor=city_reviewer)
    assert error.value.field == "action"


def test_every_state_is_reachable_and_every_transition_targets_a_state():
    targets = {t.target for t in TRANSITIONS}
    sources = set().union(*(t.sources for t in TRANSITIONS))
    assert set(Status.values) - {Status.DRAFT} <= targets
    assert targets | sources <= set(Status.values)
    assert {Status.PAID, Status.REJECTED, Status.WITHDRAWN}.isdisjoint(sources)


def test_bulk_actions_are_the_positive_review_steps():
    assert [t.action for t in bulk_actions_for(Role.COUNTY_REVIEWER)] == [
        "recommend",
        "match_confirm",
    ]
    assert [t.action for t in bulk_actions_for(Role.CITY_REVIEWER)] == [
        "review",
        "approve",
        "announce",
        "confirm",
    ]
    assert bulk_actions_for(Role.ENTERPRISE) == []


def test_the_award_path_helper_reaches_each_state():
    for state in AWARD_PATH:
        assert case_in(state).status == state
