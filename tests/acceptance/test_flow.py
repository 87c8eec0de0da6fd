"""The acceptance end to end through the services (§5.3.1–5.3.2, §8.3)."""

from __future__ import annotations

import pytest

from apps.acceptance import selectors
from apps.acceptance.enums import ApplicationState, RoundState
from apps.projects.enums import Phase
from apps.projects.gates import registry
from apps.rectification.enums import TicketSource
from apps.rectification.models import RectificationTicket

from .builders import fail_round, pass_acceptance

pytestmark = pytest.mark.django_db


def test_pass_in_round_one_records_the_acceptance(w):
    acceptance_round = pass_acceptance(w)
    assert acceptance_round.state == RoundState.PASSED
    assert w.project.phase == Phase.ACCEPTANCE
    assert w.project.accepted_on == acceptance_round.signed_on
    assert w.project.acceptance_application.state == ApplicationState.COMPLETE
    assert all(r.met for r in registry.evaluate(w.project, Phase.WARRANTY) if r.gate.code == "acceptance_passed")
    summary = selectors.rounds_summary([w.project.pk])[w.project.pk]
    assert (summary.rounds, summary.passed_in, summary.overrides) == (1, 1, 0)


def test_failed_round_raises_one_ticket_per_failing_inspection(w):
    acceptance_round = fail_round(w)
    assert acceptance_round.state == RoundState.FAILED
    tickets = RectificationTicket.objects.filter(project=w.project, source=TicketSource.ACCEPTANCE)
    assert tickets.count() == 1
    assert tickets.get().due_date == acceptance_round.rectification_due
    assert w.project.accepted_on is None
