"""Demo records of the handover of results (§6.5.2) for one project in or after acceptance.

Expects a project whose acceptance passed, or records it here (``accepted_on``: 5 working days ago
when complete, 3 otherwise; skipped when the acceptance module's demo already recorded it) — this
also opens the handover deadline and the warranty (the ``acceptance_passed`` hooks). The phase is
left to the caller.

complete=True: the contractor's list (results, quality records, process documents, project
documents) is submitted, confirmed item by item by the client and signed by both parties: the gate
``handover_confirmed`` is met and the handover deadline met.
complete=False: the list is submitted; the client confirmed the first items, the rest await it.
"""

from __future__ import annotations

from django.utils import timezone

from apps.core.calendar import add_working_days
from apps.handover import services
from apps.handover.enums import LineKind, Medium
from apps.projects.services import project_acceptance_record

# The demo accounts' password (the demo_data command's DEMO_PASSWORD).
DEMO_PASSWORD = "Demo-2026-archqa"

LINES = [
    (LineKind.RESULTS, "数字化图像文件（TIFF 存档版、PDF 利用版）", 1200, "卷", Medium.REMOVABLE_DISK, ""),
    (LineKind.RESULTS, "档案目录数据库（Excel 与 XML 各一份）", 1, "套", Medium.OPTICAL_DISC, ""),
    (LineKind.RESULTS, "纸质档案原件（已按原顺序复原装订）", 1200, "卷", Medium.PAPER, ""),
    (LineKind.QUALITY_RECORDS, "自检、互检、专检三级检验记录", 24, "份", Medium.PAPER, ""),
    (LineKind.QUALITY_RECORDS, "整改闭环单及复核记录", 3, "份", Medium.ELECTRONIC, ""),
    (LineKind.PROCESS_DOCUMENTS, "档案交接登记簿与出入库记录", 2, "册", Medium.PAPER, ""),
    (LineKind.PROCESS_DOCUMENTS, "加工操作日志（系统导出）", 1, "份", Medium.OPTICAL_DISC, ""),
    (LineKind.PROJECT_DOCUMENTS, "实施方案、质量保障子方案及变更审批记录", 1, "盒", Medium.PAPER, ""),
]


def ensure_accepted(*, project, users: dict, working_days_ago: int):
    """Record the project's acceptance if nobody did: the date the handover and the warranty count from."""
    project.refresh_from_db()
    if project.accepted_on is None:
        project = project_acceptance_record(
            project=project, user=users["client_lead"],
            accepted_on=add_working_days(timezone.localdate(), -working_days_ago),
            reason="验收合格，验收报告经验收小组签署")
    return project


def load(*, project, users: dict, complete: bool) -> None:
    lead, inspector, pm = users["client_lead"], users["client_inspector"], users["contractor_pm"]
    project = ensure_accepted(project=project, users=users, working_days_ago=5 if complete else 3)
    handover = services.handover_create(project=project, user=pm, note="移动硬盘、光盘随清单当面交付，纸质原件在档案馆库房点交。")
    for kind, description, quantity, unit, medium, note in LINES:
        services.handover_line_add(handover=handover, user=pm, kind=kind, description=description,
                                   quantity=quantity, unit=unit, medium=medium, note=note)
    handover = services.handover_submit(handover=handover, user=pm)
    lines = list(handover.lines.order_by("position"))
    if not complete:
        for line in lines[:3]:
            services.handover_line_confirm(line=line, user=inspector)
        return
    for line in lines:
        services.handover_line_confirm(line=line, user=inspector)
    handover.refresh_from_db()
    services.handover_sign(handover=handover, user=lead, password=DEMO_PASSWORD)
    handover.refresh_from_db()
    services.handover_sign(handover=handover, user=pm, password=DEMO_PASSWORD)
