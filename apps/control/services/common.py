"""Helpers the services of project control share: input checks that the text kit does not
cover (dates, choices, yes/no, quantities, people), the project lock, numbering, attachments
and the deadlines of apps.deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.locking import lock
from apps.projects.enums import Phase
from apps.projects.models import Project

MAX_DAYS_AHEAD = 366
MAX_QUANTITY = 100_000_000


def project_closed_error() -> DomainError:
    return DomainError(_("The project is closed."), code="illegal_transition")


def valid_date(value, *, field: str, label) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, field=field)
    return value


def not_future(value, *, field: str, label) -> dt.date:
    value = valid_date(value, field=field, label=label)
    if value > timezone.localdate():
        raise DomainError(_("%(label)s cannot be in the future.") % {"label": label}, field=field)
    return value


def ahead(value, *, field: str, label, allow_today: bool = True) -> dt.date:
    value = valid_date(value, field=field, label=label)
    today = timezone.localdate()
    earliest = today if allow_today else today + dt.timedelta(days=1)
    latest = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    if not earliest <= value <= latest:
        raise DomainError(_("%(label)s must be between %(a)s and %(b)s.") % {
            "label": label, "a": f"{earliest:%Y-%m-%d}", "b": f"{latest:%Y-%m-%d}"}, field=field)
    return value


def choice(value, choices, *, field: str, label) -> str:
    if value not in choices.values:
        raise DomainError(_("Choose a valid value for %(label)s.") % {"label": label}, field=field)
    return str(value)


def yes_no(value, *, field: str, label) -> bool:
    if not isinstance(value, bool):
        raise DomainError(_("Say yes or no for %(label)s.") % {"label": label}, field=field)
    return value


def quantity(value, *, field: str, label) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUANTITY:
        raise DomainError(_("%(label)s must be a whole number between 0 and %(n)d.") % {
            "label": label, "n": MAX_QUANTITY}, field=field)
    return value


def member(project: Project, user, *, roles: Iterable[str], field: str, message: str):
    """``user`` must hold one of ``roles`` on the project, actively."""
    if user is None or not getattr(user, "pk", None) or not user.is_active \
            or not project.members.filter(user=user, is_active=True, role__in=list(roles)).exists():
        raise DomainError(message, field=field)
    return user


def people(project: Project, roles: Iterable[str]) -> list:
    """The active people holding one of ``roles`` on the project (the recipients of a notice)."""
    members = project.members.filter(is_active=True, role__in=list(roles), user__is_active=True).select_related("user")
    return list({m.user_id: m.user for m in members}.values())


def attach(record, project: Project, user, files: Iterable, kind: str = "evidence") -> None:
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded, kind=kind)


def lock_open_project(project: Project) -> Project:
    """The project row locked; refused once the project is closed."""
    locked = lock(project)
    if locked.phase == Phase.CLOSED:
        raise project_closed_error()
    return locked


def lock_record(record, *, related: tuple = ("project",)):
    """``record`` locked (with its project read); refused once the project is closed."""
    locked = lock(record, related=related)
    if locked.project.phase == Phase.CLOSED:
        raise project_closed_error()
    return locked


def next_number(model, project: Project) -> int:
    return (model.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1


def deadline_open(*, record, project: Project, kind: str, title: str, due: dt.date, party: str, person, user) -> None:
    """A deadline (apps.deadlines) on ``party`` (and ``person`` if still on the project) for ``due``."""
    from apps.deadlines.services import deadline_create

    today = timezone.localdate()
    org = project.client if party == Party.CLIENT else project.contractor
    if person is not None and (person.organization_id != org.pk
                               or not project.members.filter(user=person, is_active=True).exists()):
        person = None
    deadline_create(record=record, project=project, kind=kind, title=title[:200], base_date=today,
                    amount=max((due - today).days, 0), counting="calendar_days", responsible_org=org,
                    responsible_user=person, user=user)


def deadlines_close(record, user, kind: str) -> None:
    from apps.deadlines.services import deadlines_close_for_record

    deadlines_close_for_record(record=record, user=user, kinds=[kind])


def open_deadlines(record, kind: str):
    from django.contrib.contenttypes.models import ContentType

    from apps.deadlines.enums import DeadlineState
    from apps.deadlines.models import Deadline

    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                   kind=kind, state=DeadlineState.OPEN).order_by("pk")
