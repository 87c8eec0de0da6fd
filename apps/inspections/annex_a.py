"""Annex A row 巡查抽检 (事中控制) read from the records: weekly patrols and batch sampling."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.projects.annex_a import StepReading
from apps.projects.enums import TaskStatus


def patrol_sampling(project, today: dt.date) -> StepReading:
    """Overdue when last week had no patrol or a submitted batch has waited more than a week for
    its sampling inspection; due while this week has no patrol yet or a batch awaits sampling.
    Older weeks with fewer patrols than required stay flagged on the patrol page and counted in the evidence."""
    from apps.batches.enums import BatchStatus

    from .enums import LedgerKind
    from .models import LedgerEntry, Patrol
    from .selectors import patrol_gaps

    gaps = patrol_gaps(project, today)
    missed = [g for g in gaps if not g.current]
    last_week = today - dt.timedelta(days=7)
    missed_last_week = any(g.monday <= last_week <= g.sunday for g in missed)
    waiting = project.batches.filter(status=BatchStatus.SUBMITTED)
    late = waiting.filter(submitted_at__date__lt=today - dt.timedelta(days=7)).count()
    sampled = LedgerEntry.objects.filter(project=project, kind=LedgerKind.SAMPLING).count()
    evidence = _("%(p)d patrols, %(s)d sampling inspections; %(w)d weeks with fewer patrols than required, "
                 "%(b)d batches awaiting sampling") % {
        "p": Patrol.objects.filter(project=project).count(), "s": sampled, "w": len(missed), "b": waiting.count()}
    if missed_last_week or late:
        status = TaskStatus.OVERDUE
    elif gaps or waiting.exists():
        status = TaskStatus.DUE
    else:
        status = TaskStatus.ONGOING
    return StepReading(status, evidence, reverse("inspections:ledger", args=[project.pk]))
