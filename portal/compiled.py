"""Querysets compiled to SQL once per connection and run again with new values.

Django builds and compiles every queryset anew on every request: on the case page that was a
third of the Python the page cost, for ten queries whose SQL never changes, only their values
(SQLAlchemy keeps a cache of compiled statements for the same reason). `fetch_compiled` builds
the queryset once per database connection and `key`, with a stand-in for each value named in
`values`, compiles it, and notes where each stand-in sits among the SQL's parameters. Later calls
put the new values there and run the same SQL through Django's own row reading (select_related
objects, annotations, converters), so the objects are those the queryset itself would give.

The key must name everything else the queryset's SQL depends on (a reader's role and county);
the values are the ones that vary per request (a case's id). A value must reach the SQL as it is
given (an `=` or `IN` of an int or text column): a stand-in the SQL changes (`contains`, a
transform of the value) or writes into the text is refused when the queryset is first compiled.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins no real value takes: ints near the top of a 32-bit column (Django refuses to
# compile a lookup beyond its column's range), text no form field lets through.
_INT_STAND_IN = 2**31 - 1_000_001
_TEXT_STAND_IN = "\x00compiled:{}\x00"
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1
# A cache per connection is bounded: keys carry a county or a role, never a case.
MAX_KEYS = 512


class CompiledQueryError(TypeError):
    """A queryset or its values cannot be run as a compiled statement (a programming error)."""


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position among the params, value name)
    types: dict[str, type]


def fetch_compiled[R](
    key: Hashable, build: Callable[..., QuerySet[Any, R]], /, **given: object
) -> list[R]:
    """`list(build(**values))`, its SQL compiled once for `key` on this connection."""
    values = {name: _plain(value) for name, value in given.items()}
    if any(type(v) is int and not _BIGINT_MIN <= v <= _BIGINT_MAX for v in values.values()):
        # Beyond a bigint the database would refuse the value; Django's lookups match nothing.
        return list(build(**values))
    connection = connections["default"]
    cache: dict[Hashable, _Compiled] = connection.__dict__.setdefault("_compiled_querysets", {})
    compiled = cache.get(key)
    if compiled is None:
        if len(cache) >= MAX_KEYS:
            cache.clear()
        compiled = cache[key] = _compile(build, values, connection)
    for name, value in values.items():
        if type(value) is not compiled.types.get(name):
            raise CompiledQueryError(f"{key!r}: {name} must be {compiled.types.get(name)}")
    params = list(compiled.params)
    for position, name in compiled.slots:
        params[position] = values[name]
    return list(_queryset_running(compiled, tuple(params)))


def _plain(value: object) -> int | str:
    """An int or a text as the database takes it (a choice's value, not its enum)."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise CompiledQueryError(f"only int and str values can be compiled, not {value!r}")


def _compile(
    build: Callable[..., QuerySet], values: dict[str, int | str], connection: BaseDatabaseWrapper
) -> _Compiled:
    # The values are plain ints and texts already (_plain).
    stand_ins: dict[str, int | str] = {
        name: _INT_STAND_IN + index if type(value) is int else _TEXT_STAND_IN.format(name)
        for index, (name, value) in enumerate(values.items())
    }
    queryset = build(**stand_ins)
    if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        raise CompiledQueryError("a prefetch runs queries of its own: read them apart")
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        raise CompiledQueryError("a stand-in is out of its column's range") from None
    slots = []
    by_stand_in = {stand_in: name for name, stand_in in stand_ins.items()}
    for position, param in enumerate(params):
        name = by_stand_in.get(param, "") if type(param) in (int, str) else ""
        if name:
            slots.append((position, name))
        elif isinstance(param, str) and any(
            isinstance(s, str) and s in param for s in stand_ins.values()
        ):
            raise CompiledQueryError(f"a value is changed on its way to the SQL: {param!r}")
    placed = {name for _, name in slots}
    for name, stand_in in stand_ins.items():
        if name not in placed or str(stand_in) in sql:
            raise CompiledQueryError(f"{name} does not reach the SQL as a parameter")
    return _Compiled(
        queryset=queryset,
        compiler=compiler,
        sql=sql,
        params=tuple(params),
        slots=tuple(slots),
        types={name: type(value) for name, value in values.items()},
    )


def _queryset_running(compiled: _Compiled, params: tuple[Any, ...]) -> Any:
    """A copy of the built queryset whose compiler answers the compiled SQL with `params`.

    Built as QuerySet._clone builds one, without cloning the query (which is what costs); the
    copy is iterated once and never chained, so the shared query is never changed.
    """
    template: Any = compiled.queryset  # its private parts, as QuerySet._clone copies them
    compiler: Any = object.__new__(type(compiled.compiler))
    compiler.__dict__.update(compiled.compiler.__dict__)
    sql = compiled.sql
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    query: Any = object.__new__(type(template.query))
    query.__dict__.update(template.query.__dict__)
    query.get_compiler = lambda *args, **kwargs: compiler
    running = template.__class__(
        model=template.model, query=query, using=template._db, hints=template._hints
    )
    running._sticky_filter = template._sticky_filter
    running._for_write = template._for_write
    running._known_related_objects = template._known_related_objects
    running._iterable_class = template._iterable_class
    running._fetch_mode = template._fetch_mode
    running._fields = template._fields
    return running
