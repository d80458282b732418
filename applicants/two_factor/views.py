"""The second-factor pages: verify at sign-in, enrol (first sign-in or a new phone), backup codes,
the official's security page. Thin: each calls one service and turns its error into the form's."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

import segno
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.models import Device

from applicants.client_address import client_address
from applicants.errors import ServiceError
from applicants.models import User
from applicants.reauth import reauth_grant, reauthentication_required
from applicants.two_factor import services
from applicants.two_factor.forms import CodeForm
from applicants.two_factor.selectors import (
    totp_device_confirmed,
    two_factor_passed,
    two_factor_required,
    two_factor_status,
)

# The backup codes of an enrolment or a regeneration, shown by the next page and then gone.
BACKUP_CODES_SESSION_KEY = "two_factor_new_backup_codes"


def official_account_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, with a role that needs the second factor (others have nothing to set here)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not two_factor_required(user=request.user):
            raise PermissionDenied(_("两步验证适用于工作人员账号，您的账号无需设置。"))
        return view(request, *args, **kwargs)

    return wrapped


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _next(request: HttpRequest) -> str:
    """The page the official was going to, if it is one of ours; else the home page."""
    value = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if value and allowed else resolve_url("home")


def _passed(request: HttpRequest, device: Device) -> None:
    """Both factors given: the session is verified by `device`, under a new session key (a key
    seen before the second factor is not the key of the verified session), and counts as a
    re-authentication."""
    request.session.cycle_key()
    otp_login(request, device)
    reauth_grant(request)


def _same_query(name: str, request: HttpRequest) -> str:
    """The page `name` with this request's query (the `next` it carries)."""
    url = resolve_url(name)
    return f"{url}?{request.GET.urlencode()}" if request.GET else url


def _form_error(form: CodeForm, error: ServiceError) -> None:
    form.add_error("code" if error.field == "code" else None, str(error.message))


@sensitive_post_parameters("code")
@official_account_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """两步验证: after the password, the authenticator's code or a backup code."""
    user = _user(request)
    if two_factor_passed(user=user):
        return redirect(_next(request))
    if totp_device_confirmed(user_id=user.pk) is None:
        return redirect(_same_query("two_factor:enrol", request))
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        help_text=_(
            "打开手机上的身份验证器，输入本平台账号当前显示的6位数字；手机不在身边时，可输入一个备用码。"
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(
                user=user, code=form.cleaned_data["code"], address=client_address(request)
            )
        except ServiceError as error:
            _form_error(form, error)
        else:
            _passed(request, device)
            return redirect(_next(request))
    return render(
        request, "applicants/two_factor/verify.html", {"form": form, "next": _next(request)}
    )


def _enrolment_page(request: HttpRequest, *, again: bool) -> HttpResponse:
    user = _user(request)
    device = services.totp_enrolment_start(user=user)
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        help_text=_("添加后，输入身份验证器显示的6位数字完成绑定。"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.totp_enrolment_confirm(
                user=user, code=form.cleaned_data["code"], address=client_address(request)
            )
        except ServiceError as error:
            _form_error(form, error)
        else:
            _passed(request, enrolment.device)
            request.session[BACKUP_CODES_SESSION_KEY] = enrolment.backup_codes
            return redirect(_same_query("two_factor:backup_codes", request))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "applicants/two_factor/enrol.html",
        {
            "form": form,
            "again": again,
            "secret": services.totp_secret_display(device),
            "qr_svg": qr.svg_inline(scale=4, border=4, light="#fff", title=_("绑定二维码")),
            "next": _next(request),
        },
    )


@sensitive_post_parameters("code")
@official_account_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """绑定身份验证器 at the first sign-in: the secret as text and as a QR code, then a code."""
    user = _user(request)
    if totp_device_confirmed(user_id=user.pk) is not None:
        # Enrolled already: a new phone is the security page's re-enrolment (re-authenticated).
        if two_factor_passed(user=user):
            return redirect("two_factor:security")
        return redirect(_same_query("two_factor:verify", request))
    return _enrolment_page(request, again=False)


@sensitive_post_parameters("code")
@official_account_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def reenrol(request: HttpRequest) -> HttpResponse:
    """更换身份验证器 (a new phone): the same steps; the old authenticator stops on success."""
    return _enrolment_page(request, again=True)


@official_account_required
@require_http_methods(["GET"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The new backup codes, shown this once (they are stored only as the device's tokens)."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    return render(
        request,
        "applicants/two_factor/backup_codes.html",
        {
            "codes": [services.backup_code_display(code) for code in codes or []],
            "next": _next(request),
        },
    )


@official_account_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def backup_codes_new(request: HttpRequest) -> HttpResponse:
    """重新生成备用码 (asked, then done): the old ones stop working."""
    if request.method == "GET":
        return render(request, "applicants/two_factor/backup_codes_new.html")
    codes = services.backup_codes_regenerate(user=_user(request))
    request.session[BACKUP_CODES_SESSION_KEY] = codes
    return redirect("two_factor:backup_codes")


@official_account_required
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    """账号安全: the second factor's state and what the official can do with it."""
    status = two_factor_status(user_id=_user(request).pk)
    return render(request, "applicants/two_factor/security.html", {"status": status})
