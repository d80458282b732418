"""The tamper-evident audit trail: an append-only hash chain over CaseEvent rows."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from applicants.models import Application, AuditHead, CaseEvent, User

GENESIS_HASH = "0" * 64


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _digest(payload: dict) -> str:
    return hashlib.sha256(_CANONICAL(payload).encode()).hexdigest()


def _event_digest(event: CaseEvent) -> str:
    """SHA-256 over the previous hash and every recorded field, in a canonical JSON form."""
    return _digest(
        {
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
    )


def audit_append(
    *,
    action: str,
    actor: User | None,
    application: Application | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Append one entry to the chain; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside a transaction")
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS_HASH}
    )
    event = CaseEvent(
        application=application,
        actor=actor,
        actor_role=getattr(actor, "role", "") if actor else "system",
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=json.loads(json.dumps(data or {}, default=str)),
        created_at=(at or timezone.now()).replace(microsecond=0),
        prev_hash=head.last_hash,
    )
    event.hash = _event_digest(event)
    event.save()
    head.last_event_id = event.id
    head.last_hash = event.hash
    head.save(update_fields=["last_event_id", "last_hash"])
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One entry for `audit_append_many`: the same fields `audit_append` takes."""

    action: str
    application_id: int | None = None
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    data: dict | None = None


def audit_append_many(
    entries: list[AuditEntry],
    *,
    actor: User | None,
    at: datetime | None = None,
    batch_size: int = 5000,
) -> tuple[int, int] | None:
    """Append many entries to the chain in order, each its own link; (first id, last id) or None.

    For a bulk step (a payout plan moving thousands of awards): the hashes are chained in memory
    and the rows written in bulk under the head lock, so no other entry falls between the first
    and the last id returned. Each entry's `data` must already be JSON values (str, int, None,
    lists, dicts): it is hashed as given. Must run inside the caller's transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append_many must run inside a transaction")
    if not entries:
        return None
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS_HASH}
    )
    created_at = (at or timezone.now()).replace(microsecond=0)
    at_text = created_at.isoformat()
    actor_id = actor.pk if actor is not None else None
    actor_role = getattr(actor, "role", "") if actor else "system"
    previous = head.last_hash
    rows = []
    for entry in entries:
        data = entry.data or {}
        digest = _digest(
            {
                "prev": previous,
                "application": entry.application_id,
                "actor": actor_id,
                "actor_role": actor_role,
                "action": entry.action,
                "from": entry.from_status,
                "to": entry.to_status,
                "reason": entry.reason,
                "data": data,
                "at": at_text,
            }
        )
        rows.append((entry, data, previous, digest))
        previous = digest
    if connection.vendor == "postgresql":
        first_id, last_id = _copy_events(rows, actor_id, actor_role, created_at)
    else:
        events = [
            CaseEvent(
                application_id=entry.application_id,
                actor_id=actor_id,
                actor_role=actor_role,
                action=entry.action,
                from_status=entry.from_status,
                to_status=entry.to_status,
                reason=entry.reason,
                data=data,
                created_at=created_at,
                prev_hash=prev_hash,
                hash=digest,
            )
            for entry, data, prev_hash, digest in rows
        ]
        first_id = last_id = None
        for start in range(0, len(events), batch_size):
            chunk = CaseEvent.objects.bulk_create(events[start : start + batch_size])
            if first_id is None:
                first_id = chunk[0].id
            last_id = chunk[-1].id
        assert first_id is not None
        assert last_id is not None
    head.last_event_id = last_id
    head.last_hash = previous
    head.save(update_fields=["last_event_id", "last_hash"])
    return first_id, last_id


_COPY_COLUMNS = (
    "id",
    "application_id",
    "actor_id",
    "actor_role",
    "action",
    "from_status",
    "to_status",
    "reason",
    "data",
    "created_at",
    "prev_hash",
    "hash",
)


def _copy_events(
    rows: list[tuple["AuditEntry", dict, str, str]],
    actor_id: int | None,
    actor_role: str,
    created_at: datetime,
) -> tuple[int, int]:
    """PostgreSQL: ids from the table's sequence, then one COPY of every row (several times
    faster than INSERTs for a plan's tens of thousands of entries)."""
    table = CaseEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        columns = ", ".join(_COPY_COLUMNS)
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            write = copy.write_row
            for event_id, (entry, data, prev_hash, digest) in zip(ids, rows, strict=True):
                write(
                    (
                        event_id,
                        entry.application_id,
                        actor_id,
                        actor_role,
                        entry.action,
                        entry.from_status,
                        entry.to_status,
                        entry.reason,
                        dumps(data),
                        created_at,
                        prev_hash,
                        digest,
                    )
                )
    return ids[0], ids[-1]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str = ""


def audit_chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order; report the first entry whose link or content does not hold."""
    previous_hash = GENESIS_HASH
    previous_id = 0
    checked = 0
    for event in CaseEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != previous_hash:
            return ChainReport(
                False, checked, event.id, f"link broken after entry {previous_id or '-'}"
            )
        if _event_digest(event) != event.hash:
            return ChainReport(False, checked, event.id, "content altered")
        previous_hash, previous_id = event.hash, event.id
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is None and checked:
        # The head is written with the first entry; without it the tail cannot be vouched for.
        return ChainReport(False, checked, previous_id, "the chain's head record is missing")
    if head is not None and (head.last_hash != previous_hash or head.last_event_id != previous_id):
        return ChainReport(False, checked, previous_id, "entries missing at the end of the chain")
    return ChainReport(True, checked)
