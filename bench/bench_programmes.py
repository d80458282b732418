"""What county matching (县区同步奖励) costs the city's confirmation, and a county plan's speed.

- the city's `confirm` of 200 Luoshan awards with the example programme enabled (each also files
  the county's match in the same transaction: a second case, its audit entries and its
  notifications) against the same confirmations with no county programme (target ≤ 2.5×);
- the county's payout plan over 2,000 confirmed matches (rules.allocate with the county quota).

Runs on its own temporary SQLite database, tasks in-process (documents are not rendered: the
comparison is of the decision, not of WeasyPrint). Usage: .venv/bin/python bench/bench_programmes.py
"""

import os
import sys
import tempfile
import time
from datetime import date, timedelta
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

CONFIRMS = 200
PLANNED = 2000
EXAMPLE = ROOT / "rules" / "examples" / "411521-luoshan.example.toml"


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from applicants.models import Application, Enterprise, Status, User
    from applicants.roles import Role
    from applicants.services.accounts import user_create
    from applicants.signals import case_transitioned
    from awards.models import Award, Budget
    from awards.services.decisions import case_decide
    from awards.services.payouts import payouts_schedule

    call_command("migrate", verbosity=0)
    # The decision alone: documents render in their own tasks and are measured elsewhere.
    case_transitioned.receivers = []
    city = user_create(username="bench-city", password=None, role=Role.CITY_REVIEWER)
    county = user_create(
        username="bench-luoshan", password=None, role=Role.COUNTY_REVIEWER, jurisdiction="411521"
    )
    enterprise = Enterprise.objects.create(
        name="罗山基准数据有限公司",
        credit_code="91411521MA45Q8RT1X",
        jurisdiction="411521",
        applicant_type="data_enterprise",
        legal_representative="王",
        contact_name="赵",
        contact_phone="0376-1",
        contact_email="bench@example.com",
        bank_name="银行",
        bank_account="1",
    )
    member = user_create(
        username="bench-enterprise", password=None, role=Role.ENTERPRISE, enterprise=enterprise
    )

    def announced_cases(count: int, tag: str) -> list[int]:
        now = timezone.now()
        ids = []
        for number in range(count):
            case = Application.objects.create(
                enterprise=enterprise,
                item="honor_national",
                project_name=f"{tag}基准项目{number}",
                event_date=date(2025, 6, 1),
                facts={},
                jurisdiction="411521",
                applicant_type="data_enterprise",
                status=Status.REVIEWED,
                declaration_accepted=True,
                created_by=member,
                submitted_at=now,
                recommended_at=now,
            )
            case_decide(application_id=case.pk, action="approve", actor=city)
            case_decide(application_id=case.pk, action="announce", actor=city)
            ids.append(case.pk)
        ended = timezone.localdate() - timedelta(days=2)
        Award.objects.filter(application_id__in=ids).update(
            announcement_starts_on=ended - timedelta(days=6), announcement_ends_on=ended
        )
        return ids

    def confirm_all(ids: list[int]) -> float:
        start = time.perf_counter()
        for pk in ids:
            case_decide(application_id=pk, action="confirm", actor=city)
        return time.perf_counter() - start

    settings.COUNTY_PROGRAMME_FILES = []
    plain = confirm_all(announced_cases(CONFIRMS, "甲"))
    settings.COUNTY_PROGRAMME_FILES = [str(EXAMPLE)]
    with_match = confirm_all(announced_cases(CONFIRMS, "乙"))
    matches = Application.objects.filter(programme="411521", status=Status.PROPOSED)
    assert matches.count() == CONFIRMS, matches.count()

    # A county plan over PLANNED confirmed matches: clone one confirmed match.
    first = matches.first()
    assert first is not None
    case_decide(application_id=first.pk, action="match_confirm", actor=county)
    award = Award.objects.get(application=first)
    clones = []
    for number in range(PLANNED - 1):
        copy = Application.objects.get(pk=first.pk)
        copy.pk = None
        copy.matched_application_id = None
        copy.project_name = f"丙基准项目{number}"
        clones.append(copy)
    # The city cases they would match: one each (the constraint wants a match to match a case).
    for copy in clones:
        copy.matched_application = Application.objects.create(
            enterprise=enterprise,
            item="honor_national",
            project_name=copy.project_name,
            event_date=date(2025, 6, 1),
            jurisdiction="411521",
            applicant_type="data_enterprise",
            status=Status.CONFIRMED,
            created_by=member,
        )
    Application.objects.bulk_create(clones)
    created = Application.objects.filter(programme="411521", project_name__startswith="丙")
    Award.objects.bulk_create(
        [
            Award(
                application=case,
                amount=award.amount,
                computed_amount=award.computed_amount,
                rules_version=award.rules_version,
                approved_by=county,
                approved_at=award.approved_at,
                first_approved_at=award.first_approved_at,
            )
            for case in created
        ]
    )
    Application.objects.filter(pk__in=created.values("pk")).update(status=Status.CONFIRMED)
    this_year = timezone.localdate().year
    for offset in range(3):
        Budget.objects.create(
            programme="411521", year=this_year + offset, amount=Decimal("50000000.00")
        )
    start = time.perf_counter()
    report = payouts_schedule("411521")
    plan = time.perf_counter() - start
    assert User.objects.filter(role=Role.COUNTY_REVIEWER).exists()

    each_plain, each_match = plain * 1000 / CONFIRMS, with_match * 1000 / CONFIRMS
    print(f"city confirm × {CONFIRMS}, no county programme:   {each_plain:.1f} ms each")
    print(f"city confirm × {CONFIRMS}, with Luoshan matching: {each_match:.1f} ms each")
    print(f"  ratio {with_match / plain:.2f}× (target ≤ 2.5×: the match is a second case's writes)")
    print(
        f"county plan over {PLANNED} confirmed matches of one item: {plan:.2f} s "
        f"({len(report.scheduled)} scheduled: the county's 3 a year × 3 budget years; "
        f"{len(report.queued)} waiting)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
