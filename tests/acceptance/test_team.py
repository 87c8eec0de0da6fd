"""The acceptance team (验收小组, §5.3.1): client members and invited experts, one leader."""

from __future__ import annotations

import pytest

from apps.acceptance import services
from apps.acceptance.models import TeamMember
from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError, PermissionDenied
from apps.projects import services as project_services

from ..factories import UserFactory
from .builders import expert_of, into_acceptance, name_team

pytestmark = pytest.mark.django_db


def test_the_lead_names_the_team_with_one_leader(w):
    into_acceptance(w)
    team = name_team(w)
    assert len(team) == 3
    assert [m.user for m in team if m.is_leader] == [w.lead]
    roles = {m.user_id: m.role for m in team}
    assert roles[w.expert.pk] == ProjectRole.ACCEPTANCE_EXPERT and roles[w.acceptance.pk] == ProjectRole.ACCEPTANCE_MEMBER
    member = TeamMember.objects.get(user=w.expert)
    services.team_leader_set(team_member=member, user=w.lead)
    assert list(TeamMember.objects.filter(project=w.project, is_leader=True).values_list("user", flat=True)) == [
        w.expert.pk]
    services.team_member_remove(team_member=TeamMember.objects.get(user=w.acceptance), user=w.lead)
    assert TeamMember.objects.filter(project=w.project).count() == 2


@pytest.mark.parametrize("who", ["inspector", "acceptance", "pm", "regulator"])
def test_only_the_client_lead_names_the_team(w, who):
    into_acceptance(w)
    with pytest.raises(PermissionDenied):
        services.team_member_add(project=w.project, user=getattr(w, who), person=w.inspector)
    assert not TeamMember.objects.exists()


@pytest.mark.parametrize("who", ["pm", "special", "outsider"])
def test_the_contractor_and_strangers_are_not_on_the_team(w, who):
    into_acceptance(w)
    with pytest.raises(DomainError) as exc:
        services.team_member_add(project=w.project, user=w.lead, person=getattr(w, who))
    assert exc.value.field == "person"


def test_an_expert_of_the_contractor_is_refused(w):
    into_acceptance(w)
    from apps.projects.models import ProjectMember

    insider = UserFactory(username="insider", name="内部专家", organization=w.contractor)
    with pytest.raises(DomainError):  # the project refuses the role already …
        project_services.member_add(project=w.project, actor=w.lead, user=insider, role=ProjectRole.ACCEPTANCE_EXPERT)
    # … and the team refuses such a member even if the row got there another way.
    ProjectMember.objects.create(project=w.project, user=insider, role=ProjectRole.ACCEPTANCE_EXPERT)
    with pytest.raises(DomainError) as exc:
        services.team_member_add(project=w.project, user=w.lead, person=insider)
    assert exc.value.field == "person"


def test_twice_is_refused_and_a_new_leader_replaces_the_old(w):
    into_acceptance(w)
    services.team_member_add(project=w.project, user=w.lead, person=w.lead, is_leader=True)
    with pytest.raises(DomainError):
        services.team_member_add(project=w.project, user=w.lead, person=w.lead)
    services.team_member_add(project=w.project, user=w.lead, person=expert_of(w), is_leader=True)
    assert list(TeamMember.objects.filter(is_leader=True).values_list("user", flat=True)) == [w.expert.pk]


def test_the_team_is_named_only_until_the_acceptance_ends(w):
    from apps.projects.enums import Phase
    from apps.projects.models import Project

    services.team_member_add(project=w.project, user=w.lead, person=w.inspector)  # preparation: fine
    for phase in (Phase.WARRANTY, Phase.CLOSED):
        Project.objects.filter(pk=w.project.pk).update(phase=phase)
        w.project.refresh_from_db()
        with pytest.raises(DomainError) as exc:
            services.team_member_add(project=w.project, user=w.lead, person=w.acceptance)
        assert exc.value.code == "illegal_transition"
