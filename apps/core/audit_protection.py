"""History rows are append-only in the database itself (security row 16, 等保 audit protection).

After every ``migrate``, each historical table gets a trigger that refuses UPDATE and DELETE,
so neither the application nor anyone with its database role can rewrite the audit trail.
TRUNCATE (used only by test tooling and a deliberate restore) is not affected. Consequence:
people are deactivated, never deleted (their history rows point at them).
"""

from __future__ import annotations

from django.db import connections

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION archqa_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history rows are append-only (table %)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def historical_tables(using: str = "default") -> list[str]:
    from django.apps import apps

    return sorted({m._meta.db_table for m in apps.get_models()
                   if m.__name__.startswith("Historical") and hasattr(m, "instance_type")})


def protect_history_tables(sender=None, using: str = "default", **kwargs) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        for table in historical_tables(using):
            if table not in existing:
                continue
            name = connection.ops.quote_name(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS archqa_history_append_only ON {name}")
            cursor.execute(f"CREATE TRIGGER archqa_history_append_only BEFORE UPDATE OR DELETE ON {name} "
                           "FOR EACH ROW EXECUTE FUNCTION archqa_history_append_only()")
