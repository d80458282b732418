"""PostgreSQL plans a query the portal runs often once per connection, not on every request."""

import pytest
from django.db import connection

from applicants.models import Enterprise
from portal.settings.base import with_prepared_statements


@pytest.mark.django_db
def test_a_query_run_again_and_again_is_prepared_on_the_connection():
    assert connection.vendor == "postgresql", "needs PostgreSQL: run `make services`"
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    for credit_code in [f"91411500MA{n:08d}" for n in range(6)]:
        list(Enterprise.objects.filter(credit_code=credit_code).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "applicants_enterprise" WHERE "applicants_enterprise"."credit_code" = $1%'],
        )
        assert cursor.fetchone()[0] == 1  # one statement for six codes: planned once


def test_a_pooler_in_transaction_mode_can_turn_it_off(monkeypatch):
    monkeypatch.setenv("DATABASE_SERVER_SIDE_BINDING", "false")
    database = with_prepared_statements({"ENGINE": "django.db.backends.postgresql"})
    assert "OPTIONS" not in database
    monkeypatch.setenv("DATABASE_SERVER_SIDE_BINDING", "true")
    database = with_prepared_statements({"ENGINE": "django.db.backends.postgresql"})
    assert database["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert "OPTIONS" not in with_prepared_statements({"ENGINE": "django.db.backends.sqlite3"})
