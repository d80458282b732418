"""The objector's real name and telephone, as people type them, checked and normalised.

One place for the form and the service: the form shows the message on its field, the service
refuses whatever reaches it another way. Both return the stored form or raise ServiceError.
"""

import re
import unicodedata

from applicants.errors import ServiceError
from applicants.text import clean_text
from awards.announcements.errors import OBJECTOR_NAME_INVALID, OBJECTOR_PHONE_INVALID

NAME_MIN, NAME_MAX = 2, 30
PHONE_INPUT_MAX = 30

# Han ideographs (with extension A and the compatibility block) and Latin letters.
_LETTERS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
# Words joined by one separator: the 间隔号 of transliterated names (阿卜杜·热合曼), a space
# between Latin words, a hyphen or an apostrophe (Jean-Luc O'Brien).
_NAME = re.compile(f"[{_LETTERS}]+(?:[·' \\-][{_LETTERS}]+)*")
# The dots people type for the 间隔号.
_DOTS = str.maketrans(dict.fromkeys("•・‧∙⋅.", "·"))

# 1[3-9] and nine digits, after an optional +86 / 0086 / 86.
_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
# An area code (010 and 02x before 8-digit numbers; 0[3-9]xx before 7 or 8), then a local number
# that starts 2–9. The two lengths of area code never overlap, so the digits alone tell them.
_LANDLINE = re.compile(r"(0(?:10|2\d))([2-9]\d{7})|(0[3-9]\d{2})([2-9]\d{6,7})")
# What people put between the groups: spaces, dashes of any width, brackets round the area code.
_PHONE_SEPARATORS = re.compile(r"[\s()\-\u2010-\u2015\u2212\u30fc]+")


def objector_name_clean(value: object) -> str:
    """A real name: 2 to 30 Han characters or Latin letters, in words; else ServiceError."""
    text = unicodedata.normalize("NFKC", clean_text(value)).translate(_DOTS)
    text = re.sub(r"\s*·\s*", "·", text)
    if not NAME_MIN <= len(text) <= NAME_MAX or not _NAME.fullmatch(text):
        raise ServiceError(OBJECTOR_NAME_INVALID, field="name")
    return text


def objector_phone_clean(value: object) -> str:
    """A mainland mobile (13800000000) or a landline with its area code (0376-6200001).

    Full-width digits and brackets, spaces and dashes of any width are accepted and removed;
    the result is stored as 11 digits or as 区号-号码. Else ServiceError on `phone`.
    """
    raw = clean_text(value)
    if len(raw) > PHONE_INPUT_MAX:
        raise ServiceError(OBJECTOR_PHONE_INVALID, field="phone")
    digits = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    mobile = _MOBILE.fullmatch(digits)
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.fullmatch(digits)
    if landline:
        area, number = (g for g in landline.groups() if g)
        return f"{area}-{number}"
    raise ServiceError(OBJECTOR_PHONE_INVALID, field="phone")
