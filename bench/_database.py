"""The database a bench runs on: a throwaway PostgreSQL one beside DATABASE_URL's (created and
dropped here, the named database never touched), or the temporary SQLite file, migrated."""

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bench_database() -> Iterator[str]:
    """Yield the vendor ("postgresql" or "sqlite") of a migrated database of the bench's own."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        call_command("migrate", verbosity=0)
        yield connection.vendor
        return
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
