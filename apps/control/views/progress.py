"""The progress plan tab (进度计划, §8.2.4; quality first)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import allowed
from apps.core.transitions import Target
from apps.projects.selectors import project_for_user

from .. import forms as f
from .. import selectors, services
from .common import ControlTransition, ProjectControlTransition, section


@login_required
def progress(request, project_id):
    project = project_for_user(request.user, project_id)
    return section(request, project, "progress", "control/progress.html", {
        "stages": selectors.milestones(project), "conflicts": selectors.quality_conflicts(project),
        "may_plan": allowed("control.may_plan_progress", request.user, project), "today": timezone.localdate()})


class ProjectProgressTransition(ProjectControlTransition):
    """Add a stage to the progress plan."""

    tab = "progress"
    targets = {
        "add": Target(
            rule="control.may_plan_progress", service=services.milestone_add, form_class=f.MilestoneForm,
            success=_("Stage added to the progress plan."), title=_("Add a stage to the progress plan")),
    }


class MilestoneTransition(ControlTransition):
    """Start, record progress, complete (the contractor); hold for quality and resume (either side)."""

    lookup = staticmethod(selectors.milestone_for_user)
    entity = "milestone"
    record_intro = frozenset({"start", "progress", "complete", "hold", "resume"})
    targets = {
        "start": Target(
            rule="control.may_record_progress", state_rule="control.can_start_milestone",
            service=services.milestone_start, form_class=f.MilestoneStartForm, success=_("Stage started."),
            title=_("Start the stage")),
        "progress": Target(
            rule="control.may_record_progress", state_rule="control.can_update_milestone",
            service=services.milestone_record_progress, form_class=f.MilestoneProgressForm,
            success=_("Progress recorded."), title=_("Record the progress")),
        "complete": Target(
            rule="control.may_record_progress", state_rule="control.can_complete_milestone",
            service=services.milestone_complete, form_class=f.MilestoneCompleteForm, success=_("Stage done."),
            title=_("Complete the stage")),
        "hold": Target(
            rule="control.may_hold_for_quality", state_rule="control.can_hold_for_quality",
            service=services.milestone_hold_for_quality, form_class=f.MilestoneHoldForm,
            success=_("Stage held for quality."), title=_("Hold the stage for quality (质量优先)")),
        "resume": Target(
            rule="control.may_resume_milestone", state_rule="control.can_resume_milestone",
            service=services.milestone_resume, form_class=f.MilestoneResumeForm, success=_("Stage resumed."),
            title=_("Resume the stage")),
    }

    def intro_of(self, obj) -> str:
        return str(obj)
