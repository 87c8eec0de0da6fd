"""Who may do what with deadlines: project role (the shared vocabulary of ``apps.projects.rules``)
and state, each rule registered once with the sentence a refused person reads.

"may_*": the role (services check it, then the state, so that a repeated action is told the
deadline is closed rather than refused); "can_*": role and state (templates show buttons).
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import rule
from apps.projects.rules import is_client_lead, is_project_member, is_writer

from .enums import DeadlineState


@rules.predicate
def deadline_is_open(user, deadline) -> bool:
    return deadline.state == DeadlineState.OPEN


# Any active member of the project records a deadline for one of its records (the calling
# app has already checked its own, stricter rule) and records that it was met.
can_create_deadline = rule(
    "deadlines.can_create_deadline", is_writer & is_project_member,
    _("Only active members of the project can set deadlines on it."))
may_meet_deadline = rule(
    "deadlines.may_meet_deadline", is_writer & is_project_member,
    _("Only active members of the project can close its deadlines."))
# Only the client lead lets a deadline go or moves it.
may_waive_deadline = rule(
    "deadlines.may_waive_deadline", is_writer & is_client_lead,
    _("Only the client project lead can waive a deadline."))
may_reschedule_deadline = rule(
    "deadlines.may_reschedule_deadline", is_writer & is_client_lead,
    _("Only the client project lead can reschedule a deadline."))

can_meet_deadline = rule(
    "deadlines.can_meet_deadline", may_meet_deadline & deadline_is_open,
    _("Only active members of the project can close its deadlines, and only open ones."))
can_waive_deadline = rule(
    "deadlines.can_waive_deadline", may_waive_deadline & deadline_is_open,
    _("Only the client project lead can waive a deadline, and only an open one."))
can_reschedule_deadline = rule(
    "deadlines.can_reschedule_deadline", may_reschedule_deadline & deadline_is_open,
    _("Only the client project lead can reschedule a deadline, and only an open one."))
