from __future__ import annotations

import pytest

from apps.demo.steps import sampling as demo
from apps.sampling.enums import Regime
from apps.sampling.models import SamplingSettings, SwitchingEvent, SwitchingState

pytestmark = pytest.mark.django_db


def _users(world):
    return {"client_lead": world.lead, "client_inspector": world.inspector}


def test_demo_complete_builds_a_switching_history(world):
    demo.load(project=world.project, users=_users(world), complete=True)
    assert SamplingSettings.objects.get(project=world.project).reduced_allowed
    state = SwitchingState.objects.get(project=world.project, service_type="digitization")
    assert state.regime == Regime.TIGHTENED and state.consecutive_accepted == 2
    assert SwitchingEvent.objects.filter(project=world.project).count() == len(demo.DEMO_SEQUENCE) + 1
    demo.load(project=world.project, users=_users(world), complete=True)  # idempotent for the lots
    assert SwitchingEvent.objects.filter(project=world.project).count() == len(demo.DEMO_SEQUENCE) + 1


def test_demo_incomplete_only_saves_the_settings(world):
    demo.load(project=world.project, users=_users(world), complete=False)
    assert SamplingSettings.objects.filter(project=world.project).exists()
    assert not SwitchingState.objects.exists()
