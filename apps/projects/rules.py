"""Permission predicates (django-rules) combining a person's project role and the project state,
and the shared vocabulary every app's ``rules.py`` builds on.

Views and templates ask the same rules (``apps.core.permissions.allowed`` /
``{% test_rule %}``); services check them again (``apps.core.permissions.require``) so that no
path (API, task, admin action) skips them. Every rule is registered as ``<app>.<rule>`` with
its refusal sentence (``apps.core.permissions.rule``).

Shared predicates (each takes the project or any record with a ``project``):

| predicate | holds when |
|---|---|
| ``is_active_user`` | signed in and active |
| ``is_read_only`` | a regulator (reads only) |
| ``is_writer`` | active and not read-only |
| ``is_client_lead`` / ``is_client_inspector`` / ``is_client_staff`` | the client's project lead / inspector / either, of the client organisation |
| ``is_contractor_pm`` / ``is_contractor_inspector`` / ``is_security_officer`` | that contractor role, of the contractor organisation |
| ``is_project_member`` | any active role on the project |
| ``is_client_side`` / ``is_contractor_side`` | belongs to the project's client / contractor organisation |
| ``project_not_closed`` | the project is not closed |
| ``project_accepts_records`` | the project is neither closed nor suspended (preparation records, plans, batches) |
| ``problem_handling_allowed`` | the project is not closed: rectification, incidents and project control go on while it is suspended (§5.2.3) |
| ``project_in_preparation_or_implementation`` | before acceptance (first article, batches) |
| ``project_in_implementation`` | implementation (batch submission and sampling) |
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import OrgKind, ProjectRole
from apps.core.permissions import rule

from .enums import Phase

CLIENT_SIDE_ROLES = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR})
WORKING_PHASES = frozenset({Phase.PREPARATION, Phase.IMPLEMENTATION})


# ---------------------------------------------------------------- helpers for every app's rules

def project_of(obj):
    """The project of a project-level record (or the project itself)."""
    from .models import Project

    return obj if isinstance(obj, Project) else obj.project


def active_roles(user, obj) -> set[str]:
    """The roles ``user`` actively holds on ``obj``'s project (cached on the project instance)."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return set()
    project = project_of(obj)
    if project is None or project.pk is None:
        return set()
    cache = getattr(project, "_role_cache", None)
    if cache is None:
        cache = project._role_cache = {}
    if user.pk not in cache:
        cache[user.pk] = set(project.members.filter(user=user, is_active=True).values_list("role", flat=True))
    return cache[user.pk]


def has_project_role(user, obj, *roles: str) -> bool:
    """``user`` holds one of ``roles`` on ``obj``'s project, and belongs to the side (client or
    contractor organisation) those roles are on."""
    if obj is None or not getattr(user, "is_authenticated", False) or user.organization_id is None:
        return False
    project = project_of(obj)
    org_id = project.client_id if set(roles) <= CLIENT_SIDE_ROLES else project.contractor_id
    return user.organization_id == org_id and bool(active_roles(user, project) & set(roles))


def role_predicate(name: str, *roles: str):
    """A predicate ``name`` that holds when the person has one of ``roles`` on the record's
    project (on the side those roles are on)."""

    @rules.predicate(name=name)
    def predicate(user, obj) -> bool:
        return has_project_role(user, obj, *roles)

    return predicate


def phase_predicate(name: str, *phases: str):
    """A predicate ``name`` that holds when the record's project is in one of ``phases``."""

    @rules.predicate(name=name)
    def predicate(user, obj) -> bool:
        return obj is not None and project_of(obj).phase in phases

    return predicate


# ---------------------------------------------------------------- the shared vocabulary

@rules.predicate
def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_read_only(user) -> bool:
    return bool(getattr(user, "is_read_only", False))


is_writer = is_active_user & ~is_read_only


@rules.predicate
def belongs_to_client_org(user) -> bool:
    return bool(user.is_authenticated and user.organization_id and user.organization.kind == OrgKind.CLIENT
                and user.organization.is_active)


is_client_lead = role_predicate("is_client_lead", ProjectRole.CLIENT_LEAD)
is_client_inspector = role_predicate("is_client_inspector", ProjectRole.CLIENT_INSPECTOR)
is_client_staff = role_predicate("is_client_staff", ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR)
is_contractor_pm = role_predicate("is_contractor_pm", ProjectRole.CONTRACTOR_PM)
is_contractor_inspector = role_predicate("is_contractor_inspector", ProjectRole.CONTRACTOR_INSPECTOR)
is_security_officer = role_predicate("is_security_officer", ProjectRole.SECURITY_OFFICER)


@rules.predicate
def is_project_member(user, obj) -> bool:
    return obj is not None and bool(active_roles(user, obj))


@rules.predicate
def is_client_side(user, obj) -> bool:
    return bool(obj is not None and getattr(user, "is_authenticated", False)
                and user.organization_id == project_of(obj).client_id)


@rules.predicate
def is_contractor_side(user, obj) -> bool:
    return bool(obj is not None and getattr(user, "is_authenticated", False)
                and user.organization_id == project_of(obj).contractor_id)


project_not_closed = phase_predicate("project_not_closed", *(set(Phase.values) - {Phase.CLOSED}))
project_accepts_records = phase_predicate("project_accepts_records",
                                          *(set(Phase.values) - {Phase.CLOSED, Phase.SUSPENDED}))
problem_handling_allowed = phase_predicate("problem_handling_allowed", *(set(Phase.values) - {Phase.CLOSED}))
project_in_preparation_or_implementation = phase_predicate("project_in_preparation_or_implementation",
                                                           *WORKING_PHASES)
project_in_implementation = phase_predicate("project_in_implementation", Phase.IMPLEMENTATION)
project_is_suspended = phase_predicate("project_is_suspended", Phase.SUSPENDED)


# ---------------------------------------------------------------- the project's own rules

can_create_project = rule(
    "projects.can_create_project", is_writer & belongs_to_client_org,
    _("Only people of a client organisation can create projects."))
can_manage_project = rule(
    "projects.can_manage_project", is_writer & is_client_lead & project_not_closed,
    _("Only the client's project lead can change this project, and only while it is not closed."))
can_suspend_project = rule(
    "projects.can_suspend_project", can_manage_project & ~project_is_suspended,
    _("Only the client's project lead can suspend a project that is not suspended or closed."))
can_resume_project = rule(
    "projects.can_resume_project", can_manage_project & project_is_suspended,
    _("Only the client's project lead can resume a suspended project."))
