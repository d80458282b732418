"""Export 100,000 awards as the payout report (兑付报表), XLSX and CSV: seconds and peak memory.

Also times the reports page over the same awards (its queries do not grow with them). Runs on a
database of its own, created and dropped here: `test_<name>` beside DATABASE_URL's (PostgreSQL,
whose user may create databases), or a temporary SQLite file when DATABASE_URL is unset.
Usage: DATABASE_URL=postgres://… .venv/bin/python bench/bench_reports.py [ROWS]
"""

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
ENTERPRISES = 2_000
ROUNDS = 5
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""


def seed(rows: int) -> None:
    """`rows` awards: planned in two years, paid, queued; 2,000 enterprises in four counties."""
    from django.utils import timezone
    from stdnum.cn import uscc

    from applicants.models import Application, Enterprise, Status
    from applicants.roles import Role
    from applicants.services.accounts import user_create
    from awards.models import Award

    def code(n: int) -> str:
        body = f"914115{n:011d}"[:17]
        return body + uscc.calc_check_digit(body)

    counties = ("411502", "411503", "411521", "411522")
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"基准报表数据企业{i}有限公司",
                credit_code=code(700000 + i),
                jurisdiction=counties[i % 4],
                applicant_type="data_enterprise",
                legal_representative="张三",
                contact_name="李四",
                contact_phone="0376-1234567",
                contact_email=f"report{i}@example.com",
                bank_name="中国银行信阳分行",
                bank_account=f"6217{i:012d}",
            )
            for i in range(ENTERPRISES)
        ]
    )
    filer = user_create(
        username="bench-filer", password=None, role=Role.ENTERPRISE, enterprise=enterprises[0]
    )
    city = user_create(username="bench-city", password=None, role=Role.CITY_REVIEWER)
    now = timezone.now()
    year = timezone.localdate().year
    items = ("contest_provincial", "contest_national", "dataset_national", "honor_provincial")
    # planned this year, planned next year, paid, queued
    states = (
        (Status.SCHEDULED, year),
        (Status.SCHEDULED, year + 1),
        (Status.PAID, year),
        (Status.CONFIRMED, None),
    )
    for start in range(0, rows, 10_000):
        span = range(start, min(start + 10_000, rows))
        cases = Application.objects.bulk_create(
            [
                Application(
                    enterprise=enterprises[i % ENTERPRISES],
                    item=items[i % 4],
                    project_name=f"数据要素项目{i}",
                    jurisdiction=counties[i % ENTERPRISES % 4],
                    applicant_type="data_enterprise",
                    status=states[i % 4][0],
                    expected_amount=Decimal("100000.00"),
                    created_by=filer,
                    submitted_at=now - timedelta(minutes=i),
                    recommended_at=now,
                )
                for i in span
            ]
        )
        Award.objects.bulk_create(
            [
                Award(
                    application=case,
                    amount=Decimal(10000 + i % 90000) + Decimal("0.25"),
                    computed_amount=Decimal("100000.00"),
                    rules_version="bench",
                    approved_by=city,
                    approved_at=now,
                    first_approved_at=now - timedelta(seconds=i),
                    pay_year=states[i % 4][1],
                    paid_at=timezone.localdate() if states[i % 4][0] == Status.PAID else None,
                    payment_reference="ZF-BENCH" if states[i % 4][0] == Status.PAID else "",
                )
                for i, case in zip(span, cases, strict=True)
            ]
        )


def main() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from applicants.roles import Role
    from applicants.services.accounts import user_create
    from awards.reports.services import payouts_export_write

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        seed(ROWS)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"{ROWS} awards on {connection.vendor} in {time.perf_counter() - started:.1f} s")
        finance = user_create(username="bench-finance", password=None, role=Role.FINANCE)

        print(f"{'export':<8} {'group':<12} {'rows':>7} {'seconds':>8} {'peak MiB':>9} {'MiB':>6}")
        for file_format, group in (("xlsx", "year"), ("csv", "year"), ("xlsx", "enterprise")):
            with tempfile.TemporaryFile() as target:
                began = time.perf_counter()
                totals = payouts_export_write(
                    actor=finance, filters={"group": group}, file_format=file_format, target=target
                )
                seconds = time.perf_counter() - began
                size = target.tell() / 2**20
            # Memory in a second run: tracemalloc slows Python down, so it is not timed.
            with tempfile.TemporaryFile() as target:
                tracemalloc.start()
                payouts_export_write(
                    actor=finance, filters={"group": group}, file_format=file_format, target=target
                )
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            print(
                f"{file_format:<8} {group:<12} {totals.total.count:>7} {seconds:>8.1f} "
                f"{peak / 2**20:>9.1f} {size:>6.1f}"
            )
            if totals.total.count != ROWS:
                return 1

        client = Client()
        client.force_login(finance)
        print(f"{'page':<44} {'status':>6} {'queries':>7} {'median ms':>9}")
        for params in ({}, {"group": "enterprise"}, {"group": "item", "status": "paid"}):
            timings = []
            for _ in range(ROUNDS):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get("/review/reports/", params)
                    timings.append(time.perf_counter() - began)
            shown = "/review/reports/" + (
                "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
            )
            print(
                f"{shown:<44} {response.status_code:>6} {len(queries):>7} "
                f"{statistics.median(timings) * 1000:>9.1f}"
            )
            if response.status_code != 200:
                return 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
