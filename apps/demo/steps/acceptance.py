"""Demo data for the acceptance (called by the demo_data command when the project leaves
implementation; see ``ACCEPTANCE_STEPS`` there).

Expects the project in implementation with every batch accepted and every ticket closed, and the
demo team (client_lead, client_inspector, acceptance_member, expert as 验收专家, contractor_pm).
The contractor PM applies (every materials line referring to the records in the system), the
client lead finds the materials complete — which moves the project into 验收 — and names the
team (client_lead leader, acceptance_member, expert); the lead draws up and approves the plan
(the statutory floor per service type), the inspector opens the acceptance inspections, the
acceptance member records the results and the lead decides; the team records a common problem,
the lead issues the report, the team signs, the contractor PM acknowledges, the lead concludes.

complete=False: round 1 fails (two items with a serious defect per service type) and its
rectification tickets (source 验收) stay open. complete=True: round 1 passes, the report is
signed and the acceptance recorded (``project.accepted_on``). The project stays in 验收 either way
(the command advances it).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.acceptance import services
from apps.acceptance.enums import SystemRecord
from apps.accounts.enums import Party
from apps.inspections.models import CheckItem
from apps.lot_inspection import services as lot_services
from apps.lot_inspection.rows import RowInput
from apps.signatures.services import signature_sign

PASSWORD = "Demo-2026-archqa"

REFERENCES = {
    "results": (SystemRecord.BATCHES, "成果清单：各批次数字化图像及目录数据，见批次清单"),
    "self_check": (SystemRecord.CONTROL, "承包方自检总结报告（质量报告）"),
    "process": (SystemRecord.CONTROL, "交接登记、作业日志、安全保密记录，见项目管控"),
}


def _serious_code(project, service_type) -> str | None:
    from apps.inspections.selectors import defect_types

    defect = defect_types(project, service_type).filter(grade="serious").order_by("code").first()
    return defect.code if defect else None


def _apply_and_review(project, users) -> None:
    pm, lead = users["contractor_pm"], users["client_lead"]
    application = services.application_create(
        project=project, user=pm, results="按合同完成全部批次的加工，成果经三级质检并通过发包方批次抽检。",
        note="申请项目验收。")
    for line in application.lines.all():
        if not line.record_ref:
            record_ref, reference = REFERENCES.get(line.kind, (SystemRecord.CONTROL, ""))
            services.line_update(line=line, user=pm, kind=line.kind, title=line.title,
                                 description=line.description, required=line.required, record_ref=record_ref,
                                 reference=reference)
    application = services.application_submit(application=application, user=pm)
    services.application_review(application=application, user=lead, complete=True, note="验收资料齐全。")


def _team(project, users) -> None:
    lead = users["client_lead"]
    services.team_member_add(project=project, user=lead, person=lead, is_leader=True)
    services.team_member_add(project=project, user=lead, person=users["acceptance_member"])
    services.team_member_add(project=project, user=lead, person=users["expert"])


def _plan(project, users):
    lead = users["client_lead"]
    acceptance_round = services.round_start(project=project, user=lead)
    rates = {s.service_type: s.floor_rate for s in acceptance_round.samplings.all()}
    standards = list(CheckItem.objects.filter(project=project, active=True, service_type__in=list(rates))
                     .order_by("service_type", "order")[:4])
    today = timezone.localdate()
    services.round_plan_update(
        acceptance_round=acceptance_round, user=lead, rates=rates, standards=standards,
        plan_content="对全部已接收批次按服务类型组批，依 GB/T 2828.1 正常检验一次抽样；核查图像质量、目录数据、"
                     "装订还原与安全保密记录。",
        standards_note="合同第六条验收标准；DA/T 31-2017", schedule_start=today, schedule_end=today + dt.timedelta(days=5))
    return services.round_plan_approve(acceptance_round=acceptance_round, user=lead)


def _inspect(project, users, acceptance_round, *, complete: bool):
    acceptance_round = services.round_inspection_open(acceptance_round=acceptance_round,
                                                      user=users["client_inspector"])
    for sampling in acceptance_round.samplings.select_related("inspection"):
        inspection = sampling.inspection
        code = None if complete else _serious_code(project, sampling.service_type)
        rows = []
        for n, item in enumerate(inspection.items.order_by("position")):
            bad = code is not None and n in (1, 4)
            rows.append(RowInput(label=str(item.position), item_id=item.pk,
                                 result="defective" if bad else "conforming", defects=[code] if bad else [],
                                 note="图像偏斜、黑边超标" if bad else ""))
        lot_services.lot_inspection_results_record(inspection=inspection, user=users["acceptance_member"], rows=rows)
        lot_services.lot_inspection_decide(inspection=inspection, user=users["client_lead"])
    acceptance_round.refresh_from_db()
    return acceptance_round


def load(*, project, users: dict, complete: bool) -> None:
    lead = users["client_lead"]
    _apply_and_review(project, users)
    project.refresh_from_db()
    _team(project, users)
    acceptance_round = _inspect(project, users, _plan(project, users), complete=complete)
    services.common_problem_record(
        acceptance_round=acceptance_round, user=users["expert"], category="quality",
        description="部分批次图像纠偏不到位，互检环节未逐页复核。",
        suggested_control="后续项目在互检环节增加图像偏斜抽查，并纳入首件验证基线。")
    failed = any(not row["accepted"] for row in services.inspection_figures(acceptance_round))
    acceptance_round = services.round_report_issue(
        acceptance_round=acceptance_round, user=lead, conclusion="fail" if failed else "pass",
        problems="抽检发现图像偏斜、黑边超标，严重缺陷超过接收数。" if failed else "",
        opinion="验收组按验收方案完成抽检。" + ("成果不符合合同约定的质量要求，限期整改后重新验收。" if failed
                                                else "成果符合合同约定的质量要求，同意通过验收。"),
        rectification_due=timezone.localdate() + dt.timedelta(days=14) if failed else None)
    for person in (lead, users["acceptance_member"], users["expert"]):
        signature_sign(record=acceptance_round, user=person, password=PASSWORD, party=Party.CLIENT,
                       meaning="review")
    signature_sign(record=acceptance_round, user=users["contractor_pm"], password=PASSWORD, party=Party.CONTRACTOR,
                   meaning="confirm")
    services.round_conclude(acceptance_round=acceptance_round, user=lead)
