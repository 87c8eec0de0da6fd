"""Progress plan services (进度计划, §8.2.4): the contractor keeps the stages planned against
actual; when the schedule and quality conflict, quality comes first (质量优先): a stage is not
completed while quality problems are open, and either side may hold it for quality."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.projects.models import Project

from .. import selectors
from ..enums import MilestoneState
from ..models import TEXT_MAX, ProgressMilestone
from ..rules import CLIENT_STAFF, CONTRACTOR_PM
from .common import lock_open_project, lock_record, not_future, people, quantity, valid_date


def milestone_add(*, project: Project, user, name: str, planned_start: dt.date, planned_end: dt.date,
                  planned_quantity: int | None = None) -> ProgressMilestone:
    """A stage of the contractor's progress plan (进度计划)."""
    require("control.may_plan_progress", user, project)
    name = clean_line(name, field="name", label=_("The stage"), max_length=200)
    planned_start = valid_date(planned_start, field="planned_start", label=_("The planned start"))
    planned_end = valid_date(planned_end, field="planned_end", label=_("The planned end"))
    if planned_end < planned_start:
        raise DomainError(_("The planned end cannot be before the planned start."), field="planned_end")
    planned_quantity = quantity(planned_quantity, field="planned_quantity", label=_("The planned quantity"))
    with transaction.atomic(), history_context(user=user, reason=_("Stage added to the progress plan")):
        locked = lock_open_project(project)
        sequence = (locked.progress_milestones.aggregate(n=Max("sequence"))["n"] or 0) + 1
        return ProgressMilestone.objects.create(
            project=locked, sequence=sequence, name=name, planned_start=planned_start, planned_end=planned_end,
            original_planned_end=planned_end, planned_quantity=planned_quantity, created_by=user)


def _open_stage(milestone: ProgressMilestone) -> ProgressMilestone:
    locked = lock_record(milestone)
    if locked.state == MilestoneState.DONE:
        raise DomainError(_("This stage is already done."), code="illegal_transition")
    return locked


def milestone_start(*, milestone: ProgressMilestone, user, actual_start: dt.date) -> ProgressMilestone:
    require("control.may_record_progress", user, milestone)
    actual_start = not_future(actual_start, field="actual_start", label=_("The actual start"))
    with transaction.atomic(), history_context(user=user):
        locked = _open_stage(milestone)
        if locked.state != MilestoneState.PLANNED:
            raise DomainError(_("This stage has already started."), code="illegal_transition")
        locked.state = MilestoneState.IN_PROGRESS
        locked.actual_start = actual_start
        save_with_history(locked, reason=_("Stage started"), update_fields=["state", "actual_start", "updated_at"])
    return locked


def milestone_record_progress(*, milestone: ProgressMilestone, user, actual_quantity: int) -> ProgressMilestone:
    require("control.may_record_progress", user, milestone)
    actual_quantity = quantity(actual_quantity, field="actual_quantity", label=_("The quantity done"))
    if actual_quantity is None:
        raise DomainError(_("Give the quantity done."), field="actual_quantity")
    with transaction.atomic(), history_context(user=user):
        locked = _open_stage(milestone)
        if locked.actual_start is None:
            raise DomainError(_("Start the stage before recording its progress."), code="illegal_transition")
        locked.actual_quantity = actual_quantity
        save_with_history(locked, reason=_("Progress recorded: %(n)d") % {"n": actual_quantity},
                          update_fields=["actual_quantity", "updated_at"])
    return locked


def milestone_complete(*, milestone: ProgressMilestone, user, actual_end: dt.date,
                       actual_quantity: int | None = None) -> ProgressMilestone:
    """The contractor declares a stage done. §8.2.4 (进度与质量冲突时以质量优先): refused while
    rectification tickets are open or batches await rectification; hold the stage for quality
    instead."""
    require("control.may_record_progress", user, milestone)
    actual_end = not_future(actual_end, field="actual_end", label=_("The actual end"))
    actual_quantity = quantity(actual_quantity, field="actual_quantity", label=_("The quantity done"))
    with transaction.atomic(), history_context(user=user):
        locked = _open_stage(milestone)
        if locked.state != MilestoneState.IN_PROGRESS:
            raise DomainError(_("Only a stage in progress can be completed (%(state)s).")
                              % {"state": locked.get_state_display()}, code="illegal_transition")
        if actual_end < locked.actual_start:
            raise DomainError(_("The actual end cannot be before the actual start."), field="actual_end")
        conflicts = selectors.quality_conflicts(locked.project)
        if conflicts:
            raise DomainError(_("Quality comes before the schedule (§8.2.4): %(why)s Close them first, or hold the "
                                "stage for quality.") % {"why": " ".join(conflicts)}, code="quality_first")
        locked.state = MilestoneState.DONE
        locked.actual_end = actual_end
        if actual_quantity is not None:
            locked.actual_quantity = actual_quantity
        save_with_history(locked, reason=_("Stage done"),
                          update_fields=["state", "actual_end", "actual_quantity", "updated_at"])
    return locked


def milestone_hold_for_quality(*, milestone: ProgressMilestone, user, reason: str,
                               new_planned_end: dt.date | None = None) -> ProgressMilestone:
    """Quality first (§8.2.4): the stage waits for quality, with the reason and, if the plan
    moves, its new planned end; the originally planned end stays on the record."""
    require("control.may_hold_for_quality", user, milestone)
    reason = clean_text(reason, field="reason", label=_("The quality reason"), max_length=TEXT_MAX)
    if new_planned_end is not None:
        new_planned_end = valid_date(new_planned_end, field="new_planned_end", label=_("The new planned end"))
    with transaction.atomic(), history_context(user=user):
        locked = _open_stage(milestone)
        if locked.state == MilestoneState.HELD_FOR_QUALITY:
            raise DomainError(_("This stage is already held for quality."), code="illegal_transition")
        fields = ["state", "quality_hold_reason", "held_count", "updated_at"]
        if new_planned_end is not None:
            if new_planned_end < locked.planned_start:
                raise DomainError(_("The new planned end cannot be before the planned start."),
                                  field="new_planned_end")
            locked.planned_end = new_planned_end
            fields.append("planned_end")
        locked.state = MilestoneState.HELD_FOR_QUALITY
        locked.quality_hold_reason = reason
        locked.held_count += 1
        save_with_history(locked, reason=_("Held for quality (quality first): %(r)s") % {"r": reason},
                          update_fields=fields)
        notify(recipients=people(locked.project, [*CLIENT_STAFF, *CONTRACTOR_PM]),
               key=f"control:stage:{locked.pk}:held:{locked.held_count}",
               title=_("Stage held for quality: %(stage)s") % {"stage": locked}, body=reason,
               link=locked.get_absolute_url(), project=locked.project, kind="control")
    return locked


def milestone_resume(*, milestone: ProgressMilestone, user, note: str) -> ProgressMilestone:
    require("control.may_resume_milestone", user, milestone)
    note = clean_text(note, field="note", label=_("What was resolved"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _open_stage(milestone)
        if locked.state != MilestoneState.HELD_FOR_QUALITY:
            raise DomainError(_("This stage is not held for quality."), code="illegal_transition")
        locked.state = MilestoneState.IN_PROGRESS if locked.actual_start else MilestoneState.PLANNED
        save_with_history(locked, reason=_("Resumed after the quality hold: %(r)s") % {"r": note},
                          update_fields=["state", "updated_at"])
    return locked
