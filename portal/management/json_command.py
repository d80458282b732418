"""A base for commands whose contract is JSON out: results exit 0, invalid input exits 2."""

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

INVALID_INPUT_EXIT = 2


class InvalidInput(Exception):
    """Raised by a JSON command's handle(): printed as {"errors": …}, exit 2."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _print_json(payload: dict[str, Any], stream: Any) -> None:
    stream.write(json.dumps(payload, ensure_ascii=False) + "\n")
    stream.flush()


class _JsonErrorParser(CommandParser):
    """Argument errors follow the same contract: a JSON error body and exit 2, no usage dump."""

    def error(self, message: str) -> NoReturn:
        _print_json({"errors": {"arguments": [message]}}, sys.stdout)
        raise SystemExit(INVALID_INPUT_EXIT)


class JsonCommand(BaseCommand):
    """Subclasses implement `run(**options) -> dict` and raise InvalidInput for bad input."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds the parser itself; only its error() differs, so re-class the instance.
        parser.__class__ = _JsonErrorParser
        return parser

    # Each command defines run(**options) -> the JSON object to print.
    run: Callable[..., dict[str, Any]]

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payload = self.run(**options)
        except InvalidInput as invalid:
            _print_json({"errors": invalid.errors}, self.stdout)
            raise SystemExit(INVALID_INPUT_EXIT) from None
        _print_json(payload, self.stdout)
