import pytest

from apps.accounts.enums import OrgKind, ProjectRole
from apps.core.errors import DomainError
from apps.projects import services
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_contractor_role_requires_contractor_person(world):
    with pytest.raises(DomainError):
        services.member_add(project=world.project, actor=world.lead, user=world.inspector,
                            role=ProjectRole.CONTRACTOR_PM)


def test_client_role_requires_client_person(world):
    with pytest.raises(DomainError):
        services.member_add(project=world.project, actor=world.lead, user=world.pm, role=ProjectRole.CLIENT_INSPECTOR)


def test_expert_cannot_come_from_the_contractor(world):
    with pytest.raises(DomainError):
        services.member_add(project=world.project, actor=world.lead, user=world.pm,
                            role=ProjectRole.ACCEPTANCE_EXPERT)


def test_same_role_twice_is_refused(world):
    with pytest.raises(DomainError):
        services.member_add(project=world.project, actor=world.lead, user=world.pm, role=ProjectRole.CONTRACTOR_PM)


def test_last_client_lead_cannot_be_removed(world):
    lead = world.project.members.get(role=ProjectRole.CLIENT_LEAD)
    with pytest.raises(DomainError):
        services.member_remove(member=lead, actor=world.lead, reason="离职")


def test_member_page_adds_and_rejects_bad_input(world, login):
    c = login(world.lead)
    newcomer = UserFactory(organization=world.contractor, name="新人")
    count = world.project.members.count()
    # bad choice for role and a person from another contractor: form errors, nothing saved
    response = c.post(f"/projects/{world.project.pk}/members/add/", {"user": newcomer.pk, "role": "king"})
    assert response.status_code == 200 and world.project.members.count() == count
    stranger = UserFactory(organization=OrganizationFactory(kind=OrgKind.CONTRACTOR))
    response = c.post(f"/projects/{world.project.pk}/members/add/", {"user": stranger.pk, "role": "contractor_operator"})
    assert response.status_code == 200 and world.project.members.count() == count
    response = c.post(f"/projects/{world.project.pk}/members/add/", {"user": newcomer.pk, "role": "contractor_operator"})
    assert response.status_code == 302 and world.project.members.count() == count + 1


def test_member_removal_needs_reason_and_keeps_history(world, login):
    member = world.project.members.get(user=world.operator)
    c = login(world.lead)
    c.post(f"/projects/{world.project.pk}/members/{member.pk}/remove/", {"reason": ""})
    member.refresh_from_db()
    assert member.is_active
    c.post(f"/projects/{world.project.pk}/members/{member.pk}/remove/", {"reason": "合同变更"})
    member.refresh_from_db()
    assert not member.is_active
    last = member.history.first()
    assert last.history_change_reason == "合同变更" and last.history_user == world.lead
