"""Input of the batch pages: a new batch's year and awards, a bank return file."""

from django import forms
from django.utils.translation import gettext_lazy as _


class BatchCreateForm(forms.Form):
    year = forms.TypedChoiceField(label=_("预算年度"), coerce=int, choices=())
    awards = forms.TypedMultipleChoiceField(
        label=_("纳入批次的奖励"), coerce=int, choices=(), required=False
    )

    def __init__(
        self,
        *args: object,
        years: list[int],
        award_choices: list[tuple[int, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["awards"].choices = award_choices  # type: ignore[attr-defined]


class BankReturnForm(forms.Form):
    file = forms.FileField(
        label=_("银行回单文件（CSV 或 XLSX）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}),
    )
