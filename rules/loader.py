"""A strict loader for rules version files: unknown, missing or mistyped keys are errors.

OpenFisca's lesson: a misplaced key silently ignored is a wrong payment later.
"""

import re
import time
import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from rules.errors import RulesDataError
from rules.model import (
    RuleBook,
    RulesVersion,
)
from rules.reader import VersionReader

VERSIONS_DIR = Path(__file__).resolve().parent / "versions"

_DUPLICATE_RE = re.compile(r"Cannot (overwrite a value|declare (?P<table>\(.*\)) twice)")
_AT_LINE_RE = re.compile(r"at line (?P<line>\d+)")


def load_rulebook(directory: Path | None = None) -> RuleBook:
    """Every `*.toml` rules version in `directory` (default: the shipped ones and the adopted
    ones, cached)."""
    if directory is None:
        if _adopted["directory"] is None:
            return _default_rulebook()
        return _with_adopted()
    return _load_directory(Path(directory))


@cache
def _default_rulebook() -> RuleBook:
    return _load_directory(VERSIONS_DIR)


# Versions adopted after shipping (a revision the city adopted through the portal) live as files
# in a directory of their own; its listing is looked at again at most every `recheck` seconds,
# so every process takes up an adoption within that time without a read per quote.
_adopted: dict[str, Any] = {
    "directory": None,
    "recheck": 1.0,
    "stamp": None,
    "book": None,
    "at": 0.0,
}


def use_adopted_directory(directory: Path | None, *, recheck_seconds: float = 1.0) -> None:
    """Add the versions of `directory` to the default rulebook (None: the shipped ones only)."""
    _adopted.update(directory=directory, recheck=recheck_seconds, stamp=None, book=None, at=0.0)


def reload_rulebook() -> None:
    """Read the adopted directory again at the next use (this process adopted a version)."""
    _adopted.update(stamp=None, at=0.0)


def _listing(directory: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        files = sorted(directory.glob("*.toml"))
        return tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    except OSError:
        return ()


def _with_adopted() -> RuleBook:
    now = time.monotonic()
    if _adopted["book"] is not None and now - _adopted["at"] < _adopted["recheck"]:
        return _adopted["book"]
    _adopted["at"] = now
    directory = Path(_adopted["directory"])
    stamp = _listing(directory)
    if _adopted["book"] is None or stamp != _adopted["stamp"]:
        extra = [load_version(directory / name) for name, _, _ in stamp]
        _adopted["book"] = rulebook_of([*_default_rulebook().versions, *extra])
        _adopted["stamp"] = stamp
    return _adopted["book"]


def _load_directory(directory: Path) -> RuleBook:
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise RulesDataError(str(directory), "", "no rules version file (*.toml) found")
    return rulebook_of([load_version(f) for f in files])


def rulebook_of(versions: list[RulesVersion]) -> RuleBook:
    """A rulebook of these versions: names and effective dates must each be unique."""
    versions = sorted(versions, key=lambda v: v.effective_from)
    seen_ids: dict[str, str] = {}
    seen_dates: dict[date, str] = {}
    for v in versions:
        if v.version in seen_ids:
            raise RulesDataError(
                v.source, "version", f"{v.version!r} is also in {seen_ids[v.version]}"
            )
        if v.effective_from in seen_dates:
            raise RulesDataError(
                v.source,
                "effective_from",
                f"{v.effective_from} is also the effective_from of {seen_dates[v.effective_from]}",
            )
        seen_ids[v.version] = v.source
        seen_dates[v.effective_from] = v.source
    return RuleBook(versions=tuple(versions))


def load_version(path: Path) -> RulesVersion:
    """One rules version file, strictly validated."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesDataError(source, "", f"cannot read: {exc}") from exc
    return load_version_text(text, source=source)


def load_version_text(text: str, *, source: str) -> RulesVersion:
    """A rules version from its TOML text (an uploaded candidate), validated as a file is;
    an error names the key and the line it is on."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(source, text, exc) from exc
    try:
        return VersionReader(source).version(data)
    except RulesDataError as exc:
        if exc.line is None and exc.key_path:
            raise RulesDataError(
                exc.source, exc.key_path, exc.problem, line_of_key(text, exc.key_path)
            ) from None
        raise


_HEADER_RE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_RE = re.compile(r'^\s*("[^"]*"|[A-Za-z0-9_-]+)\s*=')


def _without_indexes(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


def line_of_key(text: str, key_path: str) -> int | None:
    """The line (from 1) a key path such as `items.x.facts[0].code` is written on; for a key
    that is missing, the line of the table it belongs in; None if neither is found."""
    wanted = _without_indexes(key_path)
    parent, _, key = wanted.rpartition(".")
    table = ""
    table_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER_RE.match(line)
        if header:
            table = header.group(1).replace('"', "")
            table_line.setdefault(table, number)
            if table == wanted:
                return number
            continue
        found = _KEY_RE.match(line)
        if found and table == parent and found.group(1).strip('"') == key:
            return number
    if parent in table_line:
        return table_line[parent]
    return 1 if not parent else None


def _toml_error(source: str, text: str, exc: tomllib.TOMLDecodeError) -> RulesDataError:
    """Name the key of a duplicate, which tomllib's message leaves out."""
    problem = str(exc)
    found = _DUPLICATE_RE.search(problem)
    if not found:
        return RulesDataError(source, "", f"not valid TOML: {problem}")
    if found.group("table"):
        key = ".".join(re.findall(r"'([^']*)'", found.group("table")))
        return RulesDataError(source, key, f"duplicate key: {problem}")
    lines = text.splitlines()
    at = _AT_LINE_RE.search(problem)
    if at:
        number = int(at.group("line"))
    else:  # "at end of document": the duplicate is the last statement
        number = max(i for i, line in enumerate(lines, 1) if line.strip())
    key = _key_on_line(lines, number)
    return RulesDataError(source, key, f"duplicate key: {problem}", number)


def _key_on_line(lines: list[str], number: int) -> str:
    table = ""
    for line in lines[: number - 1]:
        header = re.fullmatch(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?", line)
        if header:
            table = header.group(1)
    key = lines[number - 1].split("=", 1)[0].strip()
    return f"{table}.{key}" if table else key
