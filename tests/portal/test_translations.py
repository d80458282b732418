"""Every English catalog entry is translated, and the catalogs hold every string the source
marks: an empty, fuzzy or never collected msgstr shows Chinese in English."""

import re
import shutil
import subprocess
import sys
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


def test_the_catalogs_hold_every_string_the_source_marks(tmp_path):
    """Collect the strings afresh (scripts/messages-update.sh) in a copy of the repository: a page
    whose strings were never collected passes the test above and still reads Chinese in English."""
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        source = REPO_ROOT / name
        if source.is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp_path / name)
    collected = subprocess.run(
        ["bash", "scripts/messages-update.sh"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PY": sys.executable},
        capture_output=True,
        text=True,
        check=False,
    )
    assert collected.returncode == 0, collected.stderr[-2000:]
    missing = {
        str(catalog.relative_to(tmp_path)): [
            msgid
            for msgid, fuzzy, msgstr in catalog_entries(catalog.read_text(encoding="utf-8"))
            if fuzzy or not msgstr.strip()
        ]
        for catalog in tmp_path.glob("**/locale/en/LC_MESSAGES/django.po")
    }
    assert len(missing) == len(CATALOGS)
    assert all(not m for m in missing.values()), (
        "run `make messages-update` and translate: "
        + "; ".join(f"{c}: {m[:8]}" for c, m in missing.items() if m)
    )
