import pytest
from celery.result import AsyncResult, EagerResult

from awards.tasks import ping


@pytest.mark.worker
def test_a_task_runs_on_a_real_worker_over_redis(celery_worker_process):
    result = ping.delay()
    assert isinstance(result, AsyncResult)
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) == "pong"
    assert result.successful()


def test_beat_plans_payouts_every_night_with_a_registered_task():
    from django.conf import settings

    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["schedule-payouts-nightly"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {2}


def test_beat_writes_the_audit_checkpoint_daily_with_a_registered_task():
    from django.conf import settings

    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint-daily"]
    assert entry["task"] in app.tasks
