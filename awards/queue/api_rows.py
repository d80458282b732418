"""The API's list of cases (`GET /api/v1/cases/`), built in Python from named tuples.

Through `CaseListSerializer` a page of 50 cases built 50 cases, their enterprises and awards as
models, then walked each of eighteen fields through DRF's attribute lookup: about a third of the
request. Here a page reads only the columns the list answers with (`api_rows_of`) and each case
is one dictionary, with the same keys, in the same order and formatted by the same DRF fields
(`tests/awards/test_api_rows.py` compares both answers). The serializer stays the schema's
description of the list.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from applicants import policy, programmes
from applicants.models import Application, case_reference
from awards.listing import Memo, StatusLabels

# What a list item reads: the case's own columns, its enterprise's name and code, and the
# amounts `review_queue` annotates.
API_ROW_FIELDS = (
    "pk",
    "created_at",
    "programme",
    "matched_application_id",
    "enterprise__name",
    "enterprise__credit_code",
    "item",
    "project_name",
    "jurisdiction",
    "status",
    "submitted_at",
    "amount",
    "computed_amount",
    "overridden",
    "possible_duplicate_of_id",
)


def api_rows_of(cases: QuerySet[Application]) -> QuerySet:
    """`cases` (a `review_queue`) reading only what a list item answers: named tuples."""
    return cases.select_related(None).values_list(*API_ROW_FIELDS, named=True)


def case_list_items(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Each row of `api_rows_of` as `CaseListSerializer` answers it."""
    # The same DRF fields as the serializer's, so dates and amounts read exactly as before.
    money = serializers.DecimalField(max_digits=14, decimal_places=2)
    moment = serializers.DateTimeField()
    item_titles = Memo(policy.item_title)
    programme_names = Memo(programmes.programme_name)
    status_labels = StatusLabels()
    items = []
    for row in rows:
        items.append(
            {
                "id": row.pk,
                "reference": case_reference(row.pk, row.created_at),
                "programme": row.programme,
                "programme_name": programme_names[row.programme],
                "matched_application": row.matched_application_id,
                "enterprise_name": row.enterprise__name,
                "credit_code": row.enterprise__credit_code,
                "item": row.item,
                "item_title": item_titles[row.item],
                "project_name": row.project_name,
                "jurisdiction": row.jurisdiction,
                "status": row.status,
                "status_label": status_labels(row.status, row.programme),
                "submitted_at": (
                    None if row.submitted_at is None else moment.to_representation(row.submitted_at)
                ),
                "amount": None if row.amount is None else money.to_representation(row.amount),
                "computed_amount": (
                    None
                    if row.computed_amount is None
                    else money.to_representation(row.computed_amount)
                ),
                "overridden": bool(row.overridden),
                "possible_duplicate_of": row.possible_duplicate_of_id,
            }
        )
    return items


__all__ = ["API_ROW_FIELDS", "api_rows_of", "case_list_items"]
