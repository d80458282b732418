import json
from typing import Any

from django.core.management.base import CommandParser

from portal.management.json_command import InvalidInput, JsonCommand
from rules import RulesInputError, quote

BAD_JSON = 'facts 必须是 JSON 对象，例如 \'{"event_date": "2025-06-01"}\''


class Command(JsonCommand):
    help = "政策计算器: quote ITEM --facts JSON → one JSON object (exit 0; 2 if invalid)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("item", help="reward item code, e.g. first_transaction")
        parser.add_argument("--facts", default="{}", help="JSON object of facts (money as strings)")
        parser.add_argument("--lang", default="zh", choices=["zh", "en"], help="message language")

    def run(self, **options: Any) -> dict[str, Any]:
        item, lang = options["item"], options["lang"]
        try:
            parsed = json.loads(options["facts"])
        except (ValueError, RecursionError):  # malformed, an integer too long, nesting too deep
            parsed = None
        if not isinstance(parsed, dict):
            raise InvalidInput({"facts": [BAD_JSON]})
        try:
            return quote(item, parsed).to_dict(lang)
        except RulesInputError as invalid:
            raise InvalidInput(invalid.messages(lang)) from None
