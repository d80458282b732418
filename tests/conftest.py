import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from applicants.roles import Role
from tests.factories import make_user

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def adopted_dir(settings, tmp_path) -> Iterator[Path]:
    """Rules versions adopted in a test go to a folder of its own, read at once."""
    from rules.loader import use_adopted_directory

    settings.RULES_ADOPTED_DIR = tmp_path / "adopted"
    use_adopted_directory(settings.RULES_ADOPTED_DIR, recheck_seconds=0)
    yield settings.RULES_ADOPTED_DIR
    use_adopted_directory(None)


@pytest.fixture
def enterprise_user(db):
    return make_user(Role.ENTERPRISE)


@pytest.fixture
def county_reviewer(db):
    return make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")


@pytest.fixture
def other_county_reviewer(db):
    return make_user(Role.COUNTY_REVIEWER, jurisdiction="411521")


@pytest.fixture
def city_reviewer(db):
    return make_user(Role.CITY_REVIEWER)


@pytest.fixture
def finance_user(db):
    return make_user(Role.FINANCE)


@pytest.fixture
def admin_user_(db):
    return make_user(Role.ADMIN)


@pytest.fixture
def role_users(enterprise_user, county_reviewer, city_reviewer, finance_user, admin_user_):
    return {
        Role.ENTERPRISE: enterprise_user,
        Role.COUNTY_REVIEWER: county_reviewer,
        Role.CITY_REVIEWER: city_reviewer,
        Role.FINANCE: finance_user,
        Role.ADMIN: admin_user_,
    }


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


class CeleryWorker:
    """A real Celery worker process against the test database; it can be killed and restarted."""

    def __init__(self, broker: str, env: dict[str, str]) -> None:
        self.broker = broker
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        from portal.celery import app

        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "warning",
            ],
            cwd=REPO_ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if app.control.ping(timeout=0.5):
                return
        pytest.fail("the Celery worker did not answer within 30 s")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, its database connection simply drops."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[CeleryWorker]:
    """A real Celery worker consuming from Redis against the test database.

    With CI=true a missing Redis fails (the settings refuse to load); elsewhere the test fails here
    with the reason, never silently passes.
    """
    broker = settings.TEST_BROKER_URL
    assert broker, "Redis is not reachable on 127.0.0.1:6379: run `make services`"
    # Eager tasks run in several threads by earlier tests (races, the live server) toggle
    # Celery's process-wide "a join would block" flag without a lock and can leave it set;
    # this test process is no worker, so waiting on a result here is allowed.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    from portal.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DEBUG": "false",
        "REDIS_URL": broker,
        "DATABASE_URL": _database_url(),
        "EVIDENCE_ROOT": str(settings.STORAGES["default"]["OPTIONS"]["location"]),
    }
    app.connection_for_write().connect()  # fail early if the broker is down
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "portal", "purge", "-f"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    previous = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False)
    worker = CeleryWorker(broker, env)
    try:
        worker.start()
        yield worker
    finally:
        app.conf.update(previous)
        worker.stop()


@pytest.fixture
def celery_worker_process(celery_worker: CeleryWorker) -> str:
    """A running real worker (see `celery_worker`); the broker URL."""
    return celery_worker.broker


# awards: Celery caches its broker connection pool and result backend on first use. An eager task
# run earlier in the session caches them for the in-memory broker, and the worker fixture's
# ping and tasks would then go to memory instead of Redis. Drop the caches around worker tests.
def _celery_caches_reset() -> None:
    from portal.celery import app

    app._after_fork()  # clears the connection and producer pools
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture(autouse=True)
def _celery_fresh_connections(request) -> Iterator[None]:
    if not {"celery_worker_process", "celery_worker"} & set(request.fixturenames):
        yield
        return
    _celery_caches_reset()
    yield
    _celery_caches_reset()


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_a_temporary_directory(settings, tmp_path) -> None:
    """Each test's audit checkpoints go to its own directory, never to the repository's var/."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    """Every test starts in the portal's default language, whatever an earlier request switched."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# The example county programme (罗山县同步奖励, 示例): the portal ships none enabled.
EXAMPLE_PROGRAMME = REPO_ROOT / "rules" / "examples" / "411521-luoshan.example.toml"
LUOSHAN = "411521"


@pytest.fixture
def luoshan_programme(settings) -> str:
    """Enable the example county programme of 罗山县 for one test; yields its code."""
    settings.COUNTY_PROGRAMME_FILES = [str(EXAMPLE_PROGRAMME)]
    return LUOSHAN


@pytest.fixture
def evidence_storage(settings, tmp_path):
    """Each test stores uploaded files in its own folder (never under a public URL)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence"},
        },
    }
    return tmp_path / "evidence"
