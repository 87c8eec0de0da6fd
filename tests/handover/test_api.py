"""The API resources ``handovers`` and ``handover-lines``: same rules as the pages, outsiders 404,
the regulator read-only."""

from __future__ import annotations

import pytest

from apps.handover.enums import HandoverState, LineStatus
from apps.handover.models import Handover
from apps.signatures.models import SignatureAttempt
from tests.conftest import PASSWORD

from .builders import accept, confirmed, draft, submitted

pytestmark = pytest.mark.django_db

ITEM = {"kind": "results", "description": "数字化图像", "quantity": 12, "unit": "卷", "medium": "removable_disk"}


@pytest.fixture
def w(world):
    accept(world)
    return world


def base(w):
    return f"/api/v1/projects/{w.project.pk}/handovers/"


def lines_base(w):
    return f"/api/v1/projects/{w.project.pk}/handover-lines/"


def test_the_whole_handover_through_the_api(w, api):
    pm, inspector, lead = api(w.pm), api(w.inspector, token=True), api(w.lead)
    response = pm.post(base(w), {"note": "随清单交付"})
    assert response.status_code == 201, response.content
    hid = response.json()["id"]
    for kind in ("results", "quality_records", "process_documents"):
        response = pm.post(f"{base(w)}{hid}/lines/", {**ITEM, "kind": kind})
        assert response.status_code == 201, response.content
    response = pm.post(f"{base(w)}{hid}/submit/", {})
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    for item in response.json()["lines"]:
        response = inspector.post(f"{lines_base(w)}{item['id']}/confirm/", {"version": item["version"]})
        assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert lead.get(f"{base(w)}{hid}/").json()["state"] == "confirmed"
    assert lead.post(f"{base(w)}{hid}/sign/", {"password": PASSWORD}).status_code == 200
    data = pm.post(f"{base(w)}{hid}/sign/", {"password": PASSWORD}).json()
    assert data["state"] == "signed" and data["handed_over"] is True and len(data["signatures"]) == 2
    assert data["pdf_url"] == f"/reports/forms/handover_list/{hid}/"


@pytest.mark.parametrize("who", ["lead", "inspector", "pm", "operator", "regulator"])
def test_project_people_read_the_list(w, api, who):
    handover = submitted(w)
    response = api(getattr(w, who)).get(base(w))
    assert response.status_code == 200 and response.json()["results"][0]["id"] == handover.pk
    detail = api(getattr(w, who)).get(f"{base(w)}{handover.pk}/").json()
    assert len(detail["lines"]) == 5 and detail["counts"]["pending"] == 5
    kinds = api(getattr(w, who)).get(lines_base(w), {"kind": "project_documents"}).json()["results"]
    assert [x["position"] for x in kinds] == [5]


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404(w, api, who):
    handover = submitted(w)
    client = api(getattr(w, who))
    assert client.get(base(w)).status_code == 404
    assert client.get(f"{base(w)}{handover.pk}/").status_code == 404
    # The other regulator's POST is refused before any lookup (regulators are read-only).
    assert client.post(f"{lines_base(w)}{handover.lines.first().pk}/confirm/", {}).status_code in (403, 404)


def test_wrong_roles_get_403_and_nothing_changes(w, api):
    assert api(w.lead).post(base(w), {}).status_code == 403
    assert not Handover.objects.exists()
    handover = submitted(w)
    line = handover.lines.first()
    assert api(w.pm).post(f"{lines_base(w)}{line.pk}/confirm/", {}).status_code == 403
    assert api(w.inspector).post(f"{base(w)}{handover.pk}/submit/", {}).status_code == 403
    assert api(w.regulator).post(f"{lines_base(w)}{line.pk}/confirm/", {}).status_code == 403
    line.refresh_from_db()
    assert line.status == LineStatus.PENDING


def test_bad_input_is_400_naming_the_field(w, api):
    handover = draft(w)
    response = api(w.pm).post(f"{base(w)}{handover.pk}/lines/", {**ITEM, "quantity": 0})
    assert response.status_code == 400
    response = api(w.pm).post(f"{base(w)}{handover.pk}/lines/", {**ITEM, "medium": "other"})
    assert response.status_code == 400 and response.json()["field"] == "note"
    assert handover.lines.count() == 5
    handover = submitted_after(w, handover)
    response = api(w.inspector).post(f"{lines_base(w)}{handover.lines.first().pk}/refuse/", {})
    assert response.status_code == 400


def submitted_after(w, handover):
    from apps.handover.services import handover_submit

    return handover_submit(handover=handover, user=w.pm)


def test_illegal_transitions_are_400_and_a_stale_version_409(w, api):
    handover = draft(w)
    stale = handover.version
    assert api(w.pm).post(f"{base(w)}{handover.pk}/lines/", ITEM).status_code == 201
    response = api(w.pm).post(f"{base(w)}{handover.pk}/submit/", {"version": stale})
    assert response.status_code == 409
    assert api(w.pm).post(f"{base(w)}{handover.pk}/submit/", {}).status_code == 200
    response = api(w.pm).post(f"{base(w)}{handover.pk}/submit/", {})
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"
    response = api(w.lead).post(f"{base(w)}{handover.pk}/sign/", {"password": PASSWORD})
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"


def test_a_wrong_password_is_400_and_the_attempt_is_kept(w, api):
    handover = confirmed(w)
    response = api(w.lead).post(f"{base(w)}{handover.pk}/sign/", {"password": "wrong"})
    assert response.status_code == 400 and response.json()["code"] == "bad_password"
    assert SignatureAttempt.objects.filter(user=w.lead).count() == 1
    handover.refresh_from_db()
    assert handover.state == HandoverState.CONFIRMED


def test_send_back_needs_the_client_lead_and_a_reason(w, api):
    handover = confirmed(w)
    assert api(w.inspector).post(f"{base(w)}{handover.pk}/send-back/", {"reason": "改"}).status_code == 403
    assert api(w.lead).post(f"{base(w)}{handover.pk}/send-back/", {}).status_code == 400
    response = api(w.lead).post(f"{base(w)}{handover.pk}/send-back/", {"reason": "光盘需分装"})
    assert response.status_code == 200 and response.json()["state"] == "returned"
