"""JSON parsing that answers 400 for every malformed body, never 500."""

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

TOO_DEEP = _("JSON 嵌套层级过深。")
TOO_LARGE = _("请求内容过大，JSON 不能超过 %(max)s 字节。")


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus: a body over API_MAX_JSON_BYTES is refused (413) before any of it
    is parsed, and nesting deep enough to exhaust recursion is a parse error.

    DRF reads the request stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE: without the
    bound a 24 MB body cost seconds of CPU before any validation could refuse it.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_JSON_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(TOO_LARGE % {"max": f"{limit:,}"})
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
