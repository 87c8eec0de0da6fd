from __future__ import annotations

import pytest

from apps.demo.management.commands.demo_data import DEMO_PASSWORD
from apps.demo.steps import warranty as demo
from apps.rectification.enums import TicketSource, TicketState
from apps.rectification.models import RectificationTicket

pytestmark = pytest.mark.django_db


def _users(w):
    for user in (w.lead, w.inspector, w.pm):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return {"client_lead": w.lead, "client_inspector": w.inspector, "contractor_pm": w.pm}


def test_complete_demo_closes_a_warranty_ticket(world):
    demo.load(project=world.project, users=_users(world), complete=True)
    ticket = RectificationTicket.objects.get(project=world.project)
    assert ticket.source == TicketSource.WARRANTY and ticket.state == TicketState.CLOSED and ticket.responded_at


def test_open_demo_leaves_a_responded_ticket_with_the_contractor(world):
    demo.load(project=world.project, users=_users(world), complete=False)
    ticket = RectificationTicket.objects.get(project=world.project)
    assert ticket.state == TicketState.OPEN and ticket.responded_at and not ticket.awaits_response
