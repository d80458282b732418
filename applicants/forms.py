"""Input forms of applicants: they parse and check what people type, and hold no business logic."""

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants import policy
from applicants.errors import ServiceError
from applicants.fields import CleanCharField, MoneyField
from applicants.models import Application, User
from applicants.services.applications import ApplicationInput
from applicants.services.enterprises import EnterpriseInput, credit_code_normalize
from applicants.services.evidence import evidence_check
from rules import ItemRule, RulesVersion
from rules.model import FactSpec

EVIDENCE_PREFIX = "evidence__"
PHONE_INVALID = _("请输入有效的电话号码，例如 0376-6200001 或 13800000000。")
BANK_ACCOUNT_INVALID = _("银行账号应为8至32位数字（可含空格）。")
DATE_IN_FUTURE = _("日期不能晚于今天。")
CHOOSE = _("请选择")
# Facts the enterprise's registration and the event date field supply.
_FROM_ENTERPRISE = frozenset({"event_date", "applicant_type", "jurisdiction"})
_PRIOR = "prior_awards_same_project"

_PHONE = re.compile(r"\+?[0-9][0-9\- ]{5,24}")
_BANK_ACCOUNT = re.compile(r"[0-9 ]{8,40}")


def bootstrap_style(form: forms.Form) -> None:
    """Bootstrap classes on every widget, so templates render fields in one loop."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def service_error_to_form(form: forms.Form, error: ServiceError) -> None:
    """Show a service's refusal on the field it concerns, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class RegistrationForm(SetPasswordMixin, forms.Form):
    """企业注册: the enterprise as registered, its payout account, and the first member's login."""

    name = CleanCharField(label=_("单位名称"), max_length=200)
    credit_code = CleanCharField(
        label=_("统一社会信用代码"),
        max_length=30,
        help_text=_("18位，见营业执照；最后一位是校验位。"),
    )
    jurisdiction = forms.ChoiceField(label=_("所属县区"))
    applicant_type = forms.ChoiceField(label=_("申报主体类型"))
    legal_representative = CleanCharField(label=_("法定代表人"), max_length=100)
    contact_name = CleanCharField(label=_("联系人"), max_length=100)
    contact_phone = CleanCharField(label=_("联系电话"), max_length=30)
    contact_email = forms.EmailField(label=_("联系邮箱"), max_length=254)
    bank_name = CleanCharField(label=_("开户银行"), max_length=200)
    bank_account = CleanCharField(label=_("银行账号"), max_length=40)
    username = forms.CharField(
        label=_("登录用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("字母、数字或 @/./+/-/_，最多150个字符。"),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("密码"), label2=_("确认密码")
    )
    # Checked by the county before the enterprise's first submission (applicants/verification).
    licence = forms.FileField(
        label=_("营业执照"),
        help_text=_("营业执照扫描件或照片（PDF、JPEG 或 PNG），县区核验后方可提交申报。"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    # Shown once the code turns out to be registered already: a claim instead of a dead end.
    claim = forms.BooleanField(label=_("提交认领申请（由所属县区核实）"), required=False)
    claim_statement = CleanCharField(
        label=_("认领说明"),
        required=False,
        multiline=True,
        max_length=2000,
        widget=forms.Textarea,
        help_text=_("请写明您与该单位的关系，以及为何认为现有注册有误。"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["claim_statement"].widget.attrs["rows"] = 3
        jurisdiction = cast(forms.ChoiceField, self.fields["jurisdiction"])
        jurisdiction.choices = [("", CHOOSE), *policy.jurisdiction_choices()]
        applicant_type = cast(forms.ChoiceField, self.fields["applicant_type"])
        applicant_type.choices = [("", CHOOSE), *policy.applicant_type_choices()]
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        bootstrap_style(self)

    def clean_credit_code(self) -> str:
        try:
            return credit_code_normalize(self.cleaned_data["credit_code"])
        except ServiceError as error:
            raise ValidationError(str(error.message), code="credit_code") from None

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if not _PHONE.fullmatch(phone):
            raise ValidationError(PHONE_INVALID)
        return phone

    def clean_bank_account(self) -> str:
        account = self.cleaned_data["bank_account"].strip()
        if not _BANK_ACCOUNT.fullmatch(account) or not 8 <= len(account.replace(" ", "")) <= 32:
            raise ValidationError(BANK_ACCOUNT_INVALID)
        return account.replace(" ", "")

    def clean_licence(self) -> UploadedFile:
        upload = self.cleaned_data["licence"]
        try:
            evidence_check(upload=upload)
        except ServiceError as error:
            raise ValidationError(str(error.message)) from None
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self.validate_passwords()
        self.validate_password_for_user(
            User(username=cleaned.get("username", ""), email=cleaned.get("contact_email", ""))
        )
        return cleaned

    def enterprise_input(self) -> EnterpriseInput:
        data = self.cleaned_data
        return EnterpriseInput(
            name=data["name"],
            credit_code=data["credit_code"],
            jurisdiction=data["jurisdiction"],
            applicant_type=data["applicant_type"],
            legal_representative=data["legal_representative"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            bank_name=data["bank_name"],
            bank_account=data["bank_account"],
        )


class InviteForm(SetPasswordMixin, forms.Form):
    """A member creates a colleague's account in the same enterprise."""

    username = forms.CharField(
        label=_("登录用户名"), max_length=150, validators=[UnicodeUsernameValidator()]
    )
    display_name = CleanCharField(label=_("姓名"), max_length=100)
    email = forms.EmailField(label=_("电子邮箱"), max_length=254)
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("初始密码"), label2=_("确认初始密码")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        bootstrap_style(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self.validate_passwords()
        self.validate_password_for_user(
            User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
        )
        return cleaned


class WithdrawForm(forms.Form):
    reason = CleanCharField(
        label=_("撤回原因（选填）"),
        required=False,
        multiline=True,
        max_length=2000,
        widget=forms.Textarea,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["reason"].widget.attrs["rows"] = 3
        bootstrap_style(self)


PASSWORD_SAME_AS_OLD = _("新密码不能与当前密码相同。")


class OwnPasswordChangeForm(PasswordChangeForm):
    """修改密码: Django's form, styled; the new password must differ from the current one.

    A colleague's initial password is known to whoever chose it: keeping it is not choosing one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_style(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new = cleaned.get("new_password1")
        if new and self.user.check_password(new):
            self.add_error("new_password1", PASSWORD_SAME_AS_OLD)
        return cleaned


class StyledPasswordResetForm(PasswordResetForm):
    """找回密码: the email address an account was registered with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_style(self)


class StyledSetPasswordForm(SetPasswordForm):
    """The new password, from a reset link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_style(self)


class PastDateField(forms.DateField):
    """A calendar date (the browser's date picker), not after today in Beijing time."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise ValidationError(DATE_IN_FUTURE, code="future")


class ApplicationForm(forms.Form):
    """The application for one item, built from the item's definition in the rules version.

    A draft may leave facts empty (what is typed must still be valid); `for_submit` makes every
    fact, required evidence not yet uploaded, and the declaration required.
    """

    project_name = CleanCharField(
        label=_("项目/成果名称"),
        max_length=200,
        help_text=_("获奖项目、入选数据集、平台或试点的名称，与证明材料一致。"),
    )
    event_date = PastDateField(
        label=_("事项发生日期"),
        required=False,
        help_text=_("获奖、入选、取得证书、签订合同或入表的日期。"),
    )
    description = CleanCharField(
        label=_("项目简介"),
        required=False,
        multiline=True,
        max_length=5000,
        widget=forms.Textarea,
    )

    def __init__(
        self,
        *args: object,
        rule: ItemRule,
        version: RulesVersion,
        for_submit: bool = False,
        uploaded_kinds: frozenset[str] = frozenset(),
        cited_announcement: Mapping[str, Any] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rule = rule
        self.fact_names: list[str] = []
        self.evidence_names: list[str] = []
        lang = policy.rules_lang()
        # The item's own facts first, then the optional first_time and prior awards.
        own = {s.code for s in rule.facts}
        specs = [s for s in version.fact_specs(rule.code) if s.code not in _FROM_ENTERPRISE]
        for spec in sorted(specs, key=lambda s: (s.code not in own, s.code == _PRIOR)):
            self.fields[spec.code] = self._fact_field(spec, version, lang)
            self.fact_names.append(spec.code)
        for doc in rule.evidence:
            name = f"{EVIDENCE_PREFIX}{doc.code}"
            self.fields[name] = forms.FileField(
                label=doc.label(lang),
                required=False,
                help_text=_("必须提供") if doc.required else _("选填"),
                widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
            )
            self.evidence_names.append(name)
        cited = cited_announcement or {}
        if cited.get("evidence_kind") in {d.code for d in rule.evidence}:
            # 免申即享: the published list the draft was prepared from stands for this evidence.
            self.fields[f"{EVIDENCE_PREFIX}{cited['evidence_kind']}"].help_text = _(
                "已引用公布名单（%(number)s），可不再上传；如有原件，也可上传。"
            ) % {"number": cited.get("document_number", "")}
        self.fields["declaration_accepted"] = forms.BooleanField(
            label=_("我已阅读并同意以上承诺"), required=False
        )
        self.fields["description"].widget.attrs["rows"] = 4
        if for_submit:
            self._require_for_submit(version, uploaded_kinds)
        bootstrap_style(self)

    @staticmethod
    def _fact_field(spec: FactSpec, version: RulesVersion, lang: str) -> forms.Field:
        label = spec.label(lang)
        kind = spec.type
        if spec.code == _PRIOR:
            return MoneyField(
                label=label,
                required=False,
                max_value=version.money_max,
                help_text=_(
                    "同一成果此前已获得的本政策或市级其他政策奖励（元），没有请留空或填 0；"
                    "按从优、就高、不重复原则补差。"
                ),
            )
        if kind == "money":
            return MoneyField(
                label=label,
                required=False,
                max_value=version.money_max,
                help_text=_("单位：元，可填写如 1,234,567.89。"),
            )
        if kind == "enum":
            choices = [(c.code, c.label(lang)) for c in spec.choices]
            return forms.ChoiceField(label=label, required=False, choices=[("", CHOOSE), *choices])
        if kind == "bool":
            return forms.ChoiceField(
                label=label,
                required=False,
                initial="true",
                choices=[("true", _("是")), ("false", _("否"))],
                help_text=_("本单位是否首次获得此类事项（每家企业限奖励一次）。"),
            )
        if kind == "date":
            return PastDateField(label=label, required=False)
        return CleanCharField(label=label, required=False, max_length=500)

    def _require_for_submit(self, version: RulesVersion, uploaded_kinds: frozenset[str]) -> None:
        self.fields["event_date"].required = True
        specs = {s.code: s for s in version.fact_specs(self.rule.code)}
        for name in self.fact_names:
            self.fields[name].required = specs[name].required
        for spec in self.rule.evidence:
            if spec.required and spec.code not in uploaded_kinds:
                self.fields[f"{EVIDENCE_PREFIX}{spec.code}"].required = True
        self.fields["declaration_accepted"].required = True
        self.fields["declaration_accepted"].error_messages["required"] = _(
            "提交前须阅读并勾选承诺书。"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name in self.evidence_names:
            upload = cleaned.get(name)
            if upload:
                try:
                    evidence_check(upload=upload)
                except ServiceError as error:
                    self.add_error(name, str(error.message))
        return cleaned

    def fact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fact_names]

    def evidence_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.evidence_names]

    def typed_facts(self) -> dict[str, str]:
        """The valid typed facts as stored: money "0.00", dates ISO, choices as codes."""
        facts: dict[str, str] = {}
        for name in self.fact_names:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(value, Decimal):
                facts[name] = f"{value:.2f}"
            elif isinstance(value, date):
                facts[name] = value.isoformat()
            else:
                facts[name] = str(value)
        return facts

    def application_input(self) -> ApplicationInput:
        data = self.cleaned_data
        return ApplicationInput(
            project_name=data["project_name"],
            description=data.get("description", ""),
            event_date=data.get("event_date"),
            facts=self.typed_facts(),
            declaration_accepted=bool(data.get("declaration_accepted")),
        )

    def evidence_uploads(self) -> Mapping[str, UploadedFile]:
        return {
            name.removeprefix(EVIDENCE_PREFIX): self.cleaned_data[name]
            for name in self.evidence_names
            if self.cleaned_data.get(name)
        }

    @classmethod
    def initial_from(cls, application: Application) -> dict[str, object]:
        """The form's initial values from a saved case."""
        return {
            "project_name": application.project_name,
            "description": application.description,
            "event_date": application.event_date,
            "declaration_accepted": application.declaration_accepted,
            **application.facts,
        }
