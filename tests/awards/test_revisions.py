"""A candidate rules version's impact (rules_impact), its command, and its adoption: the cases it
changes with old and new amounts, the step and clause that changed, the plan under both; an
adopted version prices what comes after it and leaves every decision taken as it was."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from applicants.errors import ServiceError
from applicants.models import CaseEvent, Status
from applicants.roles import Role
from awards.models import Award, Budget
from awards.revisions.impact import rules_impact
from awards.revisions.models import CandidateState, RulesCandidate
from awards.revisions.services import candidate_adopt, candidate_upload, candidate_version
from awards.selectors import case_quote
from rules.loader import load_rulebook, load_version_text
from tests.awards.helpers import case_in, city_user
from tests.awards.revision_helpers import candidate_text, uploaded
from tests.factories import ApplicationFactory, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("adopted_dir")]

AS_OF = date(2026, 12, 1)


def _candidate():
    return load_version_text(candidate_text(), source="candidate.toml")


def _world() -> dict[str, object]:
    """One case per change, one the candidate leaves alone, and one already paid."""
    return {
        "honour": ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED),
        "capped": ApplicationFactory(
            item="first_transaction",
            applicant_type="data_trading_operator",
            facts={"transaction_amount": "5000000.00"},
            status=Status.RECOMMENDED,
        ),
        "under_cap": ApplicationFactory(
            item="first_transaction",
            applicant_type="data_trading_operator",
            facts={"transaction_amount": "1000000.00"},
        ),
        "threshold": ApplicationFactory(
            item="first_balance_sheet", facts={"entry_amount": "800000.00"}, status=Status.REVIEWED
        ),
        "removed": ApplicationFactory(item="platform_provincial", facts={}),
        "paid": case_in(Status.PAID, item="honor_provincial", facts={}, pay_year=2026),
    }


def test_the_report_lists_exactly_the_cases_the_candidate_changes():
    world = _world()
    report = rules_impact(_candidate(), as_of=AS_OF)
    assert report["base"] == "2025-draft"
    assert report["candidate"] == "2026-revision"
    fields = {(p["item"], p["field"]): (p["old"], p["new"]) for p in report["parameters"]}
    assert fields[("honor_provincial", "amount")] == ("100000.00", "150000.00")
    assert fields[("first_transaction", "cap")] == ("200000.00", "100000.00")
    assert fields[("first_balance_sheet", "threshold.amount")] == ("500000.00", "1000000.00")
    assert fields[("platform_provincial", "item")][1] is None
    assert all(p["effective_from"] == "2026-07-01" for p in report["parameters"])

    by_case = {c["case"]: c for c in report["cases"]}
    assert set(by_case) == {
        world[k].reference for k in ("honour", "capped", "threshold", "removed")
    }
    honour = by_case[world["honour"].reference]
    assert honour["old"] == {"eligible": True, "amount": "100000.00"}
    assert honour["new"] == {"eligible": True, "amount": "150000.00"}
    assert (honour["step"], honour["clause"]) == (
        "base",
        "三、加强数据资源开发利用（一）",
    ) or honour["step"] == "base"
    capped = by_case[world["capped"].reference]
    assert (capped["old"]["amount"], capped["new"]["amount"]) == ("200000.00", "100000.00")
    assert capped["step"] == "cap"
    threshold = by_case[world["threshold"].reference]
    assert threshold["old"] == {"eligible": True, "amount": "80000.00"}
    assert threshold["new"] == {"eligible": False, "amount": "0.00"}
    assert threshold["step"] == "threshold"
    removed = by_case[world["removed"].reference]
    assert removed["new"] == {"eligible": False, "amount": "0.00"}
    assert removed["step"] == "item"
    assert removed["clause"] == "七、繁荣产业发展生态（三）"
    for entry in by_case.values():
        assert entry["clause"], entry

    totals = report["totals"]
    assert totals["all"]["cases"] == 5  # the paid case is not compared
    assert totals["all"]["changed"] == 4
    assert totals["all"]["no_longer_eligible"] == 2
    assert totals["item"]["honor_provincial"]["difference"] == "50000.00"
    assert totals["programme"]["city"]["difference"] == f"{50000 - 100000 - 80000 - 100000:.2f}"


def test_the_plan_under_both_versions():
    scheduled = case_in(Status.SCHEDULED, item="honor_provincial", facts={}, pay_year=2026)
    Budget.objects.filter(year=2026).update(amount=Decimal("1000000.00"))
    report = rules_impact(_candidate(), as_of=AS_OF)
    base, candidate = report["plan"]["base"]["2026"], report["plan"]["candidate"]["2026"]
    assert base["planned"] == "100000.00"
    assert candidate["planned"] == "150000.00"
    assert Decimal(base["remaining"]) - Decimal(candidate["remaining"]) == Decimal("50000.00")
    assert [c["case"] for c in report["cases"]] == [scheduled.reference]


def test_a_lower_budget_moves_an_award_a_year_under_the_candidate():
    first = case_in(Status.SCHEDULED, item="honor_provincial", facts={}, pay_year=2026)
    second = case_in(Status.SCHEDULED, item="honor_provincial", facts={}, pay_year=2026)
    Budget.objects.filter(year=2026).update(amount=Decimal("250000.00"))
    Budget.objects.create(year=2027, amount=Decimal("1000000.00"))
    report = rules_impact(_candidate(), as_of=AS_OF)
    moved = report["plan_changes"]["moved"]
    assert moved == [{"case": second.pk, "from": 2026, "to": 2027}]
    assert first.pk not in [m["case"] for m in moved]


def test_a_second_honour_of_an_enterprise_granted_one_is_compared_like_any_other():
    """Being granted an item before makes a case "not first time" only for first-time items
    (首登记/首交易/首入表): an enterprise's second honour is priced, and the raise reaches it."""
    earlier = case_in(Status.APPROVED, item="honor_provincial", facts={})
    second = ApplicationFactory(
        item="honor_provincial", facts={}, status=Status.SUBMITTED, enterprise=earlier.enterprise
    )
    report = rules_impact(_candidate(), as_of=AS_OF)
    by_case = {c["case"]: c for c in report["cases"]}
    assert by_case[second.reference]["old"] == {"eligible": True, "amount": "100000.00"}
    assert by_case[second.reference]["new"] == {"eligible": True, "amount": "150000.00"}
    assert by_case[earlier.reference]["new"]["amount"] == "150000.00"


def test_a_first_time_item_already_granted_stays_not_first_time_under_both():
    granted = case_in(
        Status.APPROVED,
        item="first_transaction",
        applicant_type="data_trading_operator",
        facts={"transaction_amount": "5000000.00"},
    )
    again = ApplicationFactory(
        item="first_transaction",
        applicant_type="data_trading_operator",
        facts={"transaction_amount": "5000000.00"},
        status=Status.SUBMITTED,
        enterprise=granted.enterprise,
    )
    report = rules_impact(_candidate(), as_of=AS_OF)
    assert again.reference not in {c["case"] for c in report["cases"]}
    assert report["totals"]["item"]["first_transaction"]["cases"] == 2
    assert report["totals"]["item"]["first_transaction"]["no_longer_eligible"] == 0
    # Only the granted one is eligible, under either version; the cap lowers its amount.
    assert report["totals"]["item"]["first_transaction"]["old_amount"] == "200000.00"
    assert report["totals"]["item"]["first_transaction"]["new_amount"] == "100000.00"


def test_an_item_the_candidate_prices_alike_is_priced_once(monkeypatch):
    """Items the candidate leaves as they are need no second quote: the same facts under the
    same rule give the same price (rules.impact.prices_alike)."""
    from awards.revisions import impact

    ApplicationFactory(item="honor_national", facts={}, status=Status.SUBMITTED)
    ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    priced: list[str] = []
    real = impact._price

    def counting(case, facts, book, today):  # type: ignore[no-untyped-def]
        priced.append(case.item)
        return real(case, facts, book, today)

    monkeypatch.setattr(impact, "_price", counting)
    report = rules_impact(_candidate(), as_of=AS_OF)
    assert sorted(priced) == ["honor_national", "honor_provincial", "honor_provincial"]
    national = report["totals"]["item"]["honor_national"]
    assert (national["old_amount"], national["new_amount"]) == ("200000.00", "200000.00")
    assert national["changed"] == 0


def test_the_comparison_reads_in_bulk():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _world()
    with CaptureQueriesContext(connection) as few:
        rules_impact(_candidate(), as_of=AS_OF)
    for _ in range(10):
        ApplicationFactory(item="honor_provincial", facts={}, status=Status.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        rules_impact(_candidate(), as_of=AS_OF)
    assert len(many) == len(few)


def _command(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("rules_impact", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_the_command_prints_the_report_and_changes_nothing(tmp_path):
    world = _world()
    path = tmp_path / "candidate.toml"
    path.write_text(candidate_text(), encoding="utf-8")
    before = CaseEvent.objects.count()
    code, body = _command(str(path), "--as-of", "2026-12-01")
    assert code == 0
    assert set(body) >= {"base", "candidate", "parameters", "cases", "totals", "plan"}
    assert {"item", "field", "old", "new"} <= set(body["parameters"][0])
    case = next(c for c in body["cases"] if c["case"] == world["honour"].reference)
    assert set(case) >= {"case", "item", "status", "old", "new", "step", "clause"}
    assert set(body["plan"]) == {"base", "candidate"}
    assert CaseEvent.objects.count() == before
    assert not RulesCandidate.objects.exists()
    code, body = _command(str(path), "--base", "2025-draft")
    assert code == 0
    assert body["base"] == "2025-draft"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (('cap = "100000.00"', 'cap = "100000.00"\ncolour = "red"'), "colour"),
        (('rounding = "ROUND_HALF_UP"\n', ""), "rounding"),
        (('title_zh = "数据产品', 'title_zh = "x"\ntitle_zh = "数据产品'), "title_zh"),
    ],
)
def test_an_invalid_candidate_exits_2_naming_the_key_and_its_line(tmp_path, change, key):
    path = tmp_path / "bad.toml"
    text = candidate_text()
    assert change[0] in text
    path.write_text(text.replace(*change, 1), encoding="utf-8")
    code, body = _command(str(path))
    assert code == 2
    (message,) = body["errors"]["candidate"]
    assert key in message
    assert "第 " in message
    assert " 行" in message


def test_bad_arguments_exit_2(tmp_path):
    path = tmp_path / "candidate.toml"
    path.write_text(candidate_text(), encoding="utf-8")
    assert _command(str(path), "--base", "1999")[0] == 2
    assert _command(str(path), "--as-of", "tomorrow")[0] == 2
    assert _command(str(tmp_path / "missing.toml"))[0] == 2
    # A candidate named as a version in force already is refused.
    path.write_text(candidate_text(version="2025-draft", effective_from="2026-07-01"), "utf-8")
    assert _command(str(path))[0] == 2


def test_adoption_prices_what_comes_after_and_leaves_decisions_as_they_were(adopted_dir):
    approved = case_in(Status.APPROVED, item="honor_provincial", facts={})
    award = Award.objects.get(application=approved)
    before = (award.amount, award.computed_amount, award.rules_version, award.trace)
    later = ApplicationFactory(
        item="honor_provincial", facts={}, event_date=date(2026, 8, 1), status=Status.SUBMITTED
    )
    earlier = ApplicationFactory(
        item="honor_provincial", facts={}, event_date=date(2026, 3, 1), status=Status.SUBMITTED
    )
    city = city_user()
    candidate = uploaded(city)
    assert candidate.report["cases"]
    # Nothing changes before adoption.
    assert case_quote(application=later).amount == Decimal("100000.00")
    candidate_adopt(actor=city, candidate_id=candidate.pk, effective_from=date(2026, 7, 1))
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.ADOPTED
    assert [v.version for v in load_rulebook().versions] == ["2025-draft", "2026-revision"]
    assert case_quote(application=later).amount == Decimal("150000.00")
    assert case_quote(application=later).rules_version == "2026-revision"
    assert case_quote(application=earlier).amount == Decimal("100000.00")
    award.refresh_from_db()
    assert (award.amount, award.computed_amount, award.rules_version, award.trace) == before
    entry = CaseEvent.objects.get(action="rules_adopted")
    assert entry.data["effective_from"] == "2026-07-01"
    assert entry.data["totals"]["changed"] == candidate.report["totals"]["all"]["changed"]
    assert len(entry.data["report_sha256"]) == 64
    # Adopted once: a second adoption, or a second candidate of that name, is refused.
    with pytest.raises(ServiceError):
        candidate_adopt(actor=city, candidate_id=candidate.pk, effective_from=date(2026, 9, 1))
    with pytest.raises(ServiceError):
        candidate_upload(actor=city, file_name="again.toml", content=candidate_text().encode())


def test_adoption_on_a_date_taken_or_before_the_window_is_refused():
    city = city_user()
    candidate = uploaded(city, name="c.toml")
    for day in (date(2025, 1, 1), date(2024, 6, 1)):
        with pytest.raises(ServiceError) as refused:
            candidate_adopt(actor=city, candidate_id=candidate.pk, effective_from=day)
        assert refused.value.field == "effective_from"
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.CANDIDATE
    assert candidate_version(candidate).version == "2026-revision"


@pytest.mark.parametrize("role", [Role.COUNTY_REVIEWER, Role.FINANCE, Role.ENTERPRISE])
def test_only_the_city_reviewer_loads_candidates(role):
    user = (
        make_user(role, jurisdiction="411502") if role == Role.COUNTY_REVIEWER else make_user(role)
    )
    with pytest.raises(ServiceError):
        candidate_upload(actor=user, file_name="c.toml", content=candidate_text().encode())
    assert not RulesCandidate.objects.exists()
