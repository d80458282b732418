"""Production settings: everything secret or host-specific must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from applicants.audit_keys import parse_audit_keys

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# Each gunicorn worker keeps its connection: opening one costs more than a page's queries (the bare
# view falls from ~900 to ~110 answers a second without). Checked before reuse, so a restarted
# database costs one reconnect, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
SECRET_KEY = env("SECRET_KEY")
# The audit trail's key must be the office's own: never the development key, never in the database.
AUDIT_KEYS = env("AUDIT_KEYS")
if DEVELOPMENT_AUDIT_KEY in AUDIT_KEYS:  # noqa: F405
    raise ImproperlyConfigured("AUDIT_KEYS holds the development key: generate the office's own")
# Malformed keys stop the start, not the first decision of the day.
parse_audit_keys(AUDIT_KEYS)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
if REDIS_URL:  # noqa: F405
    # Read from the shared cache, written through to the database: a signed-in page costs one
    # query less, and a restarted Redis signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        },
    }
}
