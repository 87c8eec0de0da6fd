"""Demo data of the quality evaluation (评估改进, §5.3.3, §10.1; called by the demo_data command
before a project is closed).

Expects the project's acceptance recorded (``project.accepted_on``, by the acceptance step: its
hook opened the draft evaluation; one is started here otherwise) and the project not closed;
the client lead, client inspector and contractor PM on the project. Safe to run twice: nothing
is added once the evaluation has left its draft.

complete=True: the client's problem analysis written, the indicators without records scored
with their grounds, the report issued and signed by the client lead (the gate evaluation_done is
met), the contractor's answer (查找短板) filed with one of its improvement plans when it has one,
and acknowledged by the client; a breach of contract (整改逾期) when a rectification of the
project was met late.
complete=False: the draft with its analysis partly written (figures live), and a breach of
contract recorded (逾期整改), which counts in the contractor's performance record.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from apps.core.errors import DomainError
from apps.evaluation import selectors, services
from apps.evaluation.enums import BreachGround
from apps.evaluation.models import Breach, QualityEvaluation

logger = logging.getLogger(__name__)
PASSWORD = "Demo-2026-archqa"

TEXTS = {
    "problems": "抽检中发现图像偏斜、漏扫等一般缺陷，个别批次出现严重缺陷；验收前整改单均已闭环。",
    "causes": "扫描前整平工序执行不到位；专检抽查比例偏低；新进作业人员培训不足。",
    "lessons": "首批验证后固化扫描参数；按风险等级调整巡查频次；整改复核当日完成。",
    "weaknesses": "过程巡查记录不够及时；整改期限跟踪依赖人工提醒；人员变更备案滞后。",
}


def _try(label: str, func, **kwargs):
    try:
        return func(**kwargs)
    except DomainError as exc:
        logger.info("evaluation demo: %s skipped (%s)", label, exc.message)
        return None


def load(*, project, users: dict, complete: bool) -> None:
    lead = users["client_lead"]
    evaluation = QualityEvaluation.objects.filter(project=project).first()
    if evaluation is None:
        if project.accepted_on is None:
            logger.info("evaluation demo: %s has not passed acceptance", project)
            return
        evaluation = _try("start", services.evaluation_start, project=project, user=lead)
        if evaluation is None:
            return
    if not evaluation.is_draft:
        return
    texts = TEXTS if complete else {k: v for k, v in TEXTS.items() if k in ("problems", "causes")}
    evaluation = services.evaluation_edit(evaluation=evaluation, user=lead, **texts)
    if not complete:
        _breach(project, lead, "整改单第1号未在期限内完成整改，经催告后仍逾期（演示）。")
        return
    evaluation = _score(evaluation, lead)
    evaluation = _try("issue", services.evaluation_issue, evaluation=evaluation, user=lead, password=PASSWORD)
    if evaluation is None:
        return
    evaluation = _answer(evaluation, project, users["contractor_pm"])
    if evaluation is not None:
        services.evaluation_acknowledge(evaluation=evaluation, user=users.get("client_inspector") or lead,
                                        comment="已备案，请按计划落实改进并报验证。")
    from apps.deadlines.enums import DeadlineKind, DeadlineState
    from apps.deadlines.models import Deadline

    if Deadline.objects.filter(project=project, kind=DeadlineKind.RECTIFICATION,
                               state=DeadlineState.MISSED).exists():
        _breach(project, lead, "整改单未在期限内完成整改（演示）。")


def _score(evaluation, lead):
    """The qualitative indicator and those without records behind them, with their grounds."""
    grounds = {"cooperation": ("88", "响应及时，配合巡查抽检，例会问题均按时落实。")}
    for row in selectors.current_sheet(evaluation)["rows"]:
        if row["score"] is None:
            score, comment = grounds.get(row["indicator"], ("90", "按纸质记录评分（演示）。"))
            evaluation = services.evaluation_score(evaluation=evaluation, user=lead, indicator=row["indicator"],
                                                   score=score, comment=comment)
    return evaluation


def _answer(evaluation, project, pm):
    from apps.control.enums import ImprovementState
    from apps.control.models import ImprovementPlan

    plan = ImprovementPlan.objects.filter(project=project).exclude(state=ImprovementState.DRAFT).order_by(
        "-number").first()
    return _try("answer", services.evaluation_answer, evaluation=evaluation, user=pm,
                contractor_weaknesses="专检抽查比例偏低，整平工序未纳入自检清单；新进人员岗前培训不足。",
                improvement_direction="专检比例提高到10%；整平纳入自检清单；新进人员考核合格后上岗。",
                improvement_plan=plan)


def _breach(project, lead, description: str) -> None:
    if Breach.objects.filter(project=project).exists():
        return
    _try("breach", services.breach_record, project=project, user=lead, ground=BreachGround.OVERDUE_RECTIFICATION,
         description=description, occurred_on=timezone.localdate(), reference="整改单第1号")
