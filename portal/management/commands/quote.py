import json
from typing import Any

from django.core.management.base import CommandParser

from applicants.programmes import programme_requested, quote_answer, unknown_programme_error
from portal.management.json_command import InvalidInput, JsonCommand
from rules import RulesInputError, quote

BAD_JSON = 'facts 必须是 JSON 对象，例如 \'{"event_date": "2025-06-01"}\''


class Command(JsonCommand):
    help = (
        "政策计算器: quote ITEM --facts JSON → one JSON object (exit 0; 2 if invalid). "
        'The facts may name a "programme" (default "city"; a county code prices its match).'
    )

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
        # Not a fact of the case: which programme's answer to print.
        programme = programme_requested(parsed.pop("programme", None))
        errors = unknown_programme_error(programme, lang)
        try:
            city = quote(item, parsed)
        except RulesInputError as invalid:
            raise InvalidInput({**invalid.messages(lang), **errors}) from None
        if errors:
            raise InvalidInput(errors)
        return quote_answer(programme, city, lang)
