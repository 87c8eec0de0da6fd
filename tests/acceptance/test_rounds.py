"""Rounds, plan, inspection, report and conclusion (§5.3.1–5.3.2, §8.3.2), the three-round rule
and its override, the gates read from the records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.acceptance import selectors, services
from apps.acceptance.enums import RoundState
from apps.acceptance.models import AcceptanceRound, CommonProblem, TeamMember
from apps.accounts.enums import Party
from apps.control.models import RiskReassessmentRequest
from apps.core.errors import DomainError, PermissionDenied
from apps.inspections.models import CheckItem
from apps.projects import services as project_services
from apps.projects.enums import Phase
from apps.projects.gates import registry
from apps.projects.models import GateAttestation, Project
from apps.rectification.enums import ReportKind, TicketSource, TicketState
from apps.rectification.models import RectificationTicket, RegulatorReport
from apps.signatures.services import signature_sign

from ..conftest import PASSWORD
from .builders import (
    close_tickets,
    concluded_round,
    fail_round,
    inspected_round,
    into_acceptance,
    name_team,
    pass_acceptance,
    planned_round,
    sign_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(w):
    """The project in acceptance, its team named."""
    into_acceptance(w)
    name_team(w)
    return w


def _round(w):
    return services.round_start(project=w.project, user=w.lead)


# ---------------------------------------------------------------- start and plan

def test_a_round_starts_only_once_the_materials_are_complete(w):
    from .builders import apply, ready_to_apply

    ready_to_apply(w)
    apply(w)
    Project.objects.filter(pk=w.project.pk).update(phase=Phase.ACCEPTANCE)
    w.project.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        _round(w)
    assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("who", ["inspector", "acceptance", "pm", "regulator"])
def test_only_the_lead_starts_a_round(ready, who):
    with pytest.raises(PermissionDenied):
        services.round_start(project=ready.project, user=getattr(ready, who))
    assert not AcceptanceRound.objects.exists()


def test_the_round_proposes_the_statutory_floor_and_one_round_at_a_time(ready):
    acceptance_round = _round(ready)
    assert acceptance_round.number == 1 and acceptance_round.state == RoundState.PLANNING
    assert [(s.service_type, s.floor_rate) for s in acceptance_round.samplings.all()] == [
        ("digitization", Decimal("5.00"))]
    with pytest.raises(DomainError) as exc:
        _round(ready)
    assert exc.value.code == "illegal_transition"


def test_the_plan_refuses_a_ratio_below_the_floor_and_foreign_check_items(ready):
    acceptance_round = _round(ready)
    kwargs = dict(acceptance_round=acceptance_round, user=ready.lead, plan_content="内容")
    with pytest.raises(DomainError) as exc:
        services.round_plan_update(**kwargs, rates={"digitization": Decimal("4.99")})
    assert exc.value.field == "rate_digitization"
    with pytest.raises(DomainError) as exc:
        services.round_plan_update(**kwargs, rates={"storage": Decimal(10)})
    assert exc.value.field == "rates"
    with pytest.raises(DomainError) as exc:
        services.round_plan_update(**kwargs, rates={"digitization": Decimal(10)}, standards=[999999])
    assert exc.value.field == "standards"
    with pytest.raises(DomainError) as exc:
        services.round_plan_update(**kwargs, rates={"digitization": Decimal(10)},
                                   schedule_start=dt.date(2027, 1, 5), schedule_end=dt.date(2027, 1, 4))
    assert exc.value.field == "schedule_end"
    item = CheckItem.objects.filter(project=ready.project, service_type="digitization").first()
    updated = services.round_plan_update(**kwargs, rates={"digitization": Decimal(20)}, standards=[item.pk])
    assert updated.samplings.get().floor_rate == Decimal("20.00")
    assert list(updated.standards.all()) == [item]


def test_classified_projects_sample_at_least_15_percent(ready):
    Project.objects.filter(pk=ready.project.pk).update(confidentiality="classified")
    ready.project.refresh_from_db()
    acceptance_round = _round(ready)
    assert acceptance_round.samplings.get().floor_rate == Decimal("15.00")
    with pytest.raises(DomainError) as exc:
        services.round_plan_update(acceptance_round=acceptance_round, user=ready.lead, plan_content="内容",
                                   rates={"digitization": Decimal(10)})
    assert exc.value.field == "rate_digitization"


def test_the_team_leader_drafts_the_plan_a_member_does_not(ready):
    acceptance_round = _round(ready)
    services.team_leader_set(team_member=TeamMember.objects.get(user=ready.expert), user=ready.lead)
    services.round_plan_update(acceptance_round=acceptance_round, user=ready.expert, plan_content="专家起草",
                               rates={"digitization": Decimal(5)})
    for who in (ready.acceptance, ready.pm, ready.inspector):
        with pytest.raises(PermissionDenied):
            services.round_plan_update(acceptance_round=acceptance_round, user=who, plan_content="x",
                                       rates={"digitization": Decimal(5)})


def test_approving_needs_a_complete_plan_and_the_lead(ready):
    acceptance_round = _round(ready)
    with pytest.raises(DomainError) as exc:
        services.round_plan_approve(acceptance_round=acceptance_round, user=ready.lead)
    assert exc.value.code == "invalid" and "the content" in str(exc.value) and "the schedule" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.round_plan_approve(acceptance_round=acceptance_round, user=ready.expert)


def test_the_plan_is_fixed_once_approved(ready):
    acceptance_round = planned_round(ready)
    assert acceptance_round.state == RoundState.PLANNED
    with pytest.raises(DomainError) as exc:
        services.round_plan_update(acceptance_round=acceptance_round, user=ready.lead, plan_content="改",
                                   rates={"digitization": Decimal(5)})
    assert exc.value.code == "illegal_transition"
    with pytest.raises(DomainError) as exc:
        services.round_plan_approve(acceptance_round=acceptance_round, user=ready.lead)
    assert exc.value.code == "illegal_transition"


# ---------------------------------------------------------------- inspection

def test_opening_creates_one_acceptance_inspection_per_service_type(ready):
    acceptance_round = planned_round(ready, rate=Decimal(10))
    with pytest.raises(PermissionDenied):
        services.round_inspection_open(acceptance_round=acceptance_round, user=ready.pm)
    opened = services.round_inspection_open(acceptance_round=acceptance_round, user=ready.expert)
    assert opened.state == RoundState.INSPECTING
    inspection = opened.samplings.get().inspection
    assert inspection.is_acceptance and inspection.label == "Round 1 acceptance · Digitization".replace(
        "Digitization", inspection.get_service_type_display())
    assert inspection.sample_size >= 6  # 10 % of 60 items
    with pytest.raises(DomainError) as exc:
        services.round_inspection_open(acceptance_round=opened, user=ready.lead)
    assert exc.value.code == "illegal_transition"


def test_the_inspection_is_opened_only_after_the_plan_is_approved(ready):
    acceptance_round = _round(ready)
    with pytest.raises(DomainError) as exc:
        services.round_inspection_open(acceptance_round=acceptance_round, user=ready.lead)
    assert exc.value.code == "illegal_transition"


# ---------------------------------------------------------------- report and conclusion

def _report(w, acceptance_round, **kwargs):
    values = dict(acceptance_round=acceptance_round, user=w.lead, conclusion="pass", opinion="意见")
    values.update(kwargs)
    return services.round_report_issue(**values)


def test_the_report_waits_for_every_inspection_to_be_decided(ready):
    acceptance_round = services.round_inspection_open(acceptance_round=planned_round(ready), user=ready.lead)
    with pytest.raises(DomainError) as exc:
        _report(ready, acceptance_round)
    assert exc.value.code == "illegal_transition"


def test_a_failed_inspection_makes_the_conclusion_fail(ready):
    acceptance_round = inspected_round(ready, planned_round(ready), defective=2)
    with pytest.raises(DomainError) as exc:
        _report(ready, acceptance_round)
    assert exc.value.field == "conclusion"
    with pytest.raises(DomainError) as exc:
        _report(ready, acceptance_round, conclusion="fail", problems="偏斜")
    assert exc.value.field == "rectification_due"
    with pytest.raises(DomainError) as exc:
        _report(ready, acceptance_round, conclusion="fail", problems="偏斜", rectification_due=timezone.localdate())
    assert exc.value.field == "rectification_due"
    reported = _report(ready, acceptance_round, conclusion="fail", problems="偏斜",
                       rectification_due=timezone.localdate() + dt.timedelta(days=7))
    assert reported.state == RoundState.REPORTED and reported.conclusion == "fail"
    row = reported.figures[0]
    assert (row["defective"], row["serious"], row["accepted"]) == (2, 2, False)
    assert [m["user"] for m in reported.team] == [m.user_id for m in selectors.team_of(ready.project)]


def test_the_team_may_fail_a_round_with_a_written_reason(ready):
    acceptance_round = inspected_round(ready, planned_round(ready))
    due = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(DomainError) as exc:
        _report(ready, acceptance_round, conclusion="fail", rectification_due=due)
    assert exc.value.field == "fail_reason"
    reported = _report(ready, acceptance_round, conclusion="fail", rectification_due=due, fail_reason="成果移交介质不符合合同")
    sign_report(ready, reported)
    failed = services.round_conclude(acceptance_round=reported, user=ready.lead)
    ticket = RectificationTicket.objects.get(project=ready.project, source=TicketSource.ACCEPTANCE)
    assert failed.state == RoundState.FAILED and ticket.due_date == due
    assert "成果移交介质不符合合同" in ticket.description


def test_only_the_leader_or_the_lead_issues_the_report(ready):
    acceptance_round = inspected_round(ready, planned_round(ready))
    for who in (ready.acceptance, ready.expert, ready.pm, ready.inspector):
        with pytest.raises(PermissionDenied):
            _report(ready, acceptance_round, user=who)


def test_the_report_can_be_corrected_until_signed(ready):
    acceptance_round = _report(ready, inspected_round(ready, planned_round(ready)))
    corrected = _report(ready, acceptance_round, opinion="修改后的意见")
    assert corrected.opinion == "修改后的意见"
    signature_sign(record=corrected, user=ready.lead, password=PASSWORD, party=Party.CLIENT, meaning="review")
    with pytest.raises(DomainError) as exc:
        _report(ready, corrected, opinion="再改")
    assert exc.value.code == "signed"


def test_only_the_team_named_in_the_report_signs_it_for_the_client(ready):
    acceptance_round = _report(ready, inspected_round(ready, planned_round(ready)))
    with pytest.raises(PermissionDenied):
        signature_sign(record=acceptance_round, user=ready.inspector, password=PASSWORD, party=Party.CLIENT,
                       meaning="review")
    with pytest.raises(PermissionDenied):
        signature_sign(record=acceptance_round, user=ready.special, password=PASSWORD, party=Party.CONTRACTOR,
                       meaning="confirm")


def test_concluding_waits_for_the_whole_team(ready):
    acceptance_round = _report(ready, inspected_round(ready, planned_round(ready)))
    signature_sign(record=acceptance_round, user=ready.lead, password=PASSWORD, party=Party.CLIENT, meaning="review")
    with pytest.raises(DomainError) as exc:
        services.round_conclude(acceptance_round=acceptance_round, user=ready.lead)
    assert exc.value.code == "illegal_transition"
    assert ready.acceptance.name in str(exc.value) and ready.expert.name in str(exc.value)
    sign_report(ready, acceptance_round, team=False)
    for who in (ready.acceptance, ready.expert):
        signature_sign(record=acceptance_round, user=who, password=PASSWORD, party=Party.CLIENT, meaning="review")
    with pytest.raises(PermissionDenied):
        services.round_conclude(acceptance_round=acceptance_round, user=ready.expert)
    passed = services.round_conclude(acceptance_round=acceptance_round, user=ready.lead)
    assert passed.state == RoundState.PASSED and passed.signed_on == timezone.localdate()
    ready.project.refresh_from_db()
    assert ready.project.accepted_on == passed.signed_on
    with pytest.raises(DomainError) as exc:
        services.round_conclude(acceptance_round=passed, user=ready.lead)
    assert exc.value.code == "illegal_transition"
    with pytest.raises(DomainError) as exc:
        _round(ready)
    assert exc.value.code == "illegal_transition"


# ---------------------------------------------------------------- gates from records

def test_the_gates_are_read_from_the_records_and_attestations_no_longer_count(w):
    for code in ("acceptance_applied", "acceptance_passed"):
        assert not registry.get(code).is_pending
        assert code not in project_services.attestable_gates(w.project)
    into_acceptance(w)
    GateAttestation.objects.create(project=w.project, gate="acceptance_passed", reference="纸质 1", attested_by=w.lead)
    assert [r.met for r in registry.evaluate(w.project, Phase.WARRANTY) if r.gate.code == "acceptance_passed"] == [
        False]
    with pytest.raises(DomainError):
        project_services.project_advance(project=w.project, user=w.lead)
    name_team(w)
    concluded_round(w, inspected_round(w, planned_round(w)), conclusion="pass")
    w.project.refresh_from_db()
    advanced = project_services.project_advance(project=w.project, user=w.lead)
    assert advanced.phase == Phase.WARRANTY


def test_the_application_gate_guards_entering_acceptance(w, pending_gates):
    """With the gate pending (test fixture) the review still moves the project: the gate is the
    records' once implemented; here the implemented check is restored and read."""
    registry.implement("acceptance_applied", selectors.application_complete, evidence=selectors.application_evidence)
    from .builders import apply, ready_to_apply

    ready_to_apply(w)
    assert not selectors.application_complete(w.project)
    application = apply(w)
    for code in ("no_open_tickets", "batches_accepted"):
        GateAttestation.objects.create(project=w.project, gate=code, reference="x", attested_by=w.lead)
    services.application_review(application=application, user=w.lead, complete=True)
    assert selectors.application_complete(w.project)


# ---------------------------------------------------------------- rounds (§5.3.2)

def test_a_new_round_waits_for_the_failed_rounds_tickets(w):
    first = fail_round(w)
    assert selectors.round_open_tickets(first).count() == 1
    with pytest.raises(DomainError) as exc:
        _round(w)
    assert exc.value.code == "illegal_transition" and "tickets" in str(exc.value)
    close_tickets(w, first)
    second = _round(w)
    assert second.number == 2 and not second.override_reason


def test_a_fourth_round_needs_the_leads_written_override(w):
    for _ in range(3):
        close_tickets(w, fail_round(w))
    assert not selectors.over_limit(w.project)
    with pytest.raises(DomainError) as exc:
        services.round_start(project=w.project, user=w.lead)
    assert exc.value.field == "override_reason"
    with pytest.raises(DomainError) as exc:
        services.round_start(project=w.project, user=w.lead, override_reason="   ")
    assert exc.value.field == "override_reason"
    for who in (w.inspector, w.acceptance, w.expert, w.pm):
        with pytest.raises(PermissionDenied):
            services.round_start(project=w.project, user=who, override_reason="理由")
    assert AcceptanceRound.objects.filter(project=w.project).count() == 3
    assert not RegulatorReport.objects.filter(kind=ReportKind.ACCEPTANCE_ROUND).exists()

    fourth = services.round_start(project=w.project, user=w.lead, override_reason="承包方已更换作业组，给予第4次验收")
    assert (fourth.number, fourth.override_by, fourth.is_over_limit) == (4, w.lead, True)
    assert selectors.over_limit(w.project)
    report = RegulatorReport.objects.get(project=w.project, kind=ReportKind.ACCEPTANCE_ROUND)
    assert "第4次验收" in report.summary
    assert RiskReassessmentRequest.objects.filter(project=w.project, source_url=fourth.get_absolute_url()).exists()
    summary = selectors.rounds_summary([w.project.pk])[w.project.pk]
    assert (summary.rounds, summary.passed_in, summary.overrides) == (3, None, 1)
    from apps.notifications.models import Notification

    assert Notification.objects.filter(recipient=w.regulator, key=f"acceptance:override:{fourth.pk}").exists()


def test_the_database_refuses_a_fourth_round_without_a_reason(w):
    from django.db import IntegrityError, transaction

    into_acceptance(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        AcceptanceRound.objects.create(project=w.project, number=4, created_by=w.lead)


# ---------------------------------------------------------------- summary and common problems

def test_rounds_summary_is_one_query_for_many_projects(w, django_assert_num_queries):
    pass_acceptance(w)
    ids = [w.project.pk, 987654]
    with django_assert_num_queries(1):
        summary = selectors.rounds_summary(ids)
    assert summary[987654].rounds == 0 and summary[w.project.pk].first_pass


def test_common_problems_recorded_by_the_team_and_seen_by_client_and_regulator(ready):
    acceptance_round = _round(ready)
    problem = services.common_problem_record(acceptance_round=acceptance_round, user=ready.expert, category="quality",
                                             description="多个项目目录著录不规范", suggested_control="增加著录培训")
    with pytest.raises(PermissionDenied):
        services.common_problem_record(acceptance_round=acceptance_round, user=ready.pm, category="quality",
                                       description="x", suggested_control="y")
    with pytest.raises(DomainError) as exc:
        services.common_problem_record(acceptance_round=acceptance_round, user=ready.lead, category="nope",
                                       description="x", suggested_control="y")
    assert exc.value.field == "category"
    assert list(selectors.common_problems_of(ready.project)) == [problem]
    for who in ("lead", "regulator", "pm", "expert"):
        assert list(selectors.common_problems_visible_to(getattr(ready, who))) == [problem]
    for who in ("outsider", "other_regulator"):
        assert not selectors.common_problems_visible_to(getattr(ready, who)).exists()
    assert CommonProblem.objects.count() == 1


def test_failed_round_tickets_are_open_with_the_reports_deadline(w):
    failed = fail_round(w)
    ticket = RectificationTicket.objects.get(project=w.project)
    assert (ticket.source, ticket.state, ticket.due_date) == (TicketSource.ACCEPTANCE, TicketState.OPEN,
                                                             failed.rectification_due)
    assert ticket.source_id == failed.samplings.get().inspection_id


def test_a_member_who_left_the_project_is_not_waited_for(ready):
    from apps.projects.models import ProjectMember

    acceptance_round = _report(ready, inspected_round(ready, planned_round(ready)))
    signature_sign(record=acceptance_round, user=ready.lead, password=PASSWORD, party=Party.CLIENT, meaning="review")
    signature_sign(record=acceptance_round, user=ready.acceptance, password=PASSWORD, party=Party.CLIENT,
                   meaning="review")
    project_services.member_remove(member=ProjectMember.objects.get(project=ready.project, user=ready.expert),
                                   actor=ready.lead, reason="专家调离")
    # §5.3.1: the contractor acknowledges the report before it is concluded.
    with pytest.raises(DomainError) as exc:
        services.round_conclude(acceptance_round=acceptance_round, user=ready.lead)
    assert exc.value.code == "illegal_transition"
    acceptance_round.refresh_from_db()
    assert acceptance_round.state == RoundState.REPORTED
    sign_report(ready, acceptance_round, team=False, contractor=True)
    passed = services.round_conclude(acceptance_round=acceptance_round, user=ready.lead)
    assert passed.state == RoundState.PASSED
