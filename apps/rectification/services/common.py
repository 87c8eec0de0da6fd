"""What the services of problem handling share: the people to tell, the ticket's lock, state
check and save, evidence files, dates and choices, and the ticket's deadline in the shared
mechanism (``apps.deadlines``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.accounts.models import Jurisdiction
from apps.core.errors import DomainError
from apps.core.history import save_with_history
from apps.core.locking import lock
from apps.projects.models import Project, ProjectMember

from ..enums import Severity
from ..models import RectificationTicket

DEADLINE_KIND = "rectification"
MAX_DEADLINE_DAYS = 365
KIND = "rectification"  # the kind of every notification of problem handling


# ---------------------------------------------------------------- input

def parse_date(value, *, field: str, label) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DomainError(_("%(label)s is not a valid date (YYYY-MM-DD).") % {"label": label}, field=field) \
                from None
    if not isinstance(value, dt.date):
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    return value


def check_choice(value, choices, *, field: str, label) -> str:
    if value not in choices.values:
        raise DomainError(_("%(label)s: choose one of the listed values.") % {"label": label}, field=field)
    return value


def check_due(due_date, *, today: dt.date, found_on: dt.date | None = None, field: str = "due_date") -> dt.date:
    due_date = parse_date(due_date, field=field, label=_("The rectification deadline"))
    if due_date < today:
        raise DomainError(_("The rectification deadline cannot be in the past."), field=field)
    if due_date > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise DomainError(_("The rectification deadline must be within %(n)d days.") % {"n": MAX_DEADLINE_DAYS},
                          field=field)
    if found_on is not None and due_date < found_on:
        raise DomainError(_("The rectification deadline cannot be before the date the problem was found."),
                          field=field)
    return due_date


# ---------------------------------------------------------------- people to tell

def members(project: Project, roles: Iterable[str], org_id: int) -> list:
    rows = (ProjectMember.objects.filter(project=project, is_active=True, role__in=list(roles), user__is_active=True,
                                         user__organization_id=org_id).select_related("user"))
    return list({m.user_id: m.user for m in rows}.values())


def client_people(project: Project, lead_only: bool = False) -> list:
    roles = [ProjectRole.CLIENT_LEAD] if lead_only else [ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR]
    return members(project, roles, project.client_id)


def contractor_people(project: Project) -> list:
    return members(project, [ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR], project.contractor_id)


def contractor_team(project: Project) -> list:
    """Everyone of the contractor's team: who must stop work when the project is suspended."""
    return contractor_people(project) + members(project, [ProjectRole.CONTRACTOR_OPERATOR,
                                                          ProjectRole.SECURITY_OFFICER], project.contractor_id)


def regulator_people(project: Project) -> list:
    regulators = Jurisdiction.objects.filter(client_id=project.client_id).values("regulator_id")
    return list(get_user_model().objects.filter(organization_id__in=regulators, is_active=True,
                                                organization__is_active=True))


# ---------------------------------------------------------------- one ticket

def lock_ticket(ticket: RectificationTicket, *, expected_version: int | None = None) -> RectificationTicket:
    """The ticket's row under ``SELECT … FOR UPDATE`` (with its project), refused as stale when
    ``expected_version`` is given and no longer current."""
    return lock(ticket, expected_version=expected_version, related=("project", "project__contractor"),
                message=_("Someone else changed this ticket after you opened it. Reload the page and try again."))


def check_state(ticket: RectificationTicket, states: Iterable[str]) -> None:
    if ticket.state not in set(states):
        raise DomainError(_("This ticket is %(state)s; that step is not possible now.")
                          % {"state": ticket.get_state_display()}, code="illegal_transition")


def save_ticket(ticket: RectificationTicket, *, reason: str, fields: list[str]) -> None:
    ticket.version += 1
    save_with_history(ticket, reason=reason, update_fields=[*fields, "version", "updated_at"])


def add_evidence(record, project: Project, user, files) -> None:
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded, kind="evidence")


# ---------------------------------------------------------------- the ticket's deadline

def open_deadline(ticket: RectificationTicket, user) -> None:
    """The ticket's deadline in the shared mechanism (reminders, escalation to the client lead and,
    for fatal problems, to the regulator)."""
    from apps.deadlines.services import deadline_create

    today = timezone.localdate()
    base = min(today, ticket.due_date)
    pm = members(ticket.project, [ProjectRole.CONTRACTOR_PM], ticket.project.contractor_id)
    deadline_create(record=ticket, project=ticket.project, kind=DEADLINE_KIND,
                    title=_("Rectification ticket No. %(n)d: %(title)s") % {"n": ticket.number,
                                                                           "title": ticket.title[:120]},
                    base_date=base, amount=(ticket.due_date - base).days, counting="calendar_days",
                    responsible_org=ticket.project.contractor, responsible_user=pm[0] if pm else None,
                    escalate_to_regulator=ticket.severity == Severity.FATAL, user=user)


def close_deadlines(ticket: RectificationTicket, user) -> None:
    from apps.deadlines.services import deadlines_close_for_record

    deadlines_close_for_record(record=ticket, user=user, kinds=[DEADLINE_KIND])


def waive_deadlines(ticket: RectificationTicket, user, reason: str) -> None:
    """Every open deadline of a withdrawn ticket is let go, with the reason."""
    from apps.deadlines.services import deadlines_waive_for_record

    deadlines_waive_for_record(record=ticket, user=user, reason=reason)
