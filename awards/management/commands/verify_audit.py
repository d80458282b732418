import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from applicants.audit import audit_chain_verify
from applicants.audit_checkpoints import (
    audit_checkpoint_latest,
    audit_checkpoint_overdue,
    audit_checkpoint_problem,
    audit_checkpoint_write,
)


class Command(BaseCommand):
    help = (
        "Verify the audit trail: its keyed hash chain, and the database against the latest signed "
        "checkpoint in AUDIT_CHECKPOINT_DIR. Prints OK with the number of entries, or the first "
        "broken link (entry id and problem) and exits with status 1; also 1 when no checkpoint "
        "came for AUDIT_CHECKPOINT_MAX_AGE_HOURS. --checkpoint writes one now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint", action="store_true", help="write a signed checkpoint after verifying"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.ok:
            self.stderr.write(
                f"BROKEN: audit chain broken at entry {report.broken_at}: {report.problem} "
                f"({report.checked} entries verified before it)"
            )
            sys.exit(1)
        self.stdout.write(f"OK: audit chain intact, {report.checked} entries verified")
        checkpoint = audit_checkpoint_latest()
        if checkpoint is None:
            self.stderr.write(
                f"NOTE: no audit checkpoint in {settings.AUDIT_CHECKPOINT_DIR} yet "
                "(the worker's beat writes one daily)"
            )
        else:
            problem = audit_checkpoint_problem(checkpoint)
            if problem:
                self.stderr.write(f"BROKEN: {problem}")
                sys.exit(1)
            self.stdout.write(
                f"OK: matches the checkpoint of {checkpoint.at} "
                f"(entry {checkpoint.last_id}, {checkpoint.count} entries)"
            )
        if options["checkpoint"]:
            written = audit_checkpoint_write()
            self.stdout.write(f"OK: checkpoint written to {written.path}")
            return
        overdue = audit_checkpoint_overdue(checkpoint)
        if overdue:
            self.stderr.write(f"OVERDUE: {overdue}")
            sys.exit(1)
