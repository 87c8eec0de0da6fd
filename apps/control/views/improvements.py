"""The improvement plans tab (质量改进计划, §6.2.3, §10.2). A draft is the contractor's own until
it is submitted for filing (``selectors.visible_improvement_plan_for_user``: 404 for anyone else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import allowed
from apps.core.transitions import ConfirmForm, Target
from apps.projects.selectors import project_for_user

from .. import forms as f
from .. import selectors, services
from .common import ControlTransition, ProjectControlTransition, section

PLAN_FIELDS = ("source", "problem_analysis", "target", "path", "deadline", "verification_method")


@login_required
def improvements(request, project_id):
    project = project_for_user(request.user, project_id)
    return section(request, project, "improvements", "control/improvements.html", {
        "plans": selectors.visible_improvement_plans(request.user, project),
        "may_write": allowed("control.may_write_improvement", request.user, project)})


@login_required
def improvement_detail(request, pk):
    plan = selectors.visible_improvement_plan_for_user(request.user, pk)
    return render(request, "control/improvement_detail.html", {
        "project": plan.project, "plan": plan, "tab": "improvements",
        "summary": selectors.project_summary(plan.project)})


class ProjectImprovementTransition(ProjectControlTransition):
    """Write a quality improvement plan."""

    tab = "improvements"
    targets = {
        "add": Target(
            rule="control.may_write_improvement", service=services.improvement_plan_create,
            form_class=f.ImprovementForm, to_result=True,
            success=_("Improvement plan drafted. Submit it to the client for filing."),
            title=_("Write a quality improvement plan"),
            intro=_("§10.2: from the analysis of the problems, state the target, the responsible person, the path, "
                    "the deadline and how the effect will be verified.")),
    }


class ImprovementPlanTransition(ControlTransition):
    """Edit, submit, report completed (the contractor); return, file, verify (the client)."""

    lookup = staticmethod(selectors.visible_improvement_plan_for_user)
    entity = "improvement_plan"
    title_name = "plan"
    targets = {
        "edit": Target(
            rule="control.may_edit_improvement", state_rule="control.can_edit_improvement",
            service=services.improvement_plan_update, form_class=f.ImprovementForm,
            success=_("Improvement plan saved."), title=_("Edit %(plan)s")),
        "submit": Target(
            rule="control.may_submit_improvement", state_rule="control.can_submit_improvement",
            service=services.improvement_plan_submit, form_class=ConfirmForm,
            success=_("Improvement plan submitted to the client for filing."),
            title=_("Submit %(plan)s for filing (报发包方备案)")),
        "return": Target(
            rule="control.may_return_improvement", state_rule="control.can_file_improvement",
            service=services.improvement_plan_return, form_class=f.ReasonForm,
            success=_("Improvement plan returned for revision."), title=_("Return %(plan)s"), danger=True),
        "file": Target(
            rule="control.may_file_improvement", state_rule="control.can_file_improvement",
            service=services.improvement_plan_file, form_class=f.CommentForm,
            success=_("Improvement plan filed; it is tracked to its deadline."), title=_("File %(plan)s")),
        "complete": Target(
            rule="control.may_complete_improvement", state_rule="control.can_complete_improvement",
            service=services.improvement_plan_complete, form_class=f.CompletionForm,
            success=_("Improvement reported as completed; the client verifies its effect."),
            title=_("Report %(plan)s as completed")),
        "verify": Target(
            rule="control.may_verify_improvement", state_rule="control.can_verify_improvement",
            service=services.improvement_plan_verify, form_class=f.VerifyForm,
            success=_("Verification recorded."), title=_("Verify the effect of %(plan)s")),
    }

    def get_initial(self, obj, target):
        if self.target == "edit":
            return {k: getattr(obj, k) for k in PLAN_FIELDS} | {"owner": obj.owner_id}
        return {}
