"""Time the dashboards (统计图表) with 100,000 cases: each chart's selector and the whole page;
print queries and the median time of each.

The cases are spread over every waiting state and the payout states (about half carry an award,
over three pay years, ten counties and four items), as a busy year would leave them.

Runs on its own database: a temporary SQLite file by default; with DATABASE_URL on PostgreSQL it
creates a throwaway database `test_<name>` beside the one named there and drops it afterwards,
so the named database is never touched. Usage:
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/portal .venv/bin/python \\
        bench/bench_dashboards.py [--cases 100000]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROUNDS = 7
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    cases = parser.parse_args().cases

    import django

    django.setup()

    from bench._database import bench_database

    with bench_database():
        return _run(cases)


def _run(count: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone
    from stdnum.cn import uscc

    from applicants.models import Application, Enterprise, Status
    from applicants.roles import Role
    from applicants.services.accounts import user_create
    from awards.dashboards import selectors
    from awards.models import Award, Budget

    setup_test_environment()
    Award.objects.all().delete()
    Application.objects.all().delete()
    counties = ("411502", "411503", "411521", "411522", "411523", "411524", "411525", "411526",
                "411527", "411528")  # fmt: skip
    items = ("contest_provincial", "contest_national", "honor_provincial", "honor_national")
    # One case in twenty-ish per state; the payout states hold about half of all cases.
    states = (
        [Status.SUBMITTED, Status.RETURNED, Status.RECOMMENDED, Status.REVIEWED]
        + [Status.APPROVED, Status.ANNOUNCED]
        + [Status.CONFIRMED] * 2
        + [Status.SCHEDULED] * 4
        + [Status.PAID] * 4
    )

    def code(n: int) -> str:
        body = f"914115{n:011d}"[:17]
        return body + uscc.calc_check_digit(body)

    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"基准测试企业{i}",
                credit_code=code(900000 + i),
                jurisdiction=counties[i % len(counties)],
                applicant_type="data_enterprise",
                legal_representative="张三",
                contact_name="李四",
                contact_phone="0376-1234567",
                contact_email=f"dash{i}@example.com",
                bank_name="中国银行信阳分行",
                bank_account=f"6217{i:012d}",
            )
            for i in range(200)
        ]
    )
    member = user_create(
        username="bench-dash-enterprise",
        password=None,
        role=Role.ENTERPRISE,
        enterprise=enterprises[0],
    )
    city = user_create(username="bench-dash-city", password=None, role=Role.CITY_REVIEWER)
    finance = user_create(username="bench-dash-finance", password=None, role=Role.FINANCE)

    now = timezone.now()
    started = time.perf_counter()
    applications = Application.objects.bulk_create(
        [
            Application(
                enterprise=enterprises[i % len(enterprises)],
                item=items[i % len(items)],
                project_name=f"统计基准项目{i}",
                facts={},
                jurisdiction=counties[i % len(counties)],
                applicant_type="data_enterprise",
                status=states[i % len(states)],
                expected_amount=Decimal("100000.00"),
                created_by=member,
                submitted_at=now - timedelta(days=60),
                recommended_at=None if states[i % len(states)] == Status.SUBMITTED else now,
                # Spread the waits over 0–90 days.
                status_changed_at=now - timedelta(hours=i % (90 * 24)),
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    awarded = {Status.CONFIRMED, Status.SCHEDULED, Status.PAID, Status.APPROVED, Status.ANNOUNCED}
    Award.objects.bulk_create(
        [
            Award(
                application_id=application.pk,
                amount=Decimal(50000 + (n % 20) * 5000),
                computed_amount=Decimal(50000 + (n % 20) * 5000),
                rules_version="bench",
                approved_by=city,
                approved_at=now,
                first_approved_at=now - timedelta(minutes=n),
                quota_exempt=n % 50 == 0,
                exempt_reason="基准" if n % 50 == 0 else "",
                pay_year=2025 + n % 3
                if application.status in {Status.SCHEDULED, Status.PAID}
                else None,
                paid_at=now.date() if application.status == Status.PAID else None,
                payment_reference=f"ZF-{n}" if application.status == Status.PAID else "",
            )
            for n, application in enumerate(a for a in applications if a.status in awarded)
        ],
        batch_size=5000,
    )
    for year in (2025, 2026, 2027):
        Budget.objects.create(year=year, amount=Decimal("900000000.00"))
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have them on a live database after a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    awards = Award.objects.count()
    print(
        f"{count} cases ({awards} awards) on {connection.vendor} "
        f"in {time.perf_counter() - started:.1f} s"
    )

    reads: list[tuple[str, Callable[[], object]]] = [
        ("budget_by_year", lambda: selectors.budget_by_year(programme="city")),
        ("awards_per_item", lambda: selectors.awards_per_item(user=finance, programme="city")),
        ("queue_by_stage", lambda: selectors.queue_by_stage(user=finance)),
        (
            "amounts_by_jurisdiction",
            lambda: selectors.amounts_by_jurisdiction(user=finance, programme="city"),
        ),
    ]
    client = Client()
    client.force_login(finance)
    page_status: list[int] = []

    def page() -> None:
        page_status.append(client.get("/review/dashboards/").status_code)

    reads.append(("page /review/dashboards/ (finance)", page))
    print(f"{'read':<38} {'queries':>7} {'median ms':>9} {'max ms':>8}")
    for name, read in reads:
        timings = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                read()
                timings.append(time.perf_counter() - began)
        print(
            f"{name:<38} {len(queries):>7} {statistics.median(timings) * 1000:>9.1f} "
            f"{max(timings) * 1000:>8.1f}"
        )
    return 0 if set(page_status) == {200} else 1


if __name__ == "__main__":
    raise SystemExit(main())
