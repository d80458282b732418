"""What the officials' lists built in Python share (the queue's rows, finance's cases to pay):
each row differs from the next only by its case, so what is the same is worked out once a page."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from applicants.models import CITY_PROGRAMME, Status, status_label

# Any number stands for the case's id in the reversed pattern; replaced per row.
_PK_MARK = "987654321"


def case_url_maker(url_name: str) -> Callable[[object], str]:
    """`pk → url` for a case URL pattern taking its id, reversed once (not once per row)."""
    pattern = reverse(url_name, args=[_PK_MARK])
    return lambda pk: pattern.replace(_PK_MARK, str(pk))


class Memo[V](dict[Any, V]):
    """`label(key)` worked out once per key for a page: `Memo(policy.item_title)[item]`."""

    def __init__(self, label: Callable[[Any], V]) -> None:
        super().__init__()
        self._label = label

    def __missing__(self, key: Any) -> V:
        value = self[key] = self._label(key)
        return value


class StatusLabels:
    """A state's label as a list shows it (`status_label`: a county match's `confirmed` reads
    县区已确认), translated once per state and kind of case."""

    def __init__(self) -> None:
        self._labels: dict[tuple[str, bool], str] = {}

    def __call__(self, status: str, programme: str) -> str:
        key = (status, programme != CITY_PROGRAMME and status == Status.CONFIRMED)
        try:
            return self._labels[key]
        except KeyError:
            label = self._labels[key] = status_label(status, is_match=key[1])
            return label


__all__ = ["Memo", "StatusLabels", "case_url_maker"]
