"""The sign-in form: Django's, with the lockout of applicants.login_throttle in front of it."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from applicants.client_address import client_address
from applicants.login_throttle import login_failure_record, login_lock, login_success
from applicants.two_factor.selectors import two_factor_required

ACCOUNT_LOCKED = _(
    "该账户连续 %(limit)s 次密码错误，已暂时锁定，%(until)s（北京时间）后可再试；"
    "如需提前解锁，请联系系统管理员。"
)
ADDRESS_LOCKED = _(
    "您所在网络的登录失败次数过多，已暂时停止登录，%(until)s（北京时间）后可再试；"
    "如需提前解锁，请联系系统管理员。"
)


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "locked": ACCOUNT_LOCKED}

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request is not None else None
        lock = login_lock(username=username, address=address)
        if lock is not None:
            until = date_format(timezone.localtime(lock.until), "Y-m-d H:i")
            message = ADDRESS_LOCKED if lock.by_address else ACCOUNT_LOCKED
            raise forms.ValidationError(
                message % {"limit": settings.LOGIN_FAILURE_LIMIT, "until": until}, code="locked"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                login_failure_record(username=username, address=address)
            raise
        # Cleared only by a real sign-in (a form missing its password authenticates nobody); an
        # official's by the second factor, not the password: otherwise signing in again between
        # wrong codes would reset the lockout of code guessing.
        user = self.get_user()
        if user is not None and not two_factor_required(user=user):
            login_success(username=username)
        return cleaned
