import sys

from django.core.management.base import BaseCommand

from applicants.audit import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain: prints OK with the number of entries, or the first "
        "broken link (entry id and problem) and exits with status 1."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = audit_chain_verify()
        if report.ok:
            self.stdout.write(f"OK: audit chain intact, {report.checked} entries verified")
            return
        self.stderr.write(
            f"BROKEN: audit chain broken at entry {report.broken_at}: {report.problem} "
            f"({report.checked} entries verified before it)"
        )
        sys.exit(1)
