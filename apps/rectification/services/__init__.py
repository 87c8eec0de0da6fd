"""Writes of problem handling. Each service checks the person (``require`` with the rule of
``rules.py``), then the state, saves with a history reason and tells the people concerned
(``apps.core.notify``).

- :mod:`.tickets`: the rectification loop (§4.4, Annex D) and complaints;
- :mod:`.incidents`: incidents (§6.3.3);
- :mod:`.suspension`: suspending the project on its grounds (§5.2.3) and the rules every
  suspension and resumption follows;
- :mod:`.regulator`: reports to the regulator (报备);
- :mod:`.terms`: the contract's terms for rectification;
- :mod:`.warranty`: problems reported in the warranty (§6.5.3) and the contractor's response;
- :mod:`.common`: what they share (people to tell, the ticket's lock and deadline).
"""

from __future__ import annotations

from .incidents import incident_acknowledge, incident_close, incident_report
from .regulator import suspension_report, ticket_report
from .suspension import SuspensionRules, project_suspend
from .terms import settings_update
from .warranty import ticket_respond, warranty_ticket_raise
from .tickets import (
                      complaint_register,
                      on_problem_answered,
                      on_problem_found,
                      ticket_auto_raise,
                      ticket_cancel,
                      ticket_close,
                      ticket_raise,
                      ticket_refuse,
                      ticket_reopen,
                      ticket_review,
                      ticket_submit,
                      ticket_withdraw_refusal,
)

__all__ = [
    "SuspensionRules", "complaint_register", "incident_acknowledge", "incident_close", "incident_report",
    "on_problem_answered", "on_problem_found", "project_suspend", "settings_update", "suspension_report",
    "ticket_auto_raise", "ticket_cancel", "ticket_close", "ticket_raise", "ticket_refuse", "ticket_reopen",
    "ticket_report", "ticket_respond", "ticket_review", "ticket_submit", "ticket_withdraw_refusal",
    "warranty_ticket_raise",
]
