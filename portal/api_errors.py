"""One error body for every API answer that is not a success (docs/api.md):

    {"errors": {FIELD: [MESSAGE, …]}, "codes": {FIELD: [CODE, …]}, "code": KIND}

`errors` holds the messages in the request's language (Accept-Language), `codes` the stable
machine codes beside them, key for key and position for position, and `code` the kind of refusal
(invalid, not_authenticated, permission_denied, not_found, conflict, too_large, throttled…). A
nested field is one dotted key (`facts.amount`, `awards.0.amount`); what concerns no one field is
under `non_field_errors`.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from applicants.errors import NOT_ALLOWED, ServiceError
from portal.parsers import PayloadTooLarge

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
NOT_FOUND = gettext_lazy("未找到该对象，或您无权查看。")
BODY_TOO_LARGE = gettext_lazy("请求内容过大，超过了服务器允许的大小。")
BAD_REQUEST = gettext_lazy("请求格式不正确。")
SERVER_ERROR = gettext_lazy("服务器内部错误，请稍后重试。")

# The kind of refusal by status, when the exception names none of its own.
KIND_BY_STATUS = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}
# `awards[0].amount` (the rules' paths) is the same field as DRF's nested `awards.0.amount`.
_INDEX = re.compile(r"\[(\d+)\]")


def _key(prefix: str, name: object) -> str:
    name = _INDEX.sub(r".\1", str(name)).lstrip(".")
    if name in ("detail", NON_FIELD):
        return prefix or NON_FIELD
    return f"{prefix}.{name}" if prefix else name


def _flatten(detail: Any, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(dotted field, message, code) for every leaf of DRF's detail (dicts, lists, strings)."""
    if isinstance(detail, Mapping):
        for name, value in detail.items():
            yield from _flatten(value, _key(prefix, name))
    elif isinstance(detail, list | tuple):
        for position, value in enumerate(detail):
            # A list of strings is one field's messages; a list of objects is indexed rows.
            nested = isinstance(value, Mapping | list | tuple)
            yield from _flatten(value, f"{prefix}.{position}" if nested and prefix else prefix)
    else:
        code = getattr(detail, "code", None) or "invalid"
        yield prefix or NON_FIELD, str(detail), str(code)


def error_body(detail: Any, *, kind: str) -> dict[str, Any]:
    """The one error body for `detail` (DRF's detail, a dict, a list or a message)."""
    errors: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    for field, message, code in _flatten(detail):
        errors.setdefault(field, []).append(message)
        codes.setdefault(field, []).append(code)
    if not errors:
        errors[NON_FIELD] = [str(detail)]
        codes[NON_FIELD] = [kind]
    return {"errors": errors, "codes": codes, "code": kind}


def _as_api_exception(exc: Exception) -> Exception:
    """Django's and the services' exceptions as the DRF exception of the same meaning."""
    if isinstance(exc, ServiceError):
        detail = exceptions.ErrorDetail(str(exc.message), code=exc.code)
        api = exceptions.APIException({exc.field or NON_FIELD: [detail]})
        api.status_code = exc.status_code
        api.default_code = exc.code
        return api
    if isinstance(exc, Http404):
        return exceptions.NotFound(NOT_FOUND)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(BODY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return exc


def _kind(exc: Exception, status_code: int) -> str:
    default = KIND_BY_STATUS.get(status_code, "error")
    code = getattr(exc, "default_code", None)
    if isinstance(exc, exceptions.ValidationError) or status_code == 400:
        return "invalid"
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return "not_authenticated"
    # A refusal that names itself (second_factor_required, token_read_only, conflict…) keeps it.
    detail = getattr(exc, "detail", None)
    named = getattr(detail, "code", None)
    if isinstance(named, str) and named not in ("permission_denied", "error", "invalid"):
        return named
    if isinstance(code, str) and code not in ("error", "invalid"):
        return code
    return default


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: DRF's handling, then the one body."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    kind = _kind(exc, response.status_code)
    detail = getattr(exc, "detail", response.data)
    if isinstance(exc, exceptions.Throttled):
        detail = exceptions.ErrorDetail(str(exc.detail), code="throttled")
    response.data = error_body(detail, kind=kind)
    return response


def json_error(
    request: HttpRequest, status_code: int, message: object, *, kind: str | None = None
) -> JsonResponse:
    """The one body for an answer made outside DRF (middleware, Django's error handlers)."""
    kind = kind or KIND_BY_STATUS.get(status_code, "error")
    body = error_body(exceptions.ErrorDetail(str(message), code=kind), kind=kind)
    return JsonResponse(body, status=status_code, json_dumps_params={"ensure_ascii": False})


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_error_for_status(request: HttpRequest, status_code: int) -> JsonResponse:
    """Django's 400/403/404/500 handlers, for an /api/ address."""
    messages = {
        status.HTTP_400_BAD_REQUEST: BAD_REQUEST,
        status.HTTP_403_FORBIDDEN: NOT_ALLOWED,
        status.HTTP_404_NOT_FOUND: NOT_FOUND,
        status.HTTP_500_INTERNAL_SERVER_ERROR: SERVER_ERROR,
    }
    return json_error(request, status_code, messages[status_code])
