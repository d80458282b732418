"""Input of the identity pages: decisions post stable keys (never labels) and a reason."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from applicants.errors import ServiceError
from applicants.fields import CleanCharField
from applicants.forms import RegistrationForm
from applicants.services.evidence import evidence_check
from applicants.verification.errors import REASON_REQUIRED

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrOrPromise
else:
    StrOrPromise = object

MAX_REASON = 2000
VERIFY, REFUSE = "verify", "refuse"
UPHOLD, DISMISS = "uphold", "dismiss"
CONFIRM = "confirm"


def _reason_field(label: "StrOrPromise") -> CleanCharField:
    return CleanCharField(
        label=label,
        required=False,
        multiline=True,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


def _radio(choices: list[tuple[str, "StrOrPromise"]], label: "StrOrPromise") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class _ReasonRequiredFor(forms.Form):
    """A decision whose `refusing` choices need a reason (the service checks it again)."""

    refusing: frozenset[str] = frozenset()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") in self.refusing and not cleaned.get("reason"):
            self.add_error("reason", REASON_REQUIRED)
        return cleaned


class IdentityDecisionForm(_ReasonRequiredFor):
    """核验通过 or 核验不通过 (with the reason the enterprise will read)."""

    refusing = frozenset({REFUSE})
    decision = _radio([(VERIFY, _("核验通过")), (REFUSE, _("核验不通过"))], _("核验结果"))
    reason = _reason_field(_("核验意见（不通过时必填，企业可见）"))


class ClaimDecisionForm(forms.Form):
    """认领成立 or 不成立, always with a reason, and what else the decision does."""

    decision = _radio([(UPHOLD, _("认领成立")), (DISMISS, _("认领不成立"))], _("处理结果"))
    reason = _reason_field(_("处理意见（必填，认领人可见）"))
    disable_members = forms.BooleanField(
        label=_("认领成立时：停用该单位现有的全部账号（冒名注册时选择）"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    adopt_bank_account = forms.BooleanField(
        label=_("认领成立时：收款账户改为认领人填报的账户（此后新建的拨付批次生效）"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    disable_claimant = forms.BooleanField(
        label=_("认领不成立时：停用认领人的账号（不勾选则保留账号，但不能查看或办理该单位的申报）"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("reason") and "reason" not in self.errors:
            self.add_error("reason", REASON_REQUIRED)
        return cleaned


class BankChangeDecisionForm(_ReasonRequiredFor):
    refusing = frozenset({REFUSE})
    decision = _radio([(CONFIRM, _("确认变更")), (REFUSE, _("不予确认"))], _("处理结果"))
    reason = _reason_field(_("处理意见（不予确认时必填，企业可见）"))


class LicenceForm(forms.Form):
    """A new business licence, after a refusal (or to replace a poor scan while pending)."""

    licence = forms.FileField(
        label=_("营业执照"),
        help_text=_("PDF、JPEG 或 PNG，按文件内容识别。"),
        widget=forms.FileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png", "class": "form-control"}
        ),
    )

    def clean_licence(self) -> UploadedFile:
        upload = self.cleaned_data["licence"]
        try:
            evidence_check(upload=upload)
        except ServiceError as error:
            raise ValidationError(str(error.message)) from None
        return upload


class BankChangeForm(forms.Form):
    """The account rewards are to be paid to from now on (the county confirms it)."""

    bank_name = CleanCharField(
        label=_("新开户银行"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    bank_account = CleanCharField(
        label=_("新银行账号"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )

    # The registration form's own check: 8 to 32 digits, spaces allowed and removed.
    clean_bank_account = RegistrationForm.clean_bank_account
