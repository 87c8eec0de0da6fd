"""Pages and API of the plan review: roles, states, scoping, bad input."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.plans.enums import PlanStatus
from apps.plans.models import PlanVersion

from .builders import CONTENT, approved, draft, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def _client(user, token=False):
        client = APIClient()
        client.default_format = "json"
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        else:
            client.force_login(user)
        return client
    return _client


def api_url(w, suffix=""):
    return f"/api/v1/projects/{w.project.pk}/plan-versions/{suffix}"


# ---------------------------------------------------------------- pages

def test_contractor_writes_and_submits_through_pages(world, login):
    c = login(world.pm)
    assert "Write a new plan version" in c.get(f"/plans/projects/{world.project.pk}/").content.decode()
    response = c.post(f"/plans/projects/{world.project.pk}/new/", {**CONTENT, "detailed_rules": "",
                                                                    "change_reason": ""})
    version = PlanVersion.objects.get(project=world.project)
    assert response.url == f"/plans/versions/{version.pk}/"
    page = c.get(response.url).content.decode()
    assert "Submit to the client for review" in page and "Approve and sign" not in page
    c.post(f"/plans/versions/{version.pk}/submit/")
    version.refresh_from_db()
    assert version.status == PlanStatus.SUBMITTED


def test_bad_input_on_the_form_changes_nothing(world, login):
    response = login(world.pm).post(f"/plans/projects/{world.project.pk}/new/", {**CONTENT, "title": ""})
    assert response.status_code == 200
    assert not PlanVersion.objects.exists()


def test_client_sees_review_buttons_and_approval_leads_to_signing(world, login):
    version = submitted(world)
    inspector_page = login(world.inspector).get(f"/plans/versions/{version.pk}/").content.decode()
    assert "Return with comments" in inspector_page and "Approve and sign" not in inspector_page
    c = login(world.lead)
    response = c.post(f"/plans/versions/{version.pk}/approve/", {"comments": "同意"})
    assert response.status_code == 302 and response.url.startswith("/signatures/sign/")
    version.refresh_from_db()
    assert version.status == PlanStatus.APPROVED


def test_contractor_cannot_approve_or_return(world, login):
    version = submitted(world)
    c = login(world.pm)
    assert c.post(f"/plans/versions/{version.pk}/approve/").status_code == 403
    assert c.post(f"/plans/versions/{version.pk}/return/", {"comments": "x"}).status_code == 403
    version.refresh_from_db()
    assert version.status == PlanStatus.SUBMITTED


def test_approving_a_returned_version_through_the_page_is_refused(world, login):
    version = submitted(world)
    c = login(world.lead)
    c.post(f"/plans/versions/{version.pk}/return/", {"comments": "补充控制点"})
    assert c.post(f"/plans/versions/{version.pk}/approve/").status_code == 403
    version.refresh_from_db()
    assert version.status == PlanStatus.RETURNED


def test_regulator_reads_only_and_outsider_gets_404(world, login):
    version = approved(world)
    reg = login(world.regulator)
    assert reg.get(f"/plans/versions/{version.pk}/").status_code == 200
    assert reg.post(f"/plans/versions/{version.pk}/revise/", {"reason": "x"}).status_code == 403
    out = login(world.outsider)
    for url in [f"/plans/projects/{world.project.pk}/", f"/plans/versions/{version.pk}/",
                f"/plans/versions/{version.pk}/edit/"]:
        assert out.get(url).status_code == 404
    assert out.post(f"/plans/versions/{version.pk}/revise/", {"reason": "x"}).status_code == 404


# ---------------------------------------------------------------- API

def test_api_happy_path(world, api):
    pm = api(world.pm, token=True)
    r = pm.post(api_url(world), {**CONTENT, "status": "approved", "number": 99})  # ignored fields
    assert r.status_code == 201 and r.json()["status"] == "draft" and r.json()["number"] == 1
    vid = r.json()["id"]
    assert pm.patch(api_url(world, f"{vid}/"), {"procedures": "新流程"}).json()["procedures"] == "新流程"
    assert pm.post(api_url(world, f"{vid}/submit/")).json()["status"] == "submitted"
    r = api(world.lead).post(api_url(world, f"{vid}/approve/"), {"comments": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["in_force"] is False
    r = pm.post(api_url(world, f"{vid}/revise/"), {"reason": "调整"})
    assert r.status_code == 201 and r.json()["number"] == 2


def test_api_illegal_and_wrong_role(world, api):
    version = draft(world)
    assert api(world.lead).post(api_url(world, f"{version.pk}/approve/")).status_code == 403
    assert api(world.lead).post(api_url(world), CONTENT).status_code == 403
    submitted_version = PlanVersion.objects.get(pk=version.pk)
    r = api(world.pm).post(api_url(world, f"{submitted_version.pk}/revise/"), {"reason": "x"})
    assert r.status_code == 400 and r.json()["code"] == "illegal_transition"
    r = api(world.pm).post(api_url(world), {**CONTENT, "title": ""})
    assert r.status_code == 400


@pytest.mark.parametrize("token", [False, True])
def test_api_regulator_403_outsider_404(world, api, token):
    version = submitted(world)
    reg = api(world.regulator, token=token)
    assert reg.get(api_url(world)).status_code == 200
    assert reg.post(api_url(world, f"{version.pk}/approve/")).status_code == 403
    out = api(world.outsider, token=token)
    assert out.get(api_url(world, f"{version.pk}/")).status_code == 404
    assert out.post(api_url(world, f"{version.pk}/return/"), {"comments": "x"}).status_code == 404
    assert PlanVersion.objects.get(pk=version.pk).status == PlanStatus.SUBMITTED
