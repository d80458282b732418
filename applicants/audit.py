"""The tamper-evident audit trail: an append-only hash chain over CaseEvent rows."""

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from applicants.audit_keys import AuditKey, audit_keys, current_audit_key
from applicants.models import Application, AuditHead, CaseEvent, User

GENESIS_HASH = "0" * 64


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _digest(payload: dict, key: AuditKey | None) -> str:
    """The keyed MAC of the payload's canonical JSON; plain SHA-256 only for entries written
    before the key (they end at the `audit_keyed` anchor, which the key vouches for)."""
    canonical = _CANONICAL(payload).encode()
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return key.mac(canonical)


class UnknownAuditKey(Exception):
    """An entry names a key id that is not configured."""


def _event_digest(event: CaseEvent) -> str:
    """The MAC over the previous hash and every recorded field, in a canonical JSON form."""
    key = None
    if event.key_id:
        key = audit_keys().get(event.key_id)
        if key is None:
            raise UnknownAuditKey(event.key_id)
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
    return _digest(payload, key)


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
        key_id=current_audit_key().id,
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
) -> tuple[int, int] | None:
    """Append many entries to the chain in order, each its own link; (first id, last id) or None.

    For a bulk step (a payout plan moving thousands of awards): the hashes are chained in memory
    and the rows written in bulk under the head lock, so no other entry falls between the first
    and the last id returned. Each entry's `data` must already be JSON values (str, int, None,
    lists, dicts): it is hashed as given. Must run inside the caller's transaction.
    """
    return AuditBatch(entries, actor=actor, at=at).write()


class AuditBatch:
    """`audit_append_many` in two steps, so the hashing overlaps the caller's other writes.

    Created, it locks the chain's head and chains the hashes in a thread of its own (pure Python:
    it touches no connection); the caller meanwhile sends its updates, whose waits on the server
    leave the thread the interpreter; `write()` then stores the entries and moves the head.
    """

    def __init__(
        self, entries: list[AuditEntry], *, actor: User | None, at: datetime | None = None
    ) -> None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("audit entries must be appended inside a transaction")
        self.entries = entries
        self.created_at = (at or timezone.now()).replace(microsecond=0)
        self.actor_id = actor.pk if actor is not None else None
        self.actor_role = getattr(actor, "role", "") if actor else "system"
        self.key = current_audit_key()
        self.rows: list[tuple[AuditEntry, dict, str, str, str]] = []
        self.head: AuditHead | None = None
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        if not entries:
            return
        self.head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH}
        )
        self._thread = threading.Thread(target=self._chain, name="audit-chain", daemon=True)
        self._thread.start()

    def _chain(self) -> None:
        try:
            assert self.head is not None
            previous = self.head.last_hash
            encode = _memo_encoder()
            actor = '"actor":' + encode(self.actor_id) + ',"actor_role":' + encode(self.actor_role)
            at = ',"at":' + encode(self.created_at.isoformat())
            key_part = ',"key":' + encode(self.key.id)
            mac = self.key.mac
            rows = self.rows
            for entry in self.entries:
                data = entry.data or {}
                data_text = _CANONICAL(data)
                # The canonical form `_event_digest` hashes, assembled in its sorted key order:
                # the same bytes as encoding the whole payload, without a dict and a sort each.
                canonical = (
                    '{"action":' + encode(entry.action) + "," + actor
                    + ',"application":' + encode(entry.application_id) + at
                    + ',"data":' + data_text + ',"from":' + encode(entry.from_status)
                    + key_part + ',"prev":"' + previous + '","reason":' + encode(entry.reason)
                    + ',"to":' + encode(entry.to_status) + "}"
                )  # fmt: skip
                digest = mac(canonical.encode())
                rows.append((entry, data, data_text, previous, digest))
                previous = digest
        except BaseException as exc:  # re-raised in the caller's thread by write()
            self._failure = exc

    def write(self, *, batch_size: int = 5000) -> tuple[int, int] | None:
        """Store the chained entries and move the head; (first id, last id) or None."""
        if self._thread is None or self.head is None:
            return None
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        rows = self.rows
        first_id: int | None
        last_id: int | None
        if connection.vendor == "postgresql":
            first_id, last_id = _copy_events(
                rows, self.actor_id, self.actor_role, self.created_at, self.key.id
            )
        else:
            events = [
                CaseEvent(
                    application_id=entry.application_id,
                    actor_id=self.actor_id,
                    actor_role=self.actor_role,
                    action=entry.action,
                    from_status=entry.from_status,
                    to_status=entry.to_status,
                    reason=entry.reason,
                    data=data,
                    created_at=self.created_at,
                    prev_hash=prev_hash,
                    hash=digest,
                    key_id=self.key.id,
                )
                for entry, data, _, prev_hash, digest in rows
            ]
            first_id = last_id = None
            for start in range(0, len(events), batch_size):
                chunk = CaseEvent.objects.bulk_create(events[start : start + batch_size])
                if first_id is None:
                    first_id = chunk[0].id
                last_id = chunk[-1].id
        assert first_id is not None
        assert last_id is not None
        self.head.last_event_id = last_id
        self.head.last_hash = rows[-1][4]
        self.head.save(update_fields=["last_event_id", "last_hash"])
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
    "key_id",
)


def _memo_encoder() -> Callable[[object], str]:
    """The canonical JSON of a scalar, remembered: a bulk step repeats a handful of values."""
    seen: dict[tuple[type, object], str] = {}

    def encode(value: object) -> str:
        key = (type(value), value)  # True and 1 are equal keys, not equal JSON
        text = seen.get(key)
        if text is None:
            text = seen[key] = _CANONICAL(value)
        return text

    return encode


# COPY's text format: backslash, tab and line breaks are escaped; NULL is \N.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: object) -> str:
    if value is None:
        return "\\N"
    return str(value).translate(_COPY_ESCAPES)


def _copy_events(
    rows: list[tuple["AuditEntry", dict, str, str, str]],
    actor_id: int | None,
    actor_role: str,
    created_at: datetime,
    key_id: str,
    *,
    chunk: int = 10000,
) -> tuple[int, int]:
    """PostgreSQL: ids from the table's sequence, then the rows in one COPY (several times
    faster than INSERTs for a plan's tens of thousands of entries)."""
    table = CaseEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        columns = ", ".join(_COPY_COLUMNS)
        shared = "\t".join((_copy_text(actor_id), _copy_text(actor_role)))
        at = _copy_text(created_at.isoformat())
        key_text = _copy_text(key_id)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            lines = []
            for event_id, (entry, _, data_text, prev_hash, digest) in zip(ids, rows, strict=True):
                lines.append(
                    f"{event_id}\t{_copy_text(entry.application_id)}\t{shared}\t"
                    f"{_copy_text(entry.action)}\t{_copy_text(entry.from_status)}\t"
                    f"{_copy_text(entry.to_status)}\t{_copy_text(entry.reason)}\t"
                    f"{_copy_text(data_text)}\t{at}\t{prev_hash}\t{digest}\t{key_text}\n"
                )
                if len(lines) >= chunk:
                    copy.write("".join(lines))
                    lines = []
            if lines:
                copy.write("".join(lines))
    return ids[0], ids[-1]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str = ""


ANCHOR_ACTION = "audit_keyed"


def audit_chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order; report the first entry whose link or content does not hold.

    Every entry's MAC is checked under the key it names. Entries hashed before the key existed
    (plain SHA-256, no key id) may only come first, and the first keyed entry must then be the
    `audit_keyed` anchor naming the last of them: so neither an edit of old entries, nor a chain
    rewritten end to end without the key (as keyless entries or under another key), verifies.
    """
    previous_hash = GENESIS_HASH
    previous_id = 0
    checked = 0
    keyless = 0
    keyed = False
    for event in CaseEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != previous_hash:
            return ChainReport(
                False, checked, event.id, f"link broken after entry {previous_id or '-'}"
            )
        if event.key_id:
            if not keyed and keyless and not _anchors(event, keyless, previous_id, previous_hash):
                return ChainReport(
                    False, checked, event.id, "entries without the key are not anchored"
                )
            keyed = True
        elif keyed:
            return ChainReport(
                False, checked, event.id, "an entry without the key after keyed ones"
            )
        else:
            keyless += 1
        try:
            digest = _event_digest(event)
        except UnknownAuditKey as unknown:
            return ChainReport(False, checked, event.id, f"unknown key id {unknown}")
        if digest != event.hash:
            return ChainReport(False, checked, event.id, "content altered")
        previous_hash, previous_id = event.hash, event.id
        checked += 1
    if checked and not keyed:
        return ChainReport(False, checked, previous_id, "no entry carries the key")
    head = AuditHead.objects.filter(id=1).first()
    if head is None and checked:
        # The head is written with the first entry; without it the tail cannot be vouched for.
        return ChainReport(False, checked, previous_id, "the chain's head record is missing")
    if head is not None and (head.last_hash != previous_hash or head.last_event_id != previous_id):
        return ChainReport(False, checked, previous_id, "entries missing at the end of the chain")
    return ChainReport(True, checked)


def _anchors(event: CaseEvent, count: int, last_id: int, last_hash: str) -> bool:
    data = event.data if isinstance(event.data, dict) else {}
    return (
        event.action == ANCHOR_ACTION
        and data.get("keyless_count") == count
        and data.get("keyless_last_id") == last_id
        and data.get("keyless_last_hash") == last_hash
    )


def audit_anchor_keyless() -> CaseEvent | None:
    """Vouch for the entries hashed before the audit key existed: one keyed `audit_keyed` entry
    naming their count, last id and last hash (run once, by the migration that added the key)."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(id=1).first()
        keyless = CaseEvent.objects.filter(key_id="")
        if head is None or not keyless.exists() or CaseEvent.objects.exclude(key_id="").exists():
            return None
        last = keyless.order_by("-id").first()
        assert last is not None
        return audit_append(
            action=ANCHOR_ACTION,
            actor=None,
            data={
                "keyless_count": keyless.count(),
                "keyless_last_id": last.id,
                "keyless_last_hash": last.hash,
            },
        )
