"""/api/v1/projects/{id}/deadlines/: list, one, meet, waive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from apps.deadlines.enums import DeadlineState
from apps.deadlines.models import Deadline
from tests.deadlines.builders import make_deadline
from tests.factories import ProjectFactory, UserFactory

from .conftest import project_url

FAR = dt.date(2099, 1, 5)
PAST = dt.date(2020, 1, 2)


def msg(text: str) -> str:
    """``text`` as the API answers it: requests run in the site's language (zh-hans)."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(text)


def url(project, deadline=None, suffix="") -> str:
    return project_url(project, "deadlines/" + (f"{deadline.pk}/" if deadline else "") + suffix)


@pytest.fixture
def deadline(world):
    return make_deadline(world, due=FAR, title="整改：扫描图像偏斜")


def _state(deadline) -> tuple:
    deadline.refresh_from_db()
    return deadline.state, deadline.closed_at, deadline.waive_reason


# ---------------------------------------------------------------- reads


def test_list_with_record_permissions_and_state_filter(world, api, deadline):
    late = make_deadline(world, due=PAST, title="周巡查")
    waived = make_deadline(world, due=FAR, title="已豁免")
    from apps.deadlines.services import deadline_waive

    deadline_waive(deadline=waived, user=world.lead, reason="合同变更")
    client = api(world.lead)
    everything = client.get(url(world.project)).json()
    assert everything["count"] >= 3  # other apps set deadlines of their own (qualification review)
    mine = {"kind": "rectification"}
    body = client.get(url(world.project), mine).json()
    assert body["count"] == 3
    assert [d["title"] for d in body["results"]] == ["周巡查", "整改：扫描图像偏斜", "已豁免"]
    first = body["results"][0]
    assert first["overdue"] is True and first["state"] == "open"
    assert first["record"] == {"type": "projects.project", "id": world.project.pk}
    assert first["responsible_org"]["name"] == "汇档数字科技有限公司"
    assert first["permissions"] == {"meet": True, "waive": True}
    open_ids = [d["id"] for d in client.get(url(world.project), {**mine, "state": "open"}).json()["results"]]
    assert open_ids == [late.pk, deadline.pk]
    waived_rows = client.get(url(world.project), {**mine, "state": "waived"}).json()["results"]
    assert [d["waive_reason"] for d in waived_rows] == ["合同变更"]
    assert [d["id"] for d in client.get(url(world.project), {**mine, "overdue": "true"}).json()["results"]] == [late.pk]


def test_contractor_sees_it_but_may_not_waive(world, api, deadline):
    body = api(world.operator).get(url(world.project, deadline)).json()
    assert body["id"] == deadline.pk
    assert body["permissions"] == {"meet": True, "waive": False}


@pytest.mark.parametrize("params", [{"state": "late"}, {"state": "x" * 300}])
def test_bad_filter_is_400(world, api, deadline, params):
    response = api(world.lead).get(url(world.project), params)
    assert response.status_code == 400
    assert response.json()["field"] == "state"


def test_deadline_of_another_project_is_404(world, api):
    other = ProjectFactory(client=world.client_org, contractor=world.contractor)
    # Made directly: nobody of the world is a member of the other project (deadline_create's rule).
    foreign = Deadline.objects.create(
        content_type=ContentType.objects.get_for_model(other), object_id=other.pk, project=other, kind="other",
        title="别的项目", counting="calendar_days", base_date=FAR, amount=0, due_date=FAR,
        responsible_org=world.contractor, created_by=world.lead)
    client = api(world.lead)
    assert client.get(url(world.project, foreign)).status_code == 404
    assert client.post(url(world.project, foreign, "waive/"), {"reason": "x"}).status_code == 404
    assert client.post(url(world.project, foreign, "meet/")).status_code == 404
    assert Deadline.objects.get(pk=foreign.pk).state == DeadlineState.OPEN


@pytest.mark.parametrize("suffix", ["deadlines/abc/", "deadlines/99999999999999999999999/", "deadlines/0/"])
def test_malformed_ids_are_404(world, api, suffix):
    response = api(world.lead).get(project_url(world.project, suffix))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# ---------------------------------------------------------------- who may


def test_regulator_reads(world, as_user, deadline):
    client = as_user(world.regulator)
    assert deadline.pk in [d["id"] for d in client.get(url(world.project), {"page_size": 100}).json()["results"]]
    body = client.get(url(world.project, deadline)).json()
    assert body["permissions"] == {"meet": False, "waive": False}


@pytest.mark.parametrize("suffix, data", [("waive/", {"reason": "监管要求"}), ("meet/", {})])
def test_regulator_writes_are_403(world, as_user, auth_mode, deadline, suffix, data):
    before = _state(deadline)
    response = as_user(world.regulator).post(url(world.project, deadline, suffix), data)
    assert response.status_code == 403
    if auth_mode == "token":
        assert response.json()["code"] == "permission_denied"
    assert _state(deadline) == before


@pytest.mark.parametrize("user", ["outsider", "other_regulator"])
def test_outsiders_reads_are_404(world, as_user, deadline, user):
    client = as_user(getattr(world, user))
    for response in (client.get(url(world.project)), client.get(url(world.project, deadline))):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_outsider_writes_are_404(world, as_user, deadline):
    client = as_user(world.outsider)  # another contractor's person
    before = _state(deadline)
    for response in (client.post(url(world.project, deadline, "waive/"), {"reason": "x"}),
                     client.post(url(world.project, deadline, "meet/")),
                     client.delete(url(world.project, deadline))):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert _state(deadline) == before


def test_regulator_of_another_jurisdiction_writes_are_403(world, as_user, deadline):
    # Read-only accounts are refused any write before the object is looked up (as test_access).
    before = _state(deadline)
    assert as_user(world.other_regulator).post(url(world.project, deadline, "meet/")).status_code == 403
    assert _state(deadline) == before


def test_anonymous_is_401(world, api, deadline):
    assert api().get(url(world.project)).status_code == 401
    assert api().post(url(world.project, deadline, "meet/")).status_code == 401


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_no_other_writes(world, api, deadline, method):
    response = getattr(api(world.lead), method)(url(world.project, deadline), {"title": "改"})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_creating_deadlines_is_not_offered(world, api):
    before = Deadline.objects.count()
    response = api(world.lead).post(url(world.project), {"title": "新期限"})
    assert response.status_code == 405
    assert Deadline.objects.count() == before


# ---------------------------------------------------------------- waive


def test_lead_waives_with_reason(world, as_user, deadline):
    response = as_user(world.lead).post(url(world.project, deadline, "waive/"), {"reason": "合同变更，取消该项"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "waived" and body["waive_reason"] == "合同变更，取消该项"
    assert body["closed_by"]["name"] == "王建国"
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.WAIVED
    row = deadline.history.first()
    assert row.history_user == world.lead and "合同变更" in row.history_change_reason


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "r" * 2001}, ["reason"]])
def test_waive_needs_a_reason(world, api, deadline, data):
    response = api(world.lead).post(url(world.project, deadline, "waive/"), data)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert _state(deadline)[0] == DeadlineState.OPEN


def test_waive_malformed_json_is_400(world, api, deadline):
    response = api(world.lead).generic("POST", url(world.project, deadline, "waive/"), "{not json",
                                       content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_waive_twice_is_illegal(world, api, deadline):
    client = api(world.lead)
    assert client.post(url(world.project, deadline, "waive/"), {"reason": "一"}).status_code == 200
    response = client.post(url(world.project, deadline, "waive/"), {"reason": "二"})
    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"
    assert _state(deadline)[2] == "一"


@pytest.mark.parametrize("user", ["inspector", "pm", "operator"])
def test_only_the_client_lead_waives(world, as_user, deadline, user):
    response = as_user(getattr(world, user)).post(url(world.project, deadline, "waive/"), {"reason": "x"})
    assert response.status_code == 403
    assert response.json()["detail"] == msg("Only the client project lead can waive a deadline.")
    assert _state(deadline)[0] == DeadlineState.OPEN


def test_wrong_role_is_refused_before_validation(world, api, deadline):
    response = api(world.pm).post(url(world.project, deadline, "waive/"), {})
    assert response.status_code == 403


# ---------------------------------------------------------------- meet


def test_member_meets_in_time(world, as_user, deadline):
    response = as_user(world.operator).post(url(world.project, deadline, "meet/"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "met"
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET and deadline.closed_by == world.operator
    assert deadline.history.first().history_user == world.operator


def test_meeting_after_the_due_date_is_met_late(world, api):
    late = make_deadline(world, due=PAST)
    response = api(world.pm).post(url(world.project, late, "meet/"), {"ignored": True})
    assert response.status_code == 200
    assert response.json()["state"] == "missed"
    assert Deadline.objects.get(pk=late.pk).closed_at <= timezone.now()


def test_meet_twice_is_illegal(world, api, deadline):
    client = api(world.lead)
    assert client.post(url(world.project, deadline, "meet/")).status_code == 200
    response = client.post(url(world.project, deadline, "meet/"))
    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"


def test_client_colleague_without_role_cannot_meet(world, as_user, deadline):
    colleague = UserFactory(organization=world.client_org)
    client = as_user(colleague)
    assert client.get(url(world.project, deadline)).status_code == 200  # sees the client's project
    response = client.post(url(world.project, deadline, "meet/"))
    assert response.status_code == 403
    assert _state(deadline)[0] == DeadlineState.OPEN


def test_schema_lists_the_endpoints_of_deadlines_notifications_signatures_attachments(world, api):
    schema = api(world.lead).get("/api/schema/", {"format": "json"}).json()
    prefix = "/api/v1/projects/{project_pk}/"
    for path in [f"{prefix}deadlines/", f"{prefix}deadlines/{{id}}/", f"{prefix}deadlines/{{id}}/meet/",
                 f"{prefix}deadlines/{{id}}/waive/", "/api/v1/notifications/", "/api/v1/notifications/{id}/read/",
                 "/api/v1/notifications/read-all/", f"{prefix}signatures/", f"{prefix}signatures/verify/",
                 f"{prefix}attachments/", f"{prefix}attachments/{{id}}/", f"{prefix}attachments/{{id}}/download/"]:
        assert path in schema["paths"], path
    upload = schema["paths"][f"{prefix}attachments/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
    sign = schema["components"]["schemas"]["SignatureCreateRequest"]["properties"]
    assert {"record_type", "object_id", "party", "meaning", "password"} <= set(sign)
