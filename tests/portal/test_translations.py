"""Every English catalog entry is translated: an empty or fuzzy msgstr shows Chinese in English."""

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(
    p for p in REPO_ROOT.glob("**/locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def catalog_entries(text: str) -> list[tuple[str, bool, str]]:
    """(msgid, fuzzy, msgstr) of each entry of a .po file, the header left out."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        fuzzy, field, parts = False, "", {"msgid": "", "msgstr": ""}
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#~"):
                field = ""  # an obsolete entry: gettext ignores it
            elif line.startswith(("msgid ", "msgstr")):
                field = "msgid" if line.startswith("msgid ") else "msgstr"
                parts[field] += "".join(re.findall(r'"(.*)"', line))
            elif line.startswith('"') and field:
                parts[field] += line.strip()[1:-1]
        if parts["msgid"]:
            entries.append((parts["msgid"], fuzzy, parts["msgstr"]))
    return entries


def test_the_parser_sees_missing_and_fuzzy_entries():
    text = 'msgid ""\nmsgstr "h"\n\nmsgid "甲"\nmsgstr ""\n\n#, fuzzy\nmsgid "乙"\nmsgstr "B"\n'
    assert catalog_entries(text) == [("甲", False, ""), ("乙", True, "B")]
    assert len(CATALOGS) >= 3


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_entry_has_an_english_translation(catalog):
    missing = [
        msgid
        for msgid, fuzzy, msgstr in catalog_entries(catalog.read_text(encoding="utf-8"))
        if fuzzy or not msgstr.strip()
    ]
    assert missing == [], f"untranslated in {catalog.relative_to(REPO_ROOT)}: {missing[:10]}"
