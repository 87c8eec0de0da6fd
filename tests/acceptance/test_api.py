"""The API: acceptance-applications and acceptance-rounds under the project prefix (same rules as
the pages; outsiders 404; the regulator reads only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.acceptance.enums import ApplicationState, RoundState
from apps.acceptance.models import AcceptanceApplication, AcceptanceRound, CommonProblem
from apps.projects.enums import Phase

from .builders import fail_round, into_acceptance, name_team, ready_to_apply, sign_report

pytestmark = pytest.mark.django_db


def _base(w):
    return f"/api/v1/projects/{w.project.pk}"


def test_the_pm_applies_and_the_lead_reviews(w, api):
    ready_to_apply(w)
    pm = api(w.pm)
    response = pm.post(f"{_base(w)}/acceptance-applications/", {"results": "图像 60 件"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft" and len(data["lines"]) == 6
    pk = data["id"]
    response = pm.post(f"{_base(w)}/acceptance-applications/{pk}/submit/", {})
    assert response.status_code == 400  # lines without files or records
    response = pm.post(f"{_base(w)}/acceptance-applications/{pk}/lines/",
                       {"kind": "other", "title": "培训记录", "record_ref": "control"})
    assert response.status_code == 200 and len(response.json()["lines"]) == 7
    assert api(w.lead).post(f"{_base(w)}/acceptance-applications/", {}).status_code == 403

    application = AcceptanceApplication.objects.get()
    from apps.acceptance import services

    for line in application.lines.filter(record_ref=""):
        services.line_update(line=line, user=w.pm, kind=line.kind, title=line.title, record_ref="control")
    assert pm.post(f"{_base(w)}/acceptance-applications/{pk}/submit/", {"version": 99}).status_code == 409
    response = pm.post(f"{_base(w)}/acceptance-applications/{pk}/submit/", {})
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    lead = api(w.lead)
    assert pm.post(f"{_base(w)}/acceptance-applications/{pk}/review/", {"complete": True}).status_code == 403
    first = application.lines.order_by("order").first()
    response = lead.post(f"{_base(w)}/acceptance-applications/{pk}/review/",
                         {"complete": False, "missing": {str(first.pk): "缺数量"}})
    assert response.status_code == 200 and response.json()["state"] == "returned"
    assert pm.post(f"{_base(w)}/acceptance-applications/{pk}/submit/", {}).status_code == 200
    response = lead.post(f"{_base(w)}/acceptance-applications/{pk}/review/", {"complete": True})
    assert response.status_code == 200 and response.json()["state"] == ApplicationState.COMPLETE
    w.project.refresh_from_db()
    assert w.project.phase == Phase.ACCEPTANCE


def test_rounds_through_the_api(w, api):
    into_acceptance(w)
    name_team(w)
    lead = api(w.lead)
    assert api(w.inspector).post(f"{_base(w)}/acceptance-rounds/", {}).status_code == 403
    response = lead.post(f"{_base(w)}/acceptance-rounds/", {})
    assert response.status_code == 201
    pk = response.json()["id"]
    url = f"{_base(w)}/acceptance-rounds/{pk}"
    item = w.project.check_items.filter(service_type="digitization").first()
    today = timezone.localdate()
    body = {"plan_content": "核查", "rates": {"digitization": "4.00"}, "standards": [item.pk],
            "schedule_start": today.isoformat(), "schedule_end": (today + dt.timedelta(days=2)).isoformat()}
    response = lead.post(f"{url}/plan/", body, format="json")
    assert response.status_code == 400 and "rate_digitization" in response.content.decode()
    body["rates"] = {"digitization": "6.00"}
    response = lead.post(f"{url}/plan/", body, format="json")
    assert response.status_code == 200 and response.json()["samplings"][0]["floor_rate"] == "6.00"
    assert api(w.pm).post(f"{url}/approve/", {}).status_code == 403
    assert lead.post(f"{url}/approve/", {}).json()["state"] == RoundState.PLANNED
    response = api(w.acceptance).post(f"{url}/inspection/", {})
    assert response.status_code == 200 and response.json()["samplings"][0]["inspection"]["status"] == "open"
    acceptance_round = AcceptanceRound.objects.get()
    from apps.lot_inspection import services as lot_services
    from apps.lot_inspection.rows import RowInput

    inspection = acceptance_round.samplings.get().inspection
    rows = [RowInput(label=str(i.position), item_id=i.pk, result="conforming", defects=[])
            for i in inspection.items.all()]
    lot_services.lot_inspection_results_record(inspection=inspection, user=w.expert, rows=rows)
    lot_services.lot_inspection_decide(inspection=inspection, user=w.expert)
    response = lead.post(f"{url}/report/", {"conclusion": "pass", "opinion": "合格"})
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "reported" and data["figures"][0]["accepted"] and len(data["team"]) == 3
    assert data["pdf_url"] == f"/reports/forms/acceptance_report/{pk}/"
    assert lead.post(f"{url}/conclude/", {}).status_code == 400
    sign_report(w, AcceptanceRound.objects.get())
    response = lead.post(f"{url}/conclude/", {})
    assert response.status_code == 200 and response.json()["state"] == "passed"
    response = api(w.expert).post(f"{url}/problems/", {"category": "process", "description": "工序交接不清",
                                                      "suggested_control": "工序交接单"})
    assert response.status_code == 201 and CommonProblem.objects.count() == 1
    assert api(w.pm).post(f"{url}/problems/", {"category": "process", "description": "x",
                                               "suggested_control": "y"}).status_code == 403
    w.project.refresh_from_db()
    assert w.project.accepted_on is not None


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404(w, api, who):
    acceptance_round = fail_round(w)
    application = AcceptanceApplication.objects.get()
    client = api(getattr(w, who))
    for url in (f"{_base(w)}/acceptance-applications/", f"{_base(w)}/acceptance-applications/{application.pk}/",
                f"{_base(w)}/acceptance-rounds/", f"{_base(w)}/acceptance-rounds/{acceptance_round.pk}/"):
        assert client.get(url).status_code == 404, url


def test_the_regulator_reads_and_cannot_write(w, api):
    acceptance_round = fail_round(w)
    client = api(w.regulator)
    response = client.get(f"{_base(w)}/acceptance-rounds/{acceptance_round.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "failed" and data["tickets"][0]["state"] == "open"
    assert client.get(f"{_base(w)}/acceptance-applications/").json()["results"][0]["state"] == "complete"
    for url, body in ((f"{_base(w)}/acceptance-rounds/", {"override_reason": "x"}),
                      (f"{_base(w)}/acceptance-rounds/{acceptance_round.pk}/problems/",
                       {"category": "quality", "description": "x", "suggested_control": "y"})):
        assert client.post(url, body).status_code == 403
    assert AcceptanceRound.objects.count() == 1 and not CommonProblem.objects.exists()


def test_an_id_of_another_project_is_404(w, api):
    acceptance_round = fail_round(w)
    from apps.projects import services as project_services

    other = project_services.project_create(
        user=w.lead, name="另一个项目", contract_no="HZ-2026-099", contractor=w.contractor,
        service_types=["digitization"], risk_level="medium", confidentiality="ordinary",
        contract_signed_on=dt.date(2026, 9, 25), start_date=dt.date(2026, 9, 28), end_date=dt.date(2027, 9, 27))
    response = api(w.lead).get(f"/api/v1/projects/{other.pk}/acceptance-rounds/{acceptance_round.pk}/")
    assert response.status_code == 404
