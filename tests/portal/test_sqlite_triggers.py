"""`make run`'s SQLite database has every trigger the money and the lists rely on.

SQLite changes a table's columns by building the table anew: the triggers on the old table go
with it unless the migration makes them again. A migration that forgets would leave a paid award
editable and the copies the lists read stale on SQLite alone, where no other test looks
(`make test` runs on PostgreSQL). So: migrate a fresh SQLite file, as `make run` does, and list
its triggers.
"""

import os
import sqlite3
import subprocess
import sys

from tests.conftest import REPO_ROOT

EXPECTED_TRIGGERS = {
    # A paid award's money is final (awards/migrations/0007).
    "award_paid_is_final": "awards_award",
    # The queue's amount key (0012).
    "application_queue_amount_insert": "applicants_application",
    "application_queue_amount_update": "applicants_application",
    "award_queue_amount_insert": "awards_award",
    "award_queue_amount_update": "awards_award",
    "award_queue_amount_delete": "awards_award",
    # The awards' copies of their cases' programme and state (0016).
    "award_case_copies_insert": "awards_award",
    "award_case_copies_update": "awards_award",
    "application_award_copies": "applicants_application",
}


def test_a_fresh_sqlite_database_has_every_trigger(tmp_path):
    database = tmp_path / "run.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(database) as connection:
        triggers = dict(
            connection.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        )
    missing = {name for name in EXPECTED_TRIGGERS if name not in triggers}
    assert not missing, f"missing on SQLite: {sorted(missing)}"
    assert {name: triggers[name] for name in EXPECTED_TRIGGERS} == EXPECTED_TRIGGERS
