"""The review queue's filters, shared by the pages and the API (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from applicants import policy
from applicants.models import Application, Status
from awards.selectors import pending_states_for

QUEUE_PENDING = "pending"
QUEUE_ALL = "all"


def _item_choices() -> list[tuple[str, str]]:
    return policy.version_in_force().item_choices(policy.rules_lang())


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort by the chosen column, then by id, so pages never overlap or skip a case."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:  # type: ignore[override]
        ordering = [self.get_ordering_value(param) for param in value or []]
        if not ordering:
            ordering = ["submitted_at"]
        tiebreak = "-id" if ordering[-1].startswith("-") else "id"
        return qs.order_by(*ordering, tiebreak)


class ReviewQueueFilter(django_filters.FilterSet):
    """Filter, search and sort a reviewer's queue; invalid values are ignored, never a 500."""

    queue = django_filters.ChoiceFilter(
        label=_("范围"),
        choices=[(QUEUE_PENDING, _("待我处理")), (QUEUE_ALL, _("全部可见申报"))],
        method="filter_queue",
        empty_label=None,
    )
    item = django_filters.ChoiceFilter(label=_("奖励事项"), choices=_item_choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    jurisdiction = django_filters.ChoiceFilter(
        label=_("所属县区"), choices=policy.jurisdiction_choices
    )
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
            ("amount", "amount"),
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

    def filter_queue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value != QUEUE_PENDING or self.request is None:
            return queryset
        return queryset.filter(status__in=pending_states_for(self.request.user))

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__istartswith=value.upper())
        )
