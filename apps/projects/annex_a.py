"""Annex A (表A.1 质量保障流程与任务对照表): the project's stage-task checklist.

The texts are the standard's own words (they print on the Annex A form as the standard has
them). Each step may name the gate whose records prove it and the rule for its due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from apps.core.calendar import add_working_days

from .enums import Phase, Stage

if TYPE_CHECKING:
    from .models import Project


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def qualification_due(project: "Project") -> dt.date | None:
    # Annex A: 合同签订后5个工作日内.
    return add_working_days(project.contract_signed_on, 5)


def handover_due(project: "Project") -> dt.date | None:
    # Annex A / §6.5.2: 验收后7个工作日内.
    return add_working_days(project.accepted_on, 7) if project.accepted_on else None


def evaluation_due(project: "Project") -> dt.date | None:
    # §5.3.3: 验收后3个月内.
    return _add_months(project.accepted_on, 3) if project.accepted_on else None


def warranty_due(project: "Project") -> dt.date | None:
    # §6.5.3: the warranty runs from the acceptance for the contract's warranty period.
    return _add_months(project.accepted_on, project.warranty_months) if project.accepted_on else None


@dataclass(frozen=True)
class Step:
    code: str
    stage: str
    name: str
    client_task: str
    contractor_task: str
    time_limit: str = ""
    records: str = ""
    gate: str | None = None
    due: Callable[["Project"], dt.date | None] | None = None


STEPS: list[Step] = [
    Step("qualification_review", Stage.PRE, "资质审核", "审核营业执照、业务资质、质量体系、安全能力",
         "提供真实、有效、完整的资质证明材料", "合同签订后5个工作日内", "资质文件", "qualification_approved",
         qualification_due),
    Step("plan_review", Stage.PRE, "方案审核", "审核项目实施方案、质量保障子方案", "编制并提交方案，按审核意见修改完善",
         records="方案", gate="plan_approved"),
    Step("technical_disclosure", Stage.PRE, "技术交底", "牵头组织交底，明确质量、安全、验收规则并签字确认",
         "参加交底，掌握标准，配合签字确认", records="交底记录", gate="disclosure_signed"),
    Step("first_batch", Stage.PRE, "首批验证", "对首批成果检验，确认质量基准", "完成自检，提交首批成果，不合格立即整改",
         records="首件检验单", gate="first_article_passed"),
    Step("patrol_sampling", Stage.DURING, "巡查抽检", "每周巡查，随机抽检（普通≥5%，涉密≥15%），建立检查台账",
         "配合检查，不拒绝、不隐瞒、不阻挠", "服务全过程", "巡查记录、抽检报告"),
    Step("internal_qc", Stage.DURING, "内部质控", "监督三级检验制度落实", "执行自检、互检、专检，留存完整检验记录",
         "服务全过程", "三级检验表"),
    Step("staff_equipment", Stage.DURING, "人员设备", "审核人员、设备资质，审批变更", "关键岗位持证上岗，人员设备提前备案，变更报批",
         "服务全过程"),
    Step("data_security", Stage.DURING, "数据安全", "监督过程数据真实、完整、不可篡改", "如实记录操作日志，落实实体、信息、数据安全",
         "服务全过程"),
    Step("risk_control", Stage.DURING, "风险管控", "牵头风险识别，划分高/中/低等级并实施管控", "配合风险评估，落实分级防控措施",
         "服务全过程", "风险台账"),
    Step("acceptance_organisation", Stage.POST, "验收组织", "制定验收方案，组织验收组", "提交验收申请、成果及全套资料",
         records="验收报告"),
    Step("acceptance_implementation", Stage.POST, "验收实施", "按标准核查，出具验收意见", "配合验收，对问题及时整改",
         records="验收报告", gate="acceptance_passed"),
    Step("rectification_review", Stage.POST, "整改复核", "不合格书面责令整改，复核闭环", "按期整改，提交报告，申请复核",
         records="整改闭环单"),
    Step("results_handover", Stage.POST, "成果移交", "办理移交手续，确认成果完整", "按约定移交成果、质量记录、过程资料",
         "验收后7个工作日内", "移交清单", due=handover_due),
    Step("warranty_service", Stage.POST, "质保服务", "监督质保期履约情况", "质保期内及时响应、限期处置问题",
         due=warranty_due),
    Step("archiving", Stage.POST, "资料归档", "全过程资料归档（一般≥5年，涉密≥30年）", "移交检验、培训、整改、安全等记录",
         records="归档目录", gate="documents_handed_over"),
    Step("problem_notice", Stage.PROBLEMS, "问题通知", "发现问题书面通知，明确要求与时限", "接受告知，不隐瞒、不拖延",
         "服务全过程", "检查单"),
    Step("rectification", Stage.PROBLEMS, "整改实施", "跟踪整改进度", "制定方案，按期完成整改", "服务全过程", "整改闭环单"),
    Step("review_closure", Stage.PROBLEMS, "复核销号", "复核整改结果，合格予以闭环", "提交整改报告及佐证材料", "服务全过程",
         "整改闭环单"),
    Step("major_issue", Stage.PROBLEMS, "重大问题", "责令停工、追责、向监管机构报备", "立即停工，启动预案，及时上报", "服务全过程"),
    Step("quality_evaluation", Stage.IMPROVEMENT, "质量评估", "验收后3个月内开展评估，形成报告", "配合评估，提供相关资料",
         "验收后3个月内", "评估报告", "evaluation_done", evaluation_due),
    Step("problem_summary", Stage.IMPROVEMENT, "问题总结", "梳理短板，优化管控流程", "自查问题，完善内部体系",
         records="评估报告、整改记录、改进计划"),
    Step("continuous_improvement", Stage.IMPROVEMENT, "持续改进", "完善制度，强化监督", "优化流程，加强培训，提升质量",
         records="改进计划"),
]
STEPS_BY_CODE = {s.code: s for s in STEPS}


@dataclass(frozen=True)
class StepReading:
    """What a module reads from its records for one step without a gate (e.g. 巡查抽检).

    ``status``: a TaskStatus value (DONE, DUE, OVERDUE, ONGOING) or None to let the generic
    rule decide; ``evidence``/``evidence_url``: the records behind it, for the page and the PDF.
    """

    status: str | None = None
    evidence: str = ""
    evidence_url: str = ""


_readers: dict[str, Callable[["Project", dt.date], StepReading | None]] = {}
_early: set[str] = set()


def register_step_reader(code: str, reader: Callable[["Project", dt.date], StepReading | None], *,
                         before_reached: bool = False) -> None:
    """Let the module that keeps a step's records report its status (``AppConfig.ready()``);
    the reader is asked only once the step's stage is reached, unless ``before_reached``: then
    it is asked earlier too, and what its records already prove (done, due, overdue) shows."""
    if code not in STEPS_BY_CODE:
        raise ValueError(f"unknown Annex A step {code!r}")
    _readers[code] = reader
    if before_reached:
        _early.add(code)
    else:
        _early.discard(code)


def step_reader(code: str):
    return _readers.get(code)


def reads_before_reached(code: str) -> bool:
    return code in _early

# The phase from which a stage's rows apply.
STAGE_REACHED_FROM = {
    Stage.PRE: Phase.PREPARATION,
    Stage.DURING: Phase.IMPLEMENTATION,
    Stage.PROBLEMS: Phase.IMPLEMENTATION,
    Stage.POST: Phase.ACCEPTANCE,
    Stage.IMPROVEMENT: Phase.WARRANTY,
}
