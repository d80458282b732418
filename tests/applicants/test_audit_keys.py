"""The audit trail under a key from the environment: a MAC per entry (HMAC-SM3 by default), key
rotation by key id, keyless history anchored, and a table that refuses UPDATE and DELETE."""

import base64
import hashlib
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from applicants.audit import (
    ANCHOR_ACTION,
    GENESIS_HASH,
    audit_anchor_keyless,
    audit_append,
    audit_chain_verify,
)
from applicants.audit_keys import current_audit_key, parse_audit_keys
from applicants.models import AuditHead, CaseEvent
from tests.factories import ApplicationFactory, with_database_owner_rights

pytestmark = pytest.mark.django_db

OFFICE_KEY = "office-2027:hmac-sm3:" + base64.b64encode(b"o" * 32).decode()
SHA_KEY = "sha-1:hmac-sha256:" + base64.b64encode(b"s" * 32).decode()


def _entries(n: int = 3) -> list[CaseEvent]:
    case = ApplicationFactory()
    with transaction.atomic():
        return [audit_append(action=f"step{i}", actor=None, application=case) for i in range(n)]


def _canonical(event: CaseEvent) -> bytes:
    payload = {
        "prev": event.prev_hash,
        "application": event.application_id,
        "actor": event.actor_id,
        "actor_role": event.actor_role,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
        "data": event.data,
        "at": event.created_at.isoformat(),
    }
    if event.key_id:
        payload["key"] = event.key_id
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def test_each_entry_carries_its_key_id_and_a_sm3_mac_not_a_bare_hash():
    event = _entries(1)[0]
    assert event.key_id == current_audit_key().id == "dev"
    assert current_audit_key().algorithm == "hmac-sm3"
    assert event.hash != hashlib.sha256(_canonical(event)).hexdigest()
    assert event.hash == current_audit_key().mac(_canonical(event))
    assert audit_chain_verify().ok


def test_the_audit_table_refuses_update_and_delete():  # the test suite runs on PostgreSQL
    event = _entries(1)[0]
    for change in (
        lambda: CaseEvent.objects.filter(pk=event.pk).update(reason="x"),
        lambda: CaseEvent.objects.filter(pk=event.pk).delete(),
    ):
        with (
            pytest.raises(DatabaseError, match="cannot be changed or deleted"),
            transaction.atomic(),
        ):
            change()
    assert CaseEvent.objects.get(pk=event.pk).reason == ""


def test_keys_rotate_old_entries_verify_while_their_key_is_listed(settings):
    old = _entries(2)
    settings.AUDIT_KEYS = f"{OFFICE_KEY};{settings.AUDIT_KEYS}"
    settings.AUDIT_KEY_ID = "office-2027"
    new = _entries(2)
    assert {e.key_id for e in old} == {"dev"}
    assert {e.key_id for e in new} == {"office-2027"}
    assert audit_chain_verify().ok
    settings.AUDIT_KEYS = OFFICE_KEY  # the old key dropped too early
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == old[0].pk
    assert "unknown key id dev" in report.problem


def test_hmac_sha256_is_a_setting(settings):
    settings.AUDIT_KEYS = SHA_KEY
    settings.AUDIT_KEY_ID = ""
    event = _entries(1)[0]
    assert current_audit_key().algorithm == "hmac-sha256"
    assert event.key_id == "sha-1"
    assert audit_chain_verify().ok


def _rewrite(events: list[CaseEvent], sign) -> None:
    """An attacker with the database but not the key recomputes every link."""
    previous = GENESIS_HASH
    with with_database_owner_rights():
        for event in events:
            event.prev_hash = previous
            event.reason = "改写"
            event.key_id, event.hash = sign(event)
            CaseEvent.objects.filter(pk=event.pk).update(
                prev_hash=event.prev_hash, reason=event.reason, key_id=event.key_id, hash=event.hash
            )
            previous = event.hash
        AuditHead.objects.filter(pk=1).update(last_hash=previous, last_event_id=events[-1].pk)


def test_a_chain_rewritten_end_to_end_as_keyless_entries_is_detected():
    events = _entries(3)

    def keyless(event):
        event.key_id = ""
        return "", hashlib.sha256(_canonical(event)).hexdigest()

    _rewrite(events, keyless)
    report = audit_chain_verify()
    assert not report.ok
    assert report.problem == "no entry carries the key"


def test_a_chain_rewritten_under_a_guessed_key_is_detected():
    events = _entries(3)
    guessed = parse_audit_keys("dev:hmac-sm3:" + base64.b64encode(b"g" * 32).decode())["dev"]

    def forged(event):
        event.key_id = "dev"
        return "dev", guessed.mac(_canonical(event))

    _rewrite(events, forged)
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == events[0].pk
    assert report.problem == "content altered"


def _keyless_history(n: int) -> list[CaseEvent]:
    """Entries as written before the audit had a key: plain SHA-256, no key id."""
    events = _entries(n)
    previous = GENESIS_HASH
    with with_database_owner_rights():
        for event in events:
            event.key_id, event.prev_hash = "", previous
            event.hash = hashlib.sha256(_canonical(event)).hexdigest()
            CaseEvent.objects.filter(pk=event.pk).update(
                key_id="", prev_hash=event.prev_hash, hash=event.hash
            )
            previous = event.hash
        AuditHead.objects.filter(pk=1).update(last_hash=previous, last_event_id=events[-1].pk)
    return events


def test_history_from_before_the_key_verifies_once_anchored_and_an_edit_of_it_does_not():
    history = _keyless_history(3)
    assert not audit_chain_verify().ok  # keyless and unanchored: nothing vouches for it
    anchor = audit_anchor_keyless()
    assert anchor.action == ANCHOR_ACTION
    assert anchor.data == {
        "keyless_count": 3,
        "keyless_last_id": history[-1].pk,
        "keyless_last_hash": history[-1].hash,
    }
    assert audit_anchor_keyless() is None  # once
    _entries(1)
    assert audit_chain_verify().ok
    # An old entry edited and the keyless part re-hashed up to the anchor: the anchor's MAC holds
    # the old last hash, so the rewrite shows.
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=history[1].pk).update(reason="改写")
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == history[1].pk


def test_a_keyless_entry_after_keyed_ones_is_refused():
    events = _entries(2)
    with with_database_owner_rights():
        tail = events[-1]
        tail.key_id = ""
        tail.hash = hashlib.sha256(_canonical(tail)).hexdigest()
        CaseEvent.objects.filter(pk=tail.pk).update(key_id="", hash=tail.hash)
        AuditHead.objects.filter(pk=1).update(last_hash=tail.hash)
    report = audit_chain_verify()
    assert not report.ok
    assert report.problem == "an entry without the key after keyed ones"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dev:hmac-md5:" + base64.b64encode(b"k" * 32).decode(), "algorithm"),
        ("dev:hmac-sm3:" + base64.b64encode(b"short").decode(), "32 bytes"),
        ("dev:hmac-sm3:not base64!", "base64"),
        ("dev-hmac-sm3", "id:algorithm:base64-secret"),
        (f"{OFFICE_KEY};{OFFICE_KEY}", "twice"),
        ("bad key!:hmac-sm3:" + base64.b64encode(b"k" * 32).decode(), "bad key id"),
    ],
)
def test_a_malformed_key_list_is_refused_at_once(text, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_audit_keys(text)


def test_the_migration_anchors_history_from_before_the_key():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("applicants.migrations.0008_audit_anchor_and_append_only")
    history = _keyless_history(2)
    migration.anchor_keyless_entries(apps, None)
    anchor = CaseEvent.objects.order_by("-id").first()
    assert anchor.action == ANCHOR_ACTION
    assert anchor.data["keyless_last_hash"] == history[-1].hash
    assert audit_chain_verify().ok
    migration.anchor_keyless_entries(apps, None)  # once only
    assert CaseEvent.objects.filter(action=ANCHOR_ACTION).count() == 1
