"""Check every signature of a project (or of all projects) against its record as it is now.

Exit status 1 when any signature is broken, so that a scheduled run can raise an alert.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.projects.models import Project
from apps.signatures.selectors import project_signatures_verify


class Command(BaseCommand):
    help = "Verify the electronic signatures of a project (default: every project)."

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, help="project id")

    def handle(self, *args, project=None, **options):
        if project is not None:
            projects = list(Project.objects.filter(pk=project))
            if not projects:
                raise CommandError(f"No project with id {project}.")
        else:
            projects = list(Project.objects.order_by("pk"))
        total = broken = 0
        for p in projects:
            for check in project_signatures_verify(project=p):
                s = check.signature
                total += 1
                status = "valid" if check.valid else "BROKEN"
                line = (f"{status:6} project={p.pk} signature={s.pk} record={s.content_type.app_label}."
                        f"{s.content_type.model}:{s.object_id} party={s.party} meaning={s.meaning} "
                        f"signer={s.signer_name} signed_at={s.signed_at.isoformat()}")
                if check.valid:
                    self.stdout.write(line)
                else:
                    broken += 1
                    self.stdout.write(self.style.ERROR(f"{line} reason={check.reason}"))
        self.stdout.write(f"{total} signatures checked, {broken} broken.")
        if broken:
            raise CommandError(f"{broken} broken signature(s).", returncode=1)
