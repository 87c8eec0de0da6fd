"""Permission predicates (django-rules) combining a person's project role and the project state.

Views and templates ask the same rules (``rules.test_rule`` / ``{% test_rule %}``); services
check them again so that no path (API, task, admin action) skips them.
"""

from __future__ import annotations

import rules

from apps.accounts.enums import OrgKind, ProjectRole

from .enums import Phase


def _active_roles(user, project) -> set[str]:
    if not user.is_authenticated or project is None or project.pk is None:
        return set()
    cache = getattr(project, "_role_cache", None)
    if cache is None:
        cache = project._role_cache = {}
    if user.pk not in cache:
        cache[user.pk] = set(project.members.filter(user=user, is_active=True).values_list("role", flat=True))
    return cache[user.pk]


@rules.predicate
def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_read_only(user) -> bool:
    return bool(getattr(user, "is_read_only", False))


@rules.predicate
def belongs_to_client_org(user) -> bool:
    return bool(user.is_authenticated and user.organization_id and user.organization.kind == OrgKind.CLIENT
                and user.organization.is_active)


@rules.predicate
def is_client_lead(user, project) -> bool:
    return (user.is_authenticated and user.organization_id == project.client_id
            and ProjectRole.CLIENT_LEAD in _active_roles(user, project))


@rules.predicate
def project_is_open(user, project) -> bool:
    return project.phase != Phase.CLOSED


@rules.predicate
def project_is_suspended(user, project) -> bool:
    return project.phase == Phase.SUSPENDED


can_create_project = is_active_user & belongs_to_client_org & ~is_read_only
can_manage_project = is_active_user & ~is_read_only & is_client_lead & project_is_open
can_suspend_project = can_manage_project & ~project_is_suspended
can_resume_project = can_manage_project & project_is_suspended

rules.add_rule("can_create_project", can_create_project)
rules.add_rule("can_manage_project", can_manage_project)
rules.add_rule("can_suspend_project", can_suspend_project)
rules.add_rule("can_resume_project", can_resume_project)


# ---------------------------------------------------------------- helpers for other apps' rules

def project_of(obj):
    """The project of a project-level record (or the project itself)."""
    from .models import Project

    return obj if isinstance(obj, Project) else obj.project


def has_project_role(user, obj, *roles: str) -> bool:
    """``user`` holds one of ``roles`` on ``obj``'s project, and belongs to the side (client or
    contractor organisation) those roles are on."""
    if obj is None or not user.is_authenticated or user.organization_id is None:
        return False
    project = project_of(obj)
    client_side = {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR}
    org_id = project.client_id if set(roles) <= client_side else project.contractor_id
    return user.organization_id == org_id and bool(_active_roles(user, project) & set(roles))
