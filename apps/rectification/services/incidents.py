"""Incidents (§6.3.3 事故应急处置): the contractor reports at once, the client acknowledges with
its instructions and closes; a major one goes to the regulator; the risks are re-assessed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.projects import hooks
from apps.projects.enums import Phase
from apps.projects.models import Project

from ..enums import IncidentCategory, IncidentState
from ..models import TEXT_MAX, TITLE_MAX, Incident
from .common import KIND, add_evidence, check_choice, client_people, contractor_people
from .regulator import report_major_incident


def _occurred_at(value, project: Project) -> dt.datetime:
    """When the incident occurred: a date-time (a date is midnight), not in the future, not
    before the contract was signed (and never in a year the database could store but not read
    back)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0, 0))
    if not isinstance(value, dt.datetime):
        raise DomainError(_("Give when the incident occurred."), field="occurred_at")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError(_("The time of the incident cannot be in the future."), field="occurred_at")
    if timezone.localtime(value).date() < project.contract_signed_on:
        raise DomainError(_("The time of the incident cannot be before the contract was signed (%(day)s).")
                          % {"day": project.contract_signed_on}, field="occurred_at")
    return value


def incident_report(*, project: Project, user, category: str, title: str, occurred_at, description: str,
                    scale: str, remedial_action: str, is_major: bool = False, files=()) -> Incident:
    """事故应急处置: the contractor reports at once what happened, when, its scale and the remedial
    action taken. The client is notified immediately; a major incident goes to the regulator; the
    risk register is asked for a re-assessment."""
    require("rectification.may_report_incident", user, project)
    category = check_choice(category, IncidentCategory, field="category", label=_("The kind of incident"))
    title = clean_line(title, field="title", label=_("The incident in brief"), max_length=TITLE_MAX)
    occurred_at = _occurred_at(occurred_at, project)
    description = clean_text(description, field="description", label=_("What happened"), max_length=3 * TEXT_MAX)
    scale = clean_text(scale, field="scale", label=_("The scale and impact"), max_length=TEXT_MAX)
    remedial_action = clean_text(remedial_action, field="remedial_action", label=_("The remedial action taken"),
                                 max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user, reason=_("Incident reported")):
        if lock(Project, pk=project.pk).phase == Phase.CLOSED:
            raise DomainError(_("The project is closed."), code="illegal_transition")
        incident = Incident.objects.create(
            project=project, category=category, title=title, occurred_at=occurred_at, description=description,
            scale=scale, remedial_action=remedial_action, is_major=bool(is_major), reported_by=user)
        add_evidence(incident, project, user, files)
        notify(recipients=client_people(project), key=f"incident:{incident.pk}:reported",
               title=_("Incident reported: %(title)s (%(project)s)") % {"title": title[:80], "project": project.name},
               body=description[:500], link=incident.get_absolute_url(), project=project, kind=KIND)
        if incident.is_major:
            report_major_incident(incident, user)
        _ask_risk_reassessment(incident)
    return incident


def _ask_risk_reassessment(incident: Incident) -> None:
    """§5.2.2: the risk level is re-assessed after a security or quality problem (project control
    opens the request through the hook)."""
    hooks.risk_reassessment_needed(project=incident.project, trigger="incident",
                                   note=_("After the incident: %(title)s") % {"title": incident.title},
                                   source_label=f"#{incident.pk} {incident}"[:TITLE_MAX],
                                   source_url=incident.get_absolute_url())


def incident_acknowledge(*, incident: Incident, user, instructions: str, is_major: bool | None = None) -> Incident:
    """The client takes note and gives its instructions; it may judge the incident major (then it
    goes to the regulator)."""
    require("rectification.may_handle_incident", user, incident)
    instructions = clean_text(instructions, field="client_instructions", label=_("The instructions"),
                              max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock(incident, related=("project",))
        if locked.state != IncidentState.REPORTED:
            raise DomainError(_("This incident has already been acknowledged."), code="illegal_transition")
        locked.state = IncidentState.ACKNOWLEDGED
        locked.client_instructions = instructions
        locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        if is_major:
            locked.is_major = True
        save_with_history(locked, reason=_("Incident acknowledged by the client"))
        if locked.is_major:
            report_major_incident(locked, user)
        notify(recipients=contractor_people(locked.project), key=f"incident:{locked.pk}:acknowledged",
               title=_("The client's instructions on the incident: %(title)s") % {"title": locked.title[:80]},
               body=instructions[:500], link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


def incident_close(*, incident: Incident, user, closing_note: str) -> Incident:
    """The client closes the incident, saying how it was handled."""
    require("rectification.may_close_incident", user, incident)
    closing_note = clean_text(closing_note, field="closing_note", label=_("How it was handled"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock(incident, related=("project",))
        if locked.state == IncidentState.CLOSED:
            raise DomainError(_("This incident is already closed."), code="illegal_transition")
        if locked.acknowledged_at is None:
            locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        locked.state = IncidentState.CLOSED
        locked.closing_note = closing_note
        locked.closed_by, locked.closed_at = user, timezone.now()
        save_with_history(locked, reason=_("Incident handled and closed"))
    return locked
