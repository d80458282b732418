import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from applicants.programmes import programme_requested, simulation_scope, unknown_programme_error
from portal.management.json_command import InvalidInput, JsonCommand
from rules import RulesInputError, allocate, parse_simulation_input

BAD_JSON = '输入必须是 JSON 对象：{"budgets": {…}, "awards": […], "strategy": "fill"}'
NO_FILE = "无法读取文件：{}"


class Command(JsonCommand):
    help = (
        "The payout allocation as a what-if, touching no stored data. "
        "simulate_payouts FILE (- reads stdin) → one JSON object (exit 0; 2 if invalid). "
        'The input may name a "programme" (default "city"): a county\'s uses its quota and items.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON input file, or - for standard input")
        parser.add_argument("--lang", default="zh", choices=["zh", "en"], help="message language")

    def run(self, **options: Any) -> dict[str, Any]:
        file, lang = options["file"], options["lang"]
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise InvalidInput({"file": [NO_FILE.format(file)]}) from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # malformed, an integer too long, nesting too deep
            data = None
        if not isinstance(data, dict):
            raise InvalidInput({"file": [BAD_JSON]})
        programme = programme_requested(data.pop("programme", None))
        errors = unknown_programme_error(programme, lang)
        if errors:
            try:
                parse_simulation_input(data)
            except RulesInputError as invalid:
                errors = {**invalid.messages(lang), **errors}
            raise InvalidInput(errors)
        # A county's plan: the quota of its version in force today, and only the items it matches.
        quota, known_items = simulation_scope(programme)
        try:
            budgets, awards, strategy = parse_simulation_input(data, known_items=known_items)
            plan = allocate(budgets, awards, strategy=strategy, quota_per_item=quota)
        except RulesInputError as invalid:
            raise InvalidInput(invalid.messages(lang)) from None
        return plan.to_dict()
