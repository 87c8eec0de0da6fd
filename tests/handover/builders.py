"""Helpers that drive the handover through its services (and put the project into "accepted"
without the acceptance app)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.handover import services
from apps.handover.enums import LineKind, Medium
from apps.projects.enums import Phase
from apps.projects.models import Project
from apps.projects.services import project_acceptance_record
from tests.conftest import PASSWORD

LINES = [
    (LineKind.RESULTS, "民国档案数字化图像（TIFF 与 PDF）", 1200, "卷", Medium.REMOVABLE_DISK, ""),
    (LineKind.RESULTS, "目录数据库（Excel 与 XML）", 1, "套", Medium.OPTICAL_DISC, ""),
    (LineKind.QUALITY_RECORDS, "三级检验记录与抽检报告", 36, "份", Medium.PAPER, ""),
    (LineKind.PROCESS_DOCUMENTS, "交接登记簿、操作日志", 4, "册", Medium.PAPER, ""),
    (LineKind.PROJECT_DOCUMENTS, "实施方案、质量保障子方案及变更记录", 1, "盒", Medium.PAPER, ""),
]


def accept(w, on: dt.date | None = None, *, phase: str | None = Phase.WARRANTY) -> Project:
    """Record the project's acceptance (``accepted_on``) as the acceptance app would; then, by
    default, put it into the warranty phase."""
    project_acceptance_record(project=w.project, user=w.lead, accepted_on=on or timezone.localdate(),
                              reason="验收合格，验收报告已签署")
    if phase:
        Project.objects.filter(pk=w.project.pk).update(phase=phase)
    w.project.refresh_from_db()
    return w.project


def draft(w, lines=LINES):
    handover = services.handover_create(project=w.project, user=w.pm, note="移动硬盘与光盘随清单一并交付。")
    for kind, description, quantity, unit, medium, note in lines:
        services.handover_line_add(handover=handover, user=w.pm, kind=kind, description=description,
                                   quantity=quantity, unit=unit, medium=medium, note=note)
    handover.refresh_from_db()
    return handover


def submitted(w):
    handover = draft(w)
    return services.handover_submit(handover=handover, user=w.pm)


def confirmed(w):
    handover = submitted(w)
    for line in handover.lines.order_by("position"):
        services.handover_line_confirm(line=line, user=w.inspector)
    handover.refresh_from_db()
    return handover


def sign(handover, user):
    return services.handover_sign(handover=handover, user=user, password=PASSWORD)


def handed_over(w):
    handover = confirmed(w)
    sign(handover, w.lead)
    handover.refresh_from_db()
    return sign(handover, w.pm)
