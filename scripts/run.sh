#!/usr/bin/env bash
# Run the application with demo data on http://127.0.0.1:8000.
# Without DATABASE_URL an embedded PostgreSQL is started under var/postgres.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

export DJANGO_SETTINGS_MODULE=config.settings.local
say "Preparing the database"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py demo_data
ADDR="${ADDR:-127.0.0.1:8000}"
say "Open http://$ADDR and log in with one of the accounts above (Ctrl-C stops the server)."
exec "$PY" manage.py runserver "$ADDR"
