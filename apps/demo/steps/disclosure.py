"""Demo data for the technical disclosure (called by the demo_data command; load it after
apps.demo.steps.teams so that the contractor PM's filing is approved when filing is in use).

complete=True: the meeting held today with everyone present, all five topics written, signed by
the client lead and the contractor PM (gate met). complete=False: the meeting organised, two
topics still empty and the operator not recorded as present, so it cannot be signed yet.
"""

from __future__ import annotations

from django.utils import timezone

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES, Party
from apps.signatures.services import signature_sign

from apps.disclosure import services
from apps.disclosure.enums import Topic

PASSWORD = "Demo-2026-archqa"

TEXTS = {
    Topic.QUALITY_STANDARDS: "执行 DA/T 31-2017《纸质档案数字化规范》和合同约定的合格率 95%；图像分辨率不低于 300 dpi。",
    Topic.PROCEDURES: "档案出库交接→前处理→扫描→图像处理→质检→数据挂接→装订还原→入库交接，每环节登记。",
    Topic.SECURITY: "作业场所封闭管理，设备断网、禁用 USB，双人交接，每日清点，严禁带出任何档案信息。",
    Topic.RISK_CONTROLS: "对破损、霉变档案先修复后扫描；每日备份；发现异常立即停工报告。",
    Topic.ACCEPTANCE_RULES: "首件验证合格后批量作业；按批次抽检 5%，不合格批次全部返工。",
}


def load(*, project, users: dict, complete: bool) -> None:
    lead = users["client_lead"]
    disclosure = services.disclosure_create(project=project, user=lead, meeting_date=timezone.localdate(),
                                            place="档案馆三楼会议室", note="项目技术交底会")
    for item in disclosure.items.all():
        if complete or item.topic not in (Topic.RISK_CONTROLS, Topic.ACCEPTANCE_RULES):
            services.disclosure_item_update(item=item, user=lead, text=TEXTS[item.topic])
    members = project.members.filter(is_active=True, role__in=list(CLIENT_ROLES | CONTRACTOR_ROLES))
    people = {m.user_id: m.user for m in members.select_related("user")}
    if not complete:
        people.pop(users["operator"].pk, None)
    services.disclosure_attendees_set(disclosure=disclosure, user=lead, people=list(people.values()))
    if complete:
        signature_sign(record=disclosure, user=lead, password=PASSWORD, party=Party.CLIENT, meaning="approve")
        signature_sign(record=disclosure, user=users["contractor_pm"], password=PASSWORD, party=Party.CONTRACTOR,
                       meaning="confirm")
