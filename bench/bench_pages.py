"""Time the busiest pages with 10,000 cases: the county queue (sorted, filtered, searched), its
API, the city queue and an enterprise's own list; print queries per page and the median time.

Runs on its own database: a temporary SQLite file by default, or DATABASE_URL (e.g. PostgreSQL,
which must allow creating the database named there). Usage: .venv/bin/python bench/bench_pages.py
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

CASES = 10_000
ROUNDS = 7
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone
    from stdnum.cn import uscc

    from applicants.models import Application, Enterprise, Status
    from applicants.roles import Role
    from applicants.services.accounts import user_create

    setup_test_environment()
    call_command("migrate", verbosity=0)
    Application.objects.all().delete()

    def code(n: int) -> str:
        body = f"914115{n:011d}"[:17]
        return body + uscc.calc_check_digit(body)

    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"基准测试企业{i}",
                credit_code=code(800000 + i),
                jurisdiction="411502",
                applicant_type="data_enterprise",
                legal_representative="张三",
                contact_name="李四",
                contact_phone="0376-1234567",
                contact_email=f"bench{i}@example.com",
                bank_name="中国银行信阳分行",
                bank_account=f"6216{i:012d}",
            )
            for i in range(100)
        ]
    )
    password = "bench-password-123"  # noqa: S105 - a throwaway database
    users = {
        "county": user_create(
            username="bench-county",
            password=password,
            role=Role.COUNTY_REVIEWER,
            jurisdiction="411502",
        ),
        "city": user_create(username="bench-city", password=password, role=Role.CITY_REVIEWER),
        "enterprise": user_create(
            username="bench-enterprise",
            password=password,
            role=Role.ENTERPRISE,
            enterprise=enterprises[0],
        ),
    }
    now = timezone.now()
    items = ("contest_provincial", "contest_national", "dataset_national", "honor_provincial")
    started = time.perf_counter()
    Application.objects.bulk_create(
        [
            Application(
                enterprise=enterprises[i % 100],
                item=items[i % 4],
                project_name=f"数据要素项目{i}",
                facts={"prize_level": "first"} if i % 4 < 2 else {},
                jurisdiction="411502",
                applicant_type="data_enterprise",
                status=Status.SUBMITTED if i % 2 else Status.RECOMMENDED,
                expected_amount="100000.00",
                created_by=users["enterprise"],
                submitted_at=now - timedelta(minutes=i),
                recommended_at=None if i % 2 else now,
            )
            for i in range(CASES)
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have them on a live database after a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{CASES} cases on {connection.vendor} in {time.perf_counter() - started:.1f} s")

    pages = [
        ("county", "/review/", {}),
        ("county", "/review/", {"queue": "all", "sort": "-amount", "page": "20"}),
        ("county", "/review/", {"queue": "all", "item": "contest_national", "q": "基准测试企业7"}),
        ("county", "/api/v1/cases/", {"page": "3"}),
        ("city", "/review/", {}),
        ("enterprise", "/enterprise/", {}),
        ("enterprise", "/", {}),
    ]
    print(f"{'who':<11} {'page':<62} {'status':>6} {'queries':>7} {'median ms':>9}")
    for who, url, params in pages:
        client = Client()
        client.force_login(users[who])
        timings = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url, params)
                timings.append(time.perf_counter() - began)
        shown = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        print(
            f"{who:<11} {shown:<62} {response.status_code:>6} {len(queries):>7} "
            f"{statistics.median(timings) * 1000:>9.1f}"
        )
        if response.status_code != 200:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
