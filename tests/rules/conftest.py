"""Fixtures for the pure rules tests: no database, no Django."""

from collections.abc import Callable
from pathlib import Path

import pytest

from rules.loader import VERSIONS_DIR

SHIPPED = VERSIONS_DIR / "2025-01-01-draft.toml"


def replace_once(text: str, old: str, new: str, *, after: str = "") -> str:
    """Replace the first `old` found after the marker `after` (fails loudly if absent)."""
    start = text.index(after) if after else 0
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


@pytest.fixture
def shipped_text() -> str:
    return SHIPPED.read_text(encoding="utf-8")


@pytest.fixture
def write_version(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a rules version file into tmp_path/versions; returns the directory."""
    directory = tmp_path / "versions"
    directory.mkdir()

    def write(name: str, text: str) -> Path:
        (directory / name).write_text(text, encoding="utf-8")
        return directory

    return write
