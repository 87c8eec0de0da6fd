"""Demo records of project control for one project (called by the demo_data command).

Needs the client lead, client inspector, contractor PM and security officer on the project.
Safe to run twice: nothing is added when the project already has a risk register.

complete=True: a rated risk register assessed at project start (the start request closed, the
project's level set from its points), one change request approved and signed (a new plan
version opened when a plan is in force) and one awaiting the client, a regular meeting with its
minutes and two action items (one done), a quality report submitted and acknowledged with the
next one due, a three-stage progress plan (stage 1 in progress, held for quality when problems
are open) and an improvement plan filed with the client.
complete=False: risk points proposed and partly rated (the start request still open), a change
request awaiting the client, a meeting with open action items, a draft quality report, the
progress plan and a draft improvement plan.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from apps.control import selectors, services
from apps.core.errors import DomainError

logger = logging.getLogger(__name__)
DEMO_PASSWORD = "Demo-2026-archqa"


def _try(label: str, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except DomainError as exc:
        logger.info("control demo: %s skipped (%s)", label, exc.message)
        return None


def load(*, project, users: dict, complete: bool) -> None:
    if project.risk_points.exists():
        return
    today = timezone.localdate()
    _risk_register(project, users, complete, today)
    _change_requests(project, users, complete)
    _meeting(project, users, complete, today)
    _quality_report(project, users, complete, today)
    _progress_plan(project, users, complete, today)
    _improvement_plan(project, users, complete, today)


# ---- risk register (§5.2.2, §6.3.1)

def _risk_register(project, users: dict, complete: bool, today: dt.date) -> None:
    lead, inspector, security = users["client_lead"], users["client_inspector"], users.get("security_officer")
    points = [
        ("archive_security", "民国时期档案纸张脆化，拆卷、扫描过程中易造成破损", "high",
         "脆化档案先行修复后再扫描；使用零压力书刻扫描仪；拆装订由专人操作并逐卷登记", lead),
        ("information_security", "加工场地网络与外网连通可能造成档案信息泄露", "medium",
         "加工网络物理隔离；禁用USB存储接口；每日数据交接登记", inspector),
        ("quality", "批量扫描中漏扫、重扫及页码错乱", "medium",
         "作业人员100%自检，质检员互检，专职检验员终检；影像与目录自动比对页数", inspector),
        ("data_security", "存储介质损坏或误删导致成果数据丢失", "low",
         "成果数据双备份，异地存放一份；每周核验备份完整性", lead),
    ]
    for category, description, level, measures, owner in points:
        _try("risk point", services.risk_point_add, project=project, user=lead, category=category,
             description=description, level=level if complete else "", control_measures=measures, owner=owner)
    if security is not None:
        _try("proposed risk point", services.risk_point_add, project=project, user=security,
             category="confidentiality", description="外包人员携带手机进入加工区，存在拍照外传风险",
             control_measures="进入加工区前统一存放手机，安装监控并保存90天以上")
    if complete:
        _assessment(project, lead, today)
    else:
        first = selectors.unrated_points(project).first()
        if first is not None:
            _try("rating", services.risk_point_rate, risk_point=first, user=lead, level="high")


def _assessment(project, lead, today: dt.date) -> None:
    """The proposed points rated, then the start assessment (20 days ago when the project ran by then)."""
    for point in selectors.unrated_points(project):
        _try("rating", services.risk_point_rate, risk_point=point, user=lead, level="medium",
             reason="加工区已封闭管理，按中风险管控")
    _try("assessment", services.risk_assessment_complete, project=project, user=lead,
         conclusion="经发包方组织、承包方参与的项目启动风险评估，识别关键风险点5项，其中高风险1项（脆化档案实体安全），"
                    "项目按高风险实施管控：抽检比例提高，巡查每周不少于2次。",
         assessed_on=today - dt.timedelta(days=20) if project.start_date <= today - dt.timedelta(days=20)
         else today)


# ---- change requests (§6.4.2, §8.2.3)

def _change_requests(project, users: dict, complete: bool) -> None:
    lead, pm = users["client_lead"], users["contractor_pm"]
    change = _try("change request", services.change_request_submit, project=project, user=pm,
                  category="quality_standard", title="彩色档案扫描分辨率由300dpi调整为400dpi",
                  description="对含彩色印章、手绘图的档案改为400dpi彩色扫描，其余仍按300dpi灰度扫描。",
                  reason="试扫发现部分彩色印章在300dpi下细节不清，影响后续利用与鉴定。",
                  quality_impact="图像清晰度提高；单页文件体积约增加78%，存储按此扩容；不影响验收指标。",
                  touches_plan=True)
    if complete and change is not None:
        _try("change approval", services.change_request_approve, change_request=change, user=lead,
             password=DEMO_PASSWORD, opinion="同意调整。请在方案修订稿中补充彩色档案识别规则。")
    _try("pending change", services.change_request_submit, project=project, user=pm, category="staff_equipment",
         title="增加1台A3平板扫描仪", description="新增A3平板扫描仪1台用于大幅面档案，设备进场前报发包方登记。",
         reason="大幅面档案数量超出预估，现有设备产能不足。",
         quality_impact="设备经校准后投入使用，首批成果按首件验证要求抽检，不降低质量标准。")


# ---- meetings (§8.2.3)

def _meeting(project, users: dict, complete: bool, today: dt.date) -> None:
    lead, inspector, pm = users["client_lead"], users["client_inspector"], users["contractor_pm"]
    meeting = _try("meeting", services.meeting_record, project=project, user=lead, kind="regular",
                   held_on=today - dt.timedelta(days=2), location="市档案馆三楼会议室", chair="王建国",
                   attendees="发包方：王建国、李秀英；承包方：陈志强、赵丽",
                   agenda="1. 上周进度与质量情况；2. 抽检发现问题的整改；3. 彩色档案扫描参数调整",
                   minutes="一、承包方汇报上周完成扫描2.1万画幅，自检覆盖率100%。\n二、发包方通报抽检情况，"
                           "一般缺陷主要为轻微偏斜，要求加强图像处理环节检查。\n三、同意彩色档案提高扫描分辨率，"
                           "承包方提交变更联系单并修订方案。")
    if meeting is None:
        return
    done = _try("action item", services.action_item_add, meeting=meeting, user=lead,
                description="补充提交扫描设备校准记录", owner_party="contractor", owner=pm,
                due_date=today + dt.timedelta(days=3))
    _try("action item", services.action_item_add, meeting=meeting, user=lead,
         description="提供1950年文书档案目录电子版", owner_party="client", owner=inspector,
         due_date=today + dt.timedelta(days=7))
    if complete and done is not None:
        _try("action done", services.action_item_complete, action_item=done, user=pm,
             result="已提交6台扫描仪的校准证书及本周校准记录。")


# ---- quality report (§8.2.3)

def _quality_report(project, users: dict, complete: bool, today: dt.date) -> None:
    pm, inspector = users["contractor_pm"], users["client_inspector"]
    report = _try("quality report", services.quality_report_prepare, project=project, user=pm,
                  period_start=today - dt.timedelta(days=7), period_end=today - dt.timedelta(days=1),
                  summary="本周期提交批次均经自检、互检、专检，质量总体稳定。",
                  problems="轻微偏斜为主要缺陷，原因是部分档案装订过紧。",
                  next_steps="装订过紧的档案先行拆装订再扫描；图像处理环节增加偏斜自动检测。")
    if not complete or report is None:
        return
    report = _try("report submit", services.quality_report_submit, quality_report=report, user=pm)
    if report is not None:
        _try("report acknowledgement", services.quality_report_acknowledge, quality_report=report, user=inspector,
             comment="已阅。请继续关注偏斜问题，下期报告附整改前后对比。", next_report_due=today + dt.timedelta(days=7))


# ---- progress plan (§8.2.4)

def _progress_plan(project, users: dict, complete: bool, today: dt.date) -> None:
    lead, pm = users["client_lead"], users["contractor_pm"]
    start = max(project.start_date, today - dt.timedelta(days=30))
    stages = [("档案出库交接与整理", start, start + dt.timedelta(days=20), 40000),
              ("扫描与图像处理", start + dt.timedelta(days=10), start + dt.timedelta(days=90), 400000),
              ("著录、数据挂接与入库交接", start + dt.timedelta(days=60), start + dt.timedelta(days=120), 40000)]
    created = [_try("stage", services.milestone_add, project=project, user=pm, name=name, planned_start=s,
                    planned_end=e, planned_quantity=q) for name, s, e, q in stages]
    first = created[0]
    if first is None or start > today:
        return
    first = _try("stage start", services.milestone_start, milestone=first, user=pm, actual_start=start)
    if first is None:
        return
    _try("stage progress", services.milestone_record_progress, milestone=first, user=pm, actual_quantity=31200)
    if complete and selectors.quality_conflicts(project):
        _try("quality hold", services.milestone_hold_for_quality, milestone=first, user=lead,
             reason="抽检不合格批次尚未整改完毕，质量优先，暂缓该阶段完成确认。",
             new_planned_end=first.planned_end + dt.timedelta(days=7))


# ---- improvement plan (§6.2.3, §10.2)

def _improvement_plan(project, users: dict, complete: bool, today: dt.date) -> None:
    lead, pm = users["client_lead"], users["contractor_pm"]
    plan = _try("improvement plan", services.improvement_plan_create, project=project, user=pm, source="inspection",
                problem_analysis="近两周抽检一般缺陷中轻微偏斜占62%，主要原因是装订过紧档案未拆装订直接扫描，"
                                 "以及图像处理环节纠偏参数设置不统一。",
                target="4周内将偏斜类缺陷占比降至20%以下，批次抽检合格率稳定在99%以上。", owner=pm,
                path="1. 装订过紧档案先拆装订再扫描；2. 统一纠偏参数并固化到处理模板；3. 专检增加偏斜专项抽查。",
                deadline=today + dt.timedelta(days=28),
                verification_method="对比改进前后4周的抽检缺陷统计，由发包方质检员复核。")
    if not complete or plan is None:
        return
    plan = _try("improvement submit", services.improvement_plan_submit, improvement_plan=plan, user=pm)
    if plan is not None:
        _try("improvement filing", services.improvement_plan_file, improvement_plan=plan, user=lead,
             comment="同意备案，按期提交实施情况。")
