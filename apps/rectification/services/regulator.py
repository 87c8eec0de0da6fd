"""Reports to the regulator (报备): a suspension, a major incident or a major quality problem,
once each; the regulators of the client's jurisdiction are told."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text

from ..enums import ReportKind, TicketState
from ..models import TEXT_MAX, Incident, RectificationTicket, RegulatorReport, Suspension
from .common import KIND, regulator_people


def suspension_report(*, suspension: Suspension, user) -> RegulatorReport:
    """The client lead reports a suspension to the regulator, with its grounds and causes (once)."""
    require("rectification.may_report_to_regulator", user, suspension.project)
    with transaction.atomic(), history_context(user=user, reason=_("Reported to the regulator")):
        existing = RegulatorReport.objects.filter(suspension=suspension).first()
        if existing:
            return existing
        causes = [str(t) for t in suspension.tickets.all()] + [str(i) for i in suspension.incidents.all()]
        report = RegulatorReport.objects.create(
            project=suspension.project, kind=ReportKind.SUSPENSION, suspension=suspension, reported_by=user,
            summary=_("Project suspended on %(day)s. Grounds: %(grounds)s. Reason: %(reason)s. Causes: %(causes)s")
            % {"day": timezone.localdate(), "grounds": suspension.get_grounds_display(), "reason": suspension.reason,
               "causes": "、".join(causes) or "—"})
        notify(recipients=regulator_people(suspension.project), key=f"regreport:{report.pk}",
               title=_("Project suspended and reported: %(project)s") % {"project": suspension.project.name},
               body=suspension.reason[:500], link=report.get_absolute_url(), project=suspension.project, kind=KIND)
    return report


def ticket_report(*, ticket: RectificationTicket, user, summary: str) -> RegulatorReport:
    """The client lead reports a major quality problem to the regulator (必要时向监管机构报备)."""
    require("rectification.may_report_to_regulator", user, ticket)
    summary = clean_text(summary, field="summary", label=_("The summary"), max_length=3 * TEXT_MAX)
    with transaction.atomic(), history_context(user=user, reason=_("Reported to the regulator")):
        if ticket.state == TicketState.CANCELLED:
            raise DomainError(_("A withdrawn notice is not reported to the regulator."), code="illegal_transition")
        if RegulatorReport.objects.filter(ticket=ticket).exists():
            raise DomainError(_("This ticket has already been reported to the regulator."), code="duplicate")
        report = RegulatorReport.objects.create(project=ticket.project, kind=ReportKind.TICKET, ticket=ticket,
                                                reported_by=user, summary=summary)
        notify(recipients=regulator_people(ticket.project), key=f"regreport:{report.pk}",
               title=_("Major quality problem reported on %(project)s: %(title)s")
               % {"project": ticket.project.name, "title": ticket.title[:80]},
               link=ticket.get_absolute_url(), project=ticket.project, kind=KIND)
    return report


def report_major_incident(incident: Incident, user) -> None:
    """A major incident goes to the regulator once (reported so by the contractor, or judged so
    by the client); part of reporting or acknowledging it, not a service of its own."""
    project = incident.project
    if RegulatorReport.objects.filter(incident=incident).exists():
        return
    report = RegulatorReport.objects.create(
        project=project, kind=ReportKind.INCIDENT, incident=incident, reported_by=user,
        summary=_("%(kind)s on %(when)s: %(title)s. Scale: %(scale)s. Remedial action: %(action)s") % {
            "kind": incident.get_category_display(), "when": timezone.localtime(incident.occurred_at)
            .strftime("%Y-%m-%d %H:%M"), "title": incident.title, "scale": incident.scale[:500],
            "action": incident.remedial_action[:500]})
    notify(recipients=regulator_people(project), key=f"regreport:{report.pk}",
           title=_("Major incident reported on %(project)s: %(title)s") % {"project": project.name,
                                                                          "title": incident.title[:80]},
           link=incident.get_absolute_url(), project=project, kind=KIND)
