"""Who may do what to plan versions (django-rules: role on the project + state).

Contractor PM: writes and submits versions. Client lead or client inspector: returns a
submitted version with comments. Client lead: approves (and signs). Regulators read only.
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import has_project_role, project_of, is_active_user, is_read_only

from .enums import PlanStatus


_project_of = project_of
_has_role = has_project_role


@rules.predicate
def project_writable(user, obj) -> bool:
    return obj is not None and _project_of(obj).phase not in (Phase.CLOSED, Phase.SUSPENDED)


@rules.predicate
def is_contractor_pm(user, obj) -> bool:
    return _has_role(user, obj, ProjectRole.CONTRACTOR_PM)


@rules.predicate
def is_client_lead(user, obj) -> bool:
    return _has_role(user, obj, ProjectRole.CLIENT_LEAD)


@rules.predicate
def is_client_reviewer(user, obj) -> bool:
    return _has_role(user, obj, ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR)


@rules.predicate
def version_is_draft(user, version) -> bool:
    return version is not None and version.status == PlanStatus.DRAFT


@rules.predicate
def version_is_submitted(user, version) -> bool:
    return version is not None and version.status == PlanStatus.SUBMITTED


_writer = is_active_user & ~is_read_only

# On a project.
can_create_plan_version = _writer & is_contractor_pm & project_writable
# Issue 7: an approved change request opens a new version (either party's lead may trigger it).
can_open_plan_version_from_change = _writer & (is_contractor_pm | is_client_lead) & project_writable
# On a version.
can_edit_plan = _writer & is_contractor_pm & version_is_draft & project_writable
can_submit_plan = can_edit_plan
can_approve_plan = _writer & is_client_lead & version_is_submitted & project_writable
can_return_plan = _writer & is_client_reviewer & version_is_submitted & project_writable

rules.add_rule("plans.can_create_plan_version", can_create_plan_version)
rules.add_rule("plans.can_open_plan_version_from_change", can_open_plan_version_from_change)
rules.add_rule("plans.can_edit_plan", can_edit_plan)
rules.add_rule("plans.can_submit_plan", can_submit_plan)
rules.add_rule("plans.can_approve_plan", can_approve_plan)
rules.add_rule("plans.can_return_plan", can_return_plan)
