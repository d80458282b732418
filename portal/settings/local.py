"""Settings for a developer's machine: `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Serve static files from the source folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process here (no REDIS_URL): their success lines would bury the demo's logins.
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {
        **LOGGING["loggers"],  # type: ignore[dict-item]  # noqa: F405
        "celery.app.trace": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},
    },
}
# The demo runs the example county programme (罗山县同步奖励, 示例) beside the city's.
COUNTY_PROGRAMME_FILES = env.list(
    "COUNTY_PROGRAMME_FILES",
    default=[str(BASE_DIR / "rules" / "examples" / "411521-luoshan.example.toml")],  # noqa: F405
)
# The demo's telephone for objections (a production office sets its own: check --deploy).
OBJECTION_PHONE = env("OBJECTION_PHONE", default="0376-6200000")
# The demo counts weekdays past the holiday data rather than refuse to announce.
ANNOUNCEMENT_BEYOND_CALENDAR = env("ANNOUNCEMENT_BEYOND_CALENDAR", default="weekdays")
