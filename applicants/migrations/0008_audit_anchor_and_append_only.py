"""The audit trail under its key: anchor the entries hashed before it, and make the table
append-only on PostgreSQL (a trigger refuses every UPDATE and DELETE)."""

from django.db import migrations
from django.utils import timezone

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_entries_are_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries (applicants_caseevent) cannot be changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER caseevent_append_only
    BEFORE UPDATE OR DELETE ON applicants_caseevent
    FOR EACH ROW EXECUTE FUNCTION audit_entries_are_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS caseevent_append_only ON applicants_caseevent;
DROP FUNCTION IF EXISTS audit_entries_are_append_only();
"""


def anchor_keyless_entries(apps, schema_editor):
    """One keyed `audit_keyed` entry naming the keyless entries' count, last id and last hash."""
    from applicants.audit import ANCHOR_ACTION, _digest
    from applicants.audit_keys import current_audit_key

    CaseEvent = apps.get_model("applicants", "CaseEvent")
    AuditHead = apps.get_model("applicants", "AuditHead")
    keyless = CaseEvent.objects.filter(key_id="")
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None or not keyless.exists() or CaseEvent.objects.exclude(key_id="").exists():
        return
    last = keyless.order_by("-id").first()
    key = current_audit_key()
    event = CaseEvent(
        application_id=None,
        actor_id=None,
        actor_role="system",
        action=ANCHOR_ACTION,
        from_status="",
        to_status="",
        reason="",
        data={
            "keyless_count": keyless.count(),
            "keyless_last_id": last.id,
            "keyless_last_hash": last.hash,
        },
        created_at=timezone.now().replace(microsecond=0),
        prev_hash=head.last_hash,
        key_id=key.id,
    )
    event.hash = _digest(
        {
            "prev": event.prev_hash,
            "application": None,
            "actor": None,
            "actor_role": "system",
            "action": ANCHOR_ACTION,
            "from": "",
            "to": "",
            "reason": "",
            "data": event.data,
            "at": event.created_at.isoformat(),
            "key": key.id,
        },
        key,
    )
    event.save()
    head.last_event_id = event.id
    head.last_hash = event.hash
    head.save(update_fields=["last_event_id", "last_hash"])


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def not_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("applicants", "0007_audit_key_id")]

    operations = [
        migrations.RunPython(anchor_keyless_entries, migrations.RunPython.noop),
        migrations.RunPython(append_only, not_append_only),
    ]
