"""The portal under load at province scale: 100,000 cases, gunicorn as in production, concurrent
signed-in clients on loopback, each page measured against a bare view in the same run.

What it does:
1. creates a throwaway PostgreSQL database beside DATABASE_URL's (dropped at the end) and fills
   it: 6,000 enterprises over the ten counties and districts, 100,000 cases of the city's items
   in every state (each priced by the rules, with its trace; granted ones with their award);
2. collects the static files and serves the portal with gunicorn (production settings, 2 sync
   workers: one per core) on a free loopback port;
3. signs in a county reviewer, a city reviewer, a finance officer and an enterprise, and drives
   each page with N client processes for a bounded time (8 clients, then 32);
4. prints, per page: requests per second, p50/p95/p99, errors, and the ratio of its throughput to
   the bare view's (`/healthz`), measured just before and just after the page (the machine's
   speed drifts over a run); then the targets, met or not.

Targets (issue 17): at 8 clients every queue variant, the API list and the case page reach
p95 < 150 ms and ≥ 0.1× the bare view's throughput; at 32 clients no page's p95 exceeds 1 s;
no errors. Exit 0 when all are met, 1 otherwise.

Usage (PostgreSQL only: the point is its plans):
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/portal .venv/bin/python \\
        bench/load.py [--cases 100000] [--seconds 10] [--clients 8 32]
"""

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ["DEBUG"] = "false"

ROLES = ("county", "city", "finance", "enterprise")
PASSWORD = "bench-load-password-1"  # noqa: S105 - a throwaway database
# The states of 100,000 cases, in tens of thousands of a hundred (a city's busy year).
STATE_MIX = (
    ("draft", 4),
    ("submitted", 20),
    ("returned", 2),
    ("recommended", 18),
    ("reviewed", 10),
    ("approved", 8),
    ("announced", 4),
    ("confirmed", 6),
    ("scheduled", 10),
    ("paid", 12),
    ("rejected", 4),
    ("withdrawn", 2),
)
GRANTED = ("approved", "announced", "confirmed", "scheduled", "paid")
NAMES = (
    "信阳",
    "浉河",
    "平桥",
    "罗山",
    "光山",
    "新县",
    "商城",
    "固始",
    "潢川",
    "淮滨",
    "息县",
    "豫南",
)
TRADES = ("数据科技", "云计算", "智能信息", "数字产业", "大数据服务", "信息技术")
FORMS = ("有限公司", "股份有限公司", "有限责任公司")


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # "" for an anonymous visitor
    path: str
    targeted: bool  # held to p95 < 150 ms and ≥ 0.1× the bare view at 8 clients


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per page and client count")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--only", nargs="+", default=[], help="measure only pages whose name contains one of these"
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="use DATABASE_URL's own database as it is: one this bench seeded (`--seed-only`)",
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="migrate and seed DATABASE_URL's own database (for --existing), then stop",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("bench/load.py needs DATABASE_URL=postgres://… (it measures PostgreSQL's plans)")
        return 2

    import django

    # The server reads the documents the seeding renders: one folder for both. An existing
    # database keeps its folder (under var/, like the development database's files).
    work = (
        ROOT / "var" / "bench-load"
        if args.existing or args.seed_only
        else Path(tempfile.mkdtemp(prefix="bench-load-"))
    )
    os.environ["EVIDENCE_ROOT"] = str(work / "media")
    args.work = work
    django.setup()
    from bench._database import bench_database

    if args.seed_only or args.existing:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if args.seed_only:
            _seed(args.cases)
            return 0
        return _run(args, _seeded_before())
    with bench_database():
        return _run(args)


# --- the database -----------------------------------------------------------------------------


def _seed(count: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from applicants import policy
    from applicants.models import Application
    from applicants.roles import Role
    from applicants.services.accounts import user_create
    from applicants.text import achievement_key
    from awards.models import Award, Budget
    from bench._database import seed_enterprises
    from bench.bench_rules_impact import ITEMS
    from rules import RulesInputError, quote

    version = policy.version_in_force()
    places = [j.code for j in version.jurisdictions]
    enterprises = seed_enterprises(
        6000,
        name=lambda i: f"{NAMES[i % len(NAMES)]}{TRADES[i % len(TRADES)]}{i}号{FORMS[i % 3]}",
        first_code=700000,
        email="load",
        jurisdictions=places,
    )
    users = {
        "county": user_create(
            username="load-county",
            password=PASSWORD,
            role=Role.COUNTY_REVIEWER,
            jurisdiction=places[0],
        ),
        "city": user_create(username="load-city", password=PASSWORD, role=Role.CITY_REVIEWER),
        "finance": user_create(username="load-finance", password=PASSWORD, role=Role.FINANCE),
        "enterprise": user_create(
            username="load-enterprise",
            password=PASSWORD,
            role=Role.ENTERPRISE,
            enterprise=enterprises[0],
        ),
    }
    states = [state for state, share in STATE_MIX for _ in range(share)]
    now = timezone.now()
    today = timezone.localdate()
    priced: dict[tuple, tuple[Decimal, str, list]] = {}
    cases = []
    for n in range(count):
        item, applicant, facts_of = ITEMS[n % len(ITEMS)]
        enterprise = enterprises[(n * 7) % len(enterprises)]
        event = today - timedelta(days=30 + n % 560)
        facts = facts_of(n)
        key = (item, tuple(sorted(facts.items())), event, enterprise.jurisdiction, applicant)
        if key not in priced:
            try:
                result = quote(
                    item,
                    {
                        **facts,
                        "event_date": event.isoformat(),
                        "jurisdiction": enterprise.jurisdiction,
                        "applicant_type": applicant,
                    },
                    today=today,
                )
                priced[key] = (result.amount, result.rules_version, result.trace_record())
            except RulesInputError:
                priced[key] = (Decimal("0.00"), "", [])
        amount, rules_version, trace = priced[key]
        state = states[(n * 37) % len(states)]
        submitted = now - timedelta(days=n % 600, minutes=n % 1440)
        cases.append(
            Application(
                enterprise=enterprise,
                item=item,
                project_name=f"{enterprise.name[:6]}数据产品{n}",
                # bulk_create skips save(), which keys the achievement (从优、就高、不重复).
                project_key=achievement_key(f"{enterprise.name[:6]}数据产品{n}"),
                facts=facts,
                event_date=event,
                jurisdiction=enterprise.jurisdiction,
                applicant_type=applicant,
                status=state,
                expected_amount=amount,
                quote_rules_version=rules_version,
                quote_trace=trace,
                declaration_accepted=True,
                created_by=users["enterprise"],
                submitted_at=None if state == "draft" else submitted,
                recommended_at=submitted + timedelta(days=5),
                status_changed_at=submitted + timedelta(days=10),
            )
        )
    cases = Application.objects.bulk_create(cases, batch_size=5000)
    Award.objects.bulk_create(
        [
            Award(
                application_id=case.pk,
                amount=case.expected_amount,
                computed_amount=case.expected_amount,
                rules_version=case.quote_rules_version or version.version,
                approved_by=users["city"],
                approved_at=now - timedelta(days=n % 300),
                first_approved_at=now - timedelta(days=n % 300),
                pay_year=today.year if case.status in ("scheduled", "paid") else None,
                quota_exempt=True,
                exempt_reason="基准数据",
                # The announced ones are in their 公示 today: the public list has rows to show.
                **(
                    {
                        "announcement_days": 5,
                        "announcement_starts_on": today - timedelta(days=2),
                        "announcement_ends_on": today + timedelta(days=5),
                        "announcement_number": f"{today.year}-{n:06d}",
                    }
                    if case.status == "announced"
                    else {}
                ),
            )
            for n, case in enumerate(cases)
            if case.status in GRANTED
        ],
        batch_size=5000,
    )
    for year in (today.year, today.year + 1):
        Budget.objects.create(year=year, amount=Decimal(count) * 20000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    granted = next(c for c in cases if c.status == "approved")
    from awards.documents.services import document_render_approval

    document = document_render_approval(application_id=granted.pk, actor=users["city"])
    return {
        "users": users,
        "case": granted.pk,
        "document": (document.pk, document.code),
        "name": enterprises[4321].name,
        "code": enterprises[4321].credit_code[:15],
        "place": places[1],
    }


def _pages(seeded: dict[str, Any]) -> list[Page]:
    case, name, code, place = seeded["case"], seeded["name"], seeded["code"], seeded["place"]
    filters = f"queue=all&item=first_transaction&status=paid&jurisdiction={place}"
    document_pk, document_code = seeded["document"]
    return [
        Page("bare view /healthz", "", "/healthz", False),
        Page("county queue (default)", "county", "/review/", True),
        Page("city queue (default)", "city", "/review/", True),
        Page(
            "all, amount high→low, page 50", "city", "/review/?queue=all&sort=-amount&page=50", True
        ),
        Page(
            "all, amount low→high, page 400",
            "city",
            "/review/?queue=all&sort=amount&page=400",
            True,
        ),
        Page(
            "all, enterprise name, page 20",
            "city",
            "/review/?queue=all&sort=enterprise&page=20",
            True,
        ),
        Page(
            "all, newest first, page 1000",
            "city",
            "/review/?queue=all&sort=-submitted_at&page=1000",
            True,
        ),
        Page("all, search a name", "city", f"/review/?queue=all&q={_quoted(name)}", True),
        Page("all, search a code prefix", "city", f"/review/?queue=all&q={code}", True),
        Page("all, filters (item, state, county)", "city", f"/review/?{filters}", True),
        Page(
            "county, all, amount high→low", "county", "/review/?queue=all&sort=-amount&page=5", True
        ),
        Page("API cases, page 3", "city", "/api/v1/cases/?page=3", True),
        Page(
            "API cases, amount high→low, page 50",
            "city",
            "/api/v1/cases/?sort=-amount&page=50",
            True,
        ),
        Page("case page", "city", f"/review/cases/{case}/", True),
        Page("finance", "finance", "/review/finance/", False),
        Page("approval PDF (审批表) download", "city", f"/documents/{document_pk}/", False),
        Page("document verification (anonymous)", "", f"/verify/{document_code}/", False),
        Page("dashboards", "city", "/review/dashboards/", False),
        Page("enterprise's own cases", "enterprise", "/enterprise/", False),
        Page("calculator (anonymous)", "", "/calculator/", False),
        Page("gongshi (anonymous)", "", "/gongshi/", False),
    ]


def _quoted(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def _sessions(users: dict[str, Any]) -> dict[str, str]:
    """A signed-in session cookie per role, every factor passed (officials' second factor too)."""
    from django.conf import settings
    from django.test import Client

    from tests.factories import sign_in

    cookies = {}
    for role, user in users.items():
        client = Client()
        sign_in(client, user)
        cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


# --- the server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    from django.db import connection

    d = connection.settings_dict
    host, port = d["HOST"] or "127.0.0.1", d["PORT"] or 5432
    return f"postgres://{d['USER']}:{d['PASSWORD']}@{host}:{port}/{d['NAME']}"


def _serve(port: int, workers: int, media: Path, static: Path) -> subprocess.Popen:
    import base64
    import secrets

    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DATABASE_URL": _database_url(),
        # The sessions were signed here: the server must read them with the same key.
        "SECRET_KEY": settings.SECRET_KEY,
        "AUDIT_KEYS": "load:hmac-sha256:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # Every client comes from 127.0.0.1: the public lookup limit per address would answer
        # 429 after sixty; the bench measures the page, not the limit (its own tests do).
        "VERIFY_LOOKUPS_PER_HOUR": "100000000",
        # Likewise the API's rate per user (1,200 a minute): 32 clients of one official pass it.
        "API_USER_RATE": "100000000/minute",
        "EVIDENCE_ROOT": str(media),
        "STATIC_ROOT": str(static),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 - the virtualenv's gunicorn, fixed arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 20 s")


# --- driving ----------------------------------------------------------------------------------


def _headers(cookie: str | None) -> dict[str, str]:
    from django.conf import settings

    headers = {
        "Host": "127.0.0.1",
        "X-Forwarded-Proto": "https",  # behind the TLS proxy, as in production
        "Accept-Language": "zh-Hans",
    }
    if cookie:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    return headers


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(share * (len(sorted_values) - 1)))
    return sorted_values[index]


def _measure(
    pool: Any, port: int, page: Page, headers: dict[str, str], clients: int, seconds: float
) -> dict[str, Any]:
    from bench._load_client import drive

    drive("127.0.0.1", port, page.path, headers, 0.3)  # warm each worker's caches for the page
    results = pool.starmap(drive, [("127.0.0.1", port, page.path, headers, seconds)] * clients)
    latencies = sorted(x for r in results for x in r["latencies"])
    errors: dict[str, int] = {}
    for r in results:
        for kind, n in r["errors"].items():
            errors[kind] = errors.get(kind, 0) + n
    return {
        "page": page.name,
        "path": page.path,
        "clients": clients,
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": _percentile(latencies, 0.50) * 1000,
        "p95": _percentile(latencies, 0.95) * 1000,
        "p99": _percentile(latencies, 0.99) * 1000,
        "mean": (statistics.fmean(latencies) * 1000) if latencies else float("nan"),
        "errors": errors,
    }


def _check_pages(port: int, pages: list[Page], cookies: dict[str, str]) -> list[str]:
    """Each page answers 200 for its reader before it is measured."""
    from bench._load_client import drive

    problems = []
    for page in pages:
        result = drive("127.0.0.1", port, page.path, _headers(cookies.get(page.role)), 0.01)
        if result["errors"] or not result["latencies"]:
            problems.append(f"{page.path}: {result['errors']}")
    return problems


def _seeded_before() -> dict[str, Any]:
    """What `_seed` returned, read back from a database it filled."""
    from applicants.models import Application, Enterprise, User
    from awards.documents.models import Document

    enterprise = Enterprise.objects.get(contact_email="load4321@example.com")
    document = Document.objects.filter(kind="approval").order_by("-pk").first()
    # The media folder may have gone since the database was seeded: a form of another case
    # (a case's unchanged form is not rendered again).
    if document is None or not document.file.storage.exists(document.file.name):
        from awards.documents.services import document_render_approval

        rendered = Document.objects.filter(kind="approval").values("application_id")
        case = (
            Application.objects.filter(status="approved")
            .exclude(pk__in=rendered)
            .order_by("pk")
            .first()
        )
        document = document_render_approval(application_id=case.pk)
    from applicants import policy

    places = [j.code for j in policy.version_in_force().jurisdictions]
    return {
        "users": {r: User.objects.get(username=f"load-{r}") for r in ROLES},
        "case": Application.objects.filter(status="approved")
        .order_by("pk")
        .values_list("pk", flat=True)[0],
        "name": enterprise.name,
        "code": enterprise.credit_code[:15],
        "place": places[1],
        "document": (document.pk, document.code),
    }


def _run(args: argparse.Namespace, seeded: dict[str, Any] | None = None) -> int:
    if seeded is None:
        began = time.perf_counter()
        seeded = _seed(args.cases)
        print(f"seeded {args.cases:,} cases in {time.perf_counter() - began:.0f} s", flush=True)
    cookies = _sessions(seeded["users"])
    pages = [
        p
        for p in _pages(seeded)
        if p.path == "/healthz" or not args.only or any(o in p.name for o in args.only)
    ]
    work = args.work
    port = _free_port()
    server = _serve(port, args.workers, work / "media", work / "static")
    try:
        problems = _check_pages(port, pages, cookies)
        if problems:
            print("pages that do not answer 200:\n  " + "\n  ".join(problems))
            return 1
        rows = []
        bare_page = next(p for p in pages if p.path == "/healthz")
        with multiprocessing.get_context("spawn").Pool(max(args.clients)) as pool:
            for clients in args.clients:

                def bare(seconds: float, clients: int = clients) -> dict[str, Any]:
                    return _measure(pool, port, bare_page, _headers(None), clients, seconds)

                # This shared machine's speed drifts over a run (10-20 %): each page is compared
                # with the bare view measured just before and just after it, not once for all.
                before = bare(args.seconds)
                rows.append({**before, "bare_rps": before["rps"]})
                print(f"  {clients:>2} clients  {bare_page.name:<40} {before['rps']:>7.1f} req/s")
                for page in pages:
                    if page is bare_page:
                        continue
                    row = _measure(
                        pool, port, page, _headers(cookies.get(page.role)), clients, args.seconds
                    )
                    after = bare(max(2.0, args.seconds / 4))
                    row["bare_rps"] = (before["rps"] + after["rps"]) / 2
                    before = after
                    rows.append(row)
                    print(
                        f"  {clients:>2} clients  {page.name:<40} {row['rps']:>7.1f} req/s"
                        f"  p95 {row['p95']:>7.1f} ms  (bare view beside it "
                        f"{row['bare_rps']:.0f} req/s)",
                        flush=True,
                    )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.existing:
            shutil.rmtree(work, ignore_errors=True)
    return _report(rows, pages, args)


def _report(rows: list[dict[str, Any]], pages: list[Page], args: argparse.Namespace) -> int:
    targeted = {p.name for p in pages if p.targeted}
    failures = []
    print()
    print(
        f"{args.cases:,} cases · gunicorn {args.workers} sync workers · "
        f"{os.cpu_count()} cores · {args.seconds:g} s per page"
    )
    for clients in args.clients:
        print(f"\n{clients} clients\n")
        print("| page | req/s | p50 | p95 | p99 | errors | bare view beside it | × bare view |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in (r for r in rows if r["clients"] == clients):
            r["ratio"] = r["rps"] / r["bare_rps"] if r["bare_rps"] else 0.0
            errors = sum(r["errors"].values())
            print(
                f"| {r['page']} | {r['rps']:.0f} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | "
                f"{r['p99']:.0f} ms | {errors} | {r['bare_rps']:.0f} | {r['ratio']:.2f} |"
            )
            if errors:
                failures.append(f"{r['page']} at {clients} clients: errors {r['errors']}")
            if clients == 8 and r["page"] in targeted:
                if r["p95"] >= 150:
                    failures.append(f"{r['page']} at 8 clients: p95 {r['p95']:.0f} ms ≥ 150 ms")
                if r["ratio"] < 0.1:
                    failures.append(
                        f"{r['page']} at 8 clients: {r['ratio']:.3f}× the bare view < 0.1×"
                    )
            if clients == 32 and r["p95"] > 1000:
                failures.append(f"{r['page']} at 32 clients: p95 {r['p95']:.0f} ms > 1 s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    if failures:
        print("targets missed:\n  " + "\n  ".join(failures))
        return 1
    print(
        "targets met: queues, API list and case page p95 < 150 ms and ≥ 0.1× the bare view "
        "at 8 clients; p95 ≤ 1 s at 32; no errors"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
