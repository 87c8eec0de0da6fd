"""The transitions of the acceptance as pages and buttons (TransitionView: a table of targets)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.transitions import Target, TransitionView
from apps.projects.selectors import project_for_user

from .. import forms as f
from .. import selectors, services


def _version(cleaned: dict):
    version = cleaned.pop("version", None)
    return version if isinstance(version, int) and version else None


class AcceptanceTransition(TransitionView):
    template_name = "acceptance/form.html"

    def get_initial(self, obj, target):
        version = getattr(obj, "version", None)
        return {"version": version} if version is not None else {}

    def service_kwargs(self, obj, target, cleaned):
        kwargs = {self.entity: obj, "user": self.request.user}
        if "version" in target.form_class.base_fields:
            kwargs["expected_version"] = _version(cleaned)
        cleaned.pop("version", None)
        return {**kwargs, **cleaned}


class ProjectAcceptanceTransition(AcceptanceTransition):
    """Records made on the project's acceptance page: the application, a team member, a round."""

    lookup = staticmethod(project_for_user)
    entity = "project"
    pk_url_kwarg = "project_id"
    targets = {
        "apply": Target(rule="acceptance.can_apply", service=services.application_create,
                        form_class=f.ApplicationForm, to_result=False,
                        success=_("Application drafted with the usual materials lines: complete it and submit it."),
                        title=_("Apply for acceptance (验收申请)"),
                        intro=_("§6.5.1: once implementation is finished, the contractor applies with its results and "
                                "the complete materials the contract requires.")),
        "team_add": Target(rule="acceptance.can_manage_team", service=services.team_member_add,
                           form_class=f.TeamMemberForm, success=_("Named to the acceptance team."),
                           title=_("Name a member of the acceptance team (验收小组)"),
                           intro=_("§5.3.1: the client's members of the project and invited experts of another "
                                   "organisation than the contractor; exactly one leader.")),
        "round_start": Target(rule="acceptance.can_start_round", service=services.round_start,
                              form_class=f.RoundStartForm, to_result=True, success=_("Acceptance round started."),
                              title=_("Start an acceptance round"),
                              intro=_("The first round once the materials are complete; a further round after a failed "
                                      "one, when its rectification tickets are closed.")),
    }

    def get_back_url(self, obj) -> str:
        return reverse("acceptance:project", args=[obj.pk])

    def get_form_kwargs(self, obj, target):
        return {"project": obj} if target.form_class is f.TeamMemberForm else {}

    def service_kwargs(self, obj, target, cleaned):
        if self.target == "apply":
            cleaned.pop("version", None)
        if self.target == "team_add":
            return {"project": obj, "user": self.request.user, "person": cleaned["person"],
                    "is_leader": cleaned["is_leader"]}
        return {"project": obj, "user": self.request.user, **cleaned}


class ApplicationTransition(AcceptanceTransition):
    lookup = staticmethod(selectors.application_for_user)
    entity = "application"
    targets = {
        "edit": Target(rule="acceptance.may_edit_application", state_rule="acceptance.can_edit_application",
                       service=services.application_update, form_class=f.ApplicationForm,
                       success=_("Application saved."), title=_("Edit the acceptance application")),
        "line_add": Target(rule="acceptance.may_edit_application", state_rule="acceptance.can_edit_application",
                           service=services.line_add, form_class=f.LineForm, files=True,
                           success=_("Materials line added."), title=_("Add a materials line")),
        "submit": Target(rule="acceptance.may_edit_application", state_rule="acceptance.can_edit_application",
                         service=services.application_submit, form_class=f.VersionForm, post_only=True,
                         success=_("Application submitted: the client reviews the materials.")),
        "review": Target(rule="acceptance.may_review_application", state_rule="acceptance.can_review_application",
                         service=services.application_review, form_class=f.ReviewForm,
                         success=_("Review recorded."), title=_("Review the acceptance materials"),
                         intro=_("§8.3.1: complete materials let the project enter acceptance (its gates are "
                                 "checked); otherwise say, line by line, what is missing.")),
    }

    def get_initial(self, obj, target):
        initial = super().get_initial(obj, target)
        if target.form_class is f.ApplicationForm:
            initial.update(results=obj.results, note=obj.note)
        return initial

    def get_form_kwargs(self, obj, target):
        return {"lines": list(obj.lines.all())} if target.form_class is f.ReviewForm else {}

    def service_kwargs(self, obj, target, cleaned):
        if self.target == "review":
            missing = {key.split("_", 1)[1]: cleaned.pop(key) for key in list(cleaned) if key.startswith("missing_")}
            return {"application": obj, "user": self.request.user, "complete": cleaned["complete"],
                    "note": cleaned["note"], "missing": missing, "expected_version": _version(cleaned)}
        if self.target == "line_add":
            cleaned.pop("version", None)
            return {"application": obj, "user": self.request.user, **cleaned}
        return super().service_kwargs(obj, target, cleaned)


class LineTransition(AcceptanceTransition):
    lookup = staticmethod(selectors.line_for_user)
    entity = "line"
    targets = {
        "edit": Target(rule="acceptance.may_edit_application", state_rule="acceptance.can_edit_application",
                       service=services.line_update, form_class=f.LineForm, files=True,
                       success=_("Materials line saved."), title=_("Edit the materials line")),
        "remove": Target(rule="acceptance.may_edit_application", state_rule="acceptance.can_edit_application",
                         service=services.line_remove, post_only=True, danger=True,
                         success=_("Materials line removed.")),
    }

    def get_back_url(self, obj) -> str:
        return reverse("acceptance:project", args=[obj.application.project_id]) + "#application"

    def get_project(self, obj):
        return obj.application.project

    def get_initial(self, obj, target):
        initial = super().get_initial(obj, target)
        if target.form_class is f.LineForm:
            initial.update(kind=obj.kind, title=obj.title, description=obj.description, required=obj.required,
                           record_ref=obj.record_ref, reference=obj.reference)
        return initial


class TeamMemberTransition(AcceptanceTransition):
    lookup = staticmethod(selectors.team_member_for_user)
    entity = "team_member"
    targets = {
        "leader": Target(rule="acceptance.may_manage_team", state_rule="acceptance.can_manage_team",
                         service=services.team_leader_set, post_only=True,
                         success=_("Leader of the acceptance team named.")),
        "remove": Target(rule="acceptance.may_manage_team", state_rule="acceptance.can_manage_team",
                         service=services.team_member_remove, post_only=True, danger=True,
                         success=_("Taken off the acceptance team.")),
    }

    def get_back_url(self, obj) -> str:
        return reverse("acceptance:project", args=[obj.project_id]) + "#team"


class RoundTransition(AcceptanceTransition):
    lookup = staticmethod(selectors.round_for_user)
    entity = "acceptance_round"
    targets = {
        "plan": Target(rule="acceptance.may_edit_plan", state_rule="acceptance.can_edit_plan",
                       service=services.round_plan_update, form_class=f.PlanForm,
                       success=_("Acceptance plan saved."), title=_("Acceptance plan (验收方案)"),
                       intro=_("§5.3.1: the content, the standards, the sampling ratio (at least the statutory floor: "
                               "5 %, 15 % for classified archives) and the schedule.")),
        "approve": Target(rule="acceptance.may_approve_plan", state_rule="acceptance.can_approve_plan",
                          service=services.round_plan_approve, form_class=f.VersionForm, post_only=True,
                          success=_("Acceptance plan approved.")),
        "open_inspection": Target(rule="acceptance.may_open_inspection", state_rule="acceptance.can_open_inspection",
                                  service=services.round_inspection_open, form_class=f.VersionForm, post_only=True,
                                  success=_("Acceptance inspections opened: enter the results on their pages.")),
        "report": Target(rule="acceptance.may_issue_report", state_rule="acceptance.can_issue_report",
                         service=services.round_report_issue, form_class=f.ReportForm,
                         success=_("Acceptance report issued: the team signs it."),
                         title=_("Acceptance report (验收报告)"),
                         intro=_("§8.3.2: the figures come from the decided inspections; the conclusion is 不合格 "
                                 "whenever an inspection was not accepted.")),
        "conclude": Target(rule="acceptance.may_conclude", state_rule="acceptance.can_conclude",
                           service=services.round_conclude, form_class=f.VersionForm, post_only=True,
                           success=_("Conclusion of the acceptance recorded.")),
        "problem": Target(rule="acceptance.may_record_problem", state_rule="acceptance.can_record_problem",
                          service=services.common_problem_record, form_class=f.ProblemForm,
                          success=_("Common problem recorded."), title=_("Record a common problem (共性问题)"),
                          intro=_("§5.3.2: common problems seen in the acceptance, with the control suggested for "
                                  "later projects.")),
    }

    def get_form_kwargs(self, obj, target):
        if target.form_class is f.PlanForm:
            from ..services.rounds import proposal_or_none

            floors = {}
            for service_type in obj.project.service_types:
                proposal = proposal_or_none(obj.project, service_type)
                if proposal is not None:
                    floors[service_type] = proposal["statutory_floor_rate"]
            return {"project": obj.project, "floors": floors}
        return {}

    def get_initial(self, obj, target):
        initial = super().get_initial(obj, target)
        if target.form_class is f.PlanForm:
            initial.update(plan_content=obj.plan_content, standards_note=obj.standards_note,
                           schedule_start=obj.schedule_start, schedule_end=obj.schedule_end,
                           standards=list(obj.standards.values_list("pk", flat=True)),
                           **{f"rate_{s.service_type}": s.floor_rate for s in obj.samplings.all()})
        elif target.form_class is f.ReportForm and obj.conclusion:
            initial.update(conclusion=obj.conclusion, problems=obj.problems, opinion=obj.opinion,
                           fail_reason=obj.fail_reason, rectification_due=obj.rectification_due)
        return initial

    def service_kwargs(self, obj, target, cleaned):
        if self.target == "plan":
            rates = {key.split("_", 1)[1]: cleaned.pop(key) for key in list(cleaned) if key.startswith("rate_")}
            return {"acceptance_round": obj, "user": self.request.user, "expected_version": _version(cleaned),
                    "rates": {k: v for k, v in rates.items() if v is not None}, **cleaned}
        return super().service_kwargs(obj, target, cleaned)
