"""Free text as people type it: one normaliser for every input, one key for matching names.

Zero-width characters, bidi controls and other invisible code points arrive by copy and paste
(or on purpose: U+202E reverses what an official reads). `clean_text` removes them from anything
stored; `achievement_key` folds a project name to the key that 从优、就高、不重复 compares.
"""

import re
import unicodedata
from difflib import SequenceMatcher

# Bidi embeddings, overrides and isolates, and the implicit direction marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Invisible format characters that are not bidi controls (zero-width space/joiners, word
# joiner, BOM, soft hyphen, Mongolian vowel separator, invisible operators, tag characters).
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u2060-\u2064\u206a-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f]"
)
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
# Control characters other than tab and newline (a carriage return is folded into newline first).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES_RE = re.compile(r"[^\S\n]+")
# The length of Application.project_key, where the key of a project name is stored.
ACHIEVEMENT_KEY_MAX_LENGTH = 200


def strip_invisible(value: str) -> str:
    """`value` without invisible format characters, bidi controls or control characters."""
    value = _INVISIBLE_RE.sub("", value)
    value = _BIDI_RE.sub("", value)
    return _CONTROL_RE.sub("", value)


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Text as stored: invisible characters removed, spaces collapsed, trimmed.

    Text made only of invisible characters becomes "" (so a required field stays empty). A
    single-line value has every run of white space (including the ideographic space) folded
    into one space; multi-line text keeps its line breaks.
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_invisible(text)
    if multiline:
        lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _SPACES_RE.sub(" ", text.replace("\n", " ")).strip()


def achievement_key(name: object) -> str:
    """The key under which two names of one achievement are the same.

    NFKC (full-width letters, digits and punctuation to their plain forms), case folded, every
    invisible character, space and punctuation mark removed: "数据要素×平台（一期）",
    "ＡＢＣ 平台" and "abc平台\u200b" compare by what a person reads.
    """
    text = unicodedata.normalize("NFKC", strip_invisible(str(name or ""))).casefold()
    key = "".join(ch for ch in text if unicodedata.category(ch)[0] not in {"P", "Z", "C"})
    # NFKC may lengthen a name ("㍿" is four characters): the key must fit its column.
    return key[:ACHIEVEMENT_KEY_MAX_LENGTH]


def names_similar(a: str, b: str, *, threshold: float = 0.8) -> bool:
    """Whether two achievement names are probably one (same key, one within the other, or close).

    A flag for officials, never a money decision: money compares `achievement_key` exactly.
    """
    key_a, key_b = achievement_key(a), achievement_key(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    shorter, longer = sorted((key_a, key_b), key=len)
    if len(shorter) >= 4 and shorter in longer:
        return True
    return SequenceMatcher(None, key_a, key_b).ratio() >= threshold
