"""Input forms of awards: they validate and clean, the services decide."""

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.workflow import Transition

MAX_REASON = 2000
ZERO = Decimal("0.00")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


class DecisionForm(forms.Form):
    """One action on a case: the stable action key (never the label), a reason, and the extras
    that only some actions read (amount for approve, payment details for pay)."""

    action = forms.ChoiceField(label=_("操作"), choices=())
    reason = forms.CharField(
        label=_("理由 / 意见"), required=False, max_length=MAX_REASON, widget=_textarea()
    )
    amount = forms.DecimalField(
        label=_("批准金额（元，留空按规则计算）"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=ZERO,
        widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control"}),
    )
    override_reason = forms.CharField(
        label=_("调整金额理由"), required=False, max_length=MAX_REASON, widget=_textarea(2)
    )
    quota_exempt = forms.BooleanField(
        label=_("不占年度名额（每年每项原则上不超过5项）"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    exempt_reason = forms.CharField(
        label=_("不占名额理由"), required=False, max_length=MAX_REASON, widget=_textarea(2)
    )
    payment_reference = forms.CharField(
        label=_("支付凭证号"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    paid_at = forms.DateField(
        label=_("兑付日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args: object, actions: Iterable[Transition] = (), **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [(t.action, t.label) for t in actions]  # type: ignore[attr-defined]


class IdListField(forms.Field):
    """Case ids from checkboxes; which of them the official may act on is the service's call."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("选中的申报编号无效。"),
        "too_many": _("一次最多处理 %(max)s 件。"),
    }
    max_ids = 500

    def to_python(self, value: object) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        # isdecimal-like check on ASCII only: "²".isdigit() is True but int("²") fails.
        if not all(
            isinstance(v, str) and v.isascii() and v.isdigit() and len(v) < 19 for v in values
        ):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(values) > self.max_ids:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_ids}
            )
        return [int(str(v)) for v in values]


class BulkDecisionForm(forms.Form):
    """A bulk action and the ids of the selected cases."""

    action = forms.ChoiceField(label=_("批量操作"), choices=())
    ids = IdListField(label=_("选中的申报"), error_messages={"required": _("请先勾选申报。")})

    def __init__(self, *args: object, actions: Iterable[Transition] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [(t.action, t.label) for t in actions]  # type: ignore[attr-defined]


class OverrideForm(forms.Form):
    amount = forms.DecimalField(
        label=_("批准金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=ZERO,
        widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control"}),
    )
    reason = forms.CharField(label=_("调整理由"), max_length=MAX_REASON, widget=_textarea(2))


class ExemptForm(forms.Form):
    exempt = forms.BooleanField(
        label=_("不占年度名额"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(label=_("理由"), max_length=MAX_REASON, widget=_textarea(2))


class BudgetForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2020,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    amount = forms.DecimalField(
        label=_("预算金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=ZERO,
        widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control"}),
    )


class ObjectionForm(forms.Form):
    """A public objection: short, plain text; the portal stores it and tells the city."""

    name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    contact = forms.CharField(
        label=_("联系方式（电话或邮箱）"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    text = forms.CharField(
        label=_("异议内容"),
        min_length=10,
        max_length=MAX_REASON,
        widget=_textarea(5),
    )
