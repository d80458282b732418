"""Concurrent case transitions per second, and what the audit chain's single head row costs.

Every state change appends a keyed audit entry under one row lock (the chain's head), so writes
across the whole portal are serialised at that point. Measured on PostgreSQL: county reviewers
recommending distinct cases from 1, 2, 4 and 8 threads (each its own connection), and the same
number of bare `audit_append` calls, each in its own transaction, from the same threads: if the
transitions stop scaling where the bare appends do, the head is the limit.

Runs on a throwaway database beside DATABASE_URL's (PostgreSQL); on SQLite (no DATABASE_URL) it
measures one thread only. Usage:
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/portal .venv/bin/python \\
        bench/bench_audit.py [--per-thread 150]
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

THREADS = (1, 2, 4, 8)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-thread", type=int, default=150)
    per_thread = parser.parse_args().per_thread

    import django

    django.setup()

    from bench._database import bench_database

    with bench_database() as vendor:
        return _run(per_thread, THREADS if vendor == "postgresql" else (1,))


def _run(per_thread: int, thread_counts: tuple[int, ...]) -> int:
    from django.db import connection, connections, transaction
    from django.utils import timezone
    from stdnum.cn import uscc

    from applicants.audit import audit_append, audit_chain_verify
    from applicants.models import Application, Enterprise, Status
    from applicants.roles import Role
    from applicants.services.accounts import user_create
    from applicants.signals import case_transitioned
    from awards.services.decisions import case_decide

    # The decision and its audit entry; documents render in their own tasks, measured elsewhere.
    case_transitioned.receivers = []
    body = "91411502" + "MA45Q8RT1"
    enterprise = Enterprise.objects.create(
        name="审计基准数据有限公司",
        credit_code=body + uscc.calc_check_digit(body),
        jurisdiction="411502",
        applicant_type="data_enterprise",
        legal_representative="王",
        contact_name="赵",
        contact_phone="0376-1",
        contact_email="audit@example.com",
        bank_name="银行",
        bank_account="1",
    )
    member = user_create(
        username="bench-audit-enterprise",
        password=None,
        role=Role.ENTERPRISE,
        enterprise=enterprise,
    )
    reviewers = [
        user_create(
            username=f"bench-audit-county-{i}",
            password=None,
            role=Role.COUNTY_REVIEWER,
            jurisdiction="411502",
        )
        for i in range(max(thread_counts))
    ]
    total = per_thread * sum(thread_counts)
    now = timezone.now()
    cases = Application.objects.bulk_create(
        [
            Application(
                enterprise=enterprise,
                item="contest_provincial",
                project_name=f"审计基准项目{n}",
                facts={"prize_level": "first"},
                jurisdiction="411502",
                applicant_type="data_enterprise",
                status=Status.SUBMITTED,
                created_by=member,
                submitted_at=now,
                status_changed_at=now,
            )
            for n in range(total)
        ],
        batch_size=2000,
    )
    case_ids = [c.pk for c in cases]
    print(f"{connection.vendor}: {total} submitted cases; each thread makes {per_thread} steps")
    print(f"{'threads':>7} {'transitions/s':>14} {'bare appends/s':>15}")

    def in_threads(batches: list[list[int]], work) -> float:  # type: ignore[no-untyped-def]
        failures: list[BaseException] = []

        def worker(index: int) -> None:
            try:
                for case_id in batches[index]:
                    work(index, case_id)
            except BaseException as exc:  # reported below, never lost in a thread
                failures.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(batches))]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        if failures:
            raise failures[0]
        return sum(map(len, batches)) / elapsed

    def recommend(index: int, case_id: int) -> None:
        case_decide(application_id=case_id, action="recommend", actor=reviewers[index])

    def bare(index: int, case_id: int) -> None:
        with transaction.atomic():
            audit_append(action="bench", actor=None, data={"n": case_id})

    offset = 0
    for count in thread_counts:
        batches = [
            case_ids[offset + i * per_thread : offset + (i + 1) * per_thread] for i in range(count)
        ]
        offset += count * per_thread
        transitions = in_threads(batches, recommend)
        appends = in_threads(batches, bare)
        print(f"{count:>7} {transitions:>14.0f} {appends:>15.0f}")
    chain = audit_chain_verify()
    print(f"audit chain verified: {chain.checked} entries, ok={chain.ok}")
    return 0 if chain.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
