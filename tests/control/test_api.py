"""API: reads for all members and the regulator, writes for change requests and quality reports
with the same rules as the pages, errors as JSON, outsiders 404."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.control.enums import ChangeState, ReportState
from apps.control.models import ChangeRequest, QualityReport
from tests.conftest import PASSWORD

from .builders import change, improvement, meeting, point, report, stage, today

pytestmark = pytest.mark.django_db

READS = ["risk-points", "risk-assessments", "risk-assessments/requests", "change-requests", "meetings",
         "quality-reports", "progress-stages", "improvement-plans"]


def _url(w, path):
    return f"/api/v1/projects/{w.project.pk}/{path}/"


def _records(w):
    point(w)
    change(w)
    meeting(w)
    report(w)
    stage(w)
    improvement(w)


@pytest.mark.parametrize("who", ["lead", "pm", "regulator"])
def test_reads(w, api, who):
    _records(w)
    client = api(getattr(w, who))
    for path in READS:
        response = client.get(_url(w, path))
        assert response.status_code == 200, path
    assert client.get(_url(w, "change-requests")).json()["results"][0]["title"]


def test_client_does_not_see_contractor_drafts(w, api):
    _records(w)
    assert api(w.pm).get(_url(w, "quality-reports")).json()["count"] == 1
    assert api(w.lead).get(_url(w, "quality-reports")).json()["count"] == 0


def test_outsider_gets_json_404(w, api):
    _records(w)
    client = api(w.outsider)
    for path in READS:
        response = client.get(_url(w, path))
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    cr = ChangeRequest.objects.get()
    assert client.post(_url(w, f"change-requests/{cr.pk}/approve"), {"password": PASSWORD}).status_code == 404


def test_change_request_write_flow(w, api):
    response = api(w.pm).post(_url(w, "change-requests"), {
        "category": "quality_standard", "title": "提高分辨率", "description": "400dpi", "reason": "细节不清",
        "quality_impact": "清晰度提高", "is_major": True})
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    bad = api(w.lead).post(_url(w, f"change-requests/{pk}/approve"), {"password": "wrong"})
    assert bad.status_code == 400 and bad.json()
    ok = api(w.lead).post(_url(w, f"change-requests/{pk}/approve"), {"password": PASSWORD, "opinion": "同意"})
    assert ok.status_code == 200 and ok.json()["state"] == ChangeState.APPROVED
    again = api(w.lead).post(_url(w, f"change-requests/{pk}/approve"), {"password": PASSWORD})
    assert again.status_code in (400, 409)
    confirm = api(w.pm).post(_url(w, f"change-requests/{pk}/confirm"), {"note": "已执行"})
    assert confirm.status_code == 200 and confirm.json()["state"] == ChangeState.IMPLEMENTED


def test_change_request_wrong_role_and_bad_input(w, api):
    assert api(w.lead).post(_url(w, "change-requests"), {"title": "x"}).status_code == 403
    response = api(w.pm).post(_url(w, "change-requests"), {"category": "nonsense", "title": ""})
    assert response.status_code == 400
    response = api(w.pm).post(_url(w, "change-requests"), {
        "category": "other", "title": "x", "description": "x", "reason": "  ", "quality_impact": "x"})
    assert response.status_code == 400
    assert not ChangeRequest.objects.exists()
    cr = change(w)
    assert api(w.pm).post(_url(w, f"change-requests/{cr.pk}/approve"), {"password": PASSWORD}).status_code == 403
    assert api(w.lead).post(_url(w, "change-requests/99999/approve"), {"password": PASSWORD}).status_code == 404


def test_regulator_cannot_write(w, api):
    response = api(w.regulator).post(_url(w, "change-requests"), {"title": "x"})
    assert response.status_code == 403
    r = report(w)
    assert api(w.regulator).post(_url(w, f"quality-reports/{r.pk}/submit")).status_code in (403, 404)


def test_quality_report_write_flow(w, api):
    response = api(w.special).post(_url(w, "quality-reports"), {
        "period_start": str(today() - dt.timedelta(days=6)), "period_end": str(today()), "summary": "稳定"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["figures"]["sampling"]["lots_decided"] == 0 and body["state"] == ReportState.DRAFT
    pk = body["id"]
    assert api(w.lead).post(_url(w, f"quality-reports/{pk}/submit")).status_code == 404  # a draft is not the client's
    assert api(w.pm).post(_url(w, f"quality-reports/{pk}/submit")).json()["state"] == ReportState.SUBMITTED
    assert api(w.pm).post(_url(w, f"quality-reports/{pk}/acknowledge"), {}).status_code == 403
    ack = api(w.lead).post(_url(w, f"quality-reports/{pk}/acknowledge"), {"comment": "已阅"})
    assert ack.status_code == 200 and ack.json()["state"] == ReportState.ACKNOWLEDGED
    dup = api(w.pm).post(_url(w, "quality-reports"), {
        "period_start": str(today() - dt.timedelta(days=6)), "period_end": str(today()), "summary": "重复"})
    assert dup.status_code in (400, 409)
    future = api(w.pm).post(_url(w, "quality-reports"), {
        "period_start": str(today()), "period_end": str(today() + dt.timedelta(days=3)), "summary": "x"})
    assert future.status_code == 400
    assert QualityReport.objects.count() == 1
