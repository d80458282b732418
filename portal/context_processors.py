from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """Site-wide template values."""
    return {"SITE_NAME": settings.PORTAL_SITE_NAME}
