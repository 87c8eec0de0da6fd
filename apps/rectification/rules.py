"""Who may do what in problem handling (django-rules), combining project role and record state.

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the record is no longer in that state); "can_*" rules add the state (templates
show buttons with them). Objects are tickets, incidents or projects (``project_of``).
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import has_project_role, is_active_user, is_read_only, project_of

from .enums import IncidentState, TicketState

# §5.2.3: the client's lead and quality inspectors raise notices and review rectifications.
RAISE_ROLES = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR})
LEAD_ROLES = frozenset({ProjectRole.CLIENT_LEAD})
# §6.4.1: the contractor's project manager and special inspectors answer them.
ANSWER_ROLES = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR})
PM_ROLES = frozenset({ProjectRole.CONTRACTOR_PM})
# §6.3.3: anyone of the contractor's team reports an incident at once.
REPORT_ROLES = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR,
                          ProjectRole.CONTRACTOR_OPERATOR, ProjectRole.SECURITY_OFFICER})


def _role(*roles):
    @rules.predicate
    def predicate(user, obj) -> bool:
        return has_project_role(user, obj, *roles)

    return predicate


is_raiser = _role(*RAISE_ROLES)
is_lead = _role(*LEAD_ROLES)
is_answerer = _role(*ANSWER_ROLES)
is_pm = _role(*PM_ROLES)
is_reporter = _role(*REPORT_ROLES)


@rules.predicate
def project_not_closed(user, obj) -> bool:
    return project_of(obj).phase != Phase.CLOSED


def _state(*states):
    @rules.predicate
    def predicate(user, obj) -> bool:
        return getattr(obj, "state", None) in states

    return predicate


writer = is_active_user & ~is_read_only

may_raise_ticket = writer & is_raiser
can_raise_ticket = may_raise_ticket & project_not_closed
may_answer_ticket = writer & is_answerer
can_answer_ticket = may_answer_ticket & _state(TicketState.OPEN, TicketState.REFUSED)
may_refuse_ticket = writer & is_pm
can_refuse_ticket = may_refuse_ticket & _state(TicketState.OPEN)
can_withdraw_refusal = may_refuse_ticket & _state(TicketState.REFUSED)
may_review_ticket = writer & is_raiser
can_review_ticket = may_review_ticket & _state(TicketState.SUBMITTED)
may_close_ticket = writer & is_lead
can_close_ticket = may_close_ticket & _state(TicketState.REVIEWED)
may_cancel_ticket = writer & is_lead
can_cancel_ticket = may_cancel_ticket & _state(TicketState.OPEN, TicketState.REFUSED, TicketState.SUBMITTED)
can_reopen_ticket = may_cancel_ticket & _state(TicketState.REVIEWED)
may_manage_problems = writer & is_lead
can_manage_problems = may_manage_problems & project_not_closed

may_report_incident = writer & is_reporter
can_report_incident = may_report_incident & project_not_closed
may_handle_incident = writer & is_raiser
can_acknowledge_incident = may_handle_incident & _state(IncidentState.REPORTED)
can_close_incident = may_handle_incident & _state(IncidentState.REPORTED, IncidentState.ACKNOWLEDGED)

for _name, _rule in {
    "rectification.may_raise_ticket": may_raise_ticket, "rectification.can_raise_ticket": can_raise_ticket,
    "rectification.may_answer_ticket": may_answer_ticket, "rectification.can_answer_ticket": can_answer_ticket,
    "rectification.may_refuse_ticket": may_refuse_ticket, "rectification.can_refuse_ticket": can_refuse_ticket,
    "rectification.can_withdraw_refusal": can_withdraw_refusal,
    "rectification.may_review_ticket": may_review_ticket, "rectification.can_review_ticket": can_review_ticket,
    "rectification.may_close_ticket": may_close_ticket, "rectification.can_close_ticket": can_close_ticket,
    "rectification.may_cancel_ticket": may_cancel_ticket, "rectification.can_cancel_ticket": can_cancel_ticket,
    "rectification.can_reopen_ticket": can_reopen_ticket,
    "rectification.may_manage_problems": may_manage_problems, "rectification.can_manage_problems": can_manage_problems,
    "rectification.may_report_incident": may_report_incident, "rectification.can_report_incident": can_report_incident,
    "rectification.may_handle_incident": may_handle_incident, "rectification.can_acknowledge_incident": can_acknowledge_incident,
    "rectification.can_close_incident": can_close_incident,
}.items():
    rules.add_rule(_name, _rule)
