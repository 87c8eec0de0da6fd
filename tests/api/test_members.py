"""/api/v1/projects/{id}/members/."""

from __future__ import annotations

import pytest

from apps.accounts.enums import OrgKind, ProjectRole
from apps.projects.models import ProjectMember
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory

from .conftest import member_of, project_url


def members_url(project, member=None) -> str:
    return project_url(project, "members/" + (f"{member.pk}/" if member else ""))


def test_list_members_active_first(world, as_user):
    response = as_user(world.operator).get(members_url(world.project))
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 7
    assert {m["role"] for m in body} >= {"client_lead", "contractor_pm"}
    assert all(m["is_active"] for m in body)


def test_retrieve_member(world, api):
    member = member_of(world.project, ProjectRole.CONTRACTOR_PM)
    response = api(world.lead).get(members_url(world.project, member))
    assert response.status_code == 200
    assert response.json()["user"]["name"] == "陈志强"


def test_member_of_another_project_is_404(world, api):
    other = ProjectFactory(client=world.client_org, contractor=world.contractor)
    foreign = ProjectMember.objects.create(project=other, user=world.lead, role=ProjectRole.CLIENT_LEAD)
    response = api(world.lead).get(members_url(world.project, foreign))
    assert response.status_code == 404
    response = api(world.lead).delete(members_url(world.project, foreign), {"reason": "x"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_add_member(world, as_user):
    newcomer = UserFactory(organization=world.contractor, name="新作业员")
    response = as_user(world.lead).post(members_url(world.project),
                                        {"user": newcomer.pk, "role": "contractor_operator"})
    assert response.status_code == 201, response.content
    member = ProjectMember.objects.get(pk=response.json()["id"])
    assert (member.user, member.role, member.is_active) == (newcomer, "contractor_operator", True)
    assert member.history.first().history_user == world.lead


def test_add_member_ignores_fields_the_user_may_not_set(world, api):
    newcomer = UserFactory(organization=world.contractor)
    other = ProjectFactory(client=world.client_org, contractor=world.contractor)
    response = api(world.lead).post(members_url(world.project), {
        "user": newcomer.pk, "role": "contractor_operator", "project": other.pk, "is_active": False,
        "removed_at": "2026-01-01T00:00:00Z"})
    assert response.status_code == 201
    member = ProjectMember.objects.get(pk=response.json()["id"])
    assert member.project == world.project and member.is_active and member.removed_at is None


@pytest.mark.parametrize("data, field", [
    ({"user": "abc", "role": "contractor_operator"}, "user"),
    ({"user": 99999999999999999999999, "role": "contractor_operator"}, "user"),
    ({"role": "contractor_operator"}, "user"),
    ({"user": "PM", "role": "emperor"}, "role"),
    ({"user": "PM", "role": ""}, "role"),
])
def test_add_member_bad_input_is_400(world, api, data, field):
    data = {**data, "user": world.pm.pk if data.get("user") == "PM" else data.get("user")}
    data = {k: v for k, v in data.items() if v is not None}
    before = ProjectMember.objects.count()
    response = api(world.lead).post(members_url(world.project), data)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert ProjectMember.objects.count() == before


def test_add_member_duplicate_role_is_400(world, api):
    response = api(world.lead).post(members_url(world.project), {"user": world.pm.pk, "role": "contractor_pm"})
    assert response.status_code == 400
    assert response.json()["field"] == "role"


def test_add_client_role_to_contractor_person_is_400(world, api):
    response = api(world.lead).post(members_url(world.project), {"user": world.pm.pk, "role": "client_inspector"})
    assert response.status_code == 400
    assert response.json()["field"] == "user"


def test_cannot_add_person_the_page_would_not_offer(world, api):
    # People of unrelated contractors and regulators are not candidates at all.
    for person in (world.outsider, world.regulator):
        response = api(world.lead).post(members_url(world.project), {"user": person.pk, "role": "acceptance_expert"})
        assert response.status_code == 400
        assert "user" in response.json()["errors"]


def test_expert_from_another_client_organisation_can_be_added(world, api):
    expert = UserFactory(organization=OrganizationFactory(kind=OrgKind.CLIENT))
    response = api(world.lead).post(members_url(world.project), {"user": expert.pk, "role": "acceptance_expert"})
    assert response.status_code == 201


@pytest.mark.parametrize("user", ["inspector", "pm"])
def test_non_lead_cannot_add_member(world, as_user, user):
    newcomer = UserFactory(organization=world.contractor)
    response = as_user(getattr(world, user)).post(members_url(world.project),
                                                  {"user": newcomer.pk, "role": "contractor_operator"})
    assert response.status_code == 403
    assert not ProjectMember.objects.filter(user=newcomer).exists()


def test_remove_member_with_reason_in_body(world, as_user):
    member = member_of(world.project, ProjectRole.CONTRACTOR_OPERATOR)
    response = as_user(world.lead).delete(members_url(world.project, member), {"reason": "调离项目"})
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    member.refresh_from_db()
    assert not member.is_active and member.removed_at is not None
    row = member.history.first()
    assert row.history_change_reason == "调离项目" and row.history_user == world.lead


def test_remove_member_with_reason_in_query(world, api):
    member = member_of(world.project, ProjectRole.CONTRACTOR_OPERATOR)
    response = api(world.lead).delete(members_url(world.project, member) + "?reason=%E8%B0%83%E7%A6%BB")
    assert response.status_code == 200
    member.refresh_from_db()
    assert not member.is_active
    assert member.history.first().history_change_reason == "调离"


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "  "}, {"reason": "r" * 1001}])
def test_remove_member_needs_a_reason(world, api, data):
    member = member_of(world.project, ProjectRole.CONTRACTOR_OPERATOR)
    response = api(world.lead).delete(members_url(world.project, member), data)
    assert response.status_code == 400
    assert response.json()["field"] == "reason"
    member.refresh_from_db()
    assert member.is_active


def test_remove_member_twice_is_400(world, api):
    member = member_of(world.project, ProjectRole.CONTRACTOR_OPERATOR)
    client = api(world.lead)
    assert client.delete(members_url(world.project, member), {"reason": "一"}).status_code == 200
    response = client.delete(members_url(world.project, member), {"reason": "二"})
    assert response.status_code == 400


def test_last_client_lead_cannot_be_removed(world, api):
    lead = member_of(world.project, ProjectRole.CLIENT_LEAD)
    response = api(world.lead).delete(members_url(world.project, lead), {"reason": "离职"})
    assert response.status_code == 400
    lead.refresh_from_db()
    assert lead.is_active


def test_non_lead_cannot_remove_member(world, as_user):
    member = member_of(world.project, ProjectRole.CONTRACTOR_OPERATOR)
    response = as_user(world.pm).delete(members_url(world.project, member), {"reason": "x"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.is_active


@pytest.mark.parametrize("suffix", ["members/abc/", "members/99999999999999999999999/", "members/0/"])
def test_malformed_member_ids_are_404(world, api, suffix):
    response = api(world.lead).get(project_url(world.project, suffix))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
