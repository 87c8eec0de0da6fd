"""Permission predicates for deadlines: project role (from apps.projects.rules) and state."""

from __future__ import annotations

import rules

from apps.projects.rules import active_roles, is_active_user, is_client_lead, is_read_only

from .enums import DeadlineState


@rules.predicate
def is_project_member(user, project) -> bool:
    return bool(active_roles(user, project))


@rules.predicate
def is_deadline_client_lead(user, deadline) -> bool:
    return is_client_lead(user, deadline.project)


@rules.predicate
def is_deadline_project_member(user, deadline) -> bool:
    return bool(active_roles(user, deadline.project))


@rules.predicate
def deadline_is_open(user, deadline) -> bool:
    return deadline.state == DeadlineState.OPEN


# Any active member of the project records a deadline for one of its records (the calling
# app has already checked its own, stricter rule) and records that it was met.
can_create_deadline = is_active_user & ~is_read_only & is_project_member
may_meet_deadline = is_active_user & ~is_read_only & is_deadline_project_member
# Only the client lead lets a deadline go or moves it.
may_waive_deadline = is_active_user & ~is_read_only & is_deadline_client_lead
may_reschedule_deadline = may_waive_deadline

# "may_*": the role (services check it, then the state, so that a repeated action is told the
# deadline is closed rather than refused); "can_*": role and state (templates show buttons).
can_meet_deadline = may_meet_deadline & deadline_is_open
can_waive_deadline = may_waive_deadline & deadline_is_open
can_reschedule_deadline = may_reschedule_deadline & deadline_is_open

rules.add_rule("deadlines.can_create_deadline", can_create_deadline)
rules.add_rule("deadlines.may_meet_deadline", may_meet_deadline)
rules.add_rule("deadlines.may_waive_deadline", may_waive_deadline)
rules.add_rule("deadlines.may_reschedule_deadline", may_reschedule_deadline)
rules.add_rule("deadlines.can_meet_deadline", can_meet_deadline)
rules.add_rule("deadlines.can_waive_deadline", can_waive_deadline)
rules.add_rule("deadlines.can_reschedule_deadline", can_reschedule_deadline)
