"""Who may do what in problem handling, combining project role and record state; every rule is
registered here once, with the sentence a refused person reads.

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the record is no longer in that state); "can_*" rules add the state (templates
show buttons with them; the transition pages ask them before showing a form). Objects are
tickets, incidents or projects (``apps.projects.rules.project_of``).
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import ProjectRole
from apps.attachments.registry import attachment_rules
from apps.core.permissions import rule
from apps.projects.rules import (
    can_suspend_project,
    is_client_lead,
    is_client_staff,
    is_contractor_pm,
    is_writer,
    problem_handling_allowed,
    project_of,
    role_predicate,
)

from .enums import IncidentState, TicketState
from .models import Incident, RectificationTicket

# §6.4.1: the contractor's project manager and special inspectors answer notices.
ANSWER_ROLES = (ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR)
# §6.3.3: anyone of the contractor's team reports an incident at once.
REPORT_ROLES = (ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR, ProjectRole.CONTRACTOR_OPERATOR,
                ProjectRole.SECURITY_OFFICER)

# §5.2.3: the client's lead and quality inspectors raise notices and review rectifications
# (``is_client_staff``); the client lead closes, withdraws and reports (``is_client_lead``).
is_answerer = role_predicate("rectification.is_answerer", *ANSWER_ROLES)
is_contractor_team = role_predicate("rectification.is_contractor_team", *REPORT_ROLES)


def state_in(name: str, *states: str):
    """A predicate ``name`` that holds when the record is in one of ``states``."""

    @rules.predicate(name=name)
    def predicate(user, obj) -> bool:
        return getattr(obj, "state", None) in states

    return predicate


ticket_contractors_turn = state_in("ticket_contractors_turn", TicketState.OPEN, TicketState.REFUSED)
ticket_open = state_in("ticket_open", TicketState.OPEN)
ticket_refused = state_in("ticket_refused", TicketState.REFUSED)
ticket_submitted = state_in("ticket_submitted", TicketState.SUBMITTED)
ticket_reviewed = state_in("ticket_reviewed", TicketState.REVIEWED)
ticket_withdrawable = state_in("ticket_withdrawable", TicketState.OPEN, TicketState.REFUSED, TicketState.SUBMITTED)
incident_reported = state_in("incident_reported", IncidentState.REPORTED)


@rules.predicate
def ticket_awaits_response(user, ticket) -> bool:
    """A warranty problem the contractor has not responded to yet (§6.5.3)."""
    return bool(getattr(ticket, "awaits_response", False))


@rules.predicate
def in_warranty_period(user, obj) -> bool:
    """The project is accepted, not closed, within its warranty period, and the client has not
    concluded its warranty follow-up."""
    from django.utils import timezone

    from apps.projects.enums import Phase

    from .selectors import warranty_period

    project = project_of(obj)
    period = warranty_period(project)
    return (project.phase != Phase.CLOSED and period is not None and not period.concluded
            and period.contains(timezone.localdate()))
incident_open = state_in("incident_open", IncidentState.REPORTED, IncidentState.ACKNOWLEDGED)


# ---------------------------------------------------------------- tickets

may_raise_ticket = rule(
    "rectification.may_raise_ticket", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can issue a rectification notice."))
can_raise_ticket = rule(
    "rectification.can_raise_ticket", may_raise_ticket & problem_handling_allowed,
    _("Only the client's project lead or quality inspector can issue a rectification notice, and not on a "
      "closed project."))
may_register_complaint = rule(
    "rectification.may_register_complaint", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can register a complaint."))

may_answer_ticket = rule(
    "rectification.may_answer_ticket", is_writer & is_answerer,
    _("Only the contractor's project manager or special inspector can answer a rectification notice."))
can_answer_ticket = rule(
    "rectification.can_answer_ticket", may_answer_ticket & ticket_contractors_turn & ~ticket_awaits_response,
    _("This ticket is not waiting for the contractor's answer."))

# §6.5.3: a problem in the warranty is reported by the client and first responded to by the
# contractor (planned measures, within the contract's response period), then answered as usual.
may_report_warranty_problem = rule(
    "rectification.may_report_warranty_problem", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can report a problem in the warranty."))
can_report_warranty_problem = rule(
    "rectification.can_report_warranty_problem", may_report_warranty_problem & in_warranty_period,
    _("A warranty problem can be reported only by the client's project lead or quality inspector, within the "
      "warranty period of a project that is not closed, before the warranty follow-up is concluded."))
may_respond_ticket = rule(
    "rectification.may_respond_ticket", is_writer & is_answerer,
    _("Only the contractor's project manager or special inspector can respond to a warranty problem."))
can_respond_ticket = rule(
    "rectification.can_respond_ticket", may_respond_ticket & ticket_awaits_response,
    _("This ticket is not waiting for the contractor's response."))

may_refuse_ticket = rule(
    "rectification.may_refuse_ticket", is_writer & is_contractor_pm,
    _("Only the contractor's project manager can refuse a notice."))
can_refuse_ticket = rule(
    "rectification.can_refuse_ticket", may_refuse_ticket & ticket_open,
    _("Only a notice that is waiting for the contractor's answer can be refused."))
may_withdraw_refusal = rule(
    "rectification.may_withdraw_refusal", is_writer & is_contractor_pm,
    _("Only the contractor's project manager can do this."))
can_withdraw_refusal = rule(
    "rectification.can_withdraw_refusal", may_withdraw_refusal & ticket_refused,
    _("This ticket has no refusal to withdraw."))

may_review_ticket = rule(
    "rectification.may_review_ticket", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can review a rectification."))
can_review_ticket = rule(
    "rectification.can_review_ticket", may_review_ticket & ticket_submitted,
    _("This ticket has no rectification waiting for review."))

may_close_ticket = rule(
    "rectification.may_close_ticket", is_writer & is_client_lead,
    _("Only the client project lead can close a ticket."))
can_close_ticket = rule(
    "rectification.can_close_ticket", may_close_ticket & ticket_reviewed,
    _("Only a ticket that passed review can be closed."))

may_cancel_ticket = rule(
    "rectification.may_cancel_ticket", is_writer & is_client_lead,
    _("Only the client project lead can withdraw a notice."))
can_cancel_ticket = rule(
    "rectification.can_cancel_ticket", may_cancel_ticket & ticket_withdrawable,
    _("This notice can no longer be withdrawn."))

may_reopen_ticket = rule(
    "rectification.may_reopen_ticket", is_writer & is_client_lead,
    _("Only the client project lead can reopen a ticket for review."))
can_reopen_ticket = rule(
    "rectification.can_reopen_ticket", may_reopen_ticket & ticket_reviewed,
    _("Only a ticket that passed review can be reopened for a new review."))

# ---------------------------------------------------------------- the project's problem handling

may_manage_problems = rule(
    "rectification.may_manage_problems", is_writer & is_client_lead,
    _("Only the client project lead can change the contract's terms for rectification."))
can_manage_problems = rule(
    "rectification.can_manage_problems", may_manage_problems & problem_handling_allowed,
    _("Only the client project lead can change the contract's terms for rectification."))
may_report_to_regulator = rule(
    "rectification.may_report_to_regulator", is_writer & is_client_lead,
    _("Only the client project lead can report to the regulator."))

# ---------------------------------------------------------------- incidents (§6.3.3)

may_report_incident = rule(
    "rectification.may_report_incident", is_writer & is_contractor_team,
    _("Only members of the contractor's project team can report an incident."))
can_report_incident = rule(
    "rectification.can_report_incident", may_report_incident & problem_handling_allowed,
    _("Only members of the contractor's project team can report an incident, and not on a closed project."))
may_handle_incident = rule(
    "rectification.may_handle_incident", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can handle an incident."))
may_close_incident = rule(
    "rectification.may_close_incident", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can close an incident."))
can_acknowledge_incident = rule(
    "rectification.can_acknowledge_incident", may_handle_incident & incident_reported,
    _("This incident has already been acknowledged."))
can_close_incident = rule(
    "rectification.can_close_incident", may_close_incident & incident_open,
    _("This incident is already closed."))
# The client stops work after an incident: the project is suspended with the incident as a cause.
can_stop_work = rule(
    "rectification.can_stop_work", can_suspend_project & incident_open,
    _("Work can be stopped only while the incident is open, by the client's project lead of a project that is "
      "not suspended or closed."))


# ---------------------------------------------------------------- attachments (evidence)

# The problem's evidence (client) and the rectification's evidence (contractor), while the ticket
# is in the loop: both sides while it is the contractor's turn, the client while it reviews.
may_attach_to_ticket = ((ticket_contractors_turn & (is_answerer | is_client_staff))
                        | (ticket_submitted & is_client_staff))


can_attach_to_ticket = rule(
    "rectification.can_attach_to_ticket", may_attach_to_ticket,
    _("Files can no longer be attached to this record."))
can_attach_to_incident = rule(
    "rectification.can_attach_to_incident", incident_open & (is_contractor_team | is_client_staff),
    _("Files can no longer be attached to this record."))

attachment_rules(RectificationTicket, add="rectification.can_attach_to_ticket")
attachment_rules(Incident, add="rectification.can_attach_to_incident")
