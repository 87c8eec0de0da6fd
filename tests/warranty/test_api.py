"""Warranty problems are tickets: the tickets API shows their source and response; a problem is
reported with ``source=warranty`` and answered first with ``respond``. The read-only ``warranty``
resource gives the follow-up of a project."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.rectification.models import RectificationTicket

from .builders import ACCEPTED, accept, on, report, respond

pytestmark = pytest.mark.django_db

PROBLEM = {"source": "warranty", "found_on": "2027-09-09", "severity": "general", "title": "目录错漏",
           "description": "第3卷目录与图像不一致。", "requirement": "核对并更正目录。"}


@pytest.fixture
def w(world):
    accept(world, ACCEPTED)
    return world


def tickets(w):
    return f"/api/v1/projects/{w.project.pk}/rectification-tickets/"


def summary(w):
    return f"/api/v1/projects/{w.project.pk}/warranty/"


def test_a_warranty_problem_through_the_tickets_api(w, api):
    with on(dt.date(2027, 9, 10)):
        response = api(w.inspector).post(tickets(w), PROBLEM)
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["source"] == "warranty" and data["response_due"] == "2027-09-14" and data["due_date"] == "2027-09-24"
        assert data["responded_at"] is None and data["response_overdue"] is False
        response = api(w.pm).post(f"{tickets(w)}{data['id']}/submit/", {"measures": "更正", "result": "完成"})
        assert response.status_code == 400 and response.json()["code"] == "illegal_transition"
        response = api(w.pm).post(f"{tickets(w)}{data['id']}/respond/", {"plan": "明日核对更正。"})
        assert response.status_code == 200
        data = response.json()
        assert data["response_plan"] == "明日核对更正。" and data["responded_by"]["id"] == w.pm.pk
        listed = api(w.lead).get(tickets(w), {"source": "warranty"}).json()["results"]
    assert [t["id"] for t in listed] == [data["id"]]


def test_a_warranty_problem_takes_its_deadlines_from_the_contract(w, api):
    with on(dt.date(2027, 9, 10)):
        response = api(w.inspector).post(tickets(w), {**PROBLEM, "due_date": "2027-10-01"})
        assert response.status_code == 400 and "due_date" in response.content.decode()
        response = api(w.inspector).post(tickets(w), {**PROBLEM, "source": "patrol"})
        assert response.status_code == 400 and "due_date" in response.content.decode()
    assert not RectificationTicket.objects.exists()


def test_outside_the_warranty_the_api_refuses(w, api):
    with on(dt.date(2028, 9, 10)):
        response = api(w.lead).post(tickets(w), {**PROBLEM, "found_on": "2028-09-09"})
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"


def test_wrong_roles_are_403(w, api):
    with on(dt.date(2027, 9, 10)):
        assert api(w.pm).post(tickets(w), PROBLEM).status_code == 403
        ticket = report(w)
        assert api(w.lead).post(f"{tickets(w)}{ticket.pk}/respond/", {"plan": "x"}).status_code == 403
        assert api(w.regulator).post(f"{tickets(w)}{ticket.pk}/respond/", {"plan": "x"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.awaits_response


@pytest.mark.parametrize("who", ["lead", "inspector", "pm", "regulator"])
def test_the_warranty_summary(w, api, who):
    with on(dt.date(2027, 9, 10)):
        respond(report(w), w)
        data = api(getattr(w, who)).get(summary(w)).json()
    assert data["start"] == "2027-08-31" and data["end"] == "2028-08-31" and data["running"] is True
    assert data["average_response_hours"] == 0.0 and data["late_responses"] == 0 and data["concluded"] is False
    assert [t["title"] for t in data["open"]] == ["部分图像无法打开"] and data["closed"] == []


def test_the_summary_before_the_acceptance_and_for_outsiders(world, api):
    data = api(world.lead).get(summary(world)).json()
    assert data["start"] is None and data["running"] is False
    assert api(world.outsider).get(summary(world)).status_code == 404
    assert api(world.other_regulator).get(summary(world)).status_code == 404
    assert api(world.lead).post(summary(world), {}).status_code == 405
