"""Developer machine and the README's first command: the product as a person sees it.

DEBUG is off unless a developer asks for it with ``DJANGO_DEBUG=1``: generic 404/500 pages in
Chinese, static files through WhiteNoise (from the app directories, no collectstatic needed).
E-mail goes to files under ``var/mail`` instead of the console (the demo data alone sends
thousands); every notification is in the notification centre anyway. Embedded database unless
DATABASE_URL is set.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Serve static files straight from the app directories (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
