"""The two error types of the rules package: bad rules data, and bad input from a caller."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.messages import CUSTOM, DEFAULT_LANG, Message


class RulesDataError(Exception):
    """A rules version file is malformed; the message names the file and the key path."""

    def __init__(self, source: str, key_path: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.key_path = key_path
        self.problem = problem
        # The line of the file the key is on (a missing key: its table's), when known.
        self.line = line
        where = f"{source}: {key_path}" if key_path else source
        at = f" (line {line})" if line is not None else ""
        super().__init__(f"{where}: {problem}{at}")


class NoVersionInForce(RulesDataError, LookupError):
    """No rules version is in force on the date asked for."""


@dataclass(frozen=True)
class ErrorDetail:
    """One problem with one input field: a message code and its parameters."""

    message: Message
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The stable code of the message, e.g. "money_negative"."""
        return self.message.code

    def render(self, lang: str = DEFAULT_LANG) -> str:
        """The message in `lang`."""
        return self.message.render(lang, **self.params)


class InvalidValue(ValueError):
    """Raised by a value parser; the caller files it under the field being parsed."""

    def __init__(self, message: Message, **params: object) -> None:
        self.detail = ErrorDetail(message, params)
        super().__init__(self.detail.render())


class RulesInputError(ValueError):
    """Invalid input: every bad field with its messages (Chinese by default, English on demand)."""

    def __init__(self, errors: Mapping[str, Sequence[ErrorDetail | str]]) -> None:
        self.details: dict[str, list[ErrorDetail]] = {
            name: [
                d if isinstance(d, ErrorDetail) else ErrorDetail(CUSTOM, {"text": d})
                for d in problems
            ]
            for name, problems in errors.items()
        }
        super().__init__(self.messages())

    @property
    def errors(self) -> dict[str, list[str]]:
        """Field → Chinese messages."""
        return self.messages(DEFAULT_LANG)

    @property
    def codes(self) -> dict[str, list[str]]:
        """Field → message codes, for callers that render their own texts."""
        return {name: [d.code for d in details] for name, details in self.details.items()}

    def messages(self, lang: str = DEFAULT_LANG) -> dict[str, list[str]]:
        """Field → messages in `lang`."""
        return {name: [d.render(lang) for d in ds] for name, ds in self.details.items()}

    def to_dict(self, lang: str = DEFAULT_LANG) -> dict[str, dict[str, list[str]]]:
        """The CLI/API error body: {"errors": {field: [message, ...]}}."""
        return {"errors": self.messages(lang)}
