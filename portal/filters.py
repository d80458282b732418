"""django-filter's choice filters, copied for each request without copying their choices.

Every request copies the filter set's filters (`FilterSet.__init__`) and its form's fields
(`BaseForm.__init__`), and a copy of a choice filter or field copies its choices deeply: each
label, a lazily translated string, rebuilt through `copy`'s reduce protocol. The queue's filters
(the API's are the same) copied some 550 objects a request that way, a third of building them.
Choices are never changed in place, only replaced whole (`field.choices = …`), so the copies
share them; everything else is copied as before (the memo of `copy.deepcopy` maps the choices
to themselves).
"""

import copy
from typing import Any, Self

import django_filters
from django_filters.fields import ChoiceField, ChoiceIterator


def _shared(memo: dict[int, Any], choices: object) -> None:
    if isinstance(choices, (list, tuple)):
        memo[id(choices)] = choices


class SharedChoiceField(ChoiceField):
    """django-filter's choice field; a copy shares the choices' list (its iterator is the
    copy's own, so the copy's empty label is the one shown)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        choices = self._choices
        _shared(memo, choices.choices if isinstance(choices, ChoiceIterator) else choices)
        return super().__deepcopy__(memo)  # type: ignore[no-any-return]


class _SharedChoices:
    extra: dict[str, Any]

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        _shared(memo, self.extra.get("choices"))
        result = self.__class__.__new__(self.__class__)
        memo[id(self)] = result
        result.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return result


class ChoiceFilter(_SharedChoices, django_filters.ChoiceFilter):
    field_class = SharedChoiceField


class OrderingFilter(_SharedChoices, django_filters.OrderingFilter):
    field_class = SharedChoiceField
