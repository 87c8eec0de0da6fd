"""Annex A row 内部质控 (事中控制) read from the contractor's three-level inspection records."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.projects.annex_a import StepReading
from apps.projects.enums import TaskStatus


def internal_qc(project, today: dt.date) -> StepReading:
    """Overdue while a day of the last week is not fully self-checked (§6.2.1: 100 % 自检);
    older flagged days stay listed on the checks page and counted in the evidence."""
    from .models import MutualCheck, SelfCheck, SpecialInspection
    from .selectors import incomplete_self_checks

    incomplete = incomplete_self_checks(project)
    flagged = incomplete.count()
    recent = incomplete.filter(date__gte=today - dt.timedelta(days=7)).exists()
    evidence = _("%(s)d self-checks (%(f)d not 100 %%), %(m)d mutual checks, %(p)d special inspections") % {
        "s": SelfCheck.objects.filter(project=project).count(), "f": flagged,
        "m": MutualCheck.objects.filter(project=project).count(),
        "p": SpecialInspection.objects.filter(project=project).count()}
    return StepReading(TaskStatus.OVERDUE if recent else TaskStatus.ONGOING, evidence,
                       reverse("batches:checks", args=[project.pk]))
