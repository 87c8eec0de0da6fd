"""The demo step (apps/demo/steps/acceptance.py) on the shared world's project."""

from __future__ import annotations

import pytest

from apps.acceptance.enums import RoundState
from apps.acceptance.models import AcceptanceRound, CommonProblem
from apps.demo.steps import acceptance as demo
from apps.projects.enums import Phase
from apps.rectification.enums import TicketSource, TicketState
from apps.rectification.models import RectificationTicket

from .builders import expert_of, ready_to_apply

pytestmark = pytest.mark.django_db


def _users(w):
    for user in (w.lead, w.inspector, w.acceptance, w.pm, expert_of(w)):
        user.set_password(demo.PASSWORD)
        user.save()
    return {"client_lead": w.lead, "client_inspector": w.inspector, "acceptance_member": w.acceptance,
            "expert": w.expert, "contractor_pm": w.pm}


@pytest.mark.parametrize("complete", [True, False])
def test_the_demo_step(w, complete):
    ready_to_apply(w, batches=2, items=80)
    demo.load(project=w.project, users=_users(w), complete=complete)
    w.project.refresh_from_db()
    acceptance_round = AcceptanceRound.objects.get(project=w.project)
    assert w.project.phase == Phase.ACCEPTANCE
    assert CommonProblem.objects.filter(project=w.project).count() == 1
    tickets = RectificationTicket.objects.filter(project=w.project, source=TicketSource.ACCEPTANCE)
    if complete:
        assert acceptance_round.state == RoundState.PASSED and w.project.accepted_on is not None
        assert not tickets.exists()
    else:
        assert acceptance_round.state == RoundState.FAILED and w.project.accepted_on is None
        assert tickets.get().state == TicketState.OPEN
