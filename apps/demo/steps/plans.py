"""Demo records for one project (called by the demo_data command).

complete=True: version 1 returned with comments, version 2 approved and signed (in force).
complete=False: version 1 returned, version 2 submitted and awaiting the client's review.
"""

from __future__ import annotations

from apps.accounts.enums import Party
from apps.plans import services
from apps.plans.models import is_major_project
from apps.signatures.enums import SignatureMeaning

DEMO_PASSWORD = "Demo-2026-archqa"


def _content(project) -> dict:
    content = dict(
        title=f"{project.name}实施方案及质量保障子方案",
        implementation_plan="一、项目组织：项目经理1名、专职质检员1名、作业人员12名。\n二、进度安排：分8个批次，每批次约2万画幅。\n"
                            "三、场地设备：发包方指定库房内设加工区，扫描仪6台，专用服务器1台，全部断网运行。",
        quality_targets="图像质量合格率≥99%；著录差错率≤0.5%；批次一次验收合格率≥95%。",
        procedures="档案出库交接→拆卷整理→扫描→图像处理→质检（自检、互检、专检）→著录→数据挂接→装订还原→入库交接。",
        control_points="1. 扫描分辨率不低于300dpi；2. 图像偏斜≤1°；3. 页码连续、无漏扫重扫；4. 著录项完整；5. 交接清点签字。",
    )
    if is_major_project(project):
        content["detailed_rules"] = "《涉密档案数字化加工作业细则》：人员进出登记、存储介质管控、每日数据清点与销毁记录。"
    return content


def load(*, project, users: dict, complete: bool) -> None:
    if project.plan_versions.exists():
        return
    from apps.signatures.services import signature_sign

    pm, lead, inspector = users["contractor_pm"], users["client_lead"], users["client_inspector"]
    content = _content(project)
    v1 = services.plan_version_create(project=project, user=pm, **{**content, "control_points": "按国家标准执行。"})
    v1 = services.plan_version_submit(version=v1, user=pm)
    v1 = services.plan_version_return(version=v1, user=inspector,
                                 comments="质量控制点过于笼统，请逐项列明分辨率、偏斜、漏扫等控制指标。")
    v2 = services.plan_version_revise(version=v1, user=pm, reason="按审核意见细化质量控制点")
    v2 = services.plan_version_update(version=v2, user=pm, control_points=content["control_points"])
    v2 = services.plan_version_submit(version=v2, user=pm)
    if complete:
        v2 = services.plan_version_approve(version=v2, user=lead, comments="同意按此方案实施。")
        signature_sign(record=v2, user=lead, password=DEMO_PASSWORD, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE)
