"""The risk register tab (§5.2.2, §6.3.1): risk points, assessments, re-assessment requests."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import allowed
from apps.core.transitions import Target
from apps.projects.enums import RiskLevel
from apps.projects.selectors import project_for_user

from .. import forms as f
from .. import selectors, services
from ..enums import RiskPointStatus
from .common import ControlTransition, ProjectControlTransition, section


@login_required
def risks(request, project_id):
    project = project_for_user(request.user, project_id)
    points = list(selectors.risk_points(project))
    active = [p for p in points if p.status == RiskPointStatus.ACTIVE]
    computed = selectors.highest_level(active)
    return section(request, project, "risks", "control/risks.html", {
        "points": points, "computed_label": RiskLevel(computed).label if computed else None,
        "unrated": [p for p in active if not p.level],
        "assessments": selectors.risk_assessments(project)[:20],
        "requests": selectors.reassessment_requests(project)[:30],
        "open_requests": selectors.open_reassessment_requests(project),
        "floor_rate": selectors.sampling_floor_rate(project),
        "patrols_per_week": selectors.patrols_required_per_week(project),
    })


class RiskRegisterTransition(ProjectControlTransition):
    """Add a risk point, complete an assessment: on the project's register."""

    tab = "risks"
    targets = {
        "add": Target(
            rule="control.may_add_risk_point", service=services.risk_point_add, form_class=f.RiskPointForm,
            success=_("Risk point added."), title=_("Add a risk point"),
            intro=_("§5.2.2: identify the key risks to archive security, quality and information security; the "
                    "client's project lead rates each high, medium or low.")),
        "assess": Target(
            rule="control.may_assess_risk", service=services.risk_assessment_complete, form_class=f.AssessmentForm,
            success=_("Risk assessment recorded; the project's risk level is set."),
            title=_("Complete a risk assessment"),
            intro=_("The project is as risky as its riskiest active point unless you state another level with a "
                    "reason. The level drives the minimum sampling rate and the patrol frequency.")),
    }

    def get_form_kwargs(self, obj, target):
        kwargs = super().get_form_kwargs(obj, target)
        if self.target == "add":
            kwargs["can_rate"] = allowed("control.may_rate_risk", self.request.user, obj)
        return kwargs


class RiskPointTransition(ControlTransition):
    """Edit, rate, retire a risk point."""

    lookup = staticmethod(selectors.risk_point_for_user)
    entity = "risk_point"
    record_intro = frozenset({"rate", "retire"})
    targets = {
        "edit": Target(
            rule="control.can_edit_risk_point", service=services.risk_point_update, form_class=f.RiskPointForm,
            success=_("Risk point saved."), title=_("Edit the risk point")),
        "rate": Target(
            rule="control.may_rate_risk", state_rule="control.can_rate_risk_point", service=services.risk_point_rate,
            form_class=f.RiskRateForm, title=_("Rate the risk point"),
            success=_("Risk point rated. Complete an assessment to set the project's risk level.")),
        "retire": Target(
            rule="control.may_retire_risk_point", state_rule="control.can_rate_risk_point",
            service=services.risk_point_retire, form_class=f.ReasonForm, success=_("Risk point retired."),
            title=_("Retire the risk point"), danger=True),
    }

    def intro_of(self, obj) -> str:
        return obj.description

    def get_form_kwargs(self, obj, target):
        kwargs = super().get_form_kwargs(obj, target)
        if self.target == "edit":
            kwargs["editing"] = True
        return kwargs

    def get_initial(self, obj, target):
        if self.target == "edit":
            return {"category": obj.category, "description": obj.description,
                    "control_measures": obj.control_measures, "owner": obj.owner_id}
        if self.target == "rate":
            return {"level": obj.level}
        return {}
