"""Signed checkpoints of the audit chain, written outside the database.

Once a day (Celery beat) the chain's head — last id, last hash, number of entries — is written
with a MAC under the audit key to AUDIT_CHECKPOINT_DIR, which should live on other storage than
the database. `verify_audit` then checks the chain against the latest checkpoint as well as
itself: a tail deleted together with the head row, or a chain rebuilt from an older copy, no
longer matches what was vouched for outside.
"""

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applicants.audit import GENESIS_HASH
from applicants.audit_keys import audit_keys, current_audit_key
from applicants.models import AuditHead, CaseEvent

PREFIX = "audit-checkpoint-"


@dataclass(frozen=True)
class Checkpoint:
    last_id: int
    last_hash: str
    count: int
    at: str
    key_id: str
    mac: str
    path: Path | None = None

    def body(self) -> dict[str, object]:
        return {
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "count": self.count,
            "at": self.at,
            "key_id": self.key_id,
        }


def _canonical(body: dict[str, object]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _directory(directory: Path | None) -> Path:
    return Path(directory or settings.AUDIT_CHECKPOINT_DIR)


def audit_checkpoint_write(*, directory: Path | None = None) -> Checkpoint:
    """Write the chain's head as a signed checkpoint file (atomically) and return it."""
    with transaction.atomic():
        # The head's lock: no entry is appended between reading the head and counting.
        head = AuditHead.objects.select_for_update().filter(id=1).first()
        last_id = head.last_event_id if head and head.last_event_id else 0
        last_hash = head.last_hash if head else GENESIS_HASH
        count = CaseEvent.objects.filter(pk__lte=last_id).count()
    key = current_audit_key()
    at = timezone.now().replace(microsecond=0).isoformat()
    body = {"last_id": last_id, "last_hash": last_hash, "count": count, "at": at, "key_id": key.id}
    checkpoint = Checkpoint(**body, mac=key.mac(_canonical(body)))  # type: ignore[arg-type]
    target = _directory(directory)
    target.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(at).strftime("%Y%m%dT%H%M%SZ")
    path = target / f"{PREFIX}{stamp}-{last_id:012d}.json"
    # Written beside, then renamed: a reader never sees half a checkpoint.
    fd, temporary = tempfile.mkstemp(dir=target, prefix=".checkpoint-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({**checkpoint.body(), "mac": checkpoint.mac}, handle, sort_keys=True)
    os.replace(temporary, path)
    return Checkpoint(**checkpoint.body(), mac=checkpoint.mac, path=path)  # type: ignore[arg-type]


def audit_checkpoint_latest(*, directory: Path | None = None) -> Checkpoint | None:
    """The checkpoint with the highest last id (then the latest time); None if there is none.

    A file that does not parse or whose MAC does not hold is not skipped silently: it is returned
    with mac "" so that the check reports it.
    """
    best: Checkpoint | None = None
    for path in sorted(_directory(directory).glob(f"{PREFIX}*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            checkpoint = Checkpoint(
                last_id=int(raw["last_id"]),
                last_hash=str(raw["last_hash"]),
                count=int(raw["count"]),
                at=str(raw["at"]),
                key_id=str(raw["key_id"]),
                mac=str(raw["mac"]),
                path=path,
            )
        except (OSError, ValueError, KeyError, TypeError):
            checkpoint = Checkpoint(0, "", 0, "", "", "", path=path)
        if best is None or (checkpoint.last_id, checkpoint.at) >= (best.last_id, best.at):
            best = checkpoint
    return best


def audit_checkpoint_problem(checkpoint: Checkpoint) -> str:
    """ "" when the database still holds what the checkpoint vouched for, else what differs."""
    key = audit_keys().get(checkpoint.key_id)
    if key is None or not checkpoint.mac:
        return f"checkpoint {checkpoint.path} is unreadable or signed with an unknown key"
    if key.mac(_canonical(checkpoint.body())) != checkpoint.mac:
        return f"checkpoint {checkpoint.path} does not carry a valid MAC"
    if checkpoint.last_id:
        entry = CaseEvent.objects.filter(pk=checkpoint.last_id).values_list("hash", flat=True)
        stored = entry.first()
        if stored is None:
            return f"entry {checkpoint.last_id} of the checkpoint of {checkpoint.at} is missing"
        if stored != checkpoint.last_hash:
            return f"entry {checkpoint.last_id} differs from the checkpoint of {checkpoint.at}"
    count = CaseEvent.objects.filter(pk__lte=checkpoint.last_id).count()
    if count != checkpoint.count:
        return (
            f"{count} entries up to {checkpoint.last_id}, the checkpoint of {checkpoint.at} "
            f"vouched for {checkpoint.count}"
        )
    return ""


def audit_checkpoint_overdue(checkpoint: Checkpoint | None) -> str:
    """ "" while checkpoints arrive on time, else what is late: the latest is older than
    AUDIT_CHECKPOINT_MAX_AGE_HOURS, or there is none while entries older than that exist. A beat
    that stopped (no worker, a full disk) would otherwise go unnoticed behind an old "OK"."""
    hours = settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS
    if not hours:
        return ""
    limit = timezone.now() - timedelta(hours=hours)
    if checkpoint is None:
        oldest = CaseEvent.objects.order_by("id").values_list("created_at", flat=True).first()
        if oldest is not None and oldest < limit:
            return (
                f"no audit checkpoint in {_directory(None)}, and entries since "
                f"{timezone.localtime(oldest):%Y-%m-%d %H:%M} (more than {hours} hours): "
                "is the worker's beat running?"
            )
        return ""
    written = datetime.fromisoformat(checkpoint.at) if checkpoint.at else None
    if written is not None and written < limit:
        return (
            f"the latest audit checkpoint is of {checkpoint.at}, more than {hours} hours ago: "
            "is the worker's beat running?"
        )
    return ""


@shared_task(acks_late=True)
def write_audit_checkpoint() -> str:
    """The daily checkpoint (Celery beat); a repeat writes one more file, which does no harm."""
    return str(audit_checkpoint_write().path)
