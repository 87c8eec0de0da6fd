"""Problems reported in the warranty (质保, §6.5.3): a rectification ticket of source 质保 that the
contractor first responds to (planned measures, within the contract's response period) and then
answers as every ticket, within the contract's fix period. Both periods are working days from the
report (``ProblemSettings.warranty_response_days`` / ``warranty_fix_days``); each is a deadline of
the shared mechanism, reminded and escalated like the others.

::

    report (client) ──► OPEN, awaiting response ──respond (contractor)──► OPEN ──submit──► … (the loop)

The warranty period is ``selectors.warranty_period``: from the acceptance date to the warranty's
end, until the client concludes its follow-up.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.calendar import add_working_days
from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects.enums import Phase
from apps.projects.models import Project

from .. import selectors
from ..enums import Severity, TicketSource, TicketState
from ..models import TEXT_MAX, RectificationTicket
from .common import (
    KIND,
    add_evidence,
    check_state,
    client_people,
    lock_ticket,
    members,
    parse_date,
    save_ticket,
)
from .tickets import _create_ticket

RESPONSE_KIND = "warranty_response"  # apps.deadlines.enums.DeadlineKind.WARRANTY_RESPONSE


def _check_period(project: Project, found_on, today) -> None:
    """Refuse a warranty problem outside the warranty: before the acceptance, after its end, once
    the client concluded the follow-up, or on a closed project."""
    if project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    period = selectors.warranty_period(project)
    if period is None:
        raise DomainError(_("The warranty starts when the project's acceptance is recorded."),
                          code="illegal_transition")
    if period.concluded:
        raise DomainError(_("The client has concluded the warranty follow-up of this project."),
                          code="illegal_transition")
    if not period.contains(today):
        raise DomainError(_("The warranty runs from %(start)s to %(end)s: a warranty problem is reported within "
                            "it.") % {"start": period.start, "end": period.end}, code="illegal_transition")
    if found_on < period.start:
        raise DomainError(_("A warranty problem is one found after the acceptance (%(start)s).")
                          % {"start": period.start}, field="found_on")


def warranty_ticket_raise(*, project: Project, user, found_on, title: str, description: str, requirement: str,
                          severity: str = Severity.GENERAL, note: str = "", files=()) -> RectificationTicket:
    """The client reports a problem found in the warranty (§6.5.3): a ticket of source 质保 with a
    response deadline and a fix deadline from the contract's terms, counted in working days from
    today."""
    require("rectification.may_report_warranty_problem", user, project)
    today = timezone.localdate()
    found_on = parse_date(found_on, field="found_on", label=_("The date found"))
    with transaction.atomic(), history_context(user=user, reason=_("Warranty problem reported")):
        locked = lock(Project, pk=project.pk)
        _check_period(locked, found_on, today)
        terms = selectors.settings_of(locked)
        ticket = _create_ticket(
            project=locked, user=user, source=TicketSource.WARRANTY, found_on=found_on, title=title,
            description=description, requirement=requirement, severity=severity, note=note,
            due_date=add_working_days(today, terms.warranty_fix_days),
            response_due=add_working_days(today, terms.warranty_response_days))
        _open_response_deadline(ticket, user, base_date=today, days=terms.warranty_response_days)
        add_evidence(ticket, locked, user, files)
    return ticket


def _open_response_deadline(ticket: RectificationTicket, user, *, base_date, days: int) -> None:
    from apps.deadlines.services import deadline_create

    pm = members(ticket.project, [ProjectRole.CONTRACTOR_PM], ticket.project.contractor_id)
    deadline_create(record=ticket, project=ticket.project, kind=RESPONSE_KIND,
                    title=_("Response to warranty problem No. %(n)d: %(title)s") % {"n": ticket.number,
                                                                                  "title": ticket.title[:120]},
                    base_date=base_date, amount=days, counting="working_days",
                    responsible_org=ticket.project.contractor, responsible_user=pm[0] if pm else None,
                    escalate_to_regulator=ticket.severity == Severity.FATAL, user=user)


def ticket_respond(*, ticket: RectificationTicket, user, plan: str, expected_version: int | None = None
                   ) -> RectificationTicket:
    """质保响应: the contractor responds to a warranty problem with its planned measures (who and
    when are recorded); the response deadline is met (late when after it). It then rectifies and
    reports as for every ticket."""
    from apps.deadlines.services import deadlines_close_for_record

    require("rectification.may_respond_ticket", user, ticket)
    plan = clean_text(plan, field="plan", label=_("The planned measures"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock_ticket(ticket, expected_version=expected_version)
        if not locked.is_warranty:
            raise DomainError(_("Only a warranty problem is responded to before it is answered."),
                              code="illegal_transition")
        if locked.responded_at is not None:
            raise DomainError(_("The contractor has already responded to this problem."), code="illegal_transition")
        check_state(locked, [TicketState.OPEN])
        locked.response_plan, locked.responded_by, locked.responded_at = plan, user, timezone.now()
        save_ticket(locked, reason=_("Responded to the warranty problem with the planned measures"),
                    fields=["response_plan", "responded_by", "responded_at"])
        deadlines_close_for_record(record=locked, user=user, kinds=[RESPONSE_KIND])
        notify(recipients=client_people(locked.project), key=f"rectification:{locked.pk}:responded",
               title=_("The contractor responded to warranty problem No. %(n)d (%(project)s)")
               % {"n": locked.number, "project": locked.project.name},
               body=plan[:500], link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked
