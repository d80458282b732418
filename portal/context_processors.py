from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """Site-wide template values."""
    # Each language by its own name (settings.LANGUAGES), not translated into the page's.
    return {"SITE_NAME": settings.PORTAL_SITE_NAME, "LANGUAGE_MENU": settings.LANGUAGES}
