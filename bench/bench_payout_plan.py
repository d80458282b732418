"""Plan 100,000 confirmed awards end to end, against the floor measured in the same run.

The plan: a stored run executed by the service the worker calls (`payout_run_execute`): one
locked read, the rules' allocation, one UPDATE per pay year, the case states, one audit entry per
award moved (hash-chained), the run's result, and the after-commit queueing of the grouped
notifications and document refreshes (queued to an in-memory broker: their work is not timed
here; the notification task is timed on its own below).

The floor, in the same database and the same run: a bare SQL read of those awards, one UPDATE of
their pay years, and one bulk insert (COPY) of an audit-sized row per award sent from the client
(rolled back). On SQLite (no DATABASE_URL) the same is measured with an executemany INSERT, and the
target is only checked on PostgreSQL. Target: plan ≤ 3× floor and under 10 s.

The mix: 100,000 confirmed awards of eight items approved over two years; one in ten needs a
quota place (five per item per year: most of those wait in the queue), nine in ten are
quota-exempt; budgets for 2025–2030 large enough for most of them (a tail stays queued by
budget). Then a second run on the same state (changes nothing).

Runs on its own database: a temporary SQLite file by default; with DATABASE_URL on PostgreSQL it
creates a throwaway database beside the one named there and drops it afterwards. Usage:
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/portal .venv/bin/python \\
        bench/bench_payout_plan.py [--awards 100000]
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

ITEMS = (
    "contest_provincial",
    "contest_national",
    "honor_provincial",
    "honor_national",
    "dataset_provincial",
    "first_registration",
    "first_transaction",
    "first_balance_sheet",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=100_000)
    count = parser.parse_args().awards

    import django

    django.setup()

    from portal.celery import app

    # Queue the after-commit tasks without running them: the plan is what is timed.
    app.conf.update(task_always_eager=False, broker_url="memory://")
    from bench._database import bench_database

    with bench_database():
        return _run(count)


def _seed(count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from applicants.models import Application, Status
    from applicants.roles import Role
    from applicants.services.accounts import user_create
    from awards.models import Award, Budget
    from bench._database import seed_enterprises

    enterprises = seed_enterprises(500, name="兑付基准企业", first_code=700000, email="plan")
    members = [
        user_create(
            username=f"bench-plan-{i}",
            password=None,
            role=Role.ENTERPRISE,
            enterprise=enterprise,
            email=f"member{i}@example.com",
        )
        for i, enterprise in enumerate(enterprises)
    ]
    city = user_create(username="bench-plan-city", password=None, role=Role.CITY_REVIEWER)
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                enterprise=enterprises[i % len(enterprises)],
                item=ITEMS[i % len(ITEMS)],
                project_name=f"兑付基准项目{i}",
                facts={},
                jurisdiction="411502",
                applicant_type="data_enterprise",
                status=Status.CONFIRMED,
                expected_amount=Decimal("100000.00"),
                created_by=members[i % len(members)],
                submitted_at=now - timedelta(days=400),
                recommended_at=now - timedelta(days=390),
                status_changed_at=now - timedelta(days=10),
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    Award.objects.bulk_create(
        [
            Award(
                application_id=application.pk,
                amount=Decimal(20000 + (n % 40) * 5000),
                computed_amount=Decimal(20000 + (n % 40) * 5000),
                rules_version="bench",
                approved_by=city,
                approved_at=now,
                # Approvals spread over two years: 2025 and 2026.
                first_approved_at=now - timedelta(minutes=(n * 7) % (2 * 365 * 24 * 60)),
                quota_exempt=n % 10 != 0,
                exempt_reason="基准" if n % 10 != 0 else "",
            )
            for n, application in enumerate(applications)
        ],
        batch_size=5000,
    )
    # Most of the money fits six years' budgets; the last awards stay queued by budget.
    per_year = Decimal(count) * Decimal("115000") / 6
    for year in range(2025, 2031):
        Budget.objects.create(year=year, amount=per_year.quantize(Decimal("1")))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _floor(count: int) -> tuple[float, float, float]:
    """Read, update and insert of the same size, sent from the client; rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    with transaction.atomic():
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ap.id, aw.id, ap.status, ap.item, ap.enterprise_id, aw.amount, "
                "aw.first_approved_at, aw.quota_exempt, aw.pay_year "
                "FROM applicants_application ap JOIN awards_award aw ON aw.application_id = ap.id "
                "WHERE ap.status IN ('confirmed', 'scheduled', 'paid') AND ap.programme = 'city'"
            )
            rows = cursor.fetchall()
        read = time.perf_counter() - began
        assert len(rows) == count
        began = time.perf_counter()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "UPDATE awards_award SET pay_year = 2026 WHERE id = ANY(%s)",
                    [[row[1] for row in rows]],
                )
            else:
                cursor.execute("UPDATE awards_award SET pay_year = 2026")
        update = time.perf_counter() - began
        now = timezone.now().replace(microsecond=0)
        began = time.perf_counter()
        values = [
            (
                row[0],
                "system",
                "schedule",
                "confirmed",
                "scheduled",
                "",
                '{"pay_year": 2026, "amount": "100000.00", "run": 1}',
                now,
                f"{i + 1:064x}",
                f"{i:064x}",
                "dev",
            )
            for i, row in enumerate(rows)
        ]
        columns = "application_id, actor_role, action, from_status, to_status, reason, data, "
        columns += "created_at, prev_hash, hash, key_id"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: the fastest way a client sends rows (the plan writes its entries so).
                with cursor.cursor.copy(
                    f"COPY applicants_caseevent ({columns}) FROM STDIN"
                ) as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * 11)
                insert_sql = f"INSERT INTO applicants_caseevent ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert_sql, values)
        insert = time.perf_counter() - began
        transaction.set_rollback(True)
    return read, update, insert


def _run(count: int) -> int:
    from django.db import connection

    import awards.tasks  # noqa: F401 (a worker has its tasks loaded before it runs one)
    from applicants.audit import audit_chain_verify
    from awards.payouts import services
    from awards.payouts.models import RunState, RunTrigger
    from awards.payouts.services import payout_run_create, payout_run_execute, plan_notify

    began = time.perf_counter()
    _seed(count)
    seeded = time.perf_counter() - began
    print(f"{count} confirmed awards on {connection.vendor}, seeded in {seeded:.1f} s")

    read, update, insert = _floor(count)
    floor = read + update + insert
    print(
        f"floor: read {read:.2f} s + update {update:.2f} s + insert {insert:.2f} s = {floor:.2f} s"
    )

    stages: list[tuple[str, int, float]] = []
    progress_class = services._Progress

    class TimedProgress(progress_class):  # type: ignore[misc, valid-type]
        def __call__(self, stage: str, done: int, total: int) -> None:
            stages.append((stage, done, time.perf_counter()))
            super().__call__(stage, done, total)

    services._Progress = TimedProgress
    run = payout_run_create(programme="city", trigger=RunTrigger.COMMAND)
    began = time.perf_counter()
    run = payout_run_execute(run_id=run.pk)
    plan = time.perf_counter() - began
    services._Progress = progress_class
    marks = [began] + [at for _, _, at in stages] + [began + plan]
    names = ["claim", "read+lock", "allocate", "pay years", "case states", "audit", "mark"]
    names += ["record+commit+queue"]
    print(
        "  "
        + ", ".join(f"{n} {b - a:.2f} s" for n, a, b in zip(names, marks, marks[1:], strict=False))
    )
    assert run is not None
    assert run.state == RunState.DONE, run.error
    changes = run.changes
    print(
        f"plan: {plan:.2f} s = {plan / floor:.2f}× floor — planned {changes['planned']['count']}, "
        f"queued {run.result['queued']['count']} (target on PostgreSQL: ≤ 3× and < 10 s)"
    )

    began = time.perf_counter()
    sent = plan_notify(first_event_id=run.first_event_id, last_event_id=run.last_event_id)
    print(
        f"notifications (one per enterprise member): {sent} in {time.perf_counter() - began:.2f} s"
    )

    again = payout_run_create(programme="city", trigger=RunTrigger.COMMAND)
    began = time.perf_counter()
    again = payout_run_execute(run_id=again.pk)
    assert again is not None
    assert again.first_event_id is None
    print(f"second run on the same state: {time.perf_counter() - began:.2f} s, 0 changes")

    began = time.perf_counter()
    chain = audit_chain_verify()
    print(f"audit chain verified ({chain.checked} entries) in {time.perf_counter() - began:.1f} s")
    if connection.vendor == "postgresql" and not (plan <= 3 * floor and plan < 10):
        # Reported, not fatal: `make bench` goes on to the other benches.
        print(f"TARGET MISSED: {plan / floor:.2f}× the floor, {plan:.2f} s")
    return 0 if chain.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
