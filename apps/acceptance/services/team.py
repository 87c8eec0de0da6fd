"""The acceptance team (验收小组, §5.3.1: 明确验收小组组成（可邀请专家参与）): named by the client
lead from the project's client members and its invited experts (project members with the role
验收专家, of another organisation than the contractor); exactly one leader."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.history import delete_with_history, history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.projects.enums import Phase
from apps.projects.models import Project

from ..enums import RoundState
from ..models import TEAM_ROLES, AcceptanceRound, TeamMember
from .common import KIND, lock_project_in

# The team may be named from the start (the client's project team, §8.1.1) until the acceptance ends.
TEAM_PHASES = (Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.ACCEPTANCE)


def eligible_role(project: Project, person) -> str | None:
    """The team role ``person`` may serve in on ``project`` (None if they may not): a client
    member of the client organisation, or an invited expert who does not belong to the contractor."""
    if person is None or not getattr(person, "pk", None) or not person.is_active:
        return None
    roles = set(project.members.filter(user=person, is_active=True, role__in=list(TEAM_ROLES))
                .values_list("role", flat=True))
    if not roles or person.organization_id is None or person.organization_id == project.contractor_id:
        return None
    if person.organization_id == project.client_id:
        for role in (ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR, ProjectRole.ACCEPTANCE_MEMBER,
                     ProjectRole.ACCEPTANCE_EXPERT):
            if role in roles:
                return role
    return ProjectRole.ACCEPTANCE_EXPERT if ProjectRole.ACCEPTANCE_EXPERT in roles else None


def _refuse_while_signing(project: Project) -> None:
    if AcceptanceRound.objects.filter(project=project, state__in=[RoundState.REPORTED, RoundState.PASSED]).exists():
        raise DomainError(_("The team cannot change while its report awaits signatures or after the acceptance "
                            "has passed."), code="illegal_transition")


def team_member_add(*, project: Project, user, person, is_leader: bool = False) -> TeamMember:
    require("acceptance.may_manage_team", user, project)
    if not isinstance(is_leader, bool):
        raise DomainError(_("Say yes or no for %(label)s.") % {"label": _("team leader")}, field="is_leader")
    with transaction.atomic(), history_context(user=user):
        locked = lock_project_in(project, *TEAM_PHASES)
        _refuse_while_signing(locked)
        role = eligible_role(locked, person)
        if role is None:
            raise DomainError(_("Only the client's members of this project (lead, inspector, acceptance team member) "
                                "and its invited experts of another organisation than the contractor can be on the "
                                "acceptance team."), field="person")
        if TeamMember.objects.filter(project=locked, user=person).exists():
            raise DomainError(_("%(name)s is already on the acceptance team.") % {"name": person}, field="person")
        if is_leader:
            for leader in TeamMember.objects.filter(project=locked, is_leader=True):
                leader.is_leader = False
                save_with_history(leader, reason=_("Leader changed"), update_fields=["is_leader"])
        member = TeamMember(project=locked, user=person, role=role, is_leader=is_leader, added_by=user)
        member._change_reason = _("Named to the acceptance team")
        member.save()
        notify(recipients=[person], key=f"acceptance:team:{member.pk}",
               title=_("You are on the acceptance team of %(project)s") % {"project": locked.name},
               link=member.get_absolute_url(), project=locked, kind=KIND)
    return member


def team_leader_set(*, team_member: TeamMember, user) -> TeamMember:
    """Make ``team_member`` the one leader of the team."""
    require("acceptance.may_manage_team", user, team_member.project)
    with transaction.atomic(), history_context(user=user):
        lock_project_in(team_member.project, *TEAM_PHASES)
        _refuse_while_signing(team_member.project)
        locked = lock(team_member)
        for leader in TeamMember.objects.filter(project_id=locked.project_id, is_leader=True).exclude(pk=locked.pk):
            leader.is_leader = False
            save_with_history(leader, reason=_("Leader changed"), update_fields=["is_leader"])
        if not locked.is_leader:
            locked.is_leader = True
            save_with_history(locked, reason=_("Named leader of the acceptance team"), update_fields=["is_leader"])
    return locked


def team_member_remove(*, team_member: TeamMember, user) -> None:
    require("acceptance.may_manage_team", user, team_member.project)
    with transaction.atomic(), history_context(user=user):
        lock_project_in(team_member.project, *TEAM_PHASES)
        _refuse_while_signing(team_member.project)
        locked = lock(team_member)
        delete_with_history(locked, reason=_("Taken off the acceptance team"), user=user)
