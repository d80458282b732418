"""Triggers that keep applicants_application.queue_amount = the award's amount, else the expected
amount, on every write of either (bulk updates and raw SQL included), then fill it once.

The queue sorts by it through an index; a key kept by each write path in Python would be one
forgotten `.update()` away from a wrong order.
"""

from django.db import migrations

RECOMPUTE = (
    "COALESCE((SELECT w.amount FROM awards_award w WHERE w.application_id = {row}.id), "
    "{row}.expected_amount)"
)

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION application_queue_amount() RETURNS trigger AS $$
    BEGIN
        NEW.queue_amount := {RECOMPUTE.format(row="NEW")};
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER application_queue_amount
    BEFORE INSERT OR UPDATE OF expected_amount, queue_amount ON applicants_application
    FOR EACH ROW EXECUTE FUNCTION application_queue_amount()
    """,
    """
    CREATE OR REPLACE FUNCTION award_queue_amount() RETURNS trigger AS $$
    BEGIN
        -- Writing the column fires application_queue_amount, which recomputes it.
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE applicants_application SET queue_amount = NULL WHERE id = OLD.application_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE applicants_application SET queue_amount = NULL WHERE id = NEW.application_id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER award_queue_amount
    AFTER INSERT OR DELETE OR UPDATE OF amount, application_id ON awards_award
    FOR EACH ROW EXECUTE FUNCTION award_queue_amount()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS award_queue_amount ON awards_award",
    "DROP FUNCTION IF EXISTS award_queue_amount()",
    "DROP TRIGGER IF EXISTS application_queue_amount ON applicants_application",
    "DROP FUNCTION IF EXISTS application_queue_amount()",
]

# SQLite cannot assign NEW: each trigger updates the row after the write (recursive triggers are
# off, so that update fires nothing further).
_SET = f"UPDATE applicants_application SET queue_amount = {RECOMPUTE.format(row='applicants_application')}"
SQLITE = [
    f"""CREATE TRIGGER application_queue_amount_insert AFTER INSERT ON applicants_application
    BEGIN {_SET} WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER application_queue_amount_update
    AFTER UPDATE OF expected_amount, queue_amount ON applicants_application
    BEGIN {_SET} WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER award_queue_amount_insert AFTER INSERT ON awards_award
    BEGIN {_SET} WHERE id = NEW.application_id; END""",
    f"""CREATE TRIGGER award_queue_amount_update AFTER UPDATE OF amount, application_id
    ON awards_award BEGIN {_SET} WHERE id IN (OLD.application_id, NEW.application_id); END""",
    f"""CREATE TRIGGER award_queue_amount_delete AFTER DELETE ON awards_award
    BEGIN {_SET} WHERE id = OLD.application_id; END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "application_queue_amount_insert",
        "application_queue_amount_update",
        "award_queue_amount_insert",
        "award_queue_amount_update",
        "award_queue_amount_delete",
    )
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"queue_amount triggers are written for PostgreSQL and SQLite, not {vendor}")
    for statement in statements:
        schema_editor.execute(statement)
    schema_editor.execute(_SET)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0011_rules_candidates"),
        ("applicants", "0014_queue_sort_keys"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
