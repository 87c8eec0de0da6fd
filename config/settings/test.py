"""Test run: fast password hashing, eager Celery, in-memory e-mail and files."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# Module tests sign records without filing a contractor team first; tests/teams and the demo
# test switch the strict rule back on (the product default, see base.py).
TEAMS_STRICT_SIGNER_CHECK = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the app directories (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Parallel test workers (pytest-xdist) each get their own database (pytest-django) and, with a
# Redis cache, their own Redis database: cache.clear() flushes a whole Redis database.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and CACHES["default"]["BACKEND"].endswith("RedisCache"):
    _index = int(_WORKER.removeprefix("gw") or 0) % 15 + 1
    _url = urlsplit(CACHES["default"]["LOCATION"])
    CACHES = {"default": {**CACHES["default"], "LOCATION": urlunsplit(_url._replace(path=f"/{_index}"))}}

# Every GET the suite makes fails if it writes a row (apps.core.middleware.NoWriteOnReadMiddleware).
MIDDLEWARE = [*MIDDLEWARE, "apps.core.middleware.NoWriteOnReadMiddleware"]  # noqa: F405
