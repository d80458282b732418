"""Time the documents against bare WeasyPrint with the same font, in one run.

- one 审批表 (median of 20 renders, each signed) against WeasyPrint rendering a bare one-page
  Chinese HTML page (target ≤ 2×);
- a 1,000-line batch list against WeasyPrint rendering a bare 1,000-row table (target ≤ 1.5×).

Runs on its own temporary SQLite database. Usage: .venv/bin/python bench/bench_documents.py
"""

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/bench.sqlite3"
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

ROUNDS = 20
BATCH_ROWS = 1000


def _median(run, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone
    from weasyprint import HTML

    from applicants.models import Application, Status
    from awards.documents import services
    from awards.documents.models import Document
    from awards.models import Award, Budget
    from portal.services import demo_data_load

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": WORK / "files"},
        },
    }
    settings.PDF_DEMO_SIGNING_DIR = WORK / "signing"
    call_command("migrate", verbosity=0)
    demo_data_load()
    font = settings.PDF_FONT_FAMILY

    paid = Application.objects.get(status=Status.PAID)

    def approval() -> None:
        # A fresh version each time: the same state would return the stored document at once.
        Document.objects.filter(application=paid).update(content_key="stale")
        services.document_render_approval(application_id=paid.pk)

    bare_page = (
        f"<html><body style=\"font-family: '{font}'\"><h1>奖励资金审批表</h1>"
        + "<p>信阳市数据产业奖励资金审批，申报单位、统一社会信用代码、奖励事项与金额。</p>" * 30
        + "</body></html>"
    )
    approval()  # warm caches (fonts, templates, signer)
    HTML(string=bare_page).write_pdf()
    sheet = _median(approval, ROUNDS)
    bare = _median(lambda: HTML(string=bare_page).write_pdf(), ROUNDS)

    year = timezone.localdate().year
    Budget.objects.update_or_create(year=year, defaults={"amount": Decimal("999999999.00")})
    template = Award.objects.get(application=paid)
    clones = []
    for number in range(BATCH_ROWS - Award.objects.filter(pay_year=year).count()):
        case = Application.objects.get(pk=paid.pk)
        case.pk = None
        case.project_name = f"基准项目{number}"
        case.save()
        award = Award.objects.get(pk=template.pk)
        award.pk = None
        award.application = case
        clones.append(award)
    Award.objects.bulk_create(clones)
    Award.objects.filter(application__status=Status.PAID).update(pay_year=year)

    def batch() -> None:
        Document.objects.filter(kind="batch").update(content_key="stale")
        services.document_render_batch(year=year)

    rows = "".join(
        f"<tr><td>{i}</td><td>XY-2026-{i:06d}</td><td>信阳示范数据科技有限公司</td>"
        f"<td>91411502MA40ABCD0X</td><td>浉河区</td><td>省级数据产业集聚区建设试点</td>"
        f"<td>100,000.00</td><td>已兑付</td></tr>"
        for i in range(BATCH_ROWS)
    )
    bare_table = (
        f"<html><body style=\"font-family: '{font}'\"><table><thead><tr><th>序号</th>"
        f"<th>编号</th><th>单位</th><th>代码</th><th>县区</th><th>事项</th><th>金额</th>"
        f"<th>状态</th></tr></thead><tbody>{rows}</tbody></table></body></html>"
    )
    batch_time = _median(batch, 3)
    bare_table_time = _median(lambda: HTML(string=bare_table).write_pdf(), 3)
    pages = Document.objects.filter(kind="batch").order_by("-id").first().pages

    print(f"审批表 (median of {ROUNDS}, rendered + signed + stored): {sheet * 1000:.0f} ms")
    print(f"bare one-page Chinese HTML, same font:               {bare * 1000:.0f} ms")
    print(f"  ratio {sheet / bare:.2f}× (target ≤ 2×)")
    print(f"batch list of {BATCH_ROWS} lines ({pages} pages, median of 3):    {batch_time:.2f} s")
    print(f"bare {BATCH_ROWS}-row table, same font:                    {bare_table_time:.2f} s")
    print(f"  ratio {batch_time / bare_table_time:.2f}× (target ≤ 1.5×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
