"""The quality reports tab (质量及数据报告, §8.2.3). A draft is the contractor's own until it is
submitted (``selectors.visible_quality_report_for_user``: 404 for anyone else)."""

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


@login_required
def reports(request, project_id):
    project = project_for_user(request.user, project_id)
    return section(request, project, "reports", "control/reports.html", {
        "reports": selectors.visible_quality_reports(request.user, project),
        "may_prepare": allowed("control.may_prepare_report", request.user, project)})


@login_required
def report_detail(request, pk):
    report = selectors.visible_quality_report_for_user(request.user, pk)
    return render(request, "control/report_detail.html", {
        "project": report.project, "report": report, "tab": "reports", "f": report.figures,
        "summary": selectors.project_summary(report.project),
        "below_threshold": selectors.figures_below_threshold(report.figures)})


class ProjectReportTransition(ProjectControlTransition):
    """Prepare a quality and data report."""

    tab = "reports"
    targets = {
        "add": Target(
            rule="control.may_prepare_report", service=services.quality_report_prepare,
            form_class=f.ReportPrepareForm, to_result=True,
            success=_("Report prepared: its figures come from the records. Check it and submit it."),
            title=_("Prepare a quality and data report"),
            intro=_("§8.2.3: batches, pass rates, defects by grade and open tickets of the period are computed from "
                    "the records; add your analysis.")),
    }


class QualityReportTransition(ControlTransition):
    """Edit and submit (the contractor); return or acknowledge (the client)."""

    lookup = staticmethod(selectors.visible_quality_report_for_user)
    entity = "quality_report"
    title_name = "report"
    targets = {
        "edit": Target(
            rule="control.may_edit_report", state_rule="control.can_edit_report",
            service=services.quality_report_update, form_class=f.ReportTextsForm,
            success=_("Report saved; figures recomputed from the records."), title=_("Edit %(report)s")),
        "submit": Target(
            rule="control.may_submit_report", state_rule="control.can_submit_report",
            service=services.quality_report_submit, form_class=ConfirmForm,
            success=_("Report submitted to the client."), title=_("Submit %(report)s"),
            intro=_("The figures are computed once more from the records and frozen.")),
        "return": Target(
            rule="control.may_return_report", state_rule="control.can_acknowledge_report",
            service=services.quality_report_return, form_class=f.ReasonForm,
            success=_("Report returned for correction."), title=_("Return %(report)s"), danger=True),
        "acknowledge": Target(
            rule="control.may_acknowledge_report", state_rule="control.can_acknowledge_report",
            service=services.quality_report_acknowledge, form_class=f.ReportAcknowledgeForm,
            success=_("Report acknowledged."), title=_("Acknowledge %(report)s")),
    }

    def get_initial(self, obj, target):
        if self.target == "edit":
            return {"summary": obj.summary, "problems": obj.problems, "next_steps": obj.next_steps}
        return {}
