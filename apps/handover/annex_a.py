"""Annex A row 成果移交 (办理移交手续，确认成果完整 / 按约定移交成果、质量记录、过程资料; 验收后7个工作日内),
read from the handover list: done once signed by both parties, overdue after the 7 working days,
due in between."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.projects.annex_a import StepReading, handover_due
from apps.projects.enums import TaskStatus

from .selectors import handover_evidence, handover_of, is_handed_over, line_counts


def results_handover(project, today: dt.date) -> StepReading | None:
    if project.accepted_on is None:
        return None
    handover = handover_of(project)
    url = reverse("handover:project", args=[project.pk])
    if is_handed_over(handover):
        return StepReading(TaskStatus.DONE, _("Handed over on %(day)s: %(n)d items, signed by both parties") % {
            "day": timezone.localdate(handover.signed_at).isoformat(), "n": line_counts(handover)["total"]}, url)
    found = handover_evidence(project)
    evidence = found[0] if found else _("No handover list yet")
    due = handover_due(project)
    return StepReading(TaskStatus.OVERDUE if due and due < today else TaskStatus.DUE, evidence, url)
