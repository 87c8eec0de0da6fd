from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone, translation

from apps.accounts.enums import Party
from apps.rectification.enums import TicketState
from apps.rectification.models import Incident, RectificationTicket

from .builders import raise_ticket, sign

pytestmark = pytest.mark.django_db


def _base(w, what="rectification-tickets"):
    return f"/api/v1/projects/{w.project.pk}/{what}/"


def _raise_body(**overrides):
    today = timezone.localdate()
    body = {"source": "sampling", "found_on": today.isoformat(), "severity": "serious", "title": "图像模糊",
            "description": "抽检发现5件图像模糊", "requirement": "重新扫描",
            "due_date": (today + dt.timedelta(days=5)).isoformat()}
    body.update(overrides)
    return body


def test_whole_loop_through_the_api(w, api):
    response = api(w.inspector, token=True).post(_base(w), _raise_body())
    assert response.status_code == 201, response.content
    ticket_id = response.json()["id"]
    assert response.json()["state"] == "open" and response.json()["pdf_url"].endswith("annex-d.pdf")

    contractor = api(w.pm, token=True)
    listed = contractor.get(_base(w) + "?state=open").json()["results"]
    assert [t["id"] for t in listed] == [ticket_id]
    response = contractor.post(f"{_base(w)}{ticket_id}/submit/", {"measures": "重新扫描5件", "result": "已完成"})
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    again = contractor.post(f"{_base(w)}{ticket_id}/submit/", {"measures": "m", "result": "r"})
    assert again.status_code == 400 and again.json()["code"] == "illegal_transition"

    client = api(w.inspector, token=True)
    response = client.post(f"{_base(w)}{ticket_id}/review/", {"passed": True, "opinion": "复核合格"})
    assert response.status_code == 200 and response.json()["state"] == "reviewed"
    ticket = RectificationTicket.objects.get(pk=ticket_id)
    response = api(w.lead).post(f"{_base(w)}{ticket_id}/close/")
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"
    assert "双方签字" in response.json()["detail"]  # the API speaks Chinese by default
    sign(ticket, w.inspector, Party.CLIENT)
    sign(ticket, w.pm, Party.CONTRACTOR)
    response = api(w.lead).post(f"{_base(w)}{ticket_id}/close/")
    assert response.status_code == 200 and response.json()["state"] == "closed"
    detail = contractor.get(f"{_base(w)}{ticket_id}/").json()
    assert len(detail["reviews"]) == 1 and {s["party"] for s in detail["signatures"]} == {"client", "contractor"}


def test_contractor_refuses_through_the_api(w, api):
    ticket = raise_ticket(w)
    assert api(w.special).post(f"{_base(w)}{ticket.pk}/refuse/", {"reason": "不"}).status_code == 403
    assert api(w.pm).post(f"{_base(w)}{ticket.pk}/refuse/", {}).status_code == 400
    response = api(w.pm).post(f"{_base(w)}{ticket.pk}/refuse/", {"reason": "费用未约定"})
    assert response.status_code == 200 and response.json()["state"] == TicketState.REFUSED


@pytest.mark.parametrize("body", [{}, {"source": "rumour"}, {"due_date": "2020-01-01"}, {"title": ""},
                                  {"found_on": "x"}, {"title": ["a"]}])
def test_bad_input_is_400_and_changes_nothing(w, api, body):
    response = api(w.inspector).post(_base(w), _raise_body(**body) if body else {})
    assert response.status_code == 400
    assert not RectificationTicket.objects.exists()


def test_bad_filters_are_400(w, api):
    assert api(w.lead).get(_base(w) + "?state=bogus").status_code == 400
    assert api(w.lead).get(_base(w) + "?source=bogus").status_code == 400


def test_outsider_404_regulator_403_wrong_role_403(w, api):
    ticket = raise_ticket(w)
    for user in (w.outsider, w.other_regulator):
        client = api(user)
        assert client.get(_base(w)).status_code == 404
        assert client.get(f"{_base(w)}{ticket.pk}/").status_code == 404
        # The read-only middleware refuses any write of a regulator before the look-up (403).
        assert client.post(f"{_base(w)}{ticket.pk}/submit/", {"measures": "m", "result": "r"}).status_code == (
            404 if user == w.outsider else 403)
        assert client.get(_base(w, "incidents")).status_code == 404
    regulator = api(w.regulator)
    assert regulator.get(_base(w)).status_code == 200
    assert regulator.get(f"{_base(w)}{ticket.pk}/").status_code == 200
    assert regulator.post(_base(w), _raise_body()).status_code == 403
    assert regulator.post(f"{_base(w)}{ticket.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert api(w.pm).post(_base(w), _raise_body()).status_code == 403
    assert api(w.inspector).post(f"{_base(w)}{ticket.pk}/submit/", {"measures": "m", "result": "r"}).status_code == 403
    assert api(w.operator).post(f"{_base(w)}{ticket.pk}/submit/", {"measures": "m", "result": "r"}).status_code == 403
    assert api(w.lead).get(f"{_base(w)}999999/").status_code == 404
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN


def test_incident_reported_through_the_api(w, api):
    body = {"category": "quality", "title": "数据丢失", "occurred_at": timezone.now().isoformat(),
            "description": "d", "scale": "s", "remedial_action": "r", "is_major": True}
    assert api(w.lead).post(_base(w, "incidents"), body).status_code == 403
    assert api(w.regulator).post(_base(w, "incidents"), body).status_code == 403
    assert api(w.operator).post(_base(w, "incidents"), {**body, "category": "fire"}).status_code == 400
    response = api(w.operator, token=True).post(_base(w, "incidents"), body)
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert incident.is_major and incident.regulator_reports.exists()
    listed = api(w.regulator).get(_base(w, "incidents")).json()["results"]
    assert [i["id"] for i in listed] == [incident.pk]


def test_schema_lists_the_endpoints(w, api):
    schema = api(w.lead).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert any("rectification-tickets/{id}/review/" in p for p in paths)
    assert any(p.endswith("/incidents/") for p in paths)


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "2026-13-01T00:00:00", "x"])
def test_incident_time_out_of_range_is_400(w, api, when):
    body = {"category": "quality", "title": "t", "occurred_at": when, "description": "d", "scale": "s",
            "remedial_action": "r"}
    response = api(w.pm).post(_base(w, "incidents"), body)
    assert response.status_code == 400, response.content
    assert not Incident.objects.exists()


def test_the_version_read_is_checked_and_a_stale_one_is_409(w, api):
    ticket = raise_ticket(w)
    client = api(w.pm)
    response = client.post(f"{_base(w)}{ticket.pk}/refuse/", {"reason": "不同意", "version": ticket.version + 1})
    assert response.status_code == 409 and response.json()["code"] == "stale"
    response = client.post(f"{_base(w)}{ticket.pk}/refuse/", {"reason": "不同意", "version": ticket.version})
    assert response.status_code == 200 and response.json()["version"] == ticket.version + 1


def test_withdrawing_through_the_api_says_who_may(w, api):
    ticket = raise_ticket(w)
    response = api(w.inspector).post(f"{_base(w)}{ticket.pk}/cancel/", {"reason": "误报"})
    assert response.status_code == 403
    with translation.override(settings.LANGUAGE_CODE):  # the API speaks the site's language
        assert response.json()["detail"] == translation.gettext("Only the client project lead can withdraw a notice.")
    response = api(w.lead).post(f"{_base(w)}{ticket.pk}/cancel/", {"reason": "误报"})
    assert response.status_code == 200 and response.json()["state"] == TicketState.CANCELLED


def test_a_title_with_a_line_break_is_400(w, api):
    response = api(w.inspector).post(_base(w), _raise_body(title="图像\r\n模糊"))
    assert response.status_code == 400 and response.json()["field"] == "title"
    assert not RectificationTicket.objects.exists()
