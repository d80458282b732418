"""Reusable API (DRF) fields: the same normalisation of free text as the forms' `CleanCharField`."""

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.fields import empty

from applicants.text import clean_text


class CleanCharField(serializers.CharField):
    """A text input whose value is `clean_text`-ed before any check.

    So text made only of invisible characters is blank ("required" unless `allow_blank`), a bidi
    override never reaches the service, and `max_length` counts what is stored. Every free-text
    input of the API uses it.
    """

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        # Before DRF's blank check, which only knows about white space. A NUL is never typed:
        # refused as DRF refuses it, not quietly removed.
        if isinstance(data, str):
            if "\x00" in data:
                null = ProhibitNullCharactersValidator()
                raise serializers.ValidationError(null.message, code=null.code)
            data = clean_text(data, multiline=self.multiline)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        return clean_text(super().to_internal_value(data), multiline=self.multiline)
