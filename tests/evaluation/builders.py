"""Helpers that drive the evaluation through its services (and put a project into "accepted"
without the acceptance app, through ``project_acceptance_record``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.evaluation import services
from apps.evaluation.models import QualityEvaluation
from apps.projects.enums import Phase
from apps.projects.models import Project
from apps.projects.services import project_acceptance_record
from tests.conftest import PASSWORD
from tests.lot_inspection.builders import in_implementation

TEXTS = dict(problems="部分批次图像偏斜，一批次出现致命缺陷。", causes="扫描前未逐页整平，质检抽查比例不足。",
             lessons="首批验证后应固化作业参数。", weaknesses="过程巡查频次不足，整改复核不及时。")


def accepted(world, on: dt.date | None = None, phase: str = Phase.WARRANTY) -> QualityEvaluation:
    """The project's acceptance recorded on ``on`` (default: today), the project in ``phase``; the
    evaluation opened by the acceptance hook."""
    project = world.project
    if project.phase == Phase.PREPARATION:
        in_implementation(project)
    project_acceptance_record(project=project, user=world.lead, accepted_on=on or timezone.localdate(),
                              reason="验收合格（测试）")
    Project.objects.filter(pk=project.pk).update(phase=phase)
    project.refresh_from_db()
    world.project = project
    return QualityEvaluation.objects.get(project=project)


def written(world, evaluation=None) -> QualityEvaluation:
    evaluation = evaluation or QualityEvaluation.objects.filter(project=world.project).first() or accepted(world)
    return services.evaluation_edit(evaluation=evaluation, user=world.lead, **TEXTS)


def score_missing(world, evaluation, score="90") -> QualityEvaluation:
    """Score every indicator of the sheet that proposes nothing (no records behind it)."""
    from apps.evaluation import selectors

    for row in selectors.current_sheet(evaluation)["rows"]:
        if row["score"] is None:
            evaluation = services.evaluation_score(evaluation=evaluation, user=world.lead, indicator=row["indicator"],
                                                   score=score, comment="按合同约定评分。")
    return evaluation


def issued(world, evaluation=None) -> QualityEvaluation:
    evaluation = written(world, evaluation)
    evaluation = score_missing(world, evaluation)
    return services.evaluation_issue(evaluation=evaluation, user=world.lead, password=PASSWORD)


def answered(world, evaluation=None, plan=None) -> QualityEvaluation:
    evaluation = evaluation or issued(world)
    return services.evaluation_answer(evaluation=evaluation, user=world.pm,
                                      contractor_weaknesses="专检环节抽查比例偏低。",
                                      improvement_direction="提高专检比例，固化扫描参数。", improvement_plan=plan)


def breach(world, **overrides):
    data = dict(ground="refused_rectification", description="承包方拒不整改第2号整改单。",
                occurred_on=timezone.localdate(), reference="整改单第2号")
    data.update(overrides)
    return services.breach_record(project=world.project, user=world.lead, **data)
