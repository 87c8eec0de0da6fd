#!/usr/bin/env bash
# Run the whole test suite. Uses DATABASE_URL when set, the embedded PostgreSQL otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

export DJANGO_SETTINGS_MODULE=config.settings.test
say "Checking migrations"
"$PY" manage.py makemigrations --check --dry-run >/dev/null || die "A model change has no migration: run python manage.py makemigrations."
say "Checking the layers (lint-imports) and function complexity"
"$VENV/bin/lint-imports" --no-cache >/dev/null || { "$VENV/bin/lint-imports" --no-cache; die "An import breaks the layers of docs/architecture.md."; }
"$VENV/bin/ruff" check --quiet --select C901 apps || die "A function is too complex (ruff C901, at most 15): split it into named steps."
say "Running the tests"
# Two or more workers (pytest-xdist, one per core by default; TEST_WORKERS=1 for one process).
exec "$PY" -m pytest --create-db -n "${TEST_WORKERS:-auto}" "$@"
