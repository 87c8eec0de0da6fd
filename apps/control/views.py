"""Thin views: scoped lookup, form, one service call, message, redirect.

The control page of a project has one tab per mechanism: risk register, change requests,
meetings, quality reports, progress plan, improvement plans (``control/_tabs.html``).
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, PermissionDenied
from apps.core.forms import StyledForm
from apps.core.history import client_ip
from apps.projects.selectors import project_for_user

from . import forms as f
from . import selectors, services
from apps.projects.enums import RiskLevel

from .enums import ImprovementState, ReportState, RiskPointStatus


def _deny_unless(rule: str, user, obj) -> None:
    if not rules.test_rule(rule, user, obj):
        raise DjangoPermissionDenied


def _apply_domain_error(form, exc: DomainError) -> None:
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied from None
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class ConfirmForm(StyledForm):
    """No fields: the button is the decision."""


def _action(request, *, project, obj, may: str, can: str | None, refusal: str, form_class, call: Callable,
            success: str, back: str, title: str, intro: str = "", form_kwargs: dict | None = None,
            initial: dict | None = None, files: bool = False, danger: bool = False, to_result: bool = False):
    """One transition behind a form: may (403) → can (message) → valid form → service → redirect."""
    _deny_unless(may, request.user, obj)
    if can and not rules.test_rule(can, request.user, obj):
        messages.error(request, refusal)
        return redirect(back)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, request.FILES if files and data is not None else None, initial=initial,
                      **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            result = call(dict(form.cleaned_data))
        except DomainError as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(result if to_result else back)
    return render(request, "control/form.html", {
        "project": project, "form": form, "title": title, "intro": intro, "back": back, "record": obj
        if obj is not project else None, "multipart": files, "danger": danger})


def _history(request, project):
    return Paginator(selectors.project_control_history(project), 30).get_page(request.GET.get("page"))


def _section(request, project, tab: str, template: str, context: dict):
    context.update({"project": project, "tab": tab, "summary": selectors.project_summary(project),
                    "today": timezone.localdate()})
    return render(request, template, context)


# ================================================================ the control page

@login_required
def project_page(request, project_id):
    project = project_for_user(request.user, project_id)
    return _section(request, project, "overview", "control/project.html", {
        "open_requests": selectors.open_reassessment_requests(project),
        "floor_rate": selectors.sampling_floor_rate(project),
        "patrols_per_week": selectors.patrols_required_per_week(project),
        "open_actions": selectors.open_action_items(project)[:10],
        "conflicts": selectors.quality_conflicts(project),
        "history_page": _history(request, project),
    })


# ================================================================ risk register

@login_required
def risks(request, project_id):
    project = project_for_user(request.user, project_id)
    points = list(selectors.risk_points(project))
    active = [p for p in points if p.status == RiskPointStatus.ACTIVE]
    computed = selectors.highest_level(active)
    return _section(request, project, "risks", "control/risks.html", {
        "points": points, "computed_label": RiskLevel(computed).label if computed else None,
        "unrated": [p for p in active if not p.level],
        "assessments": selectors.risk_assessments(project)[:20],
        "requests": selectors.reassessment_requests(project)[:30],
        "open_requests": selectors.open_reassessment_requests(project),
        "floor_rate": selectors.sampling_floor_rate(project),
        "patrols_per_week": selectors.patrols_required_per_week(project),
    })


@login_required
def risk_add(request, project_id):
    project = project_for_user(request.user, project_id)
    back = reverse("control:risks", args=[project.pk])
    return _action(
        request, project=project, obj=project, may="control.may_add_risk_point", can=None, refusal="",
        form_class=f.RiskPointForm,
        form_kwargs={"project": project, "can_rate": rules.test_rule("control.may_rate_risk", request.user, project)},
        call=lambda d: services.risk_point_add(project=project, user=request.user, **d),
        success=_("Risk point added."), back=back, title=_("Add a risk point"),
        intro=_("§5.2.2: identify the key risks to archive security, quality and information security; the client's "
                "project lead rates each high, medium or low."))


@login_required
def risk_edit(request, pk):
    point = selectors.risk_point_for_user(request.user, pk)
    project = point.project
    return _action(
        request, project=project, obj=point, may="control.can_edit_risk_point", can=None, refusal="",
        form_class=f.RiskPointForm, form_kwargs={"project": project, "editing": True},
        initial={"category": point.category, "description": point.description,
                 "control_measures": point.control_measures, "owner": point.owner_id},
        call=lambda d: services.risk_point_update(point=point, user=request.user, **d),
        success=_("Risk point saved."), back=point.get_absolute_url(), title=_("Edit the risk point"))


@login_required
def risk_rate(request, pk):
    point = selectors.risk_point_for_user(request.user, pk)
    return _action(
        request, project=point.project, obj=point, may="control.may_rate_risk", can="control.can_rate_risk_point",
        refusal=_("This risk point has been retired."), form_class=f.RiskRateForm, initial={"level": point.level},
        call=lambda d: services.risk_point_rate(point=point, user=request.user, **d),
        success=_("Risk point rated. Complete an assessment to set the project's risk level."),
        back=point.get_absolute_url(), title=_("Rate the risk point"), intro=point.description)


@login_required
def risk_retire(request, pk):
    point = selectors.risk_point_for_user(request.user, pk)
    return _action(
        request, project=point.project, obj=point, may="control.may_rate_risk", can="control.can_rate_risk_point",
        refusal=_("This risk point has been retired."), form_class=f.ReasonForm,
        call=lambda d: services.risk_point_retire(point=point, user=request.user, **d),
        success=_("Risk point retired."), back=point.get_absolute_url(), title=_("Retire the risk point"),
        intro=point.description, danger=True)


@login_required
def assess(request, project_id):
    project = project_for_user(request.user, project_id)
    return _action(
        request, project=project, obj=project, may="control.may_assess_risk", can=None, refusal="",
        form_class=f.AssessmentForm, initial={"assessed_on": timezone.localdate()},
        call=lambda d: services.risk_assessment_complete(project=project, user=request.user, **d),
        success=_("Risk assessment recorded; the project's risk level is set."),
        back=reverse("control:risks", args=[project.pk]), title=_("Complete a risk assessment"),
        intro=_("The project is as risky as its riskiest active point unless you state another level with a reason. "
                "The level drives the minimum sampling rate and the patrol frequency."))


# ================================================================ change requests

@login_required
def changes(request, project_id):
    project = project_for_user(request.user, project_id)
    return _section(request, project, "changes", "control/changes.html", {
        "changes": selectors.change_requests(project),
        "may_request": rules.test_rule("control.may_request_change", request.user, project)})


@login_required
def change_add(request, project_id):
    project = project_for_user(request.user, project_id)
    return _action(
        request, project=project, obj=project, may="control.may_request_change", can=None, refusal="",
        form_class=f.ChangeRequestForm, files=True,
        call=lambda d: services.change_request_submit(project=project, user=request.user, **d),
        to_result=True, success=_("Change request submitted. Nothing changes until the client approves it in writing."),
        back=reverse("control:changes", args=[project.pk]), title=_("Submit a change request (变更联系单)"),
        intro=_("§6.4.2: request the change in writing with its reason and its impact on quality."))


@login_required
def change_detail(request, pk):
    change = selectors.change_request_for_user(request.user, pk)
    return render(request, "control/change_detail.html", {
        "project": change.project, "change": change, "tab": "changes",
        "summary": selectors.project_summary(change.project),
        "approval": _approval_signature(change)})


def _approval_signature(change):
    from apps.accounts.enums import Party
    from apps.signatures.enums import SignatureMeaning
    from apps.signatures.selectors import signatures_for

    return next((s for s in signatures_for(change) if s.party == Party.CLIENT
                 and s.meaning == SignatureMeaning.APPROVE), None)


def _change_refusal(change) -> str:
    return _("This change request is no longer awaiting a decision (%(state)s).") % {
        "state": change.get_state_display()}


@login_required
def change_approve(request, pk):
    change = selectors.change_request_for_user(request.user, pk)
    return _action(
        request, project=change.project, obj=change, may="control.may_decide_change", can="control.can_decide_change",
        refusal=_change_refusal(change), form_class=f.ChangeApproveForm, initial={"is_major": change.is_major},
        call=lambda d: services.change_request_approve(change_request=change, user=request.user,
                                                       request_ip=client_ip(request), **d),
        success=_("Change approved and signed."), back=change.get_absolute_url(),
        title=_("Approve %(change)s") % {"change": change}, intro=change.title)


@login_required
def change_reject(request, pk):
    change = selectors.change_request_for_user(request.user, pk)
    return _action(
        request, project=change.project, obj=change, may="control.may_decide_change", can="control.can_decide_change",
        refusal=_change_refusal(change), form_class=f.ChangeRejectForm,
        call=lambda d: services.change_request_reject(change_request=change, user=request.user, **d),
        success=_("Change request rejected."), back=change.get_absolute_url(),
        title=_("Reject %(change)s") % {"change": change}, intro=change.title, danger=True)


@login_required
def change_withdraw(request, pk):
    change = selectors.change_request_for_user(request.user, pk)
    return _action(
        request, project=change.project, obj=change, may="control.may_request_change", can="control.can_withdraw_change",
        refusal=_change_refusal(change), form_class=f.ReasonForm,
        call=lambda d: services.change_request_withdraw(change_request=change, user=request.user, **d),
        success=_("Change request withdrawn."), back=change.get_absolute_url(),
        title=_("Withdraw %(change)s") % {"change": change}, intro=change.title, danger=True)


@login_required
def change_confirm(request, pk):
    change = selectors.change_request_for_user(request.user, pk)
    return _action(
        request, project=change.project, obj=change, may="control.may_request_change", can="control.can_confirm_change",
        refusal=_("Only an approved change request can be confirmed as implemented (%(state)s).")
        % {"state": change.get_state_display()}, form_class=f.NoteForm,
        call=lambda d: services.change_request_confirm(change_request=change, user=request.user, **d),
        success=_("Implementation confirmed."), back=change.get_absolute_url(),
        title=_("Confirm the implementation of %(change)s") % {"change": change}, intro=change.title)


# ================================================================ meetings

@login_required
def meetings(request, project_id):
    project = project_for_user(request.user, project_id)
    return _section(request, project, "meetings", "control/meetings.html", {
        "meetings": selectors.meetings(project), "open_actions": selectors.open_action_items(project),
        "may_record": rules.test_rule("control.may_record_meeting", request.user, project)})


@login_required
def meeting_add(request, project_id):
    project = project_for_user(request.user, project_id)
    return _action(
        request, project=project, obj=project, may="control.may_record_meeting", can=None, refusal="",
        form_class=f.MeetingCreateForm, files=True, initial={"held_on": timezone.localdate()},
        call=lambda d: services.meeting_record(project=project, user=request.user, **d),
        to_result=True, success=_("Meeting minutes recorded. Add the action items decided."),
        back=reverse("control:meetings", args=[project.pk]), title=_("Record a project meeting"))


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_for_user(request.user, pk)
    return render(request, "control/meeting_detail.html", {
        "project": meeting.project, "meeting": meeting, "tab": "meetings",
        "summary": selectors.project_summary(meeting.project),
        "items": meeting.action_items.select_related("owner", "closed_by").order_by("pk")})


@login_required
def meeting_edit(request, pk):
    meeting = selectors.meeting_for_user(request.user, pk)
    return _action(
        request, project=meeting.project, obj=meeting, may="control.may_record_meeting", can="control.can_edit_meeting",
        refusal=_("The minutes have been signed and can no longer be changed."), form_class=f.MeetingForm,
        initial={k: getattr(meeting, k) for k in f.MeetingForm.base_fields},
        call=lambda d: services.meeting_update(meeting=meeting, user=request.user, **d),
        success=_("Minutes corrected."), back=meeting.get_absolute_url(), title=_("Correct the minutes"))


@login_required
def action_add(request, pk):
    meeting = selectors.meeting_for_user(request.user, pk)
    return _action(
        request, project=meeting.project, obj=meeting, may="control.may_record_meeting", can="control.can_edit_meeting",
        refusal=_("The minutes have been signed: no action item can be added."), form_class=f.ActionItemForm,
        form_kwargs={"project": meeting.project},
        call=lambda d: services.action_item_add(meeting=meeting, user=request.user, **d),
        success=_("Action item added with its deadline."), back=meeting.get_absolute_url() + "#actions",
        title=_("Add an action item to %(meeting)s") % {"meeting": meeting})


@login_required
def action_complete(request, pk):
    item = selectors.action_item_for_user(request.user, pk)
    return _action(
        request, project=item.project, obj=item, may="control.may_close_action", can="control.can_close_action",
        refusal=_("This action item is already closed."), form_class=f.ResultForm,
        call=lambda d: services.action_item_complete(item=item, user=request.user, **d),
        success=_("Action item done."), back=item.get_absolute_url(), title=_("Close the action item"),
        intro=item.description)


@login_required
def action_cancel(request, pk):
    item = selectors.action_item_for_user(request.user, pk)
    return _action(
        request, project=item.project, obj=item, may="control.may_cancel_action", can="control.can_cancel_action",
        refusal=_("This action item is already closed."), form_class=f.ReasonForm,
        call=lambda d: services.action_item_cancel(item=item, user=request.user, **d),
        success=_("Action item cancelled."), back=item.get_absolute_url(), title=_("Cancel the action item"),
        intro=item.description, danger=True)


# ================================================================ quality reports

@login_required
def reports(request, project_id):
    project = project_for_user(request.user, project_id)
    visible = selectors.quality_reports(project)
    if request.user.organization_id != project.contractor_id and not request.user.is_superuser:
        visible = visible.exclude(state=ReportState.DRAFT)  # the client sees what was submitted to it
    return _section(request, project, "reports", "control/reports.html", {
        "reports": visible, "may_prepare": rules.test_rule("control.may_prepare_report", request.user, project)})


@login_required
def report_add(request, project_id):
    project = project_for_user(request.user, project_id)
    return _action(
        request, project=project, obj=project, may="control.may_prepare_report", can=None, refusal="",
        form_class=f.ReportPrepareForm,
        call=lambda d: services.quality_report_prepare(project=project, user=request.user, **d),
        to_result=True, success=_("Report prepared: its figures come from the records. Check it and submit it."),
        back=reverse("control:reports", args=[project.pk]), title=_("Prepare a quality and data report"),
        intro=_("§8.2.3: batches, pass rates, defects by grade and open tickets of the period are computed from the "
                "records; add your analysis."))


def _report_for(request, pk):
    report = selectors.quality_report_for_user(request.user, pk)
    if report.state == ReportState.DRAFT and request.user.organization_id != report.project.contractor_id \
            and not request.user.is_superuser:
        from django.http import Http404

        raise Http404  # a draft is the contractor's own until submitted
    return report


@login_required
def report_detail(request, pk):
    report = _report_for(request, pk)
    return render(request, "control/report_detail.html", {
        "project": report.project, "report": report, "tab": "reports", "f": report.figures,
        "summary": selectors.project_summary(report.project),
        "below_threshold": selectors.figures_below_threshold(report.figures)})


@login_required
def report_edit(request, pk):
    report = _report_for(request, pk)
    return _action(
        request, project=report.project, obj=report, may="control.may_prepare_report", can="control.can_edit_report",
        refusal=_("A submitted report cannot be changed."), form_class=f.ReportTextsForm,
        initial={"summary": report.summary, "problems": report.problems, "next_steps": report.next_steps},
        call=lambda d: services.quality_report_update(report=report, user=request.user, **d),
        success=_("Report saved; figures recomputed from the records."), back=report.get_absolute_url(),
        title=_("Edit %(report)s") % {"report": report})


@login_required
def report_submit(request, pk):
    report = _report_for(request, pk)
    return _action(
        request, project=report.project, obj=report, may="control.may_prepare_report", can="control.can_edit_report",
        refusal=_("This report has already been submitted."), form_class=ConfirmForm,
        call=lambda d: services.quality_report_submit(report=report, user=request.user),
        success=_("Report submitted to the client."), back=report.get_absolute_url(),
        title=_("Submit %(report)s") % {"report": report},
        intro=_("The figures are computed once more from the records and frozen."))


@login_required
def report_return(request, pk):
    report = _report_for(request, pk)
    return _action(
        request, project=report.project, obj=report, may="control.may_acknowledge_report", can="control.can_acknowledge_report",
        refusal=_("This report is not awaiting acknowledgement."), form_class=f.ReasonForm,
        call=lambda d: services.quality_report_return(report=report, user=request.user, **d),
        success=_("Report returned for correction."), back=report.get_absolute_url(),
        title=_("Return %(report)s") % {"report": report}, danger=True)


@login_required
def report_acknowledge(request, pk):
    report = _report_for(request, pk)
    return _action(
        request, project=report.project, obj=report, may="control.may_acknowledge_report", can="control.can_acknowledge_report",
        refusal=_("This report is not awaiting acknowledgement."), form_class=f.ReportAcknowledgeForm,
        call=lambda d: services.quality_report_acknowledge(report=report, user=request.user, **d),
        success=_("Report acknowledged."), back=report.get_absolute_url(),
        title=_("Acknowledge %(report)s") % {"report": report})


# ================================================================ progress plan

@login_required
def progress(request, project_id):
    project = project_for_user(request.user, project_id)
    return _section(request, project, "progress", "control/progress.html", {
        "stages": selectors.milestones(project), "conflicts": selectors.quality_conflicts(project),
        "may_plan": rules.test_rule("control.may_plan_progress", request.user, project), "today": timezone.localdate()})


def _stage_action(request, pk, *, can: str, refusal, form_class, call, success, title, initial=None, may=None):
    stage = selectors.milestone_for_user(request.user, pk)
    return _action(request, project=stage.project, obj=stage, may=may or "control.may_plan_progress", can=can,
                   refusal=refusal, form_class=form_class, initial=initial,
                   call=lambda d: call(stage, d), success=success, back=stage.get_absolute_url(), title=title,
                   intro=str(stage))


@login_required
def stage_add(request, project_id):
    project = project_for_user(request.user, project_id)
    return _action(
        request, project=project, obj=project, may="control.may_plan_progress", can=None, refusal="",
        form_class=f.MilestoneForm,
        call=lambda d: services.milestone_add(project=project, user=request.user, **d),
        success=_("Stage added to the progress plan."), back=reverse("control:progress", args=[project.pk]),
        title=_("Add a stage to the progress plan"))


_DONE = gettext_lazy("This stage is already done.")


@login_required
def stage_start(request, pk):
    return _stage_action(request, pk, can="control.can_update_milestone", refusal=_DONE, form_class=f.MilestoneStartForm,
                         initial={"actual_start": timezone.localdate()},
                         call=lambda s, d: services.milestone_start(milestone=s, user=request.user, **d),
                         success=_("Stage started."), title=_("Start the stage"))


@login_required
def stage_progress(request, pk):
    return _stage_action(request, pk, can="control.can_update_milestone", refusal=_DONE,
                         form_class=f.MilestoneProgressForm,
                         call=lambda s, d: services.milestone_record_progress(milestone=s, user=request.user, **d),
                         success=_("Progress recorded."), title=_("Record the progress"))


@login_required
def stage_complete(request, pk):
    return _stage_action(request, pk, can="control.can_update_milestone", refusal=_DONE,
                         form_class=f.MilestoneCompleteForm, initial={"actual_end": timezone.localdate()},
                         call=lambda s, d: services.milestone_complete(milestone=s, user=request.user, **d),
                         success=_("Stage done."), title=_("Complete the stage"))


@login_required
def stage_hold(request, pk):
    return _stage_action(request, pk, may="control.may_hold_for_quality", can="control.can_hold_for_quality",
                         refusal=_("This stage is done or already held for quality."), form_class=f.MilestoneHoldForm,
                         call=lambda s, d: services.milestone_hold_for_quality(milestone=s, user=request.user, **d),
                         success=_("Stage held for quality."), title=_("Hold the stage for quality (质量优先)"))


@login_required
def stage_resume(request, pk):
    return _stage_action(request, pk, may="control.may_hold_for_quality", can="control.can_resume_milestone",
                         refusal=_("This stage is not held for quality."), form_class=f.MilestoneResumeForm,
                         call=lambda s, d: services.milestone_resume(milestone=s, user=request.user, **d),
                         success=_("Stage resumed."), title=_("Resume the stage"))


# ================================================================ improvement plans

@login_required
def improvements(request, project_id):
    project = project_for_user(request.user, project_id)
    visible = selectors.improvement_plans(project)
    if request.user.organization_id != project.contractor_id and not request.user.is_superuser:
        visible = visible.exclude(state=ImprovementState.DRAFT)
    return _section(request, project, "improvements", "control/improvements.html", {
        "plans": visible, "may_write": rules.test_rule("control.may_write_improvement", request.user, project)})


def _plan_for(request, pk):
    plan = selectors.improvement_plan_for_user(request.user, pk)
    if plan.state == ImprovementState.DRAFT and request.user.organization_id != plan.project.contractor_id \
            and not request.user.is_superuser:
        from django.http import Http404

        raise Http404
    return plan


def _plan_initial(plan) -> dict:
    return {k: getattr(plan, k) for k in ("source", "problem_analysis", "target", "path", "deadline",
                                          "verification_method")} | {"owner": plan.owner_id}


@login_required
def improvement_add(request, project_id):
    project = project_for_user(request.user, project_id)
    return _action(
        request, project=project, obj=project, may="control.may_write_improvement", can=None, refusal="",
        form_class=f.ImprovementForm, form_kwargs={"project": project},
        call=lambda d: services.improvement_plan_create(project=project, user=request.user, **d),
        to_result=True, success=_("Improvement plan drafted. Submit it to the client for filing."),
        back=reverse("control:improvements", args=[project.pk]), title=_("Write a quality improvement plan"),
        intro=_("§10.2: from the analysis of the problems, state the target, the responsible person, the path, the "
                "deadline and how the effect will be verified."))


@login_required
def improvement_detail(request, pk):
    plan = _plan_for(request, pk)
    return render(request, "control/improvement_detail.html", {
        "project": plan.project, "plan": plan, "tab": "improvements",
        "summary": selectors.project_summary(plan.project)})


@login_required
def improvement_edit(request, pk):
    plan = _plan_for(request, pk)
    return _action(
        request, project=plan.project, obj=plan, may="control.may_write_improvement", can="control.can_edit_improvement",
        refusal=_("A plan submitted for filing cannot be changed."), form_class=f.ImprovementForm,
        form_kwargs={"project": plan.project}, initial=_plan_initial(plan),
        call=lambda d: services.improvement_plan_update(plan=plan, user=request.user, **d),
        success=_("Improvement plan saved."), back=plan.get_absolute_url(), title=_("Edit %(plan)s") % {"plan": plan})


@login_required
def improvement_submit(request, pk):
    plan = _plan_for(request, pk)
    return _action(
        request, project=plan.project, obj=plan, may="control.may_write_improvement", can="control.can_edit_improvement",
        refusal=_("This plan has already been submitted."), form_class=ConfirmForm,
        call=lambda d: services.improvement_plan_submit(plan=plan, user=request.user),
        success=_("Improvement plan submitted to the client for filing."), back=plan.get_absolute_url(),
        title=_("Submit %(plan)s for filing (报发包方备案)") % {"plan": plan})


@login_required
def improvement_return(request, pk):
    plan = _plan_for(request, pk)
    return _action(
        request, project=plan.project, obj=plan, may="control.may_review_improvement", can="control.can_file_improvement",
        refusal=_("This plan is not awaiting filing."), form_class=f.ReasonForm,
        call=lambda d: services.improvement_plan_return(plan=plan, user=request.user, **d),
        success=_("Improvement plan returned for revision."), back=plan.get_absolute_url(),
        title=_("Return %(plan)s") % {"plan": plan}, danger=True)


@login_required
def improvement_file(request, pk):
    plan = _plan_for(request, pk)
    return _action(
        request, project=plan.project, obj=plan, may="control.may_review_improvement", can="control.can_file_improvement",
        refusal=_("This plan is not awaiting filing."), form_class=f.CommentForm,
        call=lambda d: services.improvement_plan_file(plan=plan, user=request.user, **d),
        success=_("Improvement plan filed; it is tracked to its deadline."), back=plan.get_absolute_url(),
        title=_("File %(plan)s") % {"plan": plan})


@login_required
def improvement_complete(request, pk):
    plan = _plan_for(request, pk)
    return _action(
        request, project=plan.project, obj=plan, may="control.may_write_improvement", can="control.can_complete_improvement",
        refusal=_("Only a filed plan being implemented can be completed."), form_class=f.CompletionForm,
        call=lambda d: services.improvement_plan_complete(plan=plan, user=request.user, **d),
        success=_("Improvement reported as completed; the client verifies its effect."),
        back=plan.get_absolute_url(), title=_("Report %(plan)s as completed") % {"plan": plan})


@login_required
def improvement_verify(request, pk):
    plan = _plan_for(request, pk)

    def call(d):
        return services.improvement_plan_verify(plan=plan, user=request.user, effective=d["effective"] == "yes",
                                                verification_record=d["verification_record"],
                                                new_deadline=d.get("new_deadline"))

    return _action(
        request, project=plan.project, obj=plan, may="control.may_review_improvement", can="control.can_verify_improvement",
        refusal=_("This plan is not awaiting verification."), form_class=f.VerifyForm, call=call,
        success=_("Verification recorded."), back=plan.get_absolute_url(),
        title=_("Verify the effect of %(plan)s") % {"plan": plan})

