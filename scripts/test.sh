#!/usr/bin/env bash
# Run the whole test suite. Uses DATABASE_URL when set, the embedded PostgreSQL otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

export DJANGO_SETTINGS_MODULE=config.settings.test
say "Checking migrations"
"$PY" manage.py makemigrations --check --dry-run >/dev/null || die "A model change has no migration: run python manage.py makemigrations."
say "Running the tests"
# Two or more workers (pytest-xdist, one per core by default; TEST_WORKERS=1 for one process).
exec "$PY" -m pytest --create-db -n "${TEST_WORKERS:-auto}" "$@"
