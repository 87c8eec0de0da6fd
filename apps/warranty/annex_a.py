"""Annex A row 质保服务 (监督质保期履约情况 / 质保期内及时响应、限期处置问题), read from the warranty
follow-up: done once concluded, overdue when a problem's response or fix is late or the
warranty ended without a conclusion, due while problems are open."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.projects.annex_a import StepReading
from apps.projects.enums import TaskStatus

from .selectors import warranty_summary


def warranty_service(project, today: dt.date) -> StepReading | None:
    summary = warranty_summary(project, today)
    period = summary.period
    if period is None:
        return None
    url = reverse("warranty:project", args=[project.pk])
    counted = len(summary.counted)
    if summary.conclusion is not None:
        return StepReading(TaskStatus.DONE, _("Warranty follow-up concluded on %(day)s; %(n)d warranty problems") % {
            "day": timezone.localdate(summary.conclusion.concluded_at).isoformat(), "n": counted}, url)
    evidence = _("Warranty %(start)s to %(end)s; %(n)d warranty problems, %(open)d open") % {
        "start": period.start.isoformat(), "end": period.end.isoformat(), "n": counted,
        "open": len(summary.open_rows)}
    if summary.overdue:
        return StepReading(TaskStatus.OVERDUE, evidence + _("; %(n)d overdue") % {"n": summary.overdue}, url)
    if today > period.end:
        return StepReading(TaskStatus.OVERDUE, evidence + _("; the warranty ended and the follow-up is not concluded"),
                           url)
    if summary.open_rows:
        return StepReading(TaskStatus.DUE, evidence, url)
    return StepReading(TaskStatus.ONGOING, evidence, url)
