"""Input forms of awards: they validate and clean, the services decide.

Money is typed as people type it ("350,000", "３５００００", "350，000.00": `MoneyField`, a text
box, so the server's message is what shows); free text goes through `CleanCharField`.
"""

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.fields import CleanCharField, MoneyField
from applicants.workflow import Transition

MAX_REASON = 2000
# What a money column of awards holds (14 digits, 2 places): more is a typing error.
MAX_AMOUNT = Decimal("999999999999.99")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


class DecisionForm(forms.Form):
    """One action on a case: the stable action key (never the label), a reason, and the extras
    that only some actions read (amount for approve, payment details for pay)."""

    action = forms.ChoiceField(label=_("操作"), choices=())
    reason = CleanCharField(
        label=_("理由 / 意见"),
        required=False,
        multiline=True,
        max_length=MAX_REASON,
        widget=_textarea(),
    )
    amount = MoneyField(
        label=_("批准金额（元，留空按规则计算）"), required=False, max_value=MAX_AMOUNT
    )
    override_reason = CleanCharField(
        label=_("调整金额理由"),
        required=False,
        multiline=True,
        max_length=MAX_REASON,
        widget=_textarea(2),
    )
    quota_exempt = forms.BooleanField(
        label=_("不占年度名额（每年每项原则上不超过5项）"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    exempt_reason = CleanCharField(
        label=_("不占名额理由"),
        required=False,
        multiline=True,
        max_length=MAX_REASON,
        widget=_textarea(2),
    )
    payment_reference = CleanCharField(
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

    @property
    def has_actions(self) -> bool:
        """Whether the reader has any bulk action (else the queue offers no checkboxes)."""
        return bool(self.fields["action"].choices)  # type: ignore[attr-defined]


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

    @property
    def has_actions(self) -> bool:
        """Whether the reader has any bulk action (else the queue offers no checkboxes)."""
        return bool(self.fields["action"].choices)  # type: ignore[attr-defined]


class OverrideForm(forms.Form):
    amount = MoneyField(label=_("批准金额（元）"), max_value=MAX_AMOUNT)
    reason = CleanCharField(
        label=_("调整理由"), multiline=True, max_length=MAX_REASON, widget=_textarea(2)
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Ids of its own: the case page shows several forms with a "reason" at once.
        kwargs.setdefault("auto_id", "override_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class ExemptForm(forms.Form):
    exempt = forms.BooleanField(
        label=_("不占年度名额"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    reason = CleanCharField(
        label=_("理由"), multiline=True, max_length=MAX_REASON, widget=_textarea(2)
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Ids of its own: the case page shows several forms with a "reason" at once.
        kwargs.setdefault("auto_id", "exempt_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class RepriceForm(forms.Form):
    """The city's decision on a flagged new price: take it, or keep the approved amount."""

    accept = forms.TypedChoiceField(
        choices=[("1", _("采用重新计算的金额")), ("0", _("维持批准金额"))],
        coerce=lambda value: value == "1",
    )
    reason = CleanCharField(
        label=_("说明"), required=False, multiline=True, max_length=MAX_REASON, widget=_textarea(2)
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Ids of its own: the case page shows several forms with a "reason" at once.
        kwargs.setdefault("auto_id", "reprice_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class BudgetForm(forms.Form):
    # A text box, not type=number: the browser must not swap the server's message for its own.
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2020,
        max_value=2100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    amount = MoneyField(label=_("预算金额（元）"), max_value=MAX_AMOUNT)
