"""The database a bench runs on: a throwaway PostgreSQL one beside DATABASE_URL's (created and
dropped here, the named database never touched), or the temporary SQLite file, migrated."""

from collections.abc import Callable, Iterator, Sequence
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


def seed_enterprises(
    count: int,
    *,
    name: str | Callable[[int], str],
    first_code: int,
    email: str,
    jurisdictions: Sequence[str] = ("411502",),
) -> list:
    """`count` verified-looking enterprises with valid credit codes, in a few inserts: named
    `name` + n (or `name(n)`), spread over `jurisdictions` in turn (浉河区 alone by default)."""
    from stdnum.cn import uscc

    from applicants.models import Enterprise

    def code(n: int) -> str:
        body = f"914115{n:011d}"[:17]
        return body + uscc.calc_check_digit(body)

    def named(i: int) -> str:
        return name(i) if callable(name) else f"{name}{i}"

    return Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=named(i),
                credit_code=code(first_code + i),
                jurisdiction=jurisdictions[i % len(jurisdictions)],
                applicant_type="data_enterprise",
                legal_representative="张三",
                contact_name="李四",
                contact_phone="0376-1234567",
                contact_email=f"{email}{i}@example.com",
                bank_name="中国银行信阳分行",
                bank_account=f"6217{i:012d}",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
