"""Each award carries its case's programme and state (`case_programme`, `case_status`), kept by
database triggers on every write of either table (saves, bulk updates and raw SQL included),
then filled once.

Finance's sums per pay year read a programme's scheduled and paid awards from one index instead
of joining 22,000 cases on every request. Kept by the database as the queue's amount key is
(0012): a copy kept by each write path in Python would be one `.update()` away from a wrong sum.
"""

from importlib import import_module

from django.conf import settings
from django.db import migrations, models

CASE_OF = "(SELECT p.{column} FROM applicants_application p WHERE p.id = {row}.application_id)"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION award_case_copies() RETURNS trigger AS $$
    BEGIN
        -- Whatever a write of the award says, the copies are the case's.
        NEW.case_programme := COALESCE({CASE_OF.format(column="programme", row="NEW")}, '');
        NEW.case_status := COALESCE({CASE_OF.format(column="status", row="NEW")}, '');
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER award_case_copies
    BEFORE INSERT OR UPDATE ON awards_award
    FOR EACH ROW EXECUTE FUNCTION award_case_copies()
    """,
    """
    CREATE OR REPLACE FUNCTION application_award_copies() RETURNS trigger AS $$
    BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status OR NEW.programme IS DISTINCT FROM OLD.programme
        THEN
            UPDATE awards_award SET case_status = NEW.status, case_programme = NEW.programme
            WHERE application_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER application_award_copies
    AFTER UPDATE OF status, programme ON applicants_application
    FOR EACH ROW EXECUTE FUNCTION application_award_copies()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS application_award_copies ON applicants_application",
    "DROP FUNCTION IF EXISTS application_award_copies()",
    "DROP TRIGGER IF EXISTS award_case_copies ON awards_award",
    "DROP FUNCTION IF EXISTS award_case_copies()",
]

# SQLite cannot assign NEW: each trigger updates the award after the write (recursive triggers
# are off, so that update fires nothing further).
_SET = (
    "UPDATE awards_award SET "
    f"case_programme = COALESCE({CASE_OF.format(column='programme', row='awards_award')}, ''), "
    f"case_status = COALESCE({CASE_OF.format(column='status', row='awards_award')}, '')"
)
SQLITE = [
    f"""CREATE TRIGGER award_case_copies_insert AFTER INSERT ON awards_award
    BEGIN {_SET} WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER award_case_copies_update
    AFTER UPDATE OF application_id, case_programme, case_status ON awards_award
    BEGIN {_SET} WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER application_award_copies AFTER UPDATE OF status, programme
    ON applicants_application BEGIN {_SET} WHERE application_id = NEW.id; END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("award_case_copies_insert", "award_case_copies_update", "application_award_copies")
]


def _earlier_sqlite_triggers() -> tuple[list[str], list[str]]:
    """The SQLite triggers on or naming awards_award (0007, 0012): (create, drop) statements."""
    paid_is_final = import_module("awards.migrations.0007_payment_batches")
    queue_amount = import_module("awards.migrations.0012_queue_amount_triggers")
    return (
        [paid_is_final._SQLITE_CREATE, *queue_amount.SQLITE],
        [paid_is_final._SQLITE_DROP, *queue_amount.SQLITE_DROP],
    )


# SQLite adds a column by building the table anew and renaming it: the triggers on the old table
# would go with it, and those naming it from other tables stop the rename. They are dropped
# first and created again after (PostgreSQL adds a column in place and keeps them).
def sqlite_triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _earlier_sqlite_triggers()[1]:
            schema_editor.execute(statement)


def sqlite_triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _earlier_sqlite_triggers()[0]:
            schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"award copy triggers are written for PostgreSQL and SQLite, not {vendor}")
    for statement in statements:
        schema_editor.execute(statement)
    if vendor == "postgresql":
        # Fires award_case_copies on every award; award_paid_is_final lets it (no money column).
        schema_editor.execute("UPDATE awards_award SET case_status = ''")
    else:
        schema_editor.execute(_SET)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement)


def create_totals_index(apps, schema_editor):
    # Made here, not in the model's Meta: SQLite has no INCLUDE (and warns of it on every check).
    include = " INCLUDE (amount)" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        "CREATE INDEX award_programme_totals ON awards_award "
        f"(case_programme, case_status, pay_year){include}"
    )


def drop_totals_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS award_programme_totals")


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0017_enterprise_county_index"),
        ("awards", "0015_award_announcement_end"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(sqlite_triggers_off, sqlite_triggers_on),
        migrations.AddField(
            model_name="award",
            name="case_programme",
            field=models.CharField(default="", editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name="award",
            name="case_status",
            field=models.CharField(default="", editable=False, max_length=20),
        ),
        migrations.RunPython(sqlite_triggers_on, sqlite_triggers_off),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(create_totals_index, drop_totals_index),
    ]
