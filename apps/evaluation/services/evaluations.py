"""The quality evaluation of a project (质量评估, §5.3.3, §8.3.3, §10.1)::

    acceptance passed ──► DRAFT (live figures; due 3 months after the acceptance)
                            │ edit text, score indicators (client staff)
                            └─issue (client lead, signs)──► ISSUED (figures and sheet frozen)
                                                              │ answer (contractor PM)
                                                              ▼
                                    ISSUED ◄──return── ANSWERED ──acknowledge──► ACKNOWLEDGED
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.history import delete_with_history, history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.deadlines.enums import Counting, DeadlineKind
from apps.projects.enums import Phase
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning

from .. import scoring, selectors
from ..enums import EvaluationState, Indicator
from ..figures import project_figures
from ..models import COMMENT_MAX, TEXT_MAX, QualityEvaluation, ScoreAdjustment
from .common import (
    ANSWER_WORKING_DAYS,
    CLIENT_LEAD,
    CLIENT_STAFF,
    CONTRACTOR_PM,
    DEADLINE_ANSWER,
    EVALUATION_MONTHS,
    EVALUATION_REMIND_DAYS,
    choice,
    close_deadlines,
    open_deadline,
    people,
    score_value,
)

TEXT_FIELDS = ("problems", "causes", "lessons", "weaknesses")


def _labels() -> dict:
    return {"problems": _("The quality problems and safety hazards"), "causes": _("The causes"),
            "lessons": _("The experience and lessons"), "weaknesses": _("The weak points of the management")}


def _create(project: Project, user) -> QualityEvaluation:
    evaluation = QualityEvaluation.objects.create(project=project, created_by=user)
    open_deadline(record=evaluation, project=project, kind=DeadlineKind.EVALUATION,
                  title=_("Quality evaluation within 3 months of the acceptance: %(project)s") % {
                      "project": project.name},
                  base_date=project.accepted_on, amount=EVALUATION_MONTHS, counting=Counting.MONTHS,
                  party_roles=CLIENT_LEAD, remind_days=EVALUATION_REMIND_DAYS, user=user)
    notify(recipients=people(project, CLIENT_STAFF), key=f"evaluation:{evaluation.pk}:opened",
           title=_("Quality evaluation of %(project)s due within 3 months of the acceptance") % {
               "project": project.name},
           link=evaluation.get_absolute_url(), project=project, kind="evaluation")
    return evaluation


def evaluation_open_on_acceptance(*, project: Project, user) -> QualityEvaluation | None:
    """Hook ``on_acceptance_passed``: the draft evaluation and its deadline, 3 months after the
    acceptance (§5.3.3). Called inside the acceptance's transaction; an evaluation started by hand
    before is kept."""
    if project.accepted_on is None or QualityEvaluation.objects.filter(project=project).exists():
        return None
    with history_context(user=user, reason=_("Quality evaluation opened on the acceptance")):
        return _create(project, user)


def evaluation_start(*, project: Project, user) -> QualityEvaluation:
    """The client lead starts the evaluation of an accepted project that has none (e.g. accepted
    before the evaluation module was in use)."""
    require("evaluation.may_start_evaluation", user, project)
    with transaction.atomic(), history_context(user=user, reason=_("Quality evaluation started")):
        locked = lock(project)
        if locked.phase == Phase.CLOSED or locked.accepted_on is None:
            raise DomainError(_("The evaluation starts once the project has passed acceptance."),
                              code="illegal_transition")
        if QualityEvaluation.objects.filter(project=locked).exists():
            raise DomainError(_("The project's evaluation has already been started."), code="illegal_transition")
        return _create(locked, user)


def _locked(evaluation: QualityEvaluation, states, message: str, expected_version=None) -> QualityEvaluation:
    locked = lock(evaluation, expected_version=expected_version, related=("project",))
    if locked.state not in states:
        raise DomainError(message % {"state": locked.get_state_display()}, code="illegal_transition")
    return locked


def _draft(evaluation: QualityEvaluation, expected_version=None) -> QualityEvaluation:
    locked = _locked(evaluation, (EvaluationState.DRAFT,),
                     _("The evaluation report can no longer be changed (%(state)s)."), expected_version)
    if locked.project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    return locked


def evaluation_edit(*, evaluation: QualityEvaluation, user, problems: str = "", causes: str = "", lessons: str = "",
                    weaknesses: str = "", expected_version: int | None = None) -> QualityEvaluation:
    """The client's own analysis (§10.1.1 问题分析报告): problems and hazards, causes, experience and
    lessons, the weak points of the management. May stay incomplete until the report is issued."""
    require("evaluation.may_edit_evaluation", user, evaluation)
    labels = _labels()
    values = {f: clean_text(v, field=f, label=labels[f], required=False, max_length=TEXT_MAX)
              for f, v in (("problems", problems), ("causes", causes), ("lessons", lessons),
                           ("weaknesses", weaknesses))}
    with transaction.atomic(), history_context(user=user):
        locked = _draft(evaluation, expected_version)
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        if changed:
            for f in changed:
                setattr(locked, f, values[f])
            locked.version += 1
            save_with_history(locked, reason=_("Evaluation report edited"),
                              update_fields=[*changed, "version", "updated_at"])
    return locked


def evaluation_score(*, evaluation: QualityEvaluation, user, indicator: str, score=None, comment: str = "",
                     expected_version: int | None = None) -> QualityEvaluation:
    """The evaluator scores one indicator of the sheet with the grounds; without a score the
    indicator goes back to the proposal read from the figures."""
    require("evaluation.may_edit_evaluation", user, evaluation)
    indicator = choice(indicator, Indicator, field="indicator", label=_("the indicator"))
    clear = score is None or score == ""
    if not clear:
        score = score_value(score)
        comment = clean_text(comment, field="comment", label=_("The grounds for the score"), max_length=COMMENT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _draft(evaluation, expected_version)
        weights = selectors.scheme_of(locked.project.client).weights
        if int(weights.get(indicator, 0) or 0) <= 0:
            raise DomainError(_("This indicator has no weight in the evaluation scheme."), field="indicator")
        existing = ScoreAdjustment.objects.filter(evaluation=locked, indicator=indicator).first()
        label = Indicator(indicator).label
        if clear:
            if existing is None:
                raise DomainError(_("This indicator has no score of the evaluator to remove."), field="score",
                                  code="unchanged")
            delete_with_history(existing, reason=_("Score removed: %(indicator)s") % {"indicator": label}, user=user)
        elif existing is None:
            ScoreAdjustment.objects.create(evaluation=locked, indicator=indicator, score=score, comment=comment,
                                           adjusted_by=user)
        else:
            existing.score, existing.comment, existing.adjusted_by = score, comment, user
            save_with_history(existing, reason=_("Score changed: %(indicator)s") % {"indicator": label},
                              update_fields=["score", "comment", "adjusted_by", "adjusted_at"])
        locked.version += 1
        save_with_history(locked, reason=_("Indicator scored: %(indicator)s") % {"indicator": label},
                          update_fields=["version", "updated_at"])
    return locked


def _check_password(evaluation: QualityEvaluation, user, password, request_ip) -> None:
    """Issuing is the lead's signature (签发): with a wrong password nothing is issued (the
    signatures app logs the failed attempt, which counts towards the lock-out)."""
    from apps.signatures.services import signature_sign

    if not isinstance(password, str) or not password:
        raise DomainError(_("Enter your password: issuing the report is your signature."), field="password")
    if not user.check_password(password):
        signature_sign(record=evaluation, user=user, password=password, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE, request_ip=request_ip)
        raise DomainError(_("Wrong password: nothing was signed."), field="password", code="bad_password")


def _check_complete(locked: QualityEvaluation, sheet: dict) -> None:
    labels = _labels()
    for f in TEXT_FIELDS:
        if not getattr(locked, f).strip():
            raise DomainError(_("%(label)s must be written before the report is issued.") % {"label": labels[f]},
                              field=f)
    missing = [str(Indicator(row["indicator"]).label) for row in sheet["rows"] if row["score"] is None]
    if missing:
        raise DomainError(_("Score these indicators before issuing: %(list)s.") % {"list": "、".join(missing)},
                          field="score")


def evaluation_issue(*, evaluation: QualityEvaluation, user, password: str, request_ip: str | None = None,
                     expected_version: int | None = None) -> QualityEvaluation:
    """The client lead issues the report (签发): the figures and the sheet are frozen as they are
    now, the lead signs, the gate ``evaluation_done`` is met and the contractor is asked for its
    answer (查找短板, §10.1.3)."""
    from apps.signatures.services import signature_sign

    require("evaluation.may_issue_evaluation", user, evaluation)
    _check_password(evaluation, user, password, request_ip)
    with transaction.atomic(), history_context(user=user):
        locked = _draft(evaluation, expected_version)
        figures = project_figures(locked.project)
        scheme = selectors.scheme_of(locked.project.client)
        sheet = scoring.build_sheet(figures=figures, weights=scheme.weights, bands=scheme.bands,
                                    scores=selectors.scores_of(locked))
        _check_complete(locked, sheet)
        locked.figures, locked.sheet = figures, sheet
        locked.total_score, locked.grade = sheet["total"], sheet["grade"]
        locked.state = EvaluationState.ISSUED
        locked.issued_by, locked.issued_at = user, timezone.now()
        locked.version += 1
        save_with_history(locked, reason=_("Evaluation report issued: %(total)s points") % {"total": sheet["total"]},
                          update_fields=["figures", "sheet", "total_score", "grade", "state", "issued_by",
                                         "issued_at", "version", "updated_at"])
        locked.refresh_from_db()  # the stored values (Decimal, JSON) are what is signed
        signature_sign(record=locked, user=user, password=password, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE, request_ip=request_ip)
        close_deadlines(locked, user, [DeadlineKind.EVALUATION])
        _ask_for_answer(locked, user)
    return locked


def _ask_for_answer(locked: QualityEvaluation, user, *, again: bool = False) -> None:
    project = locked.project
    open_deadline(record=locked, project=project, kind=DEADLINE_ANSWER,
                  title=_("Answer the quality evaluation (查找短板): %(project)s") % {"project": project.name},
                  base_date=timezone.localdate(), amount=ANSWER_WORKING_DAYS, counting=Counting.WORKING_DAYS,
                  party_roles=CONTRACTOR_PM, user=user)
    title = (_("The answer to the quality evaluation of %(project)s was returned: answer again")
             if again else _("Quality evaluation of %(project)s issued: %(total)s points, %(grade)s"))
    notify(recipients=people(project, CONTRACTOR_PM),
           key=f"evaluation:{locked.pk}:{'returned' if again else 'issued'}:{locked.version}",
           title=title % {"project": project.name, "total": locked.total_score, "grade": locked.get_grade_display()},
           body=locked.return_reason if again else "", link=locked.get_absolute_url(), project=project,
           kind="evaluation")


def _plan_of(project: Project, plan):
    """An improvement plan of the project that the contractor has submitted to the client."""
    from apps.control.enums import ImprovementState
    from apps.control.models import ImprovementPlan

    if plan is None or plan == "":
        return None
    plan_id = getattr(plan, "pk", plan)
    found = ImprovementPlan.objects.filter(pk=plan_id, project=project).exclude(
        state=ImprovementState.DRAFT).first() if str(plan_id).isdigit() else None
    if found is None:
        raise DomainError(_("Choose an improvement plan of this project that has been submitted to the client."),
                          field="improvement_plan")
    return found


def evaluation_answer(*, evaluation: QualityEvaluation, user, contractor_weaknesses: str, improvement_direction: str,
                      improvement_plan=None, expected_version: int | None = None) -> QualityEvaluation:
    """§10.1.3: the contractor finds its own weak points (查找短板) and states the direction and focus
    of its improvement, with its improvement plan (§10.2, apps.control), filed with the client."""
    require("evaluation.may_answer_evaluation", user, evaluation)
    weaknesses = clean_text(contractor_weaknesses, field="contractor_weaknesses",
                            label=_("The weak points found"), max_length=TEXT_MAX)
    direction = clean_text(improvement_direction, field="improvement_direction",
                           label=_("The direction and focus of the improvement"), max_length=TEXT_MAX)
    plan = _plan_of(evaluation.project, improvement_plan)
    with transaction.atomic(), history_context(user=user):
        locked = _locked(evaluation, (EvaluationState.ISSUED,),
                         _("The evaluation report is not awaiting the contractor's answer (%(state)s)."),
                         expected_version)
        locked.contractor_weaknesses, locked.improvement_direction = weaknesses, direction
        locked.improvement_plan = plan
        locked.answered_by, locked.answered_at = user, timezone.now()
        locked.return_reason = ""
        locked.state = EvaluationState.ANSWERED
        locked.version += 1
        save_with_history(locked, reason=_("Answered by the contractor and filed with the client"),
                          update_fields=["contractor_weaknesses", "improvement_direction", "improvement_plan",
                                         "answered_by", "answered_at", "return_reason", "state", "version",
                                         "updated_at"])
        close_deadlines(locked, user, [DEADLINE_ANSWER])
        notify(recipients=people(locked.project, CLIENT_STAFF), key=f"evaluation:{locked.pk}:answered:{locked.version}",
               title=_("The contractor answered the quality evaluation of %(project)s") % {
                   "project": locked.project.name},
               body=weaknesses, link=locked.get_absolute_url(), project=locked.project, kind="evaluation")
    return locked


def evaluation_acknowledge(*, evaluation: QualityEvaluation, user, comment: str = "",
                           expected_version: int | None = None) -> QualityEvaluation:
    """The client acknowledges the contractor's answer (备案)."""
    require("evaluation.may_acknowledge_answer", user, evaluation)
    comment = clean_text(comment, field="comment", label=_("The comments"), required=False, max_length=COMMENT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _locked(evaluation, (EvaluationState.ANSWERED,),
                         _("There is no answer awaiting acknowledgement (%(state)s)."), expected_version)
        locked.state = EvaluationState.ACKNOWLEDGED
        locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        locked.acknowledgement_comment = comment
        locked.version += 1
        save_with_history(locked, reason=_("The contractor's answer acknowledged and filed"),
                          update_fields=["state", "acknowledged_by", "acknowledged_at", "acknowledgement_comment",
                                         "version", "updated_at"])
        notify(recipients=people(locked.project, CONTRACTOR_PM), key=f"evaluation:{locked.pk}:acknowledged",
               title=_("Your answer to the quality evaluation of %(project)s is filed") % {
                   "project": locked.project.name},
               body=comment, link=locked.get_absolute_url(), project=locked.project, kind="evaluation")
    return locked


def evaluation_return(*, evaluation: QualityEvaluation, user, reason: str,
                      expected_version: int | None = None) -> QualityEvaluation:
    """The client returns an answer that does not find the weak points or lacks the improvement."""
    require("evaluation.may_acknowledge_answer", user, evaluation)
    reason = clean_text(reason, field="reason", label=_("The reason for returning"), max_length=COMMENT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _locked(evaluation, (EvaluationState.ANSWERED,),
                         _("There is no answer awaiting acknowledgement (%(state)s)."), expected_version)
        locked.state = EvaluationState.ISSUED
        locked.return_reason = reason
        locked.version += 1
        save_with_history(locked, reason=_("Answer returned to the contractor: %(r)s") % {"r": reason},
                          update_fields=["state", "return_reason", "version", "updated_at"])
        _ask_for_answer(locked, user, again=True)
    return locked
