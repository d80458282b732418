"""Payout planning runs: requested, followed, refused while active, bulk-written, explained."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applicants.audit import audit_chain_verify
from applicants.errors import Conflict
from applicants.models import CaseEvent, Notification, Status, User
from applicants.roles import Role
from awards.models import Award, Budget, PaymentBatchItem, PayoutRun
from awards.payments.services import batch_create
from awards.payouts.models import RunState, RunTrigger
from awards.payouts.services import (
    payout_run_create,
    payout_run_execute,
    payout_run_request,
    payouts_plan_now,
)
from tests.awards.helpers import case_in
from tests.factories import EnterpriseFactory, sign_in

pytestmark = pytest.mark.django_db


def _budget(year: int, amount: str) -> None:
    # Set directly: `budget_set` queues a re-plan of its own.
    Budget.objects.update_or_create(year=year, programme="city", defaults={"amount": amount})


def _years(cases) -> list[tuple[str, int | None]]:
    rows = []
    for case in cases:
        case.refresh_from_db()
        rows.append((case.status, Award.objects.get(application=case).pay_year))
    return rows


def test_a_request_is_a_queued_run_that_the_worker_runs_after_commit(
    finance_user, django_capture_on_commit_callbacks
):
    cases = [case_in(Status.CONFIRMED) for _ in range(6)]
    _budget(2026, "1000000")
    _budget(2027, "1000000")
    with django_capture_on_commit_callbacks(execute=True):
        run = payout_run_request(actor=finance_user)
    run.refresh_from_db()
    assert run.state == RunState.DONE
    assert run.trigger == RunTrigger.FINANCE
    assert run.requested_by == finance_user
    # Quota 5 per item per year: the sixth goes to 2027.
    assert _years(cases) == [(Status.SCHEDULED, 2026)] * 5 + [(Status.SCHEDULED, 2027)]
    assert run.changes["planned"] == {"count": 6, "amount": "600000.00"}
    assert run.changes["unchanged"] == 0
    year_2026 = run.result["years"][0]
    assert year_2026["year"] == 2026
    assert year_2026["budget"] == "1000000.00"
    assert year_2026["planned"] == "500000.00"
    assert year_2026["paid"] == "0.00"
    assert year_2026["remaining"] == "500000.00"
    assert year_2026["items"] == {"contest_provincial": {"count": 5, "quota_used": 5, "quota": 5}}
    assert run.result["queued"]["count"] == 0
    assert CaseEvent.objects.filter(action="payouts_requested", data__run=run.pk).exists()


def test_a_second_run_on_the_same_state_changes_nothing(finance_user):
    cases = [case_in(Status.CONFIRMED) for _ in range(3)]
    _budget(2026, "200000")
    payouts_plan_now()
    events = CaseEvent.objects.count()
    second, outcome = payouts_plan_now()
    assert second.state == RunState.DONE
    assert outcome.changes == []
    assert second.changes == {
        "planned": {"count": 0, "amount": "0.00"},
        "moved": {"count": 0, "amount": "0.00"},
        "queued": {"count": 0, "amount": "0.00"},
        "unchanged": 3,
    }
    assert second.first_event_id is None
    assert CaseEvent.objects.count() == events
    assert _years(cases) == [(Status.SCHEDULED, 2026)] * 2 + [(Status.CONFIRMED, None)]
    assert second.result["queued"]["count"] == 1
    assert second.result["queued"]["head"][0]["case"] == cases[2].pk


def test_a_run_is_refused_while_another_is_active_and_says_who_started_it(finance_user):
    case_in(Status.CONFIRMED)
    active = payout_run_create(programme="city", trigger=RunTrigger.FINANCE, actor=finance_user)
    with pytest.raises(Conflict) as refused:
        payout_run_request(actor=finance_user)
    assert "已有一次兑付年度安排排队等待" in str(refused.value.message)
    assert finance_user.username in str(refused.value.message)
    assert PayoutRun.objects.count() == 1
    active.state = RunState.DONE
    active.save()
    assert payout_run_request(actor=finance_user).state == RunState.QUEUED


def test_a_run_whose_worker_went_silent_is_given_up_by_the_next_request(finance_user, settings):
    settings.PAYOUT_RUN_LEASE_SECONDS = 60
    lost = PayoutRun.objects.create(
        programme="city",
        trigger=RunTrigger.FINANCE,
        state=RunState.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=61),
    )
    run = payout_run_request(actor=finance_user)
    lost.refresh_from_db()
    assert lost.state == RunState.FAILED
    assert "60 秒内没有报告进度" in lost.error
    assert run.state == RunState.QUEUED


def test_a_queued_run_no_worker_took_is_given_up_after_the_wait(finance_user, settings):
    settings.PAYOUT_RUN_QUEUE_SECONDS = 900
    stuck = payout_run_create(programme="city", trigger=RunTrigger.FINANCE, actor=finance_user)
    PayoutRun.objects.filter(pk=stuck.pk).update(
        requested_at=timezone.now() - datetime.timedelta(seconds=901)
    )
    payout_run_request(actor=finance_user)
    stuck.refresh_from_db()
    assert stuck.state == RunState.FAILED


def test_a_redelivered_task_of_a_finished_run_does_nothing(finance_user):
    case_in(Status.CONFIRMED)
    _budget(2026, "100000")
    run, _ = payouts_plan_now()
    events = CaseEvent.objects.count()
    assert payout_run_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.attempts == 1
    assert CaseEvent.objects.count() == events


def test_a_run_that_the_rules_refuse_is_failed_with_the_reason(finance_user, monkeypatch):
    case_in(Status.CONFIRMED)
    monkeypatch.setattr("applicants.programmes.programme_strategy", lambda code: "nonsense")
    run, outcome = payouts_plan_now()
    assert outcome is None
    assert run.state == RunState.FAILED
    assert "兑付安排的输入有误" in run.error
    # A failed run holds nothing: the next one may start.
    monkeypatch.undo()
    assert payouts_plan_now()[0].state == RunState.DONE


def test_every_award_moved_is_its_own_audit_entry_and_the_chain_holds(finance_user):
    cases = [case_in(Status.CONFIRMED) for _ in range(4)]
    _budget(2026, "300000")
    _budget(2027, "300000")
    run, _ = payouts_plan_now()
    entries = CaseEvent.objects.filter(pk__gte=run.first_event_id, pk__lte=run.last_event_id)
    assert sorted(e.application_id for e in entries) == sorted(c.pk for c in cases)
    assert {e.action for e in entries} == {"schedule"}
    assert all(e.actor_id is None and e.data["run"] == run.pk for e in entries)
    # The budget of 2026 shrinks to nothing: three move to 2027, one goes back to the queue.
    _budget(2026, "0")
    moved, _ = payouts_plan_now()
    assert moved.changes["moved"]["count"] == 3
    assert moved.changes["queued"] == {"count": 1, "amount": "100000.00"}
    assert audit_chain_verify().ok


def test_an_award_in_an_open_payment_batch_keeps_its_year(finance_user):
    held = case_in(Status.CONFIRMED)
    other = case_in(Status.CONFIRMED)
    _budget(2026, "200000")
    _budget(2027, "200000")
    payouts_plan_now()
    batch = batch_create(actor=finance_user, programme="city", year=2026)
    assert PaymentBatchItem.objects.filter(batch=batch, holds_award=True).count() == 2
    # The 2026 budget is cut: nothing in the open batch moves; the plan leaves the year overspent
    # for finance to settle (cancel the batch) rather than pulling awards out of a sent list.
    _budget(2026, "100000")
    run, _ = payouts_plan_now()
    assert _years([held, other]) == [(Status.SCHEDULED, 2026)] * 2
    assert run.changes["moved"]["count"] == 0


def test_one_message_per_enterprise_member_per_run_and_none_when_nothing_changed(
    finance_user, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory()
    mine = [case_in(Status.CONFIRMED, enterprise=enterprise) for _ in range(3)]
    other = case_in(Status.CONFIRMED)
    _budget(2026, "300000")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        payouts_plan_now()
    members = User.objects.filter(enterprise=enterprise)
    assert members.count() == 3  # one account made per case by the factory
    for member in members:
        notes = list(Notification.objects.filter(recipient=member))
        assert len(notes) == 1
        assert notes[0].code == "payout_plan"
        assert [c["ref"] for c in notes[0].params["cases"]] == [c.reference for c in mine[:2]] + [
            mine[2].reference
        ]
        assert "排队等待后续年度预算" not in notes[0].message  # 3 × 100,000 fits 2026
        assert "安排在 2026 年度兑付" in notes[0].message
    # The fourth case did not fit: its enterprise hears nothing (its year did not change).
    assert not Notification.objects.filter(recipient__enterprise=other.enterprise).exists()
    # Nothing official gets one message per award either.
    assert not Notification.objects.filter(recipient__role=Role.FINANCE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        payouts_plan_now()
    assert Notification.objects.count() == 3


def test_the_finance_desk_shows_the_run_and_its_changes(client, finance_user):
    cases = [case_in(Status.CONFIRMED) for _ in range(2)]
    _budget(2026, "100000")
    run, _ = payouts_plan_now()
    sign_in(client, finance_user)
    html = client.get(reverse("awards:finance")).content.decode()
    assert f'data-run="{run.pk}"' in html
    assert 'data-state="done"' in html
    assert "hx-trigger" not in html  # a finished run is not polled
    assert "¥100,000.00" in html
    detail = client.get(reverse("awards:payout_run", args=[run.pk])).content.decode()
    assert cases[0].reference in detail
    assert "新安排 1 项，调整年度 0 项，退回排队 0 项，未变动 1 项。" in detail
    assert "排队中的奖励：1 项" in detail
    assert cases[1].reference in detail  # at the head of the queue


def test_an_active_run_is_polled_and_its_panel_reloads_the_desk_when_done(client, finance_user):
    run = payout_run_create(programme="city", trigger=RunTrigger.FINANCE, actor=finance_user)
    sign_in(client, finance_user)
    html = client.get(reverse("awards:finance")).content.decode()
    assert reverse("awards:payout_run_panel", args=[run.pk]) in html
    assert 'id="schedule-submit" disabled' in html
    panel = client.get(reverse("awards:payout_run_panel", args=[run.pk]))
    assert "HX-Refresh" not in panel
    assert "排队等待" in panel.content.decode()
    PayoutRun.objects.filter(pk=run.pk).update(state=RunState.DONE)
    assert client.get(reverse("awards:payout_run_panel", args=[run.pk]))["HX-Refresh"] == "true"


def test_the_desk_refuses_a_second_run_with_a_message(client, finance_user):
    payout_run_create(programme="city", trigger=RunTrigger.NIGHTLY)
    sign_in(client, finance_user)
    response = client.post(reverse("awards:finance_schedule"), {"programme": "city"}, follow=True)
    assert response.status_code == 200
    assert "已有一次兑付年度安排排队等待（每晚例行安排于" in response.content.decode()
    assert PayoutRun.objects.count() == 1


def test_runs_are_seen_only_on_desks_that_show_their_programme(
    client, county_reviewer, enterprise_user, finance_user, luoshan_programme
):
    run, _ = payouts_plan_now()
    county_finance = User.objects.create_user(
        username="cf", password="x", role=Role.COUNTY_FINANCE, jurisdiction=luoshan_programme
    )
    for user in (county_reviewer, enterprise_user):
        sign_in(client, user)
        assert client.get(reverse("awards:payout_run", args=[run.pk])).status_code in {403, 404}
    sign_in(client, county_finance)
    assert client.get(reverse("awards:payout_run", args=[run.pk])).status_code == 404
    with pytest.raises(Exception, match="无权"):
        payout_run_request(actor=county_finance)
    assert payout_run_request(actor=county_finance, programme=luoshan_programme).pk


def test_the_run_page_reads_in_constant_queries(
    client, finance_user, django_assert_max_num_queries
):
    def queries_for(n: int, year: int) -> tuple[int, int]:
        for _ in range(n):
            case_in(Status.CONFIRMED)
        _budget(year, "100000000")
        run, _ = payouts_plan_now()
        sign_in(client, finance_user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("awards:payout_run", args=[run.pk])).status_code == 200
        with CaptureQueriesContext(connection) as desk:
            assert client.get(reverse("awards:finance")).status_code == 200
        return len(captured), len(desk)

    # Both with a queue (quota 5 a year): its head is named with one query, whatever its length.
    assert queries_for(7, 2026) == queries_for(14, 2027)


def test_the_enterprise_sees_its_place_in_the_queue(client):
    cases = [case_in(Status.CONFIRMED) for _ in range(7)]
    _budget(2026, "500000")
    payouts_plan_now()
    member = cases[6].created_by
    sign_in(client, member)
    html = client.get(reverse("applicants:detail", args=[cases[6].pk])).content.decode()
    assert 'id="queue-place"' in html
    assert "第 2 位" in html  # the sixth and seventh wait, in order of approval
    planned = cases[0].created_by
    sign_in(client, planned)
    html = client.get(reverse("applicants:detail", args=[cases[0].pk])).content.decode()
    assert 'id="pay-year"' in html
    assert "2026 年" in html
    assert 'id="queue-place"' not in html


def _plan_json(*args: str) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("plan_payouts", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_plan_payouts_dry_run_changes_nothing_and_prints_the_plan():
    cases = [case_in(Status.CONFIRMED) for _ in range(2)]
    _budget(2026, "100000")
    events = CaseEvent.objects.count()
    code, answer = _plan_json("--dry-run")
    assert code == 0
    assert answer["dry_run"] is True
    assert answer["run"] is None
    assert answer["changes"]["planned"] == {"count": 1, "amount": "100000.00"}
    assert answer["changed"] == [
        {
            "case": cases[0].reference,
            "kind": "planned",
            "from_year": None,
            "to_year": 2026,
            "amount": "100000.00",
        }
    ]
    assert answer["queued"]["head"][0]["case"] == cases[1].reference
    assert {"programme", "years", "queued", "awards", "quota", "changes", "changed"} <= set(answer)
    assert CaseEvent.objects.count() == events
    assert not PayoutRun.objects.exists()
    assert _years(cases) == [(Status.CONFIRMED, None)] * 2


def test_plan_payouts_runs_as_a_stored_run_and_refuses_with_exit_2(capsys):
    case_in(Status.CONFIRMED)
    _budget(2026, "100000")
    code, answer = _plan_json()
    assert code == 0
    run = PayoutRun.objects.get(pk=answer["run"])
    assert run.trigger == RunTrigger.COMMAND
    assert run.state == RunState.DONE
    assert answer["years"][0]["planned"] == "100000.00"
    assert Decimal(answer["years"][0]["remaining"]) == Decimal("0")

    code, answer = _plan_json("--programme", "nowhere")
    assert code == 2
    assert "programme" in answer["errors"]

    payout_run_create(programme="city", trigger=RunTrigger.NIGHTLY)
    code, answer = _plan_json()
    assert code == 2
    assert "已有一次兑付年度安排" in answer["errors"]["programme"][0]

    # Argument errors are printed by the parser itself, on the process's standard output.
    with pytest.raises(SystemExit) as exit_:
        call_command("plan_payouts", "--bogus")
    assert exit_.value.code == 2
    assert "arguments" in json.loads(capsys.readouterr().out)["errors"]


def test_a_long_list_of_moved_awards_is_cut_in_the_message(
    finance_user, django_capture_on_commit_callbacks
):
    from applicants.services.notifications import notify_enterprises_of_plan

    enterprise = EnterpriseFactory()
    member = User.objects.create_user(
        username="member", password="x", role=Role.ENTERPRISE, enterprise=enterprise
    )
    cases = [
        {"id": n, "ref": f"XY-2026-{n:06d}", "project": f"项目{n}", "year": 2026} for n in range(12)
    ]
    assert notify_enterprises_of_plan({enterprise.pk: cases}) == 1
    note = Notification.objects.get(recipient=member)
    assert len(note.params["cases"]) == 10
    assert note.params["total"] == 12
    assert note.message.endswith("另有 2 项，详见“我的申报”。")
    assert note.application_id is None


def test_the_stale_replan_and_the_nightly_plan_leave_an_active_run_alone(finance_user):
    from awards.models import PayoutPlanState
    from awards.payouts.services import payouts_replan_if_stale
    from awards.payouts.tasks import schedule_all_payouts

    case_in(Status.CONFIRMED)
    _budget(2026, "100000")
    PayoutPlanState.objects.update_or_create(programme="city", defaults={"stale": True})
    active = payout_run_create(programme="city", trigger=RunTrigger.FINANCE, actor=finance_user)
    with pytest.raises(Conflict):
        payouts_replan_if_stale("city")
    assert schedule_all_payouts() == {"city": "skipped"}
    assert PayoutRun.objects.count() == 1
    active.state = RunState.DONE
    active.save()
    run = payouts_replan_if_stale("city")
    assert run.trigger == RunTrigger.STALE
    assert run.state == RunState.DONE
    assert payouts_replan_if_stale("city") is None  # current now: nothing to do
    assert schedule_all_payouts() == {"city": "done"}
    assert PayoutRun.objects.filter(trigger=RunTrigger.NIGHTLY).count() == 1
