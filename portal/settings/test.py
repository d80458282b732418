"""Settings for `make test`: PostgreSQL and Redis at their local defaults when reachable.

With CI=true an unreachable service fails the run instead of falling back.
"""

import os
import socket

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


IN_CI = env.bool("CI", default=False)
POSTGRES_AVAILABLE = _reachable("127.0.0.1", 5432)
REDIS_AVAILABLE = _reachable("127.0.0.1", 6379)
if IN_CI and not (POSTGRES_AVAILABLE and REDIS_AVAILABLE):
    raise ImproperlyConfigured(
        f"CI=true but PostgreSQL reachable={POSTGRES_AVAILABLE}, Redis reachable={REDIS_AVAILABLE}"
    )

DEBUG = False
SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["*"]
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": env.db("DATABASE_URL")}
elif POSTGRES_AVAILABLE:
    DATABASES = {
        "default": env.db_url_config("postgres://postgres:postgres@127.0.0.1:5432/xinyang_portal")
    }
else:
    DATABASES = {"default": env.db_url_config(f"sqlite:///{BASE_DIR / 'var' / 'test.sqlite3'}")}
with_prepared_statements(DATABASES["default"])  # noqa: F405 - as in production

# `make test` runs the suite in parallel (pytest-xdist); pytest-django gives each process its own
# database, and each takes its own pair of Redis databases so that one process's worker tests,
# queue purges and throttle counters never meet another's (gw0: 15 and 14, gw1: 13 and 12, …).
_PROCESS = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_REDIS = "redis://127.0.0.1:6379/{}"

# Unit tests run tasks in-process; the worker tests (marker `worker`) start a real worker on Redis.
REDIS_URL = _REDIS.format(15 - 2 * _PROCESS) if REDIS_AVAILABLE else ""
# The throttle test's gunicorn processes share their counters here.
THROTTLE_TEST_REDIS_URL = _REDIS.format(14 - 2 * _PROCESS) if REDIS_AVAILABLE else ""
TEST_BROKER_URL = REDIS_URL
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "var" / f"test-evidence-{_PROCESS}"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The suite runs on the real date: past the holiday data (late December before chinesecalendar
# carries the next year) announcements count weekdays; the refusal has tests of its own.
ANNOUNCEMENT_BEYOND_CALENDAR = "weekdays"

# Each test process starts with no adopted rules version; a test that adopts one points this at
# its own folder (tests/awards/test_revisions.py).
import tempfile  # noqa: E402

RULES_ADOPTED_DIR = Path(tempfile.mkdtemp(prefix="rules-adopted-"))  # noqa: F405

# Tests read the charts as they are after each change; one test turns the cache on.
DASHBOARD_CACHE_SECONDS = 0
# Likewise the estimates of long lists (their own test keeps one).
LARGE_LIST_ESTIMATE_CACHE_SECONDS = 0
