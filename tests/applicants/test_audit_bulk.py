"""Audit entries appended in bulk: each its own link, the same chain as one by one."""

import pytest
from django.db import transaction

from applicants.audit import AuditEntry, audit_append, audit_append_many, audit_chain_verify
from applicants.models import AuditHead, CaseEvent
from tests.factories import ApplicationFactory, with_database_owner_rights

pytestmark = pytest.mark.django_db

AWKWARD = 'tab\there, line\nbreak, back\\slash, "quotes", 中文, \u2028 and \\N'


def test_bulk_entries_chain_like_single_ones_and_survive_awkward_text(finance_user):
    case = ApplicationFactory()
    with transaction.atomic():
        audit_append(action="before", actor=finance_user, application=case)
        span = audit_append_many(
            [
                AuditEntry(
                    action="schedule",
                    application_id=case.pk,
                    from_status="confirmed",
                    to_status="scheduled",
                    reason=AWKWARD,
                    data={"pay_year": 2026, "amount": "1.00", "note": AWKWARD, "nested": [1, None]},
                ),
                AuditEntry(action="budget_note", data={"flag": True, "one": 1}),
                AuditEntry(action="reschedule", application_id=case.pk, reason=""),
            ],
            actor=None,
        )
        audit_append(action="after", actor=finance_user, application=case)
    assert span is not None
    first, last = span
    bulk = list(CaseEvent.objects.filter(pk__gte=first, pk__lte=last).order_by("pk"))
    assert [e.action for e in bulk] == ["schedule", "budget_note", "reschedule"]
    assert bulk[0].reason == AWKWARD
    assert bulk[0].data["note"] == AWKWARD
    assert bulk[0].data["nested"] == [1, None]
    assert bulk[1].data == {"flag": True, "one": 1}
    assert bulk[1].application_id is None
    assert all(e.actor_id is None and e.actor_role == "system" for e in bulk)
    # Linked to what came before and to what came after, and the head points at the last.
    before = CaseEvent.objects.get(action="before")
    after = CaseEvent.objects.get(action="after")
    assert bulk[0].prev_hash == before.hash
    assert after.prev_hash == bulk[-1].hash
    assert AuditHead.objects.get(pk=1).last_event_id == after.pk
    report = audit_chain_verify()
    assert report.ok, report.problem
    assert report.checked == 5


def test_a_bulk_entry_altered_later_is_caught(finance_user):
    with transaction.atomic():
        first, _ = audit_append_many([AuditEntry(action="a"), AuditEntry(action="b")], actor=None)
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=first).update(reason="changed")
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == first


def test_nothing_to_append_is_no_entry():
    with transaction.atomic():
        assert audit_append_many([], actor=None) is None
    assert not CaseEvent.objects.exists()
