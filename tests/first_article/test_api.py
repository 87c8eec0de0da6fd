from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.first_article.enums import ContactSheetState, VerificationStatus
from apps.first_article.models import FirstArticleVerification

from .builders import submit, verify_fail

pytestmark = pytest.mark.django_db


def _base(world):
    return f"/api/v1/projects/{world.project.pk}/first-article/"


def _submission():
    return {"batch_description": "第1—3盒", "quantity": 300, "unit": "box",
            "batch_date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(), "self_check_result": "自检合格"}


def test_submit_verify_through_the_api(world, api):
    response = api(world.special).post(_base(world), {**_submission(), "status": "passed", "is_baseline": True})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "submitted" and data["is_baseline"] is False and data["round_no"] == 1
    response = api(world.inspector, token=True).post(f"{_base(world)}{data['id']}/verify/", {
        "operation_passed": True, "quality_passed": True, "safety_passed": True, "conclusion": "pass"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "passed" and response.json()["is_baseline"] is True


def test_fail_and_rectification_through_the_api(world, api):
    v = submit(world)
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = api(world.lead).post(f"{_base(world)}{v.pk}/verify/", {
        "operation_passed": True, "quality_passed": False, "quality_reason": "偏斜", "safety_passed": True,
        "conclusion": "fail", "rectification_due": due, "requirement": "重扫"})
    assert response.status_code == 200
    assert response.json()["contact_sheet"]["state"] == "open"
    response = api(world.pm).post(f"{_base(world)}{v.pk}/rectification/", {"measures": "重扫", "result": "合格"})
    assert response.status_code == 201
    v.refresh_from_db()
    assert v.contact_sheet.state == ContactSheetState.ANSWERED
    response = api(world.pm).post(f"{_base(world)}{v.pk}/rectification/", {"measures": "again", "result": "again"})
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"


def test_bad_input_is_400_and_changes_nothing(world, api):
    v = submit(world)
    response = api(world.inspector).post(f"{_base(world)}{v.pk}/verify/", {
        "operation_passed": True, "quality_passed": False, "quality_reason": "偏斜", "safety_passed": True,
        "conclusion": "fail"})
    assert response.status_code == 400 and response.json()["field"] == "rectification_due"
    response = api(world.inspector).post(f"{_base(world)}{v.pk}/verify/", {
        "operation_passed": "perhaps", "quality_passed": True, "safety_passed": True, "conclusion": "pass"})
    assert response.status_code == 400
    v.refresh_from_db()
    assert v.status == VerificationStatus.SUBMITTED


def test_verifying_twice_is_400(world, api):
    v = submit(world)
    body = {"operation_passed": True, "quality_passed": True, "safety_passed": True, "conclusion": "pass"}
    assert api(world.inspector).post(f"{_base(world)}{v.pk}/verify/", body).status_code == 200
    response = api(world.lead).post(f"{_base(world)}{v.pk}/verify/", body)
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"


def test_wrong_role_is_403(world, api):
    v = submit(world)
    body = {"operation_passed": True, "quality_passed": True, "safety_passed": True, "conclusion": "pass"}
    assert api(world.pm).post(f"{_base(world)}{v.pk}/verify/", body).status_code == 403
    assert api(world.lead).post(_base(world), _submission()).status_code == 403
    assert api(world.operator).post(_base(world), _submission()).status_code == 403


def test_client_cannot_answer_a_sheet_via_api(world, api):
    v = verify_fail(submit(world), world.inspector)
    response = api(world.inspector).post(f"{_base(world)}{v.pk}/rectification/", {"measures": "m", "result": "r"})
    assert response.status_code == 403


@pytest.mark.parametrize("token", [False, True])
def test_outsider_gets_404(world, api, token):
    v = submit(world)
    client = api(world.outsider, token=token)
    assert client.get(_base(world)).status_code == 404
    assert client.get(f"{_base(world)}{v.pk}/").status_code == 404
    assert client.post(_base(world), _submission()).status_code == 404
    assert client.post(f"{_base(world)}{v.pk}/verify/", {}).status_code == 404


@pytest.mark.parametrize("token", [False, True])
def test_regulator_reads_but_cannot_write(world, api, token):
    v = submit(world)
    client = api(world.regulator, token=token)
    assert client.get(_base(world)).status_code == 200
    assert client.get(f"{_base(world)}{v.pk}/").json()["id"] == v.pk
    assert client.post(_base(world), _submission()).status_code == 403
    assert client.post(f"{_base(world)}{v.pk}/verify/", {"conclusion": "pass"}).status_code == 403
    assert FirstArticleVerification.objects.count() == 1


def test_list_is_scoped_to_the_project(world, api):
    v = submit(world)
    data = api(world.pm).get(_base(world)).json()
    assert [r["id"] for r in data["results"]] == [v.pk]
