"""The payout report's filter (django-filter): the page, its exports, the job and the CLI share it.

What a filter accepts is what the reader could choose: a county official's jurisdiction is its
own only. Invalid values are field errors (the page answers 400, the CLI exits 2), never ignored:
a report that silently dropped a filter would show totals nobody asked for.
"""

import copy
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from applicants import policy, programmes
from applicants.models import User
from awards.reports import errors as E
from awards.reports.selectors import STATUS_FILTERS, GroupBy, ReportStatus
from awards.selectors import filter_jurisdiction_choices_for
from portal.filters import ChoiceFilter

# The keys a stored filter (PayoutExport.filters, the audit entry) may hold, in this order.
FILTER_KEYS = ("year", "programme", "item", "jurisdiction", "status", "q", "group")


def _item_choices() -> list[tuple[str, str]]:
    return policy.version_in_force().item_choices(policy.rules_lang())


class YearFilter(django_filters.Filter):
    """A pay year; queued awards have none and are chosen by status (排队中) instead."""

    field_class = forms.IntegerField


class PayoutReportFilter(django_filters.FilterSet):
    year = YearFilter(
        label=_("兑付年度"),
        field_name="award__pay_year",
        min_value=E.YEAR_MIN,
        max_value=E.YEAR_MAX,
        error_messages={"invalid": E.BAD_YEAR, "min_value": E.BAD_YEAR, "max_value": E.BAD_YEAR},
    )
    programme = ChoiceFilter(
        label=_("奖励计划"),
        choices=programmes.programme_choices,
        error_messages={"invalid_choice": E.UNKNOWN_PROGRAMME},
    )
    item = ChoiceFilter(
        label=_("奖励事项"),
        choices=_item_choices,
        error_messages={"invalid_choice": E.UNKNOWN_CHOICE},
    )
    # Narrowed to what the reader sees (get_form_class).
    jurisdiction = ChoiceFilter(
        label=_("县区"), choices=(), error_messages={"invalid_choice": E.UNKNOWN_CHOICE}
    )
    status = ChoiceFilter(
        label=_("状态"),
        choices=ReportStatus.choices,
        method="filter_status",
        error_messages={"invalid_choice": E.UNKNOWN_CHOICE},
    )
    q = django_filters.CharFilter(
        label=_("企业名称或统一社会信用代码"), method="filter_enterprise", max_length=100
    )
    # Not a filter: how the summary and the export are grouped.
    group = ChoiceFilter(
        label=_("分组"),
        choices=GroupBy.choices,
        method="filter_nothing",
        empty_label=None,
        error_messages={"invalid_choice": E.UNKNOWN_CHOICE},
    )

    class Meta:
        fields: list[str] = []

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet | None = None,
        *,
        user: User | None,
        years: list[int] | None = None,
    ) -> None:
        self.user = user
        self.years = years or []
        super().__init__(data, queryset)

    def get_form_class(self) -> type[forms.Form]:
        """The form with this reader's jurisdictions and, on the page, the years to pick from."""
        form_class = super().get_form_class()
        jurisdiction = copy.deepcopy(form_class.base_fields["jurisdiction"])
        # The system (CLI) sees every jurisdiction.
        choices = (
            filter_jurisdiction_choices_for(self.user)
            if self.user is not None
            else policy.jurisdiction_choices()
        )
        if len(choices) == 1:
            jurisdiction.empty_label = None  # type: ignore[attr-defined]
        jurisdiction.choices = choices  # type: ignore[attr-defined]
        year = copy.deepcopy(form_class.base_fields["year"])
        year.widget = forms.Select(
            choices=[("", _("全部年度")), *[(str(y), str(y)) for y in self.years]]
        )
        return type(
            form_class.__name__, (form_class,), {"jurisdiction": jurisdiction, "year": year}
        )

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(STATUS_FILTERS[value])

    def filter_enterprise(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__istartswith=value.upper())
        )

    def filter_nothing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    @property
    def group_by(self) -> str:
        """The chosen grouping (by pay year unless another is asked for)."""
        chosen = self.form.cleaned_data.get("group") if self.is_valid() else None
        return chosen or GroupBy.YEAR

    def stored(self) -> dict[str, Any]:
        """The valid filter as a stored record keeps it: only what was chosen, keys not labels."""
        cleaned = self.form.cleaned_data
        stored = {key: cleaned.get(key) for key in FILTER_KEYS}
        stored["group"] = self.group_by
        return {key: value for key, value in stored.items() if value not in (None, "")}
