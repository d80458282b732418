"""JSON parsing that answers 400 for every malformed body, never 500."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

TOO_DEEP = _("JSON 嵌套层级过深。")


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus: nesting deep enough to exhaust recursion is a parse error."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
