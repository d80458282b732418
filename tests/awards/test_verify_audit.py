"""`manage.py verify_audit`: OK with the count, or the first broken link and exit status 1."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from applicants.models import CaseEvent, Status
from awards.services.decisions import case_decide
from tests.conftest import REPO_ROOT, _database_url
from tests.factories import ApplicationFactory, with_database_owner_rights


def _decide_three(county_reviewer) -> list[CaseEvent]:
    for case in ApplicationFactory.create_batch(3, status=Status.SUBMITTED):
        case_decide(application_id=case.pk, action="recommend", actor=county_reviewer)
    return list(CaseEvent.objects.order_by("id"))


def _verify(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_an_intact_chain_is_reported_ok_with_its_count(county_reviewer):
    _decide_three(county_reviewer)
    code, out, _ = _verify()
    assert code == 0
    assert out.strip() == "OK: audit chain intact, 3 entries verified"


@pytest.mark.django_db
def test_an_edited_row_is_reported_with_its_id_and_exit_1(county_reviewer):
    events = _decide_three(county_reviewer)
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[1].pk).update(reason="事后补写的理由")
    code, out, err = _verify()
    assert code == 1
    assert out == ""
    assert f"broken at entry {events[1].pk}: content altered" in err


@pytest.mark.django_db
def test_an_edited_amount_in_the_data_is_detected(city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    case_decide(application_id=case.pk, action="approve", actor=city_reviewer)
    event = CaseEvent.objects.get(action="approve")
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=event.pk).update(data={**event.data, "amount": "300000.00"})
    code, _, err = _verify()
    assert code == 1
    assert f"entry {event.pk}: content altered" in err


@pytest.mark.django_db
def test_a_deleted_row_is_reported_at_the_next_entry(county_reviewer):
    events = _decide_three(county_reviewer)
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[1].pk).delete()
    code, _, err = _verify()
    assert code == 1
    assert f"broken at entry {events[2].pk}: link broken after entry {events[0].pk}" in err


@pytest.mark.django_db
def test_a_deleted_last_row_is_reported(county_reviewer):
    events = _decide_three(county_reviewer)
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[2].pk).delete()
    code, _, err = _verify()
    assert code == 1
    assert "entries missing at the end of the chain" in err


@pytest.mark.django_db(transaction=True)
def test_manage_py_verify_audit_exits_1_on_a_tampered_chain(county_reviewer):
    events = _decide_three(county_reviewer)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": _database_url(),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AUDIT_CHECKPOINT_DIR": str(settings.AUDIT_CHECKPOINT_DIR),
    }

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "verify_audit"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    intact = run()
    assert intact.returncode == 0, intact.stderr
    assert "OK: audit chain intact, 3 entries verified" in intact.stdout
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[0].pk).update(to_status=Status.APPROVED)
    tampered = run()
    assert tampered.returncode == 1
    assert f"broken at entry {events[0].pk}: content altered" in tampered.stderr
    assert settings.DATABASES["default"]["NAME"] in env["DATABASE_URL"]


@pytest.mark.django_db
def test_the_chain_is_checked_against_the_latest_signed_checkpoint(county_reviewer):
    from applicants.audit_checkpoints import audit_checkpoint_write

    events = _decide_three(county_reviewer)
    code, out, err = _verify()
    assert code == 0
    assert "NOTE: no audit checkpoint" in err
    written = audit_checkpoint_write()
    assert written.last_id == events[-1].pk
    assert written.count == 3
    _decide_three(county_reviewer)  # entries after the checkpoint are fine
    code, out, _ = _verify()
    assert code == 0
    assert out.splitlines()[1] == (
        f"OK: matches the checkpoint of {written.at} (entry {events[-1].pk}, 3 entries)"
    )


@pytest.mark.django_db
def test_a_tail_deleted_with_the_head_moved_back_is_caught_by_the_checkpoint(county_reviewer):
    from applicants.audit_checkpoints import audit_checkpoint_write
    from applicants.models import AuditHead

    events = _decide_three(county_reviewer)
    audit_checkpoint_write()
    # Someone with the database deletes the last entry and points the head at the one before:
    # the chain alone is consistent again.
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[2].pk).delete()
        AuditHead.objects.filter(pk=1).update(last_event_id=events[1].pk, last_hash=events[1].hash)
    code, out, err = _verify()
    assert code == 1
    assert "OK: audit chain intact, 2 entries verified" in out
    assert f"BROKEN: entry {events[2].pk} of the checkpoint" in err
    assert "is missing" in err


@pytest.mark.django_db
def test_an_edited_checkpoint_file_is_refused(county_reviewer):
    import json

    from applicants.audit_checkpoints import audit_checkpoint_write

    _decide_three(county_reviewer)
    written = audit_checkpoint_write()
    raw = json.loads(written.path.read_text())
    raw["count"] = 2
    written.path.write_text(json.dumps(raw))
    code, _, err = _verify()
    assert code == 1
    assert "does not carry a valid MAC" in err


@pytest.mark.django_db
def test_verify_audit_writes_a_checkpoint_on_request(county_reviewer, settings):
    _decide_three(county_reviewer)
    code, out, _ = _verify("--checkpoint")
    assert code == 0
    assert "OK: checkpoint written to" in out
    assert len(list(settings.AUDIT_CHECKPOINT_DIR.glob("audit-checkpoint-*.json"))) == 1


@pytest.mark.django_db
def test_a_checkpoint_older_than_the_limit_fails_until_one_is_written(county_reviewer, settings):
    """A stopped beat is not hidden behind an old OK: the check fails, and names the cause."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    from applicants.audit_checkpoints import audit_checkpoint_write

    settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS = 26
    _decide_three(county_reviewer)
    audit_checkpoint_write()
    assert _verify()[0] == 0
    later = timezone.now() + datetime.timedelta(hours=27)
    with mock.patch("django.utils.timezone.now", return_value=later):
        code, _, err = _verify()
        assert code == 1
        assert "OVERDUE: the latest audit checkpoint is of" in err
        assert "beat running" in err
        assert _verify("--checkpoint")[0] == 0
        assert _verify()[0] == 0


@pytest.mark.django_db
def test_no_checkpoint_is_a_note_for_a_new_chain_and_a_failure_for_an_old_one(
    county_reviewer, settings
):
    import datetime

    from django.utils import timezone

    settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS = 26
    _decide_three(county_reviewer)
    code, _, err = _verify()
    assert code == 0
    assert "NOTE: no audit checkpoint" in err
    # The entries' time is covered by their MAC: move the clock, not the rows.
    from unittest import mock

    later = timezone.now() + datetime.timedelta(hours=30)
    with mock.patch("django.utils.timezone.now", return_value=later):
        code, _, err = _verify()
    assert code == 1
    assert "OVERDUE: no audit checkpoint" in err
    settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS = 0
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _verify()[0] == 0
