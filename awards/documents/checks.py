"""`manage.py check --deploy`: production signs documents with its own key, never the demo's."""

from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

SIGNING_KEY_MISSING = "awards.E001"


@register("documents", deploy=True)
def signing_key_configured(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """The document-signing key and certificate are configured and readable."""
    problems: list[CheckMessage] = []
    for name in ("PDF_SIGNING_KEY_FILE", "PDF_SIGNING_CERT_FILE"):
        value = getattr(settings, name, "")
        if not value:
            problems.append(
                Error(
                    f"{name} is not set: documents would be signed with a self-signed demo key.",
                    hint="Set PDF_SIGNING_KEY_FILE and PDF_SIGNING_CERT_FILE to PEM files.",
                    id=SIGNING_KEY_MISSING,
                )
            )
        elif not Path(value).is_file():
            problems.append(
                Error(
                    f"{name} points to {value}, which is not a readable file.",
                    id=SIGNING_KEY_MISSING,
                )
            )
    return problems
