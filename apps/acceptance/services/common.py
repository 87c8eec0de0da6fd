"""What the services of the acceptance share: the people to tell, input checks the text kit does
not cover (dates, choices), the project lock and the materials' files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.locking import lock
from apps.projects.enums import Phase
from apps.projects.models import Project

KIND = "acceptance"  # the kind of every notification of the acceptance
MAX_DAYS_AHEAD = 366


def people(project: Project, roles: Iterable[str]) -> list:
    """The active people holding one of ``roles`` on the project (the recipients of a notice)."""
    members = project.members.filter(is_active=True, role__in=list(roles), user__is_active=True).select_related("user")
    return list({m.user_id: m.user for m in members}.values())


def contractor_pm(project: Project) -> list:
    return people(project, [ProjectRole.CONTRACTOR_PM])


def client_lead(project: Project) -> list:
    return people(project, [ProjectRole.CLIENT_LEAD])


def team_people(project: Project) -> list:
    from ..models import TeamMember

    return [m.user for m in TeamMember.objects.filter(project=project, user__is_active=True).select_related("user")]


def lock_project_in(project: Project, *phases: str) -> Project:
    """The project row locked; refused (illegal_transition) unless it is in one of ``phases``."""
    locked = lock(project)
    if locked.phase not in phases:
        raise DomainError(_("Not possible while the project is in the phase %(phase)s.")
                          % {"phase": locked.get_phase_display()}, code="illegal_transition")
    return locked


def in_acceptance(project: Project) -> Project:
    return lock_project_in(project, Phase.ACCEPTANCE)


def choice(value, choices, *, field: str, label) -> str:
    if value not in choices.values:
        raise DomainError(_("Choose a valid value for %(label)s.") % {"label": label}, field=field)
    return str(value)


def valid_date(value, *, field: str, label, required: bool = True) -> dt.date | None:
    if value in (None, "") and not required:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DomainError(_("%(label)s is not a valid date (YYYY-MM-DD).") % {"label": label}, field=field) \
                from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    return value


def future_date(value, *, field: str, label) -> dt.date:
    value = valid_date(value, field=field, label=label)
    today = timezone.localdate()
    latest = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    if not today < value <= latest:
        raise DomainError(_("%(label)s must be after today and no later than %(b)s.") % {
            "label": label, "b": f"{latest:%Y-%m-%d}"}, field=field)
    return value


def attach(record, project: Project, user, files: Iterable, kind: str = "evidence") -> None:
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded, kind=kind)


def lines_with_files(lines) -> set[int]:
    """The ids of the materials lines that carry at least one (not removed) file."""
    from apps.attachments.models import Attachment

    from ..models import MaterialLine

    ids = [line.pk for line in lines]
    if not ids:
        return set()
    ct = ContentType.objects.get_for_model(MaterialLine)
    return set(Attachment.objects.filter(content_type=ct, object_id__in=ids, is_removed=False)
               .values_list("object_id", flat=True))
