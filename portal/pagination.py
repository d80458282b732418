"""Pagination for lists that may hold hundreds of thousands of cases (queues, finance, the API).

Two costs grow with the list, not the page, and both are removed here:
- the count: exact up to `LARGE_LIST_EXACT_COUNT` rows (a count that stops there), beyond it
  PostgreSQL's estimate for the same query (shown as "about N"); a page past the true end, which
  an estimate can offer, falls back to the exact count and its last page. An estimate is kept in
  the shared cache for `LARGE_LIST_ESTIMATE_CACHE_SECONDS` per query (its SQL and parameters,
  which carry the reader's scope): the pages of a long list do not count to the limit again on
  every request only to learn that it is long. Exact counts are never kept;
- a deep page: the page's ids are read narrowly (a subquery: an index-only scan of the sort's
  index can skip tens of thousands of rows), and only those rows in full, in one statement.
"""

import functools
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class LargeListPaginator(Paginator):
    """A Paginator over a QuerySet with a bounded count and a two-step page read."""

    object_list: QuerySet

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        count_from: QuerySet | None = None,
        ids_from: QuerySet | None = None,
        **kwargs: Any,
    ) -> None:
        """`count_from`: the same rows without what only the order needs (a join), to count.
        `ids_from`: the same rows in the same order without what only the page's rows read (a
        join to a column they show): the page's ids are read from it."""
        super().__init__(object_list, per_page, **kwargs)
        self.count_from = count_from if count_from is not None else object_list
        self.ids_from = ids_from if ids_from is not None else object_list
        self.estimated = False

    @cached_property
    def count(self) -> int:
        limit = settings.LARGE_LIST_EXACT_COUNT
        rows = self.count_from.order_by().values("pk")
        key = _estimate_key(rows, limit)
        if key is not None:
            kept = cache.get(key)
            if kept is not None:
                self.estimated = True
                return kept
        counted = rows[: limit + 1].count()
        if counted <= limit:
            return counted
        estimate = _estimated_rows(rows)
        if estimate is None:  # a database without estimates: count them all
            return rows.count()
        self.estimated = True
        estimate = max(limit + 1, estimate)
        if key is not None:
            cache.set(key, estimate, settings.LARGE_LIST_ESTIMATE_CACHE_SECONDS)
        return estimate

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # One statement: the page's ids narrowly (the subquery), then those rows in full, in
        # the list's order (a sort of one page's rows).
        ids = self.ids_from.values("pk")[bottom : bottom + self.per_page]
        rows = list(self.object_list.filter(pk__in=ids))
        if not rows and number > 1 and self.estimated:
            # The estimate offered pages the list does not have: count exactly, show its last.
            self._count_exactly()
            return self.page(min(number, self.num_pages))
        return Page(rows, number, self)

    def _count_exactly(self) -> None:
        rows = self.count_from.order_by().values("pk")
        key = _estimate_key(rows, settings.LARGE_LIST_EXACT_COUNT)
        if key is not None:  # the estimate was wrong: the next reader counts again
            cache.delete(key)
        self.__dict__["count"] = rows.count()
        self.__dict__.pop("num_pages", None)
        self.estimated = False


def _estimate_key(rows: QuerySet, limit: int) -> str | None:
    """The cache key of the estimate for `rows`, or None when estimates are not kept."""
    if settings.LARGE_LIST_ESTIMATE_CACHE_SECONDS <= 0:
        return None
    sql, params = rows.query.sql_with_params()
    text = f"{rows.db}|{limit}|{sql}|{params!r}"
    return "list-estimate:" + hashlib.sha256(text.encode()).hexdigest()


def _estimated_rows(rows: QuerySet) -> int | None:
    """The planner's row estimate for `rows` (PostgreSQL), or None where there is none."""
    if connections[rows.db].vendor != "postgresql":
        return None
    plan = json.loads(rows.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class LargeListPagination(PageNumberPagination):
    """The API's pages of cases: the same bounded count, and `count_estimated` says when
    `count` is PostgreSQL's estimate rather than an exact figure."""

    django_paginator_class = LargeListPaginator

    def paginate_rows(
        self, rows: QuerySet, cases: QuerySet, request: Any, view: Any = None
    ) -> list[Any]:
        """A page of `rows` (what the list answers of `cases`, e.g. named tuples), counted and
        its ids read on `cases`: the rows' joins to the columns they show stay out of both."""
        self.django_paginator_class = functools.partial(  # type: ignore[assignment]
            LargeListPaginator, count_from=cases, ids_from=cases
        )
        return self.paginate_queryset(rows, request, view)  # type: ignore[return-value]

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_estimated"] = self.page.paginator.estimated  # type: ignore[union-attr]
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "true when count is the database's estimate (a list of more than "
            "LARGE_LIST_EXACT_COUNT cases)",
        }
        paginated["required"] = [
            *paginated.get("required", ["count", "results"]),
            "count_estimated",
        ]
        return paginated
