from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.embedded_db import stop


class Command(BaseCommand):
    help = "Stop the embedded PostgreSQL server under var/postgres (used when DATABASE_URL is not set)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["stop", "status"])

    def handle(self, *args, action, **options):
        data_dir = settings.VAR_DIR / "postgres"
        if action == "status":
            running = (data_dir / "postmaster.pid").exists()
            self.stdout.write("running" if running else "stopped")
            return
        from django.db import connections

        connections.close_all()
        try:
            stopped = stop(data_dir)
        except Exception as exc:  # pg_ctl's own message is the clearest
            raise CommandError(f"could not stop the embedded server: {exc}") from exc
        self.stdout.write("stopped" if stopped else "not running")
