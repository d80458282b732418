"""`Authorization: Bearer <token>` for the API, beside the browser's session.

A read-only token may only read (GET, HEAD, OPTIONS); anything else is refused with 403
`token_read_only`. Token requests need no CSRF token: they carry no cookie a page could ride.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from applicants.api_tokens import errors
from applicants.api_tokens.models import TokenScope
from applicants.api_tokens.services import api_token_authenticate
from applicants.errors import ServiceError

KEYWORD = "Bearer"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                exceptions.ErrorDetail(str(errors.TOKEN_INVALID), code="token_invalid")
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                exceptions.ErrorDetail(str(errors.TOKEN_INVALID), code="token_invalid")
            ) from None
        try:
            token = api_token_authenticate(secret)
        except ServiceError as refused:
            raise exceptions.AuthenticationFailed(
                exceptions.ErrorDetail(str(refused.message), code=refused.code)
            ) from None
        if token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                exceptions.ErrorDetail(str(errors.TOKEN_READ_ONLY), code="token_read_only")
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's `bearerAuth`: how a machine authenticates (drf-spectacular)."""

    target_class = ApiTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "API 令牌 (API token), created on /accounts/api-tokens/.",
        }
