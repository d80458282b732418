"""Settings shared by every environment; what differs comes from the environment (.env.example)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "applicants",
    "awards",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Next to SecurityMiddleware's headers, so redirects made by the middleware below carry it too.
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.otp_device: the second factor this session passed, if any (django-otp's
    # middleware, its read of the device compiled once per connection).
    "applicants.two_factor.middleware.CompiledOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An idle session ends before anything else looks at the user; signed-in pages are not cached.
    "portal.middleware.SessionIdleMiddleware",
    # An official with only the password passed reaches the second-factor pages, nothing else.
    "applicants.two_factor.middleware.TwoFactorRequiredMiddleware",
    # A colleague's account opened with an initial password: its own password comes next.
    "applicants.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# The embedded default lets a newcomer start with no database server.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)


def with_prepared_statements(database: dict) -> dict:
    """PostgreSQL binds parameters itself, so psycopg prepares a statement run five times.

    Django's default (the values inlined in the SQL text) makes PostgreSQL plan every query of
    every request again: on the 100,000-case database, 1.5 ms to plan the county's identity
    count that runs in 0.9 ms; prepared, the case page costs PostgreSQL 1.3 ms, not 3.5.
    `DATABASE_SERVER_SIDE_BINDING=false` for a pooler in transaction mode (PgBouncer), which
    cannot keep a connection's prepared statements.
    """
    if "postgresql" in database.get("ENGINE", "") and env.bool(
        "DATABASE_SERVER_SIDE_BINDING", default=True
    ):
        options = database.setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        # Django turns psycopg's preparing off by default (for poolers): psycopg's own threshold.
        options["prepare_threshold"] = 5
    return database


with_prepared_statements(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "applicants.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Each language by its own name, untranslated: a reader looks for the one they can read.
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence and documents are written and read through the storage API only, so several web and
# worker machines can share an S3-compatible store (MinIO) by configuration: see the README.
FILE_STORAGE_BACKEND = env(
    "FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
)
FILE_STORAGE_OPTIONS = env.json("FILE_STORAGE_OPTIONS", default={}) or (
    {"location": env.path("EVIDENCE_ROOT", default=BASE_DIR / "var" / "evidence")}
    if FILE_STORAGE_BACKEND.endswith("FileSystemStorage")
    else {}
)
STORAGES = {
    # Evidence files never live under a public URL: they are served by a view that checks access.
    "default": {"BACKEND": FILE_STORAGE_BACKEND, "OPTIONS": FILE_STORAGE_OPTIONS},
    "staticfiles": {"BACKEND": "portal.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# Content Security Policy with Django's built-in support: everything is served from this host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "SAMEORIGIN"
# Browser features no page of the portal uses, refused to every page and anything it embeds
# (Permissions-Policy; portal.middleware). browsing-topics replaces FLoC's interest-cohort.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "browsing-topics": [],
}

# Sign-in lockout (applicants/login_throttle.py): this many failed sign-ins of one account, or
# LOGIN_FAILURE_LIMIT_PER_ADDRESS from one address, within LOGIN_LOCKOUT_MINUTES lock it for that
# long after the last failure; an administrator can lift it earlier.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=30)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)

# Officials' second factor (applicants/two_factor/, docs/security.md): every role listed here
# passes a TOTP code (or a backup code) after the password before any other page or the API.
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES",
    default=["county_reviewer", "county_finance", "city_reviewer", "finance", "admin"],
)
_ROLE_KEYS = {
    "enterprise",
    "county_reviewer",
    "county_finance",
    "city_reviewer",
    "finance",
    "admin",
}
if not set(OTP_REQUIRED_ROLES) <= _ROLE_KEYS:
    # A misspelt role would silently let that role in on a password alone.
    raise ImproperlyConfigured(
        f"OTP_REQUIRED_ROLES: unknown roles {set(OTP_REQUIRED_ROLES) - _ROLE_KEYS}"
    )
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="信阳数据产业奖补平台")
# Backup codes given at enrolment and at each regeneration (each works once).
OTP_BACKUP_CODE_COUNT = env.int("OTP_BACKUP_CODE_COUNT", default=10)
# django-otp's own back-off after a wrong code: 1, 2, 4… seconds times this factor, per device.
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_STATIC_THROTTLE_FACTOR", default=1)
# Should a device page come back to the admin, it shows no secrets (today the devices have no admin
# pages at all: applicants/admin.py removes them, and a reset is the audited user-admin action).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Re-authentication (applicants/reauth.py): password, second-factor and bank-account changes need a
# password (and, for officials, a code) confirmed within this many seconds.
REAUTH_SECONDS = env.int("REAUTH_SECONDS", default=300)
if REAUTH_SECONDS < 1:
    raise ImproperlyConfigured("REAUTH_SECONDS must be at least 1 (seconds)")

# Sessions end after this many minutes without activity (docs/security.md). Officials' cookies
# also end when the browser closes; an enterprise's persists, bounded by its longer limit, because
# an application is prepared over hours (figures, evidence scans) and shows one enterprise only.
OFFICIAL_SESSION_IDLE_MINUTES = env.int("OFFICIAL_SESSION_IDLE_MINUTES", default=30)
ENTERPRISE_SESSION_IDLE_MINUTES = env.int("ENTERPRISE_SESSION_IDLE_MINUTES", default=240)
if OFFICIAL_SESSION_IDLE_MINUTES < 1 or ENTERPRISE_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("*_SESSION_IDLE_MINUTES must be at least 1 (minutes)")

# Celery: with REDIS_URL the broker is Redis and a worker runs the tasks; without it tasks run
# in-process, so `make run` needs no broker.
REDIS_URL = env("REDIS_URL", default="")
# The shared cache (API throttles): Redis when configured, so a limit holds across processes.
CACHES = {
    "default": (
        {"BACKEND": "portal.cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only after it ran, so a killed worker's task is delivered again;
# every task is idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery beat re-plans payout years every night, so newly confirmed awards get a year without
# waiting for finance to ask; the plan is idempotent and never moves a paid award.
CELERY_BEAT_SCHEDULE = {
    "schedule-payouts-nightly": {
        "task": "awards.payouts.tasks.schedule_all_payouts",
        "schedule": crontab(hour=2, minute=0),
    },
    # The signed audit checkpoint, written outside the database (AUDIT_CHECKPOINT_DIR).
    "audit-checkpoint-daily": {
        "task": "applicants.audit_checkpoints.write_audit_checkpoint",
        "schedule": crontab(hour=1, minute=30),
    },
}

MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="信阳数据产业奖补平台 <noreply@localhost>")
# How long a password reset link stays valid, in seconds (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# A filter left open reads as a word, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("全部")

REST_FRAMEWORK = {
    # Machines send `Authorization: Bearer <token>` (applicants.api_tokens); browsers their session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "applicants.api_tokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error body everywhere: {"errors": {FIELD: [MESSAGE]}, "codes": {…}, "code": KIND}.
    "EXCEPTION_HANDLER": "portal.api_errors.api_exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Counted per client address (portal.throttles) in the shared cache: across worker processes.
    "DEFAULT_THROTTLE_CLASSES": ["portal.throttles.ClientUserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="120/minute"),
        "user": env("API_USER_RATE", default="1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "信阳数据产业奖补平台 API",
    "DESCRIPTION": "Xinyang data-industry reward portal",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed package, not a CDN: the portal runs on an intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Choice sets that share a field name get names of their own (drf-spectacular would hash).
    "ENUM_NAME_OVERRIDES": {
        "BatchStateEnum": "awards.payments.models.BatchState",
        "PayoutRunStateEnum": "awards.payouts.models.RunState",
        "ExportFormatEnum": "awards.reports.models.ExportFormat",
    },
    # Every operation declares the one error body for the refusals it can give.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_schema.add_error_responses",
        "portal.api_schema.add_links",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "filters": {
        "one_line_client_errors": {"()": "portal.logs.OneLineClientErrors"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        # A refused request (403, 400…) is the client's doing: one warning line, no traceback.
        "console": {"class": "logging.StreamHandler", "filters": ["one_line_client_errors"]},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives "django" a console handler of its own (in DEBUG) that
        # root's repeats: every line twice. Root's handler alone writes them once.
        "django": {"handlers": ["mail_admins"], "level": env("LOG_LEVEL", default="INFO")},
        # Configuring "django" resets its children: keep runserver's request lines as Django does.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint narrates every rendering step at INFO; its warnings (a refused fetch) stay.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Policy choices that are the portal's, not the rules version's (see docs/).
PORTAL_SITE_NAME = "信阳数据产业奖补平台"

# awards
# 公示 lasts this many working days (工作日, the official holiday calendar with its 调休 weekends,
# Beijing dates), counting the day of announcement if it is one; each award records it.
ANNOUNCEMENT_WORKING_DAYS = env.int("ANNOUNCEMENT_WORKING_DAYS", default=5)
if not 1 <= ANNOUNCEMENT_WORKING_DAYS <= 60:
    raise ImproperlyConfigured("ANNOUNCEMENT_WORKING_DAYS must be 1 to 60 (公示 lasts whole days)")
# A date past the holiday data of chinesecalendar: "refuse" (announce, resume: a clear error) or
# "weekdays" (count Monday to Friday until the package carries that year).
ANNOUNCEMENT_BEYOND_CALENDAR = env("ANNOUNCEMENT_BEYOND_CALENDAR", default="refuse")
if ANNOUNCEMENT_BEYOND_CALENDAR not in {"refuse", "weekdays"}:
    raise ImproperlyConfigured("ANNOUNCEMENT_BEYOND_CALENDAR is refuse or weekdays")
# The telephone the public list gives for objections (异议受理电话) of the 发展改革委 office:
# required in production (`check --deploy`), so the list never shows a made-up number.
OBJECTION_PHONE = env("OBJECTION_PHONE", default="")
# At most this many public objections per source address per hour (no 500, a form error).
OBJECTIONS_PER_HOUR = env.int("OBJECTIONS_PER_HOUR", default=5)
# Where the visitor's address is read for every limit (applicants/client_address.py):
# REMOTE_ADDR when the portal faces the network; behind a reverse proxy the header it sets,
# HTTP_X_REAL_IP, or HTTP_X_FORWARDED_FOR (then only the entry the proxy appended counts).
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="REMOTE_ADDR")
if CLIENT_IP_HEADER not in {"REMOTE_ADDR", "HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR"}:
    raise ImproperlyConfigured(
        "CLIENT_IP_HEADER is REMOTE_ADDR, HTTP_X_REAL_IP or HTTP_X_FORWARDED_FOR"
    )
# API tokens: the lifetimes a user may choose (days), the default, and how many live at once.
API_TOKEN_VALID_DAYS = [
    int(d) for d in env.list("API_TOKEN_VALID_DAYS", default=["30", "90", "180", "365"])
]
API_TOKEN_DEFAULT_VALID_DAYS = env.int("API_TOKEN_DEFAULT_VALID_DAYS", default=90)
API_TOKEN_MAX_PER_USER = env.int("API_TOKEN_MAX_PER_USER", default=10)
# 免申即享 (applicants.winners): the evidence a published winners list stands in for, and the
# longest list one import takes.
WINNERS_CITED_EVIDENCE_KINDS = env.list(
    "WINNERS_CITED_EVIDENCE_KINDS", default=["award_notice", "approval_notice"]
)
WINNERS_MAX_ROWS = env.int("WINNERS_MAX_ROWS", default=5000)
# Webhooks (awards.webhooks): attempts per delivery, the first retry's delay (doubling), timeout.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
# The largest JSON body the API parses (bytes); larger ones answer 413 before any parsing.
API_MAX_JSON_BYTES = env.int("API_MAX_JSON_BYTES", default=1_000_000)
REVIEW_QUEUE_PAGE_SIZE = 50
# Lists of cases count exactly up to this many; beyond, PostgreSQL's estimate ("about N"), so a
# page of a 100,000-case queue does not count them all (portal.pagination).
LARGE_LIST_EXACT_COUNT = env.int("LARGE_LIST_EXACT_COUNT", default=5_000)
# How long an estimate is kept per list query (seconds); 0: estimated on every request. An exact
# count is never kept.
LARGE_LIST_ESTIMATE_CACHE_SECONDS = env.int("LARGE_LIST_ESTIMATE_CACHE_SECONDS", default=60)
# The charts (统计图表) aggregate every case: computed at most this often per reader scope
# (seconds); 0: on every request.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# A rules candidate's comparison still computing after this long lost its worker: the page stops
# waiting and offers to compare again (100,000 cases take well under a minute).
REVISION_REPORT_STALE_SECONDS = env.int("REVISION_REPORT_STALE_SECONDS", default=900)
# Payout planning runs: a running run silent for this long lost its worker (a plan of 100,000
# awards reports progress every few seconds); a queued run no worker took is given up after
# PAYOUT_RUN_QUEUE_SECONDS. The next request then starts afresh.
PAYOUT_RUN_LEASE_SECONDS = env.int("PAYOUT_RUN_LEASE_SECONDS", default=120)
PAYOUT_RUN_QUEUE_SECONDS = env.int("PAYOUT_RUN_QUEUE_SECONDS", default=900)

# applicants
# Largest evidence file accepted (bytes); larger uploads are refused with a message.
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

# The audit trail's MAC keys (applicants/audit_keys.py): `id:algorithm:base64-secret;…`, the
# algorithm hmac-sm3 (national, the default) or hmac-sha256; AUDIT_KEY_ID names the one new entries
# use. The default is a development key, refused by the production settings.
DEVELOPMENT_AUDIT_KEY = "dev:hmac-sm3:aW5zZWN1cmUgZGV2ZWxvcG1lbnQgYXVkaXQga2V5IDAxMjM0NTY3ODk="
AUDIT_KEYS = env("AUDIT_KEYS", default=DEVELOPMENT_AUDIT_KEY)
AUDIT_KEY_ID = env("AUDIT_KEY_ID", default="")
# Where the daily signed checkpoint of the audit chain is written: put it on other storage than the
# database's (another disk, a mounted share, write-once storage).
AUDIT_CHECKPOINT_DIR = Path(env("AUDIT_CHECKPOINT_DIR", default=str(BASE_DIR / "var" / "audit")))
# `verify_audit` fails when the latest checkpoint is older than this (the daily beat plus a margin),
# or missing while older entries exist; 0 turns the check off.
AUDIT_CHECKPOINT_MAX_AGE_HOURS = env.int("AUDIT_CHECKPOINT_MAX_AGE_HOURS", default=26)

# documents (审批表, batch lists, receipts)
# The font family fontconfig resolves for Chinese text in PDFs (Debian's fonts-noto-cjk).
PDF_FONT_FAMILY = env("PDF_FONT_FAMILY", default="Noto Serif CJK SC")
# The document-signing key and certificate (PEM files). Unset outside production: a self-signed
# demo pair is made once in PDF_DEMO_SIGNING_DIR; production refuses to start without them.
PDF_SIGNING_KEY_FILE = env("PDF_SIGNING_KEY_FILE", default="")
PDF_SIGNING_CERT_FILE = env("PDF_SIGNING_CERT_FILE", default="")
PDF_SIGNING_KEY_PASSPHRASE = env("PDF_SIGNING_KEY_PASSPHRASE", default="")
PDF_DEMO_SIGNING_DIR = BASE_DIR / "var" / "signing"
# Rules versions the city adopted through the portal (规则修订), beside the shipped ones: a shared
# volume when several hosts serve the portal. Each process looks at it again at most every
# RULES_RECHECK_SECONDS.
RULES_ADOPTED_DIR = Path(env("RULES_ADOPTED_DIR", default=str(BASE_DIR / "var" / "rules")))
RULES_RECHECK_SECONDS = env.float("RULES_RECHECK_SECONDS", default=1.0)
# The address people reach the portal at: the QR code on each document carries
# SITE_BASE_URL/verify/<code>/.
SITE_BASE_URL = env("SITE_BASE_URL", default="http://127.0.0.1:8000")
# 县区同步奖励: the county matching programmes the portal runs beside the city's, one TOML file per
# dated version (docs/programmes.md). None ships enabled; `make run` enables the 示例 file.
COUNTY_PROGRAMME_FILES = env.list("COUNTY_PROGRAMME_FILES", default=[])
# Public verification lookups per address per hour (a 429 page beyond).
VERIFY_LOOKUPS_PER_HOUR = env.int("VERIFY_LOOKUPS_PER_HOUR", default=60)

# reports (兑付报表)
# An export of up to this many awards downloads at once; a larger one is written by a worker
# (PayoutExport) and downloaded from the reports page when ready.
REPORT_EXPORT_INLINE_ROWS = env.int("REPORT_EXPORT_INLINE_ROWS", default=2000)
