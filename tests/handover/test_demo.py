from __future__ import annotations

import pytest

from apps.deadlines.enums import DeadlineKind, DeadlineState
from apps.deadlines.selectors import deadlines_for_record
from apps.demo.management.commands.demo_data import DEMO_PASSWORD
from apps.demo.steps import handover as demo
from apps.handover.enums import HandoverState, LineStatus
from apps.handover.models import Handover
from apps.projects.gates import registry

pytestmark = pytest.mark.django_db


def _users(w):
    for user in (w.lead, w.inspector, w.pm):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return {"client_lead": w.lead, "client_inspector": w.inspector, "contractor_pm": w.pm}


def test_complete_demo_hands_the_results_over(world):
    demo.load(project=world.project, users=_users(world), complete=True)
    world.project.refresh_from_db()
    assert world.project.accepted_on is not None
    handover = Handover.objects.get(project=world.project)
    assert handover.state == HandoverState.SIGNED
    assert registry.get("handover_confirmed").check(world.project)
    assert deadlines_for_record(world.project).get(kind=DeadlineKind.HANDOVER).state == DeadlineState.MET


def test_open_demo_is_submitted_and_partly_confirmed(world):
    demo.load(project=world.project, users=_users(world), complete=False)
    handover = Handover.objects.get(project=world.project)
    assert handover.state == HandoverState.SUBMITTED
    statuses = list(handover.lines.order_by("position").values_list("status", flat=True))
    assert statuses.count(LineStatus.CONFIRMED) == 3 and statuses.count(LineStatus.PENDING) == len(demo.LINES) - 3
    assert not registry.get("handover_confirmed").check(world.project)


def test_an_acceptance_recorded_before_is_kept(world):
    from tests.handover.builders import accept

    accept(world, phase=None)
    recorded = world.project.accepted_on
    demo.load(project=world.project, users=_users(world), complete=False)
    world.project.refresh_from_db()
    assert world.project.accepted_on == recorded
