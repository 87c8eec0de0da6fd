"""Reads of the quality evaluation and the breaches, always scoped to what the person may see
(outsiders get 404); the gate ``evaluation_done`` and the Annex A readings. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organization
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from . import scoring, stats
from .enums import GRADE_PRINTED, ISSUED_STATES, BreachState, EvaluationState, Grade
from .figures import project_figures
from .models import Breach, EvaluationScheme, QualityEvaluation, may_see_draft

# ---------------------------------------------------------------- the scheme of a client organisation

@dataclass(frozen=True)
class Scheme:
    """The weights and bands in force for a client organisation (its own, or the default)."""

    weights: dict
    bands: dict
    record: EvaluationScheme | None

    @property
    def is_default(self) -> bool:
        return self.record is None


def scheme_of(organization: Organization) -> Scheme:
    record = EvaluationScheme.objects.filter(organization=organization).first()
    if record is None:
        return Scheme(weights=dict(scoring.DEFAULT_WEIGHTS), bands=dict(scoring.DEFAULT_BANDS), record=None)
    return Scheme(weights=dict(record.weights), bands={"excellent_from": record.excellent_from,
                                                       "good_from": record.good_from, "pass_from": record.pass_from},
                  record=record)


def organization_for_scheme(user, pk) -> Organization:
    """A client organisation whose scheme the person may see (its own people): 404 otherwise."""
    from apps.core.permissions import allowed

    org = Organization.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if org is None or not allowed("evaluation.may_view_scheme", user, org):
        raise Http404
    return org


# ---------------------------------------------------------------- the evaluation

def evaluation_of(project: Project) -> QualityEvaluation | None:
    return (QualityEvaluation.objects.filter(project=project)
            .select_related("project", "project__client", "project__contractor", "created_by", "issued_by",
                            "answered_by", "acknowledged_by", "improvement_plan").first())


def visible_evaluation(user, project: Project) -> QualityEvaluation | None:
    """The project's evaluation as the person may see it: a draft only on the client's side."""
    evaluation = evaluation_of(project)
    if evaluation is None or (evaluation.is_draft and not may_see_draft(user, project)):
        return None
    return evaluation


def evaluation_for_user(user, pk) -> QualityEvaluation:
    """An evaluation of a visible project (a draft only for the client's side); 404 otherwise."""
    try:
        evaluation = QualityEvaluation.objects.select_related("project", "project__client", "project__contractor").get(
            pk=pk, project__in=projects_visible_to(user).values("pk"))
    except (QualityEvaluation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if evaluation.is_draft and not may_see_draft(user, evaluation.project):
        raise Http404
    return evaluation


def scores_of(evaluation: QualityEvaluation) -> dict:
    return {a.indicator: (a.score, a.comment) for a in evaluation.adjustments.all()}


def current_figures(evaluation: QualityEvaluation) -> dict:
    """Frozen once issued; live while a draft."""
    return evaluation.figures if evaluation.is_issued else project_figures(evaluation.project)


def current_sheet(evaluation: QualityEvaluation, figures: dict | None = None) -> dict:
    if evaluation.is_issued:
        return evaluation.sheet
    figures = figures if figures is not None else current_figures(evaluation)
    scheme = scheme_of(evaluation.project.client)
    return scoring.build_sheet(figures=figures, weights=scheme.weights, bands=scheme.bands,
                               scores=scores_of(evaluation))


def report(evaluation: QualityEvaluation) -> dict:
    """What the page and the PDF show: the figures, the sheet with its rows ready to display."""
    figures = current_figures(evaluation)
    sheet = current_sheet(evaluation, figures)
    total = stats.as_decimal(sheet.get("total"))
    return {"figures": figures, "sheet": sheet, "rows": scoring.sheet_rows_for_display(sheet, figures),
            "total": total, "grade": sheet.get("grade") or "",
            "grade_label": Grade(sheet["grade"]).label if sheet.get("grade") else "",
            "grade_printed": GRADE_PRINTED.get(sheet.get("grade") or "", ""),
            "bands": sheet.get("bands") or {}}


def evaluations_of_contractor(contractor: Organization) -> QuerySet[QualityEvaluation]:
    return QualityEvaluation.objects.filter(project__contractor=contractor, state__in=ISSUED_STATES)


# ---------------------------------------------------------------- breaches

def breaches_of(project: Project) -> QuerySet[Breach]:
    return Breach.objects.filter(project=project).select_related("recorded_by", "withdrawn_by").order_by("-number")


def breach_for_user(user, pk) -> Breach:
    try:
        return Breach.objects.select_related("project", "project__client", "project__contractor", "recorded_by",
                                             "withdrawn_by").get(pk=pk,
                                                                 project__in=projects_visible_to(user).values("pk"))
    except (Breach.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def active_breaches(project: Project) -> QuerySet[Breach]:
    return Breach.objects.filter(project=project, state=BreachState.RECORDED)


# ---------------------------------------------------------------- gate and Annex A

def evaluation_done(project: Project) -> bool:
    """Gate ``evaluation_done`` (§5.3.3, §10.1): the client lead issued the evaluation report with its
    score. The contractor's answer is not needed to close the project (docs/evaluation.md)."""
    return QualityEvaluation.objects.filter(project=project, state__in=ISSUED_STATES).exists()


def _project_url(project: Project) -> str:
    return reverse("evaluation:project", args=[project.pk])


def evaluation_evidence(project: Project) -> tuple[str, str] | None:
    evaluation = QualityEvaluation.objects.filter(project=project).first()
    if evaluation is None:
        return None
    if evaluation.is_draft:
        return _("Evaluation report being drafted"), _project_url(project)
    return (_("Evaluation report issued on %(day)s: %(total)s points, %(grade)s") % {
        "day": timezone.localdate(evaluation.issued_at).isoformat(), "total": evaluation.total_score,
        "grade": evaluation.get_grade_display()}, _project_url(project))


def read_problem_summary(project: Project, today: dt.date):
    """问题总结: the client's analysis is in the issued report; the contractor's own (查找短板) is its
    answer: done once answered, due while awaited."""
    from apps.projects.annex_a import StepReading
    from apps.projects.enums import TaskStatus

    evaluation = QualityEvaluation.objects.filter(project=project).first()
    if evaluation is None or evaluation.is_draft:
        return StepReading(None, _("Evaluation report not issued yet"), _project_url(project))
    if evaluation.state == EvaluationState.ISSUED:
        return StepReading(TaskStatus.DUE, _("Report issued; the contractor's answer (查找短板) is awaited"),
                           _project_url(project))
    if evaluation.state == EvaluationState.ANSWERED:
        return StepReading(TaskStatus.DUE, _("The contractor answered; the client's acknowledgement is awaited"),
                           _project_url(project))
    return StepReading(TaskStatus.DONE, _("Report issued and the contractor's answer filed"), _project_url(project))


def read_continuous_improvement(project: Project, today: dt.date):
    """持续改进: the improvement plan the contractor's answer links (apps.control), to its verification."""
    from apps.control.enums import ImprovementState
    from apps.projects.annex_a import StepReading
    from apps.projects.enums import TaskStatus

    evaluation = QualityEvaluation.objects.filter(project=project).select_related("improvement_plan").first()
    plan = evaluation.improvement_plan if evaluation is not None else None
    if plan is None:
        return StepReading(None, _("No improvement plan linked to the evaluation yet"), _project_url(project))
    label = _("%(plan)s: %(state)s") % {"plan": plan, "state": plan.get_state_display()}
    url = plan.get_absolute_url()
    if plan.state == ImprovementState.VERIFIED:
        return StepReading(TaskStatus.DONE, label, url)
    if plan.deadline < today and plan.state != ImprovementState.COMPLETED:
        return StepReading(TaskStatus.OVERDUE, label, url)
    return StepReading(TaskStatus.DUE, label, url)
