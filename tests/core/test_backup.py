"""The restore drill (security.md row 23): back up a populated database, restore it into an empty
one, and find every record, every history row and every file with its checksum."""

from __future__ import annotations

import json

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from apps.attachments.services import attachment_add
from apps.core.backup import MANIFEST, MEDIA, backup, restore, sha256, verify
from apps.core.errors import DomainError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 200


def _connect(name):
    db = connection.settings_dict
    params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None,
              "password": db.get("PASSWORD") or None, "dbname": name}
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def _counts(name) -> dict[str, int]:
    with _connect(name) as conn:
        tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    with _connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_restore_drill_finds_every_record_history_row_and_file(world, tmp_path, settings, empty_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    attachment_add(record=world.project, project=world.project, user=world.lead, kind="scan",
                   uploaded_file=SimpleUploadedFile("合同扫描件.pdf", PDF, content_type="application/pdf"))
    before = _counts(connection.settings_dict["NAME"])
    assert before["projects_historicalproject"] > 0 and before["attachments_attachment"] == 1

    result = backup(into=tmp_path / "backups")
    manifest = json.loads((result.folder / MANIFEST).read_text())
    assert result.files == 1 and len(manifest["media"]) == 1

    restored_media = tmp_path / "restored-media"
    assert restore(folder=result.folder, database=empty_database, media_root=restored_media) == 1
    assert _counts(empty_database) == before
    for name, digest in manifest["media"].items():
        assert sha256(restored_media / name) == digest


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_or_a_database_in_use_is_refused(world, tmp_path, settings, empty_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    result = backup(into=tmp_path / "backups")
    with pytest.raises(DomainError):
        restore(folder=result.folder, database=connection.settings_dict["NAME"], media_root=tmp_path / "m")
    with open(result.folder / MEDIA, "ab") as fh:
        fh.write(b"x")
    with pytest.raises(DomainError, match="media.tar"):
        verify(result.folder)
    with pytest.raises(CommandError):
        call_command("restore", str(result.folder), database=empty_database, media_root=str(tmp_path / "m"))
    assert _counts(empty_database) == {}
