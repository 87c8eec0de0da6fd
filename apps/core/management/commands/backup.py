"""``manage.py backup [--output DIR]``: the database and the media files, with checksums."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import backup
from apps.core.errors import DomainError


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the media files into a new folder, with SHA-256 checksums."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "var" / "backups"),
                            help="folder under which the backup folder is created")

    def handle(self, *args, **options):
        try:
            result = backup(into=Path(options["output"]))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{result.folder} ({result.files} files)")
