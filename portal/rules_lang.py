"""The bridge from Django's active language to the rules engine's message language."""

from django.utils.translation import get_language


def rules_lang() -> str:
    """ "en" when the page is in English, else "zh" (the rules' default)."""
    return "en" if (get_language() or "").startswith("en") else "zh"
