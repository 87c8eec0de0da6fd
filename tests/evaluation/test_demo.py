"""The demo step of the evaluation (apps/demo/steps/evaluation.py)."""

from __future__ import annotations

import pytest

from apps.demo.steps import evaluation as step
from apps.evaluation.enums import BreachState, EvaluationState
from apps.evaluation.models import Breach, QualityEvaluation
from apps.projects.gates import registry

from .builders import accepted

pytestmark = pytest.mark.django_db


def users(world) -> dict:
    for person in (world.lead, world.inspector, world.pm):
        person.set_password(step.PASSWORD)
        person.save()
    return {"client_lead": world.lead, "client_inspector": world.inspector, "contractor_pm": world.pm}


def test_complete_issues_answers_and_acknowledges(world):
    accepted(world)
    step.load(project=world.project, users=users(world), complete=True)
    evaluation = QualityEvaluation.objects.get(project=world.project)
    assert evaluation.state == EvaluationState.ACKNOWLEDGED and evaluation.total_score is not None
    assert registry.get("evaluation_done").check(world.project)
    step.load(project=world.project, users=users(world), complete=True)  # twice: nothing more
    assert QualityEvaluation.objects.count() == 1


def test_incomplete_leaves_a_draft_and_a_breach(world):
    accepted(world)
    step.load(project=world.project, users=users(world), complete=False)
    evaluation = QualityEvaluation.objects.get(project=world.project)
    assert evaluation.state == EvaluationState.DRAFT and evaluation.problems and not evaluation.lessons
    assert Breach.objects.get(project=world.project).state == BreachState.RECORDED
    step.load(project=world.project, users=users(world), complete=False)
    assert Breach.objects.count() == 1


def test_a_project_not_accepted_is_left_alone(world):
    step.load(project=world.project, users=users(world), complete=True)
    assert not QualityEvaluation.objects.exists()
