"""The sampling rules, each with its refusal sentence (apps/sampling/rules.py): the buttons of a
switching state and the 403 page of a decision refused to the person's role."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from apps.core.permissions import allowed, refusal_message
from apps.sampling import services
from apps.sampling.enums import Regime
from apps.sampling.models import SwitchingState

pytestmark = pytest.mark.django_db

DIG = "digitization"


def _allow_reduced(world):
    s = services.settings_for(world.project)
    services.sampling_settings_update(project=world.project, user=world.lead, expected_version=s.version,
                                      reduced_allowed=True)


def test_switch_to_reduced_needs_normal_score_settings_and_the_client_lead(world):
    state = SwitchingState(project=world.project, service_type=DIG, switching_score=30)
    assert not allowed("sampling.can_approve_reduced", world.lead, state)  # settings: reduced not allowed
    _allow_reduced(world)
    assert allowed("sampling.can_approve_reduced", world.lead, state)
    for user in (world.inspector, world.pm, world.regulator):
        assert not allowed("sampling.can_approve_reduced", user, state)
    assert not allowed("sampling.can_approve_reduced", world.lead,
                       SwitchingState(project=world.project, service_type=DIG, switching_score=29))
    assert not allowed("sampling.can_approve_reduced", world.lead,
                       SwitchingState(project=world.project, service_type=DIG, switching_score=40,
                                      regime=Regime.TIGHTENED))


def test_return_to_normal_and_resume_follow_the_state(world):
    reduced = SwitchingState(project=world.project, service_type=DIG, regime=Regime.REDUCED)
    stopped = SwitchingState(project=world.project, service_type=DIG, regime=Regime.TIGHTENED, discontinued=True)
    assert allowed("sampling.can_return_to_normal", world.lead, reduced)
    assert not allowed("sampling.can_return_to_normal", world.lead, stopped)
    assert allowed("sampling.can_resume_inspection", world.lead, stopped)
    assert not allowed("sampling.can_resume_inspection", world.lead, reduced)
    assert not allowed("sampling.can_resume_inspection", world.inspector, stopped)


def test_the_decision_page_refused_to_a_role_says_why(world, login):
    response = login(world.inspector).get(f"/sampling/projects/{world.project.pk}/{DIG}/resume/")
    assert response.status_code == 403
    assert escape(refusal_message("sampling.may_resume_inspection")) in response.content.decode()
