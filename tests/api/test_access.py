"""Who may do what, on every endpoint, with the session and with a token:

- a regulator reads the projects of its jurisdiction and gets 403 for every write (security row 9);
- an outsider gets 404 for every object endpoint (row 8);
- an anonymous request gets 401.
"""

from __future__ import annotations

import pytest

from apps.accounts.enums import ProjectRole
from apps.projects.models import GateAttestation, Project, ProjectMember

from .conftest import member_of


def _urls(world):
    p = world.project.pk
    m = member_of(world.project, ProjectRole.CONTRACTOR_OPERATOR).pk
    return {"list": "/api/v1/projects/", "project": f"/api/v1/projects/{p}/",
            "gates": f"/api/v1/projects/{p}/gates/", "history": f"/api/v1/projects/{p}/history/",
            "members": f"/api/v1/projects/{p}/members/", "member": f"/api/v1/projects/{p}/members/{m}/",
            "advance": f"/api/v1/projects/{p}/advance/", "suspend": f"/api/v1/projects/{p}/suspend/",
            "resume": f"/api/v1/projects/{p}/resume/", "attest": f"/api/v1/projects/{p}/gates/attest/"}


READS = ["list", "project", "gates", "history", "members", "member"]
OBJECT_READS = [r for r in READS if r != "list"]

WRITES = [
    ("post", "list", {"name": "x", "contract_no": "y", "contractor": 1, "service_types": ["digitization"],
                      "contract_signed_on": "2026-01-01", "start_date": "2026-01-02", "end_date": "2026-12-31"}),
    ("patch", "project", {"name": "改名", "version": 1}),
    ("put", "project", {"name": "改名", "version": 1}),
    ("delete", "project", {}),
    ("post", "advance", {}),
    ("post", "suspend", {"reason": "监管要求"}),
    ("post", "resume", {"reason": "监管要求"}),
    ("post", "attest", {"gate": "qualification_approved", "reference": "x"}),
    ("post", "members", {"user": 1, "role": "acceptance_expert"}),
    ("delete", "member", {"reason": "x"}),
    ("patch", "member", {"role": "contractor_pm"}),
    ("put", "member", {"role": "contractor_pm"}),
    ("post", "gates", {}),
    ("delete", "history", {}),
]
OBJECT_WRITES = [w for w in WRITES if w[1] != "list"]


def _snapshot():
    return (Project.objects.count(), list(Project.objects.values_list("version", "phase", "name")),
            list(ProjectMember.objects.values_list("pk", "is_active")), GateAttestation.objects.count())


@pytest.mark.parametrize("name", READS)
def test_regulator_reads_its_jurisdiction(world, as_user, name):
    response = as_user(world.regulator).get(_urls(world)[name])
    assert response.status_code == 200


@pytest.mark.parametrize("method, name, data", WRITES)
def test_regulator_writes_are_403(world, as_user, auth_mode, method, name, data):
    before = _snapshot()
    response = getattr(as_user(world.regulator), method)(_urls(world)[name], data)
    assert response.status_code == 403
    if auth_mode == "token":  # the session is refused earlier, by ReadOnlyRoleMiddleware
        assert response.json()["code"] == "permission_denied"
    assert _snapshot() == before


@pytest.mark.parametrize("method, name, data", WRITES)
def test_regulator_of_another_jurisdiction_writes_are_403(world, as_user, method, name, data):
    before = _snapshot()
    response = getattr(as_user(world.other_regulator), method)(_urls(world)[name], data)
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("user", ["outsider", "other_regulator"])
@pytest.mark.parametrize("name", OBJECT_READS)
def test_outsider_reads_are_404(world, as_user, user, name):
    response = as_user(getattr(world, user)).get(_urls(world)[name])
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("method, name, data", OBJECT_WRITES)
def test_outsider_writes_are_404(world, as_user, method, name, data):
    before = _snapshot()
    response = getattr(as_user(world.outsider), method)(_urls(world)[name], data)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _snapshot() == before


def test_client_user_without_role_sees_own_organisations_project_but_cannot_write(world, as_user):
    from tests.factories import UserFactory

    colleague = UserFactory(organization=world.client_org)
    client = as_user(colleague)
    assert client.get(_urls(world)["project"]).status_code == 200
    assert client.post(_urls(world)["suspend"], {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("name", READS)
def test_anonymous_reads_are_401(world, api, name):
    response = api().get(_urls(world)[name])
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("method, name, data", WRITES)
def test_anonymous_writes_are_401(world, api, method, name, data):
    before = _snapshot()
    response = getattr(api(), method)(_urls(world)[name], data)
    assert response.status_code == 401
    assert _snapshot() == before


def test_inactive_user_token_is_refused(world, api):
    client = api(world.lead, token=True)
    world.lead.is_active = False
    world.lead.save()
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401


def test_user_of_deactivated_organisation_is_refused(world, api):
    client = api(world.pm, token=True)
    world.contractor.is_active = False
    world.contractor.save()
    assert client.get("/api/v1/projects/").status_code == 401
