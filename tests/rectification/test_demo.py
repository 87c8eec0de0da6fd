from __future__ import annotations

import pytest

from apps.demo.management.commands.demo_data import DEMO_PASSWORD
from apps.demo.steps import rectification as demo
from apps.projects.gates import registry
from apps.rectification.enums import IncidentState, TicketState
from apps.rectification.models import RectificationTicket

from .builders import raise_ticket

pytestmark = pytest.mark.django_db


def _users(w):
    for user in (w.lead, w.inspector, w.pm):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return {"client_lead": w.lead, "client_inspector": w.inspector, "contractor_pm": w.pm,
            "security_officer": w.security}


def test_demo_shows_open_work(w):
    demo.load(project=w.project, users=_users(w), complete=False)
    states = sorted(RectificationTicket.objects.values_list("state", "failed_reviews"))
    assert states == [(TicketState.OPEN, 1), (TicketState.SUBMITTED, 0)]
    assert w.project.incidents.get().state == IncidentState.ACKNOWLEDGED
    assert not registry.get("no_open_tickets").check(w.project)


def test_complete_demo_closes_every_ticket(w):
    raise_ticket(w)
    demo.load(project=w.project, users=_users(w), complete=True)
    ticket = RectificationTicket.objects.get()
    assert ticket.state == TicketState.CLOSED and ticket.failed_reviews == 1
    assert registry.get("no_open_tickets").check(w.project)


def test_ground_for_suspension_is_a_refused_notice(w):
    ticket = demo.ground_for_suspension(project=w.project, users=_users(w))
    assert ticket.state == TicketState.REFUSED
