"""``manage.py restore FOLDER [--database NAME] [--media-root DIR]``: a backup into an empty database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from apps.core.backup import restore
from apps.core.errors import DomainError


class Command(BaseCommand):
    help = ("Check a backup's checksums, load it into an empty database and unpack its files, checking each "
            "file against the manifest.")

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database", default=None, help="an empty database (default: the configured one)")
        parser.add_argument("--media-root", default=str(settings.MEDIA_ROOT))

    def handle(self, *args, **options):
        database = options["database"] or connections["default"].settings_dict["NAME"]
        try:
            files = restore(folder=Path(options["folder"]), database=database, media_root=Path(options["media_root"]))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{database}: restored, {files} files checked")
