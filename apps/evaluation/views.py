"""Pages of the quality evaluation: the project's evaluation (report, score sheet, the contractor's
answer, breaches), the transitions (one view class per record, a row per target), the client
organisation's scoring scheme and the contractor performance record. Views are thin: scoped
lookup (404), rule (403), form, one service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.history import client_ip
from apps.core.permissions import allowed
from apps.core.transitions import ConfirmForm, Target, TransitionView
from apps.projects.annex_a import evaluation_due
from apps.projects.selectors import project_for_user

from . import display, forms, performance, scoring, selectors, services
from .enums import Indicator
from .printing import FORM_CODE


def _flags(user, project, evaluation) -> dict:
    flags = {"can_start": evaluation is None and allowed("evaluation.may_start_evaluation", user, project),
             "can_record_breach": allowed("evaluation.may_record_breach", user, project)}
    for name in ("edit", "issue", "answer"):
        flags[f"can_{name}"] = evaluation is not None and allowed(f"evaluation.can_{name}_evaluation", user,
                                                                   evaluation)
    flags["can_acknowledge"] = evaluation is not None and allowed("evaluation.can_acknowledge_answer", user,
                                                                  evaluation)
    return flags


@login_required
def project_page(request, project_id):
    """评估改进 of one project: the evaluation report (a draft only for the client), its score sheet
    and the contractor's answer, and the breaches of contract."""
    project = project_for_user(request.user, project_id)
    evaluation = selectors.visible_evaluation(request.user, project)
    context = {"project": project, "evaluation": evaluation, "due": evaluation_due(project),
               "drafting": evaluation is None and selectors.evaluation_of(project) is not None,
               "breaches": list(selectors.breaches_of(project)),
               "scheme": selectors.scheme_of(project.client), **_flags(request.user, project, evaluation)}
    if evaluation is not None:
        report = selectors.report(evaluation)
        context.update(report=report, tables=display.tables(report["figures"]),
                       pdf_url=reverse("reports:form", args=[FORM_CODE, evaluation.pk]))
    if selectors.may_see_draft(request.user, project):
        context["scheme_url"] = reverse("evaluation:scheme", args=[project.client_id])
    return render(request, "evaluation/project.html", context)


class EvaluationTransitionBase(TransitionView):
    template_name = "evaluation/form.html"

    def service_kwargs(self, obj, target, cleaned: dict) -> dict:
        version = cleaned.pop("version", None)
        kwargs = super().service_kwargs(obj, target, cleaned)
        if "version" in target.form_class.base_fields:
            kwargs["expected_version"] = version
        return kwargs

    def get_back_url(self, obj) -> str:
        project = getattr(obj, "project", obj)
        return reverse("evaluation:project", args=[project.pk])


class EvaluationTransition(EvaluationTransitionBase):
    """The report: edit and issue (the client), answer (the contractor), acknowledge or return
    the answer (the client)."""

    lookup = staticmethod(selectors.evaluation_for_user)
    entity = "evaluation"
    targets = {
        "edit": Target(
            rule="evaluation.may_edit_evaluation", state_rule="evaluation.can_edit_evaluation",
            service=services.evaluation_edit, form_class=forms.EvaluationTextForm,
            success=_("Evaluation report saved."), title=_("Problem analysis (问题分析)"),
            intro=_("§10.1.1: the quality problems, safety hazards and weak points of the management, their causes, "
                    "and the experience gained. All four are needed before the report is issued.")),
        "issue": Target(
            rule="evaluation.may_issue_evaluation", state_rule="evaluation.can_issue_evaluation",
            service=services.evaluation_issue, form_class=forms.IssueForm,
            success=_("Evaluation report issued and signed; the contractor is asked for its answer."),
            title=_("Issue the evaluation report (签发)"),
            intro=_("The figures and the score sheet are frozen as they are now and your signature is put on the "
                    "report. It cannot be changed afterwards.")),
        "answer": Target(
            rule="evaluation.may_answer_evaluation", state_rule="evaluation.can_answer_evaluation",
            service=services.evaluation_answer, form_class=forms.AnswerForm,
            success=_("Answer filed with the client."), title=_("Answer the evaluation (查找短板)"),
            intro=_("§10.1.3: from the report, find the weak points of your service and state the direction and "
                    "focus of the improvement, with your improvement plan (§10.2).")),
        "acknowledge": Target(
            rule="evaluation.may_acknowledge_answer", state_rule="evaluation.can_acknowledge_answer",
            service=services.evaluation_acknowledge, form_class=forms.CommentForm,
            success=_("The contractor's answer is acknowledged and filed."),
            title=_("Acknowledge the contractor's answer (备案)")),
        "return": Target(
            rule="evaluation.may_acknowledge_answer", state_rule="evaluation.can_acknowledge_answer",
            service=services.evaluation_return, form_class=forms.ReasonForm, danger=True,
            success=_("Answer returned to the contractor."), title=_("Return the contractor's answer")),
    }

    def get_form_kwargs(self, obj, target) -> dict:
        return {"project": obj.project} if target.form_class is forms.AnswerForm else {}

    def get_initial(self, obj, target) -> dict:
        initial = {"version": obj.version}
        if self.target == "edit":
            initial.update({f: getattr(obj, f) for f in services.evaluations.TEXT_FIELDS})
        if self.target == "answer" and obj.contractor_weaknesses:
            initial.update(contractor_weaknesses=obj.contractor_weaknesses,
                           improvement_direction=obj.improvement_direction, improvement_plan=obj.improvement_plan_id)
        return initial

    def service_kwargs(self, obj, target, cleaned: dict) -> dict:
        kwargs = super().service_kwargs(obj, target, cleaned)
        if self.target == "issue":
            kwargs["request_ip"] = client_ip(self.request)
        return kwargs


class ScoreTransition(EvaluationTransitionBase):
    """The evaluator's score of one indicator (``<indicator>`` in the URL)."""

    lookup = staticmethod(selectors.evaluation_for_user)
    entity = "evaluation"
    targets = {
        "score": Target(
            rule="evaluation.may_edit_evaluation", state_rule="evaluation.can_edit_evaluation",
            service=services.evaluation_score, form_class=forms.ScoreForm, success=_("Score saved."),
            title=_("Score an indicator")),
    }

    def get_object(self):
        if self.kwargs.get("indicator") not in Indicator.values:
            raise Http404
        return super().get_object()

    def get_initial(self, obj, target) -> dict:
        given = selectors.scores_of(obj).get(self.kwargs["indicator"])
        initial = {"version": obj.version}
        if given:
            initial.update(score=given[0], comment=given[1])
        return initial

    def service_kwargs(self, obj, target, cleaned: dict) -> dict:
        kwargs = super().service_kwargs(obj, target, cleaned)
        kwargs["indicator"] = self.kwargs["indicator"]
        return kwargs

    def get_context_data(self, **context) -> dict:
        evaluation = context["record"]
        spec = scoring.SPECS[self.kwargs["indicator"]]
        report = selectors.report(evaluation)
        row = next((r for r in report["rows"] if r["indicator"] == spec.code), None)
        context["title"] = _("Score: %(indicator)s") % {"indicator": spec.label}
        lines = [str(spec.rule)]
        if row is not None and spec.measurable:
            lines.insert(0, _("Measured: %(m)s; proposed score: %(p)s") % {
                "m": row["measured"], "p": row["proposed"] or "—"})
        context["intro"] = "\n".join(lines)
        return context


class ProjectEvaluationTransition(EvaluationTransitionBase):
    """Records made on the project's evaluation page: start the evaluation, record a breach."""

    lookup = staticmethod(project_for_user)
    entity = "project"
    pk_url_kwarg = "project_id"
    targets = {
        "start": Target(
            rule="evaluation.may_start_evaluation", service=services.evaluation_start, form_class=ConfirmForm,
            success=_("Quality evaluation started."), post_only=True),
        "breach": Target(
            rule="evaluation.may_record_breach", service=services.breach_record, form_class=forms.BreachForm,
            files=True, to_result=True, success=_("Breach of contract recorded."),
            title=_("Record a breach of contract (违约)"),
            intro=_("§5.2.3 追究违约责任: the ground, what the contractor did or failed to do, when, and the "
                    "evidence. The breach counts in the contractor's performance record.")),
    }


class BreachTransition(EvaluationTransitionBase):
    lookup = staticmethod(selectors.breach_for_user)
    entity = "breach"
    targets = {
        "withdraw": Target(
            rule="evaluation.may_withdraw_breach", state_rule="evaluation.can_withdraw_breach",
            service=services.breach_withdraw, form_class=forms.ReasonForm, danger=True,
            success=_("Breach withdrawn; it no longer counts."), title=_("Withdraw the breach of contract")),
    }

    def get_initial(self, obj, target) -> dict:
        return {"version": obj.version}

    def get_back_url(self, obj) -> str:
        return obj.get_absolute_url()


@login_required
def breach_detail(request, pk):
    breach = selectors.breach_for_user(request.user, pk)
    return render(request, "evaluation/breach.html", {
        "project": breach.project, "breach": breach,
        "can_withdraw": allowed("evaluation.can_withdraw_breach", request.user, breach)})


# ---------------------------------------------------------------- the scoring scheme

@login_required
def scheme_page(request, org_id):
    organization = selectors.organization_for_scheme(request.user, org_id)
    scheme = selectors.scheme_of(organization)
    rows = [{"label": spec.label, "rule": spec.rule, "measurable": spec.measurable,
             "weight": int(scheme.weights.get(code, 0) or 0)} for code, spec in scoring.SPECS.items()]
    return render(request, "evaluation/scheme.html", {
        "organization": organization, "scheme": scheme, "rows": rows,
        "may_manage": allowed("evaluation.may_manage_scheme", request.user, organization)})


class SchemeTransition(EvaluationTransitionBase):
    lookup = staticmethod(selectors.organization_for_scheme)
    entity = "organization"
    pk_url_kwarg = "org_id"
    targets = {
        "edit": Target(
            rule="evaluation.may_manage_scheme", service=services.scheme_save, form_class=forms.SchemeForm,
            success=_("Evaluation scheme saved; drafts are scored with it from now on."),
            title=_("Evaluation scheme (履约评估方案)"),
            intro=_("The weight of each indicator, in whole numbers adding up to 100 (0 leaves it out), and the "
                    "lowest total of each grade. The standard names the inputs of the evaluation, not the weights. "
                    "Reports already issued keep the scheme they were issued with.")),
    }

    def get_project(self, obj):
        return None

    def get_back_url(self, obj) -> str:
        return reverse("evaluation:scheme", args=[obj.pk])

    def get_initial(self, obj, target) -> dict:
        scheme = selectors.scheme_of(obj)
        initial = {f"w_{code}": int(scheme.weights.get(code, 0) or 0) for code in Indicator.values}
        initial.update(scheme.bands)
        initial["version"] = scheme.record.version if scheme.record else None
        return initial

    def service_kwargs(self, obj, target, cleaned: dict) -> dict:
        weights = {code: cleaned.pop(f"w_{code}") or 0 for code in Indicator.values}
        kwargs = super().service_kwargs(obj, target, cleaned)
        kwargs["weights"] = weights
        return kwargs


# ---------------------------------------------------------------- the contractor performance record

@login_required
def performance_list(request):
    records = performance.contractor_records(request.user)
    if records is None:
        raise Http404
    return render(request, "evaluation/performance_list.html", {"records": records})


@login_required
def performance_detail(request, org_id):
    organization, record, rows = performance.contractor_record(request.user, org_id)
    return render(request, "evaluation/performance.html", {
        "organization": organization, "record": record, "rows": rows})
