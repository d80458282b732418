"""The review queue's filters, shared by the pages and the API (django-filter)."""

import copy

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from applicants import policy, programmes
from applicants.models import Application, Enterprise, Status
from awards.selectors import (
    filter_jurisdiction_choices_for,
    pending_states_for,
    visible_states_for,
)
from portal.filters import ChoiceFilter, OrderingFilter

QUEUE_PENDING = "pending"
# A search matching at most this many enterprises lists their ids; more, a subquery.
SEARCH_LISTED_ENTERPRISES = 1000
QUEUE_ALL = "all"


def _item_choices() -> list[tuple[str, str]]:
    return policy.version_in_force().item_choices(policy.rules_lang())


def _programme_choices() -> list[tuple[str, str]]:
    return programmes.programme_choices()


class StableOrderingFilter(OrderingFilter):
    """Sort by the chosen column, then by id, so pages never overlap or skip a case.

    Empty, unknown and repeated keys (`?sort=,` or `amount,-amount`) are skipped: the first
    mention of a column decides its direction.
    """

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:  # type: ignore[override]
        ordering: list[str] = []
        columns: set[str] = set()
        for param in value or []:
            if param in EMPTY_VALUES:
                continue
            column = param[1:] if param.startswith("-") else param
            if column not in self.param_map or column in columns:
                continue
            columns.add(column)
            ordering.append(self.get_ordering_value(param))
        if not ordering:
            ordering = ["submitted_at"]
        tiebreak = "-id" if ordering[-1].startswith("-") else "id"
        return qs.order_by(*ordering, tiebreak)


class ReviewQueueFilter(django_filters.FilterSet):
    """Filter, search and sort a reviewer's queue; invalid values are ignored, never a 500."""

    queue = ChoiceFilter(
        label=_("范围"),
        choices=[(QUEUE_PENDING, _("待我处理")), (QUEUE_ALL, _("全部可见申报"))],
        method="filter_queue",
        empty_label=None,
    )
    item = ChoiceFilter(label=_("奖励事项"), choices=_item_choices)
    # Both choice lists are narrowed to what the official can see (get_form_class).
    status = ChoiceFilter(label=_("状态"), choices=Status.choices)
    jurisdiction = ChoiceFilter(label=_("所属县区"), choices=())
    # 市级奖励 or a county's 同步奖励: whose money the case is.
    programme = ChoiceFilter(label=_("奖励计划"), choices=_programme_choices)
    submitted_from = django_filters.DateFilter(
        label=_("提交日期自"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = django_filters.DateFilter(
        label=_("提交日期至"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(
        label=_("单位名称或统一社会信用代码"), method="filter_search", max_length=100
    )
    sort = StableOrderingFilter(
        label=_("排序"),
        empty_label=_("提交时间（先到先审）"),
        fields=(
            ("submitted_at", "submitted_at"),
            # The stored key (the award's amount, else the expected one): an index, not a sort.
            ("queue_amount", "amount"),
            ("enterprise__name", "enterprise"),
        ),
        field_labels={
            "submitted_at": _("提交时间（从早到晚）"),
            "-submitted_at": _("提交时间（从晚到早）"),
            "amount": _("金额（从低到高）"),
            "-amount": _("金额（从高到低）"),
            "enterprise__name": _("单位名称"),
            "-enterprise": _("单位名称（倒序）"),
        },
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def get_form_class(self) -> type[forms.Form]:
        """The filters' form with the status and jurisdiction choices of this official.

        Offered (and accepted) is only what the official can see: a county reviewer its own
        jurisdiction, nobody a draft. A value outside them is a field error (400 in the API).
        The fields are copied: the filters' own are shared by every request.
        """
        form_class = super().get_form_class()
        user = getattr(self.request, "user", None)
        states = set(visible_states_for(user))
        status = copy.deepcopy(form_class.base_fields["status"])
        status.choices = [(key, label) for key, label in Status.choices if key in states]
        jurisdictions = filter_jurisdiction_choices_for(user)
        jurisdiction = copy.deepcopy(form_class.base_fields["jurisdiction"])
        if len(jurisdictions) == 1:
            jurisdiction.empty_label = None  # type: ignore[attr-defined]
        jurisdiction.choices = jurisdictions  # type: ignore[attr-defined]
        fields: dict[str, object] = {"status": status, "jurisdiction": jurisdiction}
        if len(programmes.programme_codes()) < 2:
            # Only the city's programme runs: a filter with one choice is noise (None removes it).
            fields["programme"] = None
        return type(form_class.__name__, (form_class,), fields)

    def filter_queue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value != QUEUE_PENDING or self.request is None:
            return queryset
        return queryset.filter(status__in=pending_states_for(self.request.user))

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Cases of the enterprises whose name contains the text or whose credit code starts
        with it. The enterprises are found first (a trigram index for the name, the code's own
        index: codes are stored in capitals), then their cases: never a scan of every case."""
        value = value.strip()
        if not value:
            return queryset
        enterprises = Enterprise.objects.filter(
            Q(name__icontains=value) | Q(credit_code__startswith=value.upper())
        )
        # Their ids as a list when they are few: the planner then reads those enterprises'
        # cases by their index and sorts a few thousand, where a subquery led it to walk the
        # sort's index through every case (~10 ms for 100 enterprises of 100,000 cases).
        ids = list(enterprises.values_list("pk", flat=True)[: SEARCH_LISTED_ENTERPRISES + 1])
        if len(ids) <= SEARCH_LISTED_ENTERPRISES:
            return queryset.filter(enterprise_id__in=ids)
        return queryset.filter(enterprise_id__in=enterprises.values("pk"))
