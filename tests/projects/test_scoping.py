"""Who sees which project: organisation scoping, 404 for outsiders, regulator read-only."""

import pytest

from apps.accounts.enums import OrgKind
from apps.projects.selectors import projects_visible_to
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_project(world):
    return ProjectFactory(contractor=world.other_contractor, client=OrganizationFactory(kind=OrgKind.CLIENT))


def test_client_user_sees_own_organisations_projects(world, other_project):
    assert list(projects_visible_to(world.inspector)) == [world.project]


def test_contractor_user_sees_only_their_organisations_projects(world, other_project, login):
    own = ProjectFactory(client=world.client_org, contractor=world.contractor)
    not_ours = ProjectFactory(client=world.client_org, contractor=world.other_contractor)
    visible = set(projects_visible_to(world.operator))
    assert visible == {world.project, own}
    body = login(world.operator).get("/projects/").content.decode()
    assert world.project.name in body and not_ours.name not in body


def test_regulator_sees_projects_of_clients_in_its_jurisdiction(world, other_project):
    assert set(projects_visible_to(world.regulator)) == {world.project}
    assert list(projects_visible_to(world.other_regulator)) == []


def test_user_without_organisation_sees_nothing(world):
    assert list(projects_visible_to(UserFactory(organization=None))) == []


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
@pytest.mark.parametrize("path", ["/projects/{pk}/", "/projects/{pk}/?tab=history", "/projects/{pk}/?tab=members",
                                  "/projects/{pk}/edit/", "/projects/{pk}/members/add/"])
def test_outsiders_get_404_for_every_project_page(world, login, who, path):
    response = login(getattr(world, who)).get(path.format(pk=world.project.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/projects/{pk}/advance/", "/projects/{pk}/suspend/", "/projects/{pk}/resume/",
                                  "/projects/{pk}/gates/attest/", "/projects/{pk}/members/add/"])
def test_outsider_posts_get_404(world, login, path):
    response = login(world.outsider).post(path.format(pk=world.project.pk), {"reason": "x", "reference": "x"})
    assert response.status_code == 404


def test_unknown_or_malformed_ids_get_404(world, login):
    c = login(world.lead)
    assert c.get("/projects/999999/").status_code == 404
    assert c.get("/projects/abc/").status_code == 404


def test_regulator_reads_the_project(world, login):
    response = login(world.regulator).get(f"/projects/{world.project.pk}/")
    assert response.status_code == 200
    assert "移至下一阶段" not in response.content.decode()


@pytest.mark.parametrize("path", ["/projects/new/", "/projects/{pk}/advance/", "/projects/{pk}/suspend/",
                                  "/projects/{pk}/edit/", "/projects/{pk}/members/add/", "/projects/{pk}/gates/attest/",
                                  "/admin/accounts/user/add/", "/projects/"])
def test_regulator_post_anywhere_gets_403(world, login, path):
    phase = world.project.phase
    response = login(world.regulator).post(path.format(pk=world.project.pk), {"reason": "监管", "reference": "x"})
    assert response.status_code == 403
    world.project.refresh_from_db()
    assert world.project.phase == phase


def test_regulator_can_still_log_out(world, login):
    c = login(world.regulator)
    assert c.post("/accounts/logout/").status_code == 302
    assert c.get("/projects/").status_code == 302


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(f"/projects/{world.project.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_contractor_cannot_manage_the_project(world, login):
    c = login(world.pm)
    assert c.get(f"/projects/{world.project.pk}/edit/").status_code == 403
    assert c.post(f"/projects/{world.project.pk}/suspend/", {"reason": "x"}).status_code == 403
    world.project.refresh_from_db()
    assert world.project.phase == "preparation"


def test_contractor_cannot_create_projects(world, login):
    assert login(world.pm).get("/projects/new/").status_code == 403


def test_invited_expert_from_another_client_sees_the_project_they_are_member_of(world):
    from apps.accounts.enums import ProjectRole
    from apps.projects import services

    expert = UserFactory(organization=OrganizationFactory(kind=OrgKind.CLIENT))
    assert world.project not in projects_visible_to(expert)
    services.member_add(project=world.project, actor=world.lead, user=expert, role=ProjectRole.ACCEPTANCE_EXPERT)
    assert world.project in projects_visible_to(expert)


def test_list_filters_and_search(world, login):
    ProjectFactory(client=world.client_org, contractor=world.contractor, name="库房搬迁", contract_no="BQ-1",
                   service_types=["relocation"], risk_level="high")
    c = login(world.lead)
    body = c.get("/projects/?service_type=relocation").content.decode()
    assert "库房搬迁" in body and world.project.name not in body
    body = c.get("/projects/?q=HZ-2026").content.decode()
    assert world.project.name in body and "库房搬迁" not in body
    body = c.get("/projects/?risk_level=high&phase=preparation").content.decode()
    assert "库房搬迁" in body and world.project.name not in body
    # A bad filter value is a message, not a 500.
    assert c.get("/projects/?phase=nonsense&contractor=abc").status_code == 200


def test_list_is_paginated(world, login):
    for _ in range(25):
        ProjectFactory(client=world.client_org, contractor=world.contractor)
    c = login(world.lead)
    first = c.get("/projects/")
    assert first.context["page"].paginator.num_pages == 2
    assert c.get("/projects/?page=2").status_code == 200
    assert c.get("/projects/?page=999").status_code == 200
