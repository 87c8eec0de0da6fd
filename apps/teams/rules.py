"""Who may do what on team and equipment filings (django-rules), role combined with state.

Project-level rules take the project; record-level rules take the filing / change and add
the record's state, so templates can ask exactly what the service will allow.
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import is_active_user, is_read_only

from .enums import ChangeStatus, FilingStatus


def _roles(user, project) -> set[str]:
    if not (user and user.is_authenticated) or project is None or project.pk is None:
        return set()
    cache = getattr(project, "_teams_role_cache", None)
    if cache is None:
        cache = project._teams_role_cache = {}
    if user.pk not in cache:
        cache[user.pk] = set(project.members.filter(user=user, is_active=True).values_list("role", flat=True))
    return cache[user.pk]


def _project(obj):
    return getattr(obj, "project", obj)


@rules.predicate
def is_contractor_pm(user, obj) -> bool:
    project = _project(obj)
    return user.organization_id == project.contractor_id and ProjectRole.CONTRACTOR_PM in _roles(user, project)


@rules.predicate
def is_client_lead(user, obj) -> bool:
    project = _project(obj)
    return user.organization_id == project.client_id and ProjectRole.CLIENT_LEAD in _roles(user, project)


@rules.predicate
def is_client_reviewer(user, obj) -> bool:
    project = _project(obj)
    return user.organization_id == project.client_id and bool(
        {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR} & _roles(user, project))


@rules.predicate
def project_is_active(user, obj) -> bool:
    return _project(obj).phase not in (Phase.CLOSED, Phase.SUSPENDED)


@rules.predicate
def is_submitted(user, obj) -> bool:
    return obj.status == FilingStatus.SUBMITTED


@rules.predicate
def is_rejected_or_submitted(user, obj) -> bool:
    return obj.status in (FilingStatus.SUBMITTED, FilingStatus.REJECTED)


@rules.predicate
def is_approved(user, obj) -> bool:
    return obj.status == FilingStatus.APPROVED


@rules.predicate
def awaits_staff_change(user, obj) -> bool:
    """A newcomer's filing is decided through its staff change, not on its own."""
    return obj.changes_incoming.filter(status=ChangeStatus.REQUESTED).exists()


@rules.predicate
def change_is_requested(user, obj) -> bool:
    return obj.status == ChangeStatus.REQUESTED


_writer = is_active_user & ~is_read_only & project_is_active

can_file_staff = _writer & is_contractor_pm
can_review_filings = _writer & is_client_reviewer
can_decide_staff_change = _writer & is_client_lead
can_manage_pledges = _writer & is_client_lead

rules.add_rule("teams.can_file", can_file_staff)
rules.add_rule("teams.can_review", can_review_filings)
rules.add_rule("teams.can_request_change", can_file_staff)
rules.add_rule("teams.can_decide_change", can_decide_staff_change)
rules.add_rule("teams.can_manage_pledges", can_manage_pledges)
# Record level (filing or equipment).
rules.add_rule("teams.can_edit_filing", can_file_staff & is_rejected_or_submitted)
rules.add_rule("teams.can_decide_filing", can_review_filings & is_submitted & ~awaits_staff_change)
rules.add_rule("teams.can_decide_equipment", can_review_filings & is_submitted)
rules.add_rule("teams.can_end_filing", can_decide_staff_change & is_approved)
rules.add_rule("teams.can_decide_change_record", can_decide_staff_change & change_is_requested)
rules.add_rule("teams.can_withdraw_change", can_file_staff & change_is_requested)
