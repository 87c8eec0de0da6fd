"""/api/v1/projects/: list, filters, create, retrieve, partial update with version."""

from __future__ import annotations

import pytest

from apps.accounts.enums import OrgKind
from apps.projects.models import Project
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory

from .conftest import project_url

LIST = "/api/v1/projects/"


def new_project_data(world, **overrides) -> dict:
    data = {
        "name": "婚姻档案数字化", "contract_no": "HZ-2026-002", "contractor": world.contractor.pk,
        "service_types": ["digitization", "arrangement"], "risk_level": "high", "confidentiality": "ordinary",
        "contract_signed_on": "2026-10-01", "start_date": "2026-10-08", "end_date": "2027-10-07",
        "quality_threshold": "98.50", "warranty_months": 24, "description": "二期",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- list


def test_list_shows_own_projects_with_pagination(world, as_user):
    response = as_user(world.lead).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    assert body["results"][0]["id"] == world.project.pk
    assert body["results"][0]["client"]["name"] == "杭州市档案馆"


def test_list_is_paginated(world, api):
    for _ in range(3):
        ProjectFactory(client=world.client_org, contractor=world.contractor)
    response = api(world.lead).get(LIST, {"page_size": 2})
    body = response.json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    second = api(world.lead).get(LIST, {"page_size": 2, "page": 2}).json()
    assert {p["id"] for p in body["results"]}.isdisjoint({p["id"] for p in second["results"]})


def test_contractor_sees_only_its_own_organisations_projects(world, api):
    other = ProjectFactory(contractor=world.other_contractor)
    ids = {p["id"] for p in api(world.pm).get(LIST).json()["results"]}
    assert ids == {world.project.pk}
    assert {p["id"] for p in api(world.outsider).get(LIST).json()["results"]} == {other.pk}


def test_regulator_lists_its_jurisdiction_only(world, as_user):
    ProjectFactory()  # a client outside the jurisdiction
    assert [p["id"] for p in as_user(world.regulator).get(LIST).json()["results"]] == [world.project.pk]
    assert as_user(world.other_regulator).get(LIST).json()["results"] == []


def test_anonymous_gets_401_json(world, api):
    response = api().get(LIST)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize("params, expected", [
    ({"phase": "preparation"}, 1),
    ({"phase": "closed"}, 0),
    ({"risk_level": "medium"}, 1),
    ({"risk_level": "high"}, 0),
    ({"service_type": "digitization"}, 1),
    ({"service_type": "storage"}, 0),
    ({"q": "民国"}, 1),
    ({"q": "HZ-2026"}, 1),
    ({"q": "不存在"}, 0),
    ({"q": "x" * 5000}, 0),
])
def test_list_filters(world, api, params, expected):
    response = api(world.lead).get(LIST, params)
    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_filter_by_contractor(world, api):
    assert api(world.lead).get(LIST, {"contractor": world.contractor.pk}).json()["count"] == 1


@pytest.mark.parametrize("params", [
    {"phase": "bogus"}, {"risk_level": "extreme"}, {"service_type": "x"}, {"contractor": "abc"},
    {"contractor": "99999999999999999999999"},
])
def test_invalid_filter_is_400_json(world, api, params):
    response = api(world.lead).get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["field"] in params and body["errors"]


def test_contractor_filter_does_not_accept_organisations_the_user_cannot_see(world, api):
    ProjectFactory(contractor=world.other_contractor)
    response = api(world.lead).get(LIST, {"contractor": world.other_contractor.pk})
    assert response.status_code == 400


def test_page_past_the_last_is_404_json(world, api):
    response = api(world.lead).get(LIST, {"page": "999"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("query", [{"page": "abc"}, {"page": "-1"}, {"page": "0"}, {"page": "1.5"},
                                   {"page_size": "0"}, {"page_size": "101"}, {"page_size": "ten"},
                                   {"page_size": ["1", "2"]}, {"page_size[]": "1"}, {"page": ["1", "1"]}])
def test_malformed_page_or_page_size_is_400_naming_it(world, api, query):
    response = api(world.lead).get(LIST, query)
    assert response.status_code == 400
    body = response.json()
    name = next(iter(query)).removesuffix("[]")
    assert (body["code"], body["field"]) == ("invalid", name)
    assert name in body["detail"]


# ---------------------------------------------------------------- create


def test_client_user_creates_project_and_becomes_lead(world, as_user):
    response = as_user(world.inspector).post(LIST, new_project_data(world))
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert project.client == world.client_org and project.created_by == world.inspector
    assert project.service_types == ["digitization", "arrangement"]
    assert str(project.quality_threshold) == "98.50"
    assert project.members.filter(user=world.inspector, role="client_lead", is_active=True).exists()
    assert body["permissions"]["manage"] is True
    history = project.history.first()
    assert history.history_user == world.inspector and history.history_change_reason


def test_create_ignores_fields_the_user_may_not_set(world, api):
    stranger = OrganizationFactory(kind=OrgKind.CLIENT)
    data = new_project_data(world, client=stranger.pk, phase="closed", created_by=world.pm.pk, version=99,
                            id=12345, resume_phase="warranty", accepted_on="2026-01-01")
    response = api(world.lead).post(LIST, data)
    assert response.status_code == 201
    project = Project.objects.get(pk=response.json()["id"])
    assert project.pk != 12345
    assert (project.client, project.phase, project.created_by, project.version) == (
        world.client_org, "preparation", world.lead, 1)
    assert project.resume_phase == "" and project.accepted_on is None


@pytest.mark.parametrize("user", ["pm", "operator", "outsider"])
def test_non_client_user_cannot_create(world, api, user):
    response = api(getattr(world, user)).post(LIST, new_project_data(world))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Project.objects.count() == 1


def test_duplicate_contract_number_is_400_with_field(world, api):
    response = api(world.lead).post(LIST, new_project_data(world, contract_no="HZ-2026-001"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]  # the model's uniqueness message
    assert Project.objects.count() == 1


@pytest.mark.parametrize("overrides, field", [
    ({"start_date": "2026-13-45"}, "start_date"),
    ({"start_date": "not a date"}, "start_date"),
    ({"end_date": 12345}, "end_date"),
    ({"contract_signed_on": "99999-01-01"}, "contract_signed_on"),
    ({"end_date": "2026-01-01"}, "end_date"),  # before start
    ({"contract_signed_on": "2028-01-01"}, "contract_signed_on"),  # after end
    ({"risk_level": "extreme"}, "risk_level"),
    ({"confidentiality": "top-secret"}, "confidentiality"),
    ({"service_types": ["digitization", "teleportation"]}, "service_types"),
    ({"service_types": []}, "service_types"),
    ({"service_types": "digitization"}, "service_types"),
    ({"name": "档" * 201}, "name"),
    ({"name": "x" * 100_000}, "name"),
    ({"name": ""}, "name"),
    ({"name": "bad\x00name"}, "name"),
    ({"contract_no": "N" * 65}, "contract_no"),
    ({"description": "d" * 5001}, "description"),
    ({"contractor": "abc"}, "contractor"),
    ({"contractor": 99999999999999999999999}, "contractor"),
    ({"contractor": None}, "contractor"),
    ({"quality_threshold": "NaN"}, "quality_threshold"),
    ({"quality_threshold": "101"}, "quality_threshold"),
    ({"quality_threshold": "12.345"}, "quality_threshold"),
    ({"warranty_months": 10**30}, "warranty_months"),
    ({"warranty_months": "many"}, "warranty_months"),
])
def test_bad_input_is_400_with_field_message(world, api, overrides, field):
    response = api(world.lead).post(LIST, new_project_data(world, **overrides))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"] and body["detail"]
    assert Project.objects.count() == 1


def test_client_cannot_be_contractor_of_own_project(world, api):
    response = api(world.lead).post(LIST, new_project_data(world, contractor=world.client_org.pk))
    assert response.status_code == 400
    assert "contractor" in response.json()["errors"]


@pytest.mark.parametrize("body, content_type", [
    ("{not json", "application/json"),
    ("[1, 2, 3]", "application/json"),
    ("\"just a string\"", "application/json"),
    ("<xml/>", "application/xml"),
])
def test_malformed_body_is_4xx_json(world, api, body, content_type):
    response = api(world.lead).generic("POST", LIST, body, content_type=content_type)
    assert response.status_code in (400, 415)
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert Project.objects.count() == 1


# ---------------------------------------------------------------- retrieve


def test_retrieve(world, as_user):
    response = as_user(world.pm).get(project_url(world.project))
    assert response.status_code == 200
    body = response.json()
    assert body["contract_no"] == "HZ-2026-001" and body["version"] == world.project.version
    assert body["permissions"] == {"manage": False, "suspend": False, "resume": False}


@pytest.mark.parametrize("path", ["abc", "1.5", "-1", "99999999999999999999999", "0", "%00"])
def test_unknown_or_malformed_ids_are_404_json(world, api, path):
    response = api(world.lead).get(f"/api/v1/projects/{path}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_api_path_is_404_json(world, api):
    response = api(world.lead).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "code": "not_found", "field": None}


def test_put_is_not_allowed(world, api):
    response = api(world.lead).put(project_url(world.project), {"name": "x", "version": 1})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# ---------------------------------------------------------------- partial update


def test_lead_updates_with_version(world, as_user):
    project = world.project
    response = as_user(world.lead).patch(project_url(project), {
        "name": "民国档案数字化（一期）", "version": project.version, "reason": "合同补充协议"})
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.name == "民国档案数字化（一期）"
    assert response.json()["version"] == project.version == 2
    row = project.history.first()
    assert row.history_user == world.lead and row.history_change_reason == "合同补充协议"


def test_update_ignores_fields_the_user_may_not_set(world, api):
    project = world.project
    stranger = OrganizationFactory(kind=OrgKind.CLIENT)
    response = api(world.lead).patch(project_url(project), {
        "version": project.version, "description": "新说明", "client": stranger.pk, "phase": "closed",
        "created_by": world.pm.pk, "resume_phase": "warranty", "accepted_on": "2026-01-01", "id": 999})
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.description == "新说明"
    assert (project.client, project.phase, project.created_by, project.pk) == (
        world.client_org, "preparation", world.lead, world.project.pk)
    assert project.version == 2  # bumped once by the service, not set by the client


def test_stale_version_is_409_and_changes_nothing(world, api):
    project = world.project
    old = project.version
    assert api(world.lead).patch(project_url(project), {"name": "第一次", "version": old}).status_code == 200
    response = api(world.lead).patch(project_url(project), {"name": "第二次", "version": old})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale" and body["detail"]
    project.refresh_from_db()
    assert project.name == "第一次" and project.version == old + 1


def test_update_without_version_is_400(world, api):
    response = api(world.lead).patch(project_url(world.project), {"name": "无版本"})
    assert response.status_code == 400
    assert response.json()["field"] == "version"
    world.project.refresh_from_db()
    assert world.project.name == "民国档案数字化"


@pytest.mark.parametrize("data, field", [
    ({"end_date": "2026-01-01"}, "end_date"),  # before the current start date
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"risk_level": "none"}, "risk_level"),
    ({"name": "x" * 300}, "name"),
    ({"version": "one"}, "version"),
    ({"version": 10**30}, "version"),
])
def test_update_bad_input_is_400(world, api, data, field):
    response = api(world.lead).patch(project_url(world.project), {"version": world.project.version, **data})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    world.project.refresh_from_db()
    assert world.project.version == 1


@pytest.mark.parametrize("user", ["inspector", "acceptance", "pm", "special"])
def test_non_lead_member_cannot_update(world, as_user, user):
    response = as_user(getattr(world, user)).patch(project_url(world.project),
                                                   {"name": "改名", "version": world.project.version})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    world.project.refresh_from_db()
    assert world.project.name == "民国档案数字化"


def test_non_lead_gets_403_before_validation(world, api):
    response = api(world.pm).patch(project_url(world.project), {"start_date": "garbage"})
    assert response.status_code == 403


def test_client_user_without_role_on_project_cannot_update(world, api):
    colleague = UserFactory(organization=world.client_org)
    response = api(colleague).patch(project_url(world.project), {"name": "改名", "version": 1})
    assert response.status_code == 403
