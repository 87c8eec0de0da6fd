"""Signatures are append-only in the database itself (security rows 14 and 16).

A trigger refuses UPDATE and DELETE on the signature table for every database role, so
neither the application, a shell, nor an SQL injection can alter or remove a signature.
(TRUNCATE, used only by test tear-down and by restores into an empty database, is not
a row operation and is not caught.)
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION signatures_signature_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'signatures_signature is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER signatures_signature_append_only
    BEFORE UPDATE OR DELETE ON signatures_signature
    FOR EACH ROW EXECUTE FUNCTION signatures_signature_append_only();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS signatures_signature_append_only ON signatures_signature;
DROP FUNCTION IF EXISTS signatures_signature_append_only();
"""


class Migration(migrations.Migration):

    dependencies = [("signatures", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
