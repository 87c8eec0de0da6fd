"""The gate ``evaluation_done`` from records (no paper attestation), closing the project with the
handover, and the Annex A rows of 评估改进."""

from __future__ import annotations

import pytest

from apps.core.errors import DomainError
from apps.evaluation import services
from apps.projects import services as project_services
from apps.projects.enums import Phase, TaskStatus
from apps.projects.gates import registry
from apps.projects.selectors import annex_a_rows

from .builders import accepted, answered, issued

pytestmark = pytest.mark.django_db


def _row(project, code):
    return next(r for r in annex_a_rows(project) if r["step"].code == code)


def test_gate_is_met_by_the_issued_report_only(world):
    gate = registry.get("evaluation_done")
    assert not gate.is_pending
    evaluation = accepted(world)
    assert not gate.check(world.project)
    assert gate.evidence(world.project)[1] == f"/evaluation/projects/{world.project.pk}/"
    evaluation = issued(world, evaluation)
    assert gate.check(world.project)
    label, _url = gate.evidence(world.project)
    assert str(evaluation.total_score) in label


def test_the_gate_cannot_be_attested_on_paper(world):
    accepted(world)
    with pytest.raises(DomainError):
        project_services.gate_attest(project=world.project, user=world.lead, gate="evaluation_done",
                                     reference="纸质评估报告")


def test_closing_needs_the_evaluation_and_the_handover(world):
    from tests.handover.builders import handed_over

    evaluation = accepted(world)
    project_services.gate_attest(project=world.project, user=world.lead, gate="documents_handed_over",
                                 reference="档案移交登记表")
    handed_over(world)
    assert [r.gate.code for r in registry.unmet(world.project, Phase.CLOSED)] == ["warranty_concluded",
                                                                                  "evaluation_done"]
    # The client lead concludes the warranty in its last month (质保期满确认).
    from apps.warranty.selectors import conclusion_opens_on, warranty_period
    from apps.warranty.services import warranty_conclude
    from tests.warranty.builders import on

    with on(conclusion_opens_on(warranty_period(world.project))):
        warranty_conclude(project=world.project, user=world.lead, assessment="质保服务符合约定。")
    assert [r.gate.code for r in registry.unmet(world.project, Phase.CLOSED)] == ["evaluation_done"]
    with pytest.raises(DomainError):
        project_services.project_advance(project=world.project, user=world.lead)
    world.project.refresh_from_db()
    assert world.project.phase == Phase.WARRANTY
    issued(world, evaluation)
    world.project.refresh_from_db()
    project = project_services.project_advance(project=world.project, user=world.lead)
    assert project.phase == Phase.CLOSED


def test_annex_a_rows_of_evaluation_and_improvement(world):
    from apps.control import services as control
    from apps.projects.annex_a import evaluation_due
    from tests.control.builders import improvement

    evaluation = accepted(world)
    project_services.stage_tasks_sync(project=world.project)  # what entering the warranty does
    row = _row(world.project, "quality_evaluation")
    assert row["status"] == TaskStatus.DUE and row["due_date"] == evaluation_due(world.project)
    assert _row(world.project, "problem_summary")["status"] == TaskStatus.ONGOING
    evaluation = issued(world, evaluation)
    assert _row(world.project, "quality_evaluation")["status"] == TaskStatus.DONE
    assert _row(world.project, "problem_summary")["status"] == TaskStatus.DUE
    plan = control.improvement_plan_submit(improvement_plan=improvement(world), user=world.pm)
    answered(world, evaluation, plan=plan)
    continuous = _row(world.project, "continuous_improvement")
    assert continuous["status"] == TaskStatus.DUE and continuous["evidence_url"] == plan.get_absolute_url()
    services.evaluation_acknowledge(evaluation=evaluation, user=world.lead)
    assert _row(world.project, "problem_summary")["status"] == TaskStatus.DONE


def test_the_project_history_lists_the_evaluation_and_breaches(world, login):
    from apps.projects.selectors import project_history

    from .builders import breach

    evaluation = issued(world)
    breach(world)
    entries = project_history(world.project)
    kinds = {e.record.__class__.__name__ for e in entries}
    assert {"HistoricalQualityEvaluation", "HistoricalBreach", "HistoricalScoreAdjustment"} <= kinds
    assert evaluation.history.count() >= 3
    assert login(world.lead).get(f"/projects/{world.project.pk}/?tab=history").status_code == 200
