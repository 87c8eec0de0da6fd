"""Test databases cloned from a migrated template.

Migrating a fresh database takes about a minute of CPU; every pytest-xdist worker used to do it
on its own. Instead, the first worker to get there migrates one template database, named after
a hash of the migrations (so a changed migration builds a new one), under a PostgreSQL advisory
lock; every worker then clones it (``CREATE DATABASE … TEMPLATE``, under a second). The
template stays for the next run; templates of older migrations are dropped.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent


def migrations_hash() -> str:
    digest = hashlib.sha1()
    sources = sorted(ROOT.glob("apps/*/migrations/*.py")) + [ROOT / "apps/core/audit_protection.py"]
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _drop(cursor, connection, name: str) -> None:
    cursor.execute(f"DROP DATABASE IF EXISTS {_quote(connection, name)} WITH (FORCE)")


def _migrate_into(alias: str, name: str) -> None:
    connection = connections[alias]
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES[alias]["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False, database=alias, run_syncdb=True)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        settings.DATABASES[alias]["NAME"] = original


def setup_test_database(alias: str = "default") -> str:
    """Create this worker's test database as a clone of the current template; returns its name."""
    connection = connections[alias]
    test_name = connection.creation._get_test_db_name()
    template = f"{test_name.split('_gw')[0]}_tpl_{migrations_hash()}"[:63]
    # One advisory lock per template: workers of one run wait for each other, other runs do not.
    lock_id = int(hashlib.sha1(template.encode()).hexdigest()[:15], 16)
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
        try:
            if not _exists(cursor, template):
                building = f"{template}_building"[:63]
                _drop(cursor, connection, building)
                cursor.execute(f"CREATE DATABASE {_quote(connection, building)}")
                _migrate_into(alias, building)
                cursor.execute(f"ALTER DATABASE {_quote(connection, building)} RENAME TO {_quote(connection, template)}")
                prefix = template.rsplit("_tpl_", 1)[0] + "_tpl_"
                cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                               [prefix.replace("_", r"\_") + "%", template])
                for (old,) in cursor.fetchall():
                    _drop(cursor, connection, old)
            _drop(cursor, connection, test_name)
            cursor.execute(f"CREATE DATABASE {_quote(connection, test_name)} TEMPLATE {_quote(connection, template)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
    connection.close()
    settings.DATABASES[alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    return test_name


def teardown_test_database(alias: str, name: str, original: str) -> None:
    connection = connections[alias]
    connection.close()
    settings.DATABASES[alias]["NAME"] = original
    connection.settings_dict["NAME"] = original
    with connection._nodb_cursor() as cursor:
        _drop(cursor, connection, name)
