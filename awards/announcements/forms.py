"""Input forms of the 公示: the public's objection and the city's resolution of one.

They check what a field alone can tell (with the service's own functions, so the message sits on
the field); the services decide the rest.
"""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from applicants.errors import ServiceError
from applicants.fields import CleanCharField
from applicants.services.evidence import evidence_check
from awards.announcements.contact import (
    NAME_MAX,
    PHONE_INPUT_MAX,
    objector_name_clean,
    objector_phone_clean,
)
from awards.announcements.errors import (
    OBJECTION_OUTCOME_UNKNOWN,
    OBJECTION_TEXT_LONG,
    OBJECTION_TEXT_SHORT,
    RESOLUTION_REASON_REQUIRED,
)
from awards.announcements.services import OBJECTION_TEXT_MAX, OBJECTION_TEXT_MIN

MAX_REASON = 2000


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


def _checked(check: object, value: object) -> object:
    try:
        return check(value)  # type: ignore[operator]
    except ServiceError as exc:
        raise ValidationError(str(exc.message)) from None


class ObjectionForm(forms.Form):
    """A public objection under a real name with a telephone; evidence optional."""

    name = CleanCharField(
        label=_("真实姓名"),
        # Room for the spaces and dots people type; the name itself is 2 to 30 characters.
        max_length=NAME_MAX + 20,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    phone = CleanCharField(
        label=_("联系电话（手机或带区号的固定电话）"),
        max_length=PHONE_INPUT_MAX,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "tel", "autocomplete": "tel"}
        ),
    )
    text = CleanCharField(
        label=_("异议内容（事实和理由）"),
        multiline=True,
        min_length=OBJECTION_TEXT_MIN,
        max_length=OBJECTION_TEXT_MAX,
        widget=_textarea(6),
    )
    evidence = forms.FileField(
        label=_("证明材料（可选，PDF、JPG 或 PNG）"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"}
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The service's own words, in the language of this request.
        self.fields["text"].error_messages.update(
            {
                "min_length": str(OBJECTION_TEXT_SHORT % {"min": OBJECTION_TEXT_MIN}),
                "max_length": str(OBJECTION_TEXT_LONG % {"max": OBJECTION_TEXT_MAX}),
            }
        )

    def clean_name(self) -> str:
        return cast(str, _checked(objector_name_clean, self.cleaned_data["name"]))

    def clean_phone(self) -> str:
        return cast(str, _checked(objector_phone_clean, self.cleaned_data["phone"]))

    def clean_evidence(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("evidence")
        if upload:
            # Size and kind only: the service opens the file (a refusal lands on this field).
            _checked(lambda value: evidence_check(upload=value), upload)
        return upload or None


class ObjectionResolveForm(forms.Form):
    """The city's answer to one objection: a stable key (`services.OUTCOMES`) and a reason."""

    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            ("dismiss", _("异议不成立，恢复公示")),
            ("uphold", _("异议成立，退回复审")),
            ("reject", _("异议成立，不予支持")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": OBJECTION_OUTCOME_UNKNOWN,
            "invalid_choice": OBJECTION_OUTCOME_UNKNOWN,
        },
    )
    reason = CleanCharField(
        label=_("处理理由"),
        multiline=True,
        max_length=MAX_REASON,
        widget=_textarea(3),
        error_messages={"required": RESOLUTION_REASON_REQUIRED},
    )
