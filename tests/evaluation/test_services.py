"""The evaluation's lifecycle: open on acceptance, draft, issue (frozen, signed), answer,
acknowledge or return; each transition legal and illegal, each wrong role, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.enums import DeadlineState
from apps.deadlines.models import Deadline
from apps.evaluation import selectors, services
from apps.evaluation.enums import EvaluationState, Grade
from apps.evaluation.models import QualityEvaluation, ScoreAdjustment
from apps.projects.enums import Phase
from apps.signatures.selectors import signatures_for
from tests.conftest import PASSWORD

from .builders import TEXTS, accepted, answered, issued, score_missing, written

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- opened on acceptance, 3 months (§5.3.3)

@pytest.mark.parametrize("accepted_on, due", [
    (dt.date(2026, 11, 30), dt.date(2027, 2, 28)),
    (dt.date(2026, 10, 31), dt.date(2027, 1, 31)),
    (dt.date(2027, 11, 30), dt.date(2028, 2, 29)),  # a leap year
    (dt.date(2026, 8, 31), dt.date(2026, 11, 30)),
])
def test_acceptance_opens_the_draft_with_a_deadline_three_months_later(world, accepted_on, due):
    evaluation = accepted(world, on=accepted_on)
    assert evaluation.state == EvaluationState.DRAFT
    deadline = Deadline.objects.get(project=world.project, kind="evaluation")
    assert deadline.due_date == due and deadline.counting == "months" and deadline.amount == 3
    assert deadline.base_date == accepted_on and deadline.responsible_org == world.client_org
    assert deadline.responsible_user == world.lead
    assert deadline.remind_on == due - dt.timedelta(days=14)  # a first reminder two weeks before


def test_a_second_acceptance_hook_keeps_the_evaluation(world):
    evaluation = accepted(world)
    assert services.evaluation_open_on_acceptance(project=world.project, user=world.lead) is None
    assert QualityEvaluation.objects.filter(project=world.project).count() == 1
    assert QualityEvaluation.objects.get().pk == evaluation.pk


def test_lead_starts_an_evaluation_when_none_was_opened(world):
    accepted(world)
    QualityEvaluation.objects.all().delete()
    evaluation = services.evaluation_start(project=world.project, user=world.lead)
    assert evaluation.state == EvaluationState.DRAFT
    with pytest.raises(DomainError) as exc:
        services.evaluation_start(project=world.project, user=world.lead)
    assert exc.value.code == "illegal_transition"


def test_no_evaluation_before_acceptance(world):
    with pytest.raises(PermissionDenied):
        services.evaluation_start(project=world.project, user=world.lead)


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator", "outsider"])
def test_only_the_lead_starts(world, who):
    accepted(world)
    QualityEvaluation.objects.all().delete()
    with pytest.raises(PermissionDenied):
        services.evaluation_start(project=world.project, user=getattr(world, who))
    assert not QualityEvaluation.objects.exists()


# ---------------------------------------------------------------- draft: text and scores

def test_client_staff_write_the_analysis(world):
    evaluation = accepted(world)
    evaluation = services.evaluation_edit(evaluation=evaluation, user=world.inspector, problems="问题一")
    assert evaluation.problems == "问题一" and evaluation.version == 2


@pytest.mark.parametrize("who", ["pm", "special", "regulator", "outsider", "acceptance"])
def test_others_cannot_write_the_analysis(world, who):
    evaluation = accepted(world)
    with pytest.raises(PermissionDenied):
        services.evaluation_edit(evaluation=evaluation, user=getattr(world, who), problems="x")
    evaluation.refresh_from_db()
    assert evaluation.problems == ""


def test_a_stale_version_is_refused(world):
    evaluation = accepted(world)
    services.evaluation_edit(evaluation=evaluation, user=world.lead, problems="一")
    with pytest.raises(DomainError) as exc:
        services.evaluation_edit(evaluation=evaluation, user=world.inspector, problems="二", expected_version=1)
    assert exc.value.code == "stale"


def test_a_control_character_in_a_single_line_is_refused_but_text_keeps_lines(world):
    evaluation = accepted(world)
    evaluation = services.evaluation_edit(evaluation=evaluation, user=world.lead, problems="一\n二")
    assert evaluation.problems == "一\n二"
    with pytest.raises(DomainError) as exc:
        services.evaluation_edit(evaluation=evaluation, user=world.lead, problems="坏\x00")
    assert exc.value.field == "problems"


def test_evaluator_scores_an_indicator_with_grounds(world):
    evaluation = accepted(world)
    evaluation = services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="cooperation",
                                           score="87.5", comment="配合积极。")
    row = next(r for r in selectors.current_sheet(evaluation)["rows"] if r["indicator"] == "cooperation")
    assert row["score"] == "87.50" and row["adjusted"] and row["comment"] == "配合积极。"
    # Changed, then taken back to the proposal.
    services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="cooperation", score="80",
                              comment="改为80。")
    assert ScoreAdjustment.objects.get().score == Decimal("80.00")
    services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="cooperation", score=None)
    assert not ScoreAdjustment.objects.exists()


@pytest.mark.parametrize("score", ["100.01", "-1", "abc", "1e3", "50.123", True, "NaN", "Infinity"])
def test_a_score_out_of_range_is_refused(world, score):
    evaluation = accepted(world)
    with pytest.raises(DomainError) as exc:
        services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="cooperation", score=score,
                                  comment="x")
    assert exc.value.field == "score"
    assert not ScoreAdjustment.objects.exists()


def test_a_score_needs_its_grounds_and_a_known_indicator(world):
    evaluation = accepted(world)
    with pytest.raises(DomainError) as exc:
        services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="cooperation", score="80",
                                  comment=" ")
    assert exc.value.field == "comment"
    with pytest.raises(DomainError) as exc:
        services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="nonsense", score="80",
                                  comment="x")
    assert exc.value.field == "indicator"


# ---------------------------------------------------------------- issue (frozen, signed)

def test_issue_freezes_figures_and_sheet_and_signs(world):
    evaluation = issued(world)
    assert evaluation.state == EvaluationState.ISSUED and evaluation.issued_by == world.lead
    assert evaluation.total_score is not None and evaluation.grade in Grade.values
    assert evaluation.figures["sampling"]["inspections"] == 0
    assert evaluation.sheet["total"] == str(evaluation.total_score)
    (signature,) = signatures_for(evaluation)
    assert signature.signer == world.lead and signature.meaning == "approve" and signature.is_valid
    assert Deadline.objects.get(kind="evaluation").state == DeadlineState.MET
    answer = Deadline.objects.get(kind="evaluation_answer")
    assert answer.state == DeadlineState.OPEN and answer.responsible_user == world.pm


def test_issue_needs_the_analysis_and_every_score(world):
    evaluation = accepted(world)
    with pytest.raises(DomainError) as exc:
        services.evaluation_issue(evaluation=evaluation, user=world.lead, password=PASSWORD)
    assert exc.value.field == "problems"
    evaluation = written(world)
    with pytest.raises(DomainError) as exc:
        services.evaluation_issue(evaluation=evaluation, user=world.lead, password=PASSWORD)
    assert exc.value.field == "score"
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.DRAFT and not signatures_for(evaluation)


def test_issue_with_a_wrong_password_issues_nothing(world):
    evaluation = score_missing(world, written(world, accepted(world)))
    with pytest.raises(DomainError) as exc:
        services.evaluation_issue(evaluation=evaluation, user=world.lead, password="wrong")
    assert exc.value.field == "password"
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.DRAFT


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator", "outsider"])
def test_only_the_lead_issues(world, who):
    evaluation = score_missing(world, written(world, accepted(world)))
    with pytest.raises(PermissionDenied):
        services.evaluation_issue(evaluation=evaluation, user=getattr(world, who), password=PASSWORD)
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.DRAFT


def test_an_issued_report_cannot_be_issued_edited_or_scored_again(world):
    evaluation = issued(world)
    for call in (lambda: services.evaluation_issue(evaluation=evaluation, user=world.lead, password=PASSWORD),
                 lambda: services.evaluation_edit(evaluation=evaluation, user=world.lead, problems="改"),
                 lambda: services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="cooperation",
                                                   score="10", comment="x")):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "illegal_transition"
    evaluation.refresh_from_db()
    assert evaluation.problems == TEXTS["problems"]


def test_a_closed_project_is_not_evaluated(world):
    evaluation = score_missing(world, written(world, accepted(world)))
    from apps.projects.models import Project

    Project.objects.filter(pk=world.project.pk).update(phase=Phase.CLOSED)
    evaluation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.evaluation_issue(evaluation=evaluation, user=world.lead, password=PASSWORD)


# ---------------------------------------------------------------- the contractor's answer (§10.1.3)

def test_contractor_answers_and_the_client_acknowledges(world):
    evaluation = answered(world)
    assert evaluation.state == EvaluationState.ANSWERED and evaluation.answered_by == world.pm
    assert Deadline.objects.get(kind="evaluation_answer").state == DeadlineState.MET
    evaluation = services.evaluation_acknowledge(evaluation=evaluation, user=world.inspector, comment="同意备案。")
    assert evaluation.state == EvaluationState.ACKNOWLEDGED and evaluation.acknowledged_by == world.inspector
    with pytest.raises(DomainError) as exc:
        services.evaluation_acknowledge(evaluation=evaluation, user=world.lead)
    assert exc.value.code == "illegal_transition"


def test_the_client_returns_an_answer_and_the_contractor_answers_again(world):
    evaluation = answered(world)
    evaluation = services.evaluation_return(evaluation=evaluation, user=world.lead, reason="未结合投诉分析短板。")
    assert evaluation.state == EvaluationState.ISSUED and evaluation.return_reason == "未结合投诉分析短板。"
    assert Deadline.objects.filter(kind="evaluation_answer", state=DeadlineState.OPEN).count() == 1
    evaluation = answered(world, evaluation)
    assert evaluation.state == EvaluationState.ANSWERED and evaluation.return_reason == ""


def test_return_needs_a_reason(world):
    evaluation = answered(world)
    with pytest.raises(DomainError) as exc:
        services.evaluation_return(evaluation=evaluation, user=world.lead, reason="")
    assert exc.value.field == "reason"


def test_acknowledge_and_return_are_refused_before_an_answer(world):
    evaluation = issued(world)
    for call in (lambda: services.evaluation_acknowledge(evaluation=evaluation, user=world.lead),
                 lambda: services.evaluation_return(evaluation=evaluation, user=world.lead, reason="x")):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "illegal_transition"


def test_the_scan_reminds_the_lead_of_the_evaluation(world):
    from apps.deadlines.services import deadlines_scan
    from apps.notifications.models import Notification

    accepted(world, on=dt.date(2026, 10, 5))  # due 2027-01-05
    deadlines_scan(today=dt.date(2027, 1, 6), email=False)
    assert Notification.objects.filter(recipient=world.lead, key__contains=":overdue:").exists()


def test_answer_is_refused_on_a_draft_and_twice(world):
    evaluation = accepted(world)
    with pytest.raises(DomainError) as exc:
        answered(world, evaluation)
    assert exc.value.code == "illegal_transition"
    evaluation = answered(world)
    with pytest.raises(DomainError) as exc:
        answered(world, evaluation)
    assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("who", ["lead", "special", "operator", "regulator", "outsider"])
def test_only_the_contractor_pm_answers(world, who):
    evaluation = issued(world)
    with pytest.raises(PermissionDenied):
        services.evaluation_answer(evaluation=evaluation, user=getattr(world, who), contractor_weaknesses="x",
                                   improvement_direction="y")
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.ISSUED


@pytest.mark.parametrize("who", ["pm", "regulator", "outsider"])
def test_only_client_staff_acknowledge_or_return(world, who):
    evaluation = answered(world)
    with pytest.raises(PermissionDenied):
        services.evaluation_acknowledge(evaluation=evaluation, user=getattr(world, who))
    with pytest.raises(PermissionDenied):
        services.evaluation_return(evaluation=evaluation, user=getattr(world, who), reason="x")


def test_the_answer_needs_its_text_and_a_submitted_plan_of_the_project(world):
    from tests.control.builders import improvement

    evaluation = issued(world)
    with pytest.raises(DomainError) as exc:
        services.evaluation_answer(evaluation=evaluation, user=world.pm, contractor_weaknesses="",
                                   improvement_direction="y")
    assert exc.value.field == "contractor_weaknesses"
    from apps.projects.models import Project

    Project.objects.filter(pk=world.project.pk).update(phase=Phase.WARRANTY)
    draft_plan = improvement(world)
    with pytest.raises(DomainError) as exc:
        answered(world, evaluation, plan=draft_plan)
    assert exc.value.field == "improvement_plan"
    from apps.control import services as control

    plan = control.improvement_plan_submit(improvement_plan=draft_plan, user=world.pm)
    evaluation = answered(world, evaluation, plan=plan)
    assert evaluation.improvement_plan == plan


def test_the_contractor_answers_after_the_project_is_closed(world):
    evaluation = issued(world)
    from apps.projects.models import Project

    Project.objects.filter(pk=world.project.pk).update(phase=Phase.CLOSED)
    evaluation.refresh_from_db()
    evaluation = answered(world, evaluation)
    assert evaluation.state == EvaluationState.ANSWERED


def test_history_names_who_and_why(world):
    evaluation = issued(world)
    row = evaluation.history.order_by("-history_id").first()
    assert row.history_user_id == world.lead.pk and row.history_change_reason
