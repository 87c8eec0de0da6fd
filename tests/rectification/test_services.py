from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.accounts.enums import Party
from apps.batches.enums import BatchStatus
from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.models import Deadline
from apps.notifications.models import Notification
from apps.projects.enums import Phase
from apps.projects.gates import registry
from apps.projects.services import project_resume
from apps.rectification import selectors, services
from apps.rectification.enums import Ground, IncidentState, ReportKind, TicketState
from apps.rectification.models import RectificationTicket, RegulatorReport, Suspension, TicketReview
from tests.lot_inspection.builders import all_conforming, open_for

from .builders import answer, closed, raise_ticket, review, reviewed, sign

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- raising the notice

def test_inspector_raises_a_notice_that_reaches_the_contractor_with_a_deadline(w):
    ticket = raise_ticket(w)
    assert ticket.state == TicketState.OPEN and ticket.number == 1
    assert ticket.responsible_unit == w.contractor.name and ticket.doc_no == "HZ-2026-001-ZG-001"
    deadline = Deadline.objects.get(content_type=ContentType.objects.get_for_model(ticket), object_id=ticket.pk)
    assert deadline.due_date == ticket.due_date and deadline.kind == "rectification"
    assert deadline.responsible_org_id == w.contractor.pk and not deadline.escalate_to_regulator
    assert Notification.objects.filter(recipient=w.pm, key=f"rectification:{ticket.pk}:raised").exists()
    assert ticket.history.first().history_change_reason == "Rectification notice issued"
    assert raise_ticket(w).number == 2


def test_fatal_problem_deadline_escalates_to_the_regulator(w):
    ticket = raise_ticket(w, severity="fatal")
    assert Deadline.objects.get(object_id=ticket.pk, kind="rectification").escalate_to_regulator


@pytest.mark.parametrize("user", ["pm", "special", "operator", "acceptance", "regulator", "outsider"])
def test_only_client_lead_or_inspector_raises(w, user):
    with pytest.raises(PermissionDenied):
        raise_ticket(w, user=getattr(w, user))
    assert not RectificationTicket.objects.exists()


@pytest.mark.parametrize("field, value, message", [
    ("title", "  ", "required"), ("description", "", "required"), ("requirement", "", "required"),
    ("source", "rumour", "choose one"), ("severity", "minor", "choose one"),
    ("due_date", dt.date(2020, 1, 1), "past"), ("due_date", "tomorrow", "not a valid date"),
    ("found_on", dt.date(2099, 1, 1), "future"), ("title", "x" * 201, "200"),
])
def test_bad_notice_is_refused_and_changes_nothing(w, field, value, message):
    with pytest.raises(DomainError, match=message) as exc:
        raise_ticket(w, **{field: value})
    assert exc.value.field == field
    assert not RectificationTicket.objects.exists() and not Deadline.objects.filter(kind="rectification").exists()


def test_no_notice_on_a_closed_project(w):
    from apps.projects.models import Project

    Project.objects.filter(pk=w.project.pk).update(phase=Phase.CLOSED)
    with pytest.raises(DomainError, match="closed"):
        raise_ticket(w)


# ---------------------------------------------------------------- the contractor's answer

def test_contractor_answers_with_measures_and_result(w):
    ticket = answer(raise_ticket(w), w)
    assert ticket.state == TicketState.SUBMITTED and ticket.submitted_by == w.pm
    assert Deadline.objects.get(object_id=ticket.pk, kind="rectification").state == "met"
    assert Notification.objects.filter(recipient=w.inspector, key__startswith=f"rectification:{ticket.pk}:submitted")


@pytest.mark.parametrize("user", ["inspector", "lead", "operator", "security", "regulator", "outsider"])
def test_only_contractor_pm_or_special_inspector_answers(w, user):
    ticket = raise_ticket(w)
    with pytest.raises(PermissionDenied):
        answer(ticket, w, user=getattr(w, user))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.measures == ""


def test_answer_needs_measures_and_result(w):
    ticket = raise_ticket(w)
    with pytest.raises(DomainError, match="required") as exc:
        services.ticket_submit(ticket=ticket, user=w.pm, measures="  ", result="好了")
    assert exc.value.field == "measures"
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN


def test_cannot_answer_twice_or_with_a_stale_version(w):
    ticket = raise_ticket(w)
    with pytest.raises(DomainError) as exc:
        services.ticket_submit(ticket=ticket, user=w.pm, measures="m", result="r",
                               expected_version=ticket.version + 5)
    assert exc.value.code == "stale"
    answer(ticket, w)
    with pytest.raises(DomainError) as exc:
        answer(ticket, w)
    assert exc.value.code == "illegal_transition"


def test_refusal_is_a_ground_and_can_be_withdrawn(w):
    ticket = services.ticket_refuse(ticket=raise_ticket(w), user=w.pm, reason="合同未约定")
    assert ticket.state == TicketState.REFUSED
    assert [g.ground for g in selectors.suspension_grounds(w.project)] == [Ground.REFUSED]
    with pytest.raises(PermissionDenied):
        services.ticket_refuse(ticket=raise_ticket(w), user=w.special, reason="不")
    with pytest.raises(DomainError, match="reason"):
        services.ticket_refuse(ticket=raise_ticket(w), user=w.pm, reason="")
    ticket = services.ticket_withdraw_refusal(ticket=ticket, user=w.pm)
    assert ticket.state == TicketState.OPEN and not selectors.suspension_grounds(w.project)
    # A refused ticket may still be answered.
    services.ticket_refuse(ticket=ticket, user=w.pm, reason="再次拒绝")
    assert answer(ticket, w).state == TicketState.SUBMITTED


# ---------------------------------------------------------------- review, signatures, closure

def test_failed_review_goes_back_with_a_new_deadline_and_is_counted(w):
    ticket = review(answer(raise_ticket(w), w), w, passed=False, days=4)
    assert ticket.state == TicketState.OPEN and ticket.failed_reviews == 1
    assert ticket.due_date == timezone.localdate() + dt.timedelta(days=4)
    assert TicketReview.objects.get(ticket=ticket, round_no=1).passed is False
    open_deadline = Deadline.objects.get(object_id=ticket.pk, kind="rectification", state="open")
    assert open_deadline.due_date == ticket.due_date
    assert Notification.objects.filter(recipient=w.pm, key=f"rectification:{ticket.pk}:failed:1").exists()


def test_failed_review_needs_a_future_deadline(w):
    ticket = answer(raise_ticket(w), w)
    for due in (None, "", dt.date(2020, 1, 1)):
        with pytest.raises(DomainError) as exc:
            services.ticket_review(ticket=ticket, user=w.inspector, passed=False, opinion="不合格", new_due_date=due)
        assert exc.value.field == "new_due_date"
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SUBMITTED and not ticket.reviews.exists()


def test_failed_reviews_beyond_the_contract_limit_are_a_ground_and_tell_the_lead(w):
    services.settings_update(project=w.project, user=w.lead, review_limit=1, default_days=10)
    ticket = raise_ticket(w)
    review(answer(ticket, w), w, passed=False)
    assert Ground.REVIEW_LIMIT not in [g.ground for g in selectors.suspension_grounds(w.project)]
    ticket = review(answer(ticket, w), w, passed=False)
    assert ticket.failed_reviews == 2
    assert Ground.REVIEW_LIMIT in [g.ground for g in selectors.suspension_grounds(w.project)]
    assert Notification.objects.filter(recipient=w.lead, key=f"rectification:{ticket.pk}:beyond_limit:2").exists()


@pytest.mark.parametrize("user", ["pm", "special", "acceptance", "regulator", "outsider"])
def test_contractor_cannot_review_its_own_rectification(w, user):
    ticket = answer(raise_ticket(w), w)
    with pytest.raises(PermissionDenied):
        review(ticket, w, user=getattr(w, user))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SUBMITTED


def test_review_before_the_answer_is_illegal(w):
    with pytest.raises(DomainError) as exc:
        review(raise_ticket(w), w)
    assert exc.value.code == "illegal_transition"


def test_close_needs_both_parties_signatures(w):
    ticket = reviewed(w)
    assert ticket.state == TicketState.REVIEWED
    with pytest.raises(DomainError, match="the client、the contractor"):
        services.ticket_close(ticket=ticket, user=w.lead)
    sign(ticket, w.inspector, Party.CLIENT)
    with pytest.raises(DomainError, match="Missing: the contractor"):
        services.ticket_close(ticket=ticket, user=w.lead)
    sign(ticket, w.pm, Party.CONTRACTOR)
    with pytest.raises(PermissionDenied):
        services.ticket_close(ticket=ticket, user=w.inspector)
    ticket = services.ticket_close(ticket=ticket, user=w.lead)
    assert ticket.state == TicketState.CLOSED and ticket.closed_by == w.lead
    with pytest.raises(DomainError) as exc:
        services.ticket_close(ticket=ticket, user=w.lead)
    assert exc.value.code == "illegal_transition"


def test_ticket_is_signed_only_after_review_and_never_by_the_wrong_party(w):
    ticket = answer(raise_ticket(w), w)
    with pytest.raises(DomainError):
        sign(ticket, w.inspector, Party.CLIENT)
    ticket = review(ticket, w)
    with pytest.raises(DomainError):
        sign(ticket, w.pm, Party.CLIENT)
    with pytest.raises(DomainError):
        sign(ticket, w.operator, Party.CONTRACTOR)


def test_signed_ticket_changed_afterwards_shows_broken_and_cannot_close(w):
    ticket = reviewed(w)
    sign(ticket, w.inspector, Party.CLIENT)
    sign(ticket, w.pm, Party.CONTRACTOR)
    RectificationTicket.objects.filter(pk=ticket.pk).update(result="篡改后的结果")
    ticket.refresh_from_db()
    parties = selectors.signature_parties(ticket)
    assert not parties["all_valid"]
    with pytest.raises(DomainError):
        services.ticket_close(ticket=ticket, user=w.lead)


def test_withdraw_a_notice_waives_its_deadline(w):
    ticket = raise_ticket(w)
    with pytest.raises(PermissionDenied):
        services.ticket_cancel(ticket=ticket, user=w.inspector, reason="误报")
    with pytest.raises(DomainError, match="required"):
        services.ticket_cancel(ticket=ticket, user=w.lead, reason="")
    ticket = services.ticket_cancel(ticket=ticket, user=w.lead, reason="误报，问题不存在")
    assert ticket.state == TicketState.CANCELLED
    assert Deadline.objects.get(object_id=ticket.pk, kind="rectification").state == "waived"
    with pytest.raises(DomainError):
        answer(ticket, w)


# ---------------------------------------------------------------- gate and Annex A

def test_acceptance_gate_waits_for_every_ticket(w):
    gate = registry.get("no_open_tickets")
    assert gate.check(w.project)
    ticket = raise_ticket(w)
    assert not gate.check(w.project)
    closed(w)
    assert not gate.check(w.project)
    services.ticket_cancel(ticket=ticket, user=w.lead, reason="重复开单")
    assert gate.check(w.project)


# ---------------------------------------------------------------- automatic tickets

def test_not_accepted_batch_raises_a_ticket_with_its_defects_and_items(w):
    from apps.lot_inspection import services as lot_services

    inspection = open_for(w, items=200)
    first = inspection.items.order_by("position").first()
    all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-F1"]})
    lot_services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    ticket = RectificationTicket.objects.get(project=w.project)
    assert ticket.auto_raised and ticket.source == "sampling" and ticket.severity == "fatal"
    assert ticket.batch == inspection.batch and ticket.source_record() == inspection
    assert list(ticket.items.all()) == [first.batch_item]
    assert ticket.defects.count() == 1
    # Once per record: raising again returns the same ticket.
    again = services.ticket_auto_raise(project=w.project, source="sampling", record=inspection, user=w.inspector,
                                       title="t", description="d", requirement="r")
    assert again == ticket and RectificationTicket.objects.count() == 1
    assert Deadline.objects.get(object_id=ticket.pk, kind="rectification").state == "open"


def test_accepted_batch_raises_nothing(w):
    from apps.lot_inspection import services as lot_services

    inspection = open_for(w, items=50)
    all_conforming(inspection, w.inspector)
    lot_services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    assert not RectificationTicket.objects.exists()


def test_failed_first_article_raises_a_ticket_answered_by_the_rectification_sheet(world):
    from apps.first_article import services as fa_services
    from tests.first_article.builders import submit

    verification = submit(world)
    today = timezone.localdate()
    verification = fa_services.verification_verify(
        verification=verification, user=world.inspector, operation_passed=True, quality_passed=False,
        quality_reason="图像分辨率不足300dpi", safety_passed=True, conclusion="fail",
        rectification_due=today + dt.timedelta(days=5), requirement="按300dpi重新扫描")
    ticket = RectificationTicket.objects.get(project=world.project)
    assert ticket.auto_raised and ticket.source_record() == verification and ticket.due_date == today + dt.timedelta(
        days=5)
    # The contact sheet keeps the deadline; the ticket opens none of its own.
    assert not Deadline.objects.filter(content_type=ContentType.objects.get_for_model(ticket), object_id=ticket.pk,
                                       kind="rectification").exists()
    fa_services.contact_sheet_answer(contact_sheet=verification.contact_sheet, user=world.pm,
                                     measures="调整扫描参数为300dpi", result="已重新扫描")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SUBMITTED and ticket.measures == "调整扫描参数为300dpi"


def test_complaint_raises_a_ticket_from_the_complaint(w):
    today = timezone.localdate()
    complaint, ticket = services.complaint_register(
        project=w.project, user=w.lead, complainant="利用者", received_on=today, content="图像模糊",
        requirement="重新扫描", due_date=today + dt.timedelta(days=3))
    assert ticket.source == "complaint" and ticket.source_record() == complaint
    assert complaint.get_absolute_url() == ticket.get_absolute_url()
    with pytest.raises(PermissionDenied):
        services.complaint_register(project=w.project, user=w.pm, complainant="x", received_on=today, content="y",
                                    requirement="z", due_date=today)


# ---------------------------------------------------------------- overdue, escalation, suspension

def test_overdue_ticket_escalates_to_the_lead_and_is_a_ground(w):
    from apps.deadlines.services import deadlines_scan

    ticket = raise_ticket(w, due_date=timezone.localdate() + dt.timedelta(days=2))
    assert not selectors.suspension_grounds(w.project)
    with time_machine.travel(timezone.now() + dt.timedelta(days=5), tick=False):
        assert selectors.is_overdue(ticket)
        assert [g.ground for g in selectors.suspension_grounds(w.project)] == [Ground.OVERDUE]
        deadlines_scan(email=False)
        assert Notification.objects.filter(recipient=w.pm, kind="deadline_overdue").exists()
        assert Notification.objects.filter(recipient=w.lead, kind="deadline_escalated_client").exists()
        created = Notification.objects.count()
        deadlines_scan(email=False)
        assert Notification.objects.count() == created
    # Answered: no longer overdue, even past the date.
    ticket = answer(ticket, w)
    with time_machine.travel(timezone.now() + dt.timedelta(days=5), tick=False):
        assert not selectors.is_overdue(ticket) and not selectors.suspension_grounds(w.project)


def test_suspension_needs_a_ground_stops_batches_and_resumes_only_when_causes_are_closed(w):
    from apps.batches.models import Batch

    with pytest.raises(DomainError, match="no ground"):
        services.project_suspend(project=w.project, user=w.lead, reason="暂停")
    ticket = services.ticket_refuse(ticket=raise_ticket(w), user=w.pm, reason="不同意")
    with pytest.raises(PermissionDenied):
        services.project_suspend(project=w.project, user=w.inspector, reason="暂停")
    suspension = services.project_suspend(project=w.project, user=w.lead, reason="承包方拒不整改",
                                          report_to_regulator=True)
    w.project.refresh_from_db()
    assert w.project.phase == Phase.SUSPENDED and w.project.resume_phase == Phase.IMPLEMENTATION
    assert suspension.grounds == [Ground.REFUSED] and list(suspension.tickets.all()) == [ticket]
    report = RegulatorReport.objects.get(suspension=suspension)
    assert report.kind == ReportKind.SUSPENSION
    assert Notification.objects.filter(recipient=w.regulator, key=f"regreport:{report.pk}").exists()
    assert Notification.objects.filter(recipient=w.pm, key=f"suspension:{suspension.pk}").exists()

    # Batch submission stops while suspended.
    from apps.batches import services as batch_services

    batch = Batch.objects.create(project=w.project, service_type="digitization", number=1, quantity=1,
                                 created_by=w.pm)
    with pytest.raises(DomainError):
        batch_services.batch_submit(batch=batch, user=w.pm)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT

    with pytest.raises(DomainError, match="not all closed"):
        project_resume(project=w.project, user=w.lead, reason="恢复")
    answer(ticket, w)
    ticket = review(ticket, w)
    sign(ticket, w.inspector, Party.CLIENT)
    sign(ticket, w.pm, Party.CONTRACTOR)
    services.ticket_close(ticket=ticket, user=w.lead)
    project = project_resume(project=w.project, user=w.lead, reason="整改完成")
    assert project.phase == Phase.IMPLEMENTATION
    suspension.refresh_from_db()
    assert suspension.resumed_by == w.lead and suspension.resume_reason == "整改完成"
    assert Suspension.objects.filter(resumed_at__isnull=True).count() == 0


# ---------------------------------------------------------------- incidents

def test_incident_reported_notifies_the_client_and_asks_for_risk_reassessment(w):
    incident = services.incident_report(
        project=w.project, user=w.operator, category="security", title="档案遗失一件",
        occurred_at=timezone.now() - dt.timedelta(hours=1), description="交接时发现少一件",
        scale="1件", remedial_action="封存现场，逐件清点")
    assert incident.state == IncidentState.REPORTED and not incident.is_major
    assert Notification.objects.filter(recipient=w.lead, key=f"incident:{incident.pk}:reported").exists()
    assert Notification.objects.filter(recipient=w.inspector, key=f"incident:{incident.pk}:reported").exists()
    assert not RegulatorReport.objects.exists()
    from apps.control.models import RiskReassessmentRequest

    assert RiskReassessmentRequest.objects.filter(project=w.project, trigger="incident", state="open").exists()
    assert [g.ground for g in selectors.suspension_grounds(w.project)] == [Ground.INCIDENT]


def test_major_incident_goes_to_the_regulator_once(w):
    incident = services.incident_report(
        project=w.project, user=w.pm, category="security", title="涉密档案外泄", occurred_at=timezone.now(),
        description="d", scale="s", remedial_action="r", is_major=True)
    report = RegulatorReport.objects.get(incident=incident)
    assert report.kind == ReportKind.INCIDENT
    assert Notification.objects.filter(recipient=w.regulator, key=f"regreport:{report.pk}").exists()
    assert not Notification.objects.filter(recipient=w.other_regulator).exists()
    services.incident_acknowledge(incident=incident, user=w.lead, instructions="立即停工", is_major=True)
    assert RegulatorReport.objects.filter(incident=incident).count() == 1


def test_client_judges_an_incident_major_and_closes_it(w):
    incident = services.incident_report(
        project=w.project, user=w.security, category="quality", title="批量图像丢失", occurred_at=timezone.now(),
        description="d", scale="s", remedial_action="r")
    with pytest.raises(PermissionDenied):
        services.incident_acknowledge(incident=incident, user=w.pm, instructions="x")
    with pytest.raises(DomainError, match="required"):
        services.incident_acknowledge(incident=incident, user=w.lead, instructions=" ")
    incident = services.incident_acknowledge(incident=incident, user=w.inspector, instructions="恢复数据",
                                             is_major=True)
    assert incident.state == IncidentState.ACKNOWLEDGED and incident.is_major
    assert RegulatorReport.objects.filter(incident=incident).exists()
    with pytest.raises(DomainError) as exc:
        services.incident_acknowledge(incident=incident, user=w.lead, instructions="again")
    assert exc.value.code == "illegal_transition"
    incident = services.incident_close(incident=incident, user=w.lead, closing_note="数据已恢复")
    assert incident.state == IncidentState.CLOSED
    with pytest.raises(DomainError):
        services.incident_close(incident=incident, user=w.lead, closing_note="again")


@pytest.mark.parametrize("field, value", [("title", ""), ("category", "fire"), ("scale", " "),
                                          ("occurred_at", "yesterday")])
def test_bad_incident_report_changes_nothing(w, field, value):
    data = dict(category="security", title="t", occurred_at=timezone.now(), description="d", scale="s",
                remedial_action="r")
    data[field] = value
    with pytest.raises(DomainError):
        services.incident_report(project=w.project, user=w.pm, **data)
    assert not w.project.incidents.exists()


def test_client_cannot_report_an_incident(w):
    with pytest.raises(PermissionDenied):
        services.incident_report(project=w.project, user=w.lead, category="security", title="t",
                                 occurred_at=timezone.now(), description="d", scale="s", remedial_action="r")


def test_report_a_major_quality_problem_once(w):
    ticket = raise_ticket(w, severity="fatal")
    with pytest.raises(PermissionDenied):
        services.ticket_report(ticket=ticket, user=w.inspector, summary="重大")
    services.ticket_report(ticket=ticket, user=w.lead, summary="重大质量问题")
    with pytest.raises(DomainError) as exc:
        services.ticket_report(ticket=ticket, user=w.lead, summary="again")
    assert exc.value.code == "duplicate"


# ---------------------------------------------------------------- settings

def test_settings_bounds(w):
    with pytest.raises(PermissionDenied):
        services.settings_update(project=w.project, user=w.pm, review_limit=3, default_days=10)
    for limit, days in [(0, 10), (11, 10), (2, 0), (2, 61), ("x", 10)]:
        with pytest.raises(DomainError):
            services.settings_update(project=w.project, user=w.lead, review_limit=limit, default_days=days)
    assert selectors.settings_of(w.project).pk is None
    saved = services.settings_update(project=w.project, user=w.lead, review_limit=3, default_days=15)
    assert (saved.review_limit, saved.default_days) == (3, 15)


def test_history_records_every_step(w):
    ticket = closed(w)
    reasons = list(RectificationTicket.history.filter(id=ticket.pk).values_list("history_change_reason", flat=True))
    assert any("closed" in (r or "") for r in reasons) and any("review" in (r or "").lower() for r in reasons)


def test_incident_before_the_contract_is_refused(w):
    for when in (dt.datetime(1, 1, 1, 0, 0), dt.datetime(2026, 9, 24, 12, 0)):
        with pytest.raises(DomainError, match="before the contract") as exc:
            services.incident_report(project=w.project, user=w.pm, category="security", title="t", occurred_at=when,
                                     description="d", scale="s", remedial_action="r")
        assert exc.value.field == "occurred_at"
    assert not w.project.incidents.exists()


def test_a_reviewed_ticket_that_cannot_be_signed_is_reopened_for_review(w):
    ticket = reviewed(w)
    sign(ticket, w.inspector, Party.CLIENT)
    with pytest.raises(PermissionDenied):
        services.ticket_reopen(ticket=ticket, user=w.inspector, reason="承包方签字人离职")
    with pytest.raises(DomainError, match="required"):
        services.ticket_reopen(ticket=ticket, user=w.lead, reason=" ")
    ticket = services.ticket_reopen(ticket=ticket, user=w.lead, reason="承包方签字人离职")
    assert ticket.state == TicketState.SUBMITTED
    with pytest.raises(DomainError) as exc:
        services.ticket_reopen(ticket=ticket, user=w.lead, reason="again")
    assert exc.value.code == "illegal_transition"
    ticket = review(ticket, w)
    assert ticket.state == TicketState.REVIEWED and ticket.reviews.count() == 2


def test_links_of_a_ticket_and_a_suspension_are_in_the_history(w):
    from apps.lot_inspection import services as lot_services

    inspection = open_for(w, items=200)
    first = inspection.items.order_by("position").first()
    all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-F1"]})
    lot_services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    ticket = RectificationTicket.objects.get()
    assert ticket.history.first().items.count() == 1 and ticket.history.first().defects.count() == 1
    services.ticket_refuse(ticket=ticket, user=w.pm, reason="不同意")
    suspension = services.project_suspend(project=w.project, user=w.lead, reason="拒不整改")
    assert [t.rectificationticket_id for t in suspension.history.first().tickets.all()] == [ticket.pk]


def test_withdrawn_notice_is_not_reported(w):
    ticket = services.ticket_cancel(ticket=raise_ticket(w), user=w.lead, reason="误报")
    with pytest.raises(DomainError) as exc:
        services.ticket_report(ticket=ticket, user=w.lead, summary="重大")
    assert exc.value.code == "illegal_transition"


# ---------------------------------------------------------------- rules and evidence

def test_every_rule_of_the_app_has_its_own_refusal_sentence():
    import rules as django_rules

    from apps.core.permissions import GENERIC_REFUSAL, refusal_message

    names = [n for n in django_rules.rulesets.default_rules if n.startswith("rectification.")]
    assert "rectification.may_close_ticket" in names
    assert [n for n in names if refusal_message(n) == str(GENERIC_REFUSAL)] == []


def test_refusals_say_the_rules_sentence(w):
    ticket = raise_ticket(w)
    with pytest.raises(PermissionDenied, match="Only the contractor's project manager can refuse a notice"):
        services.ticket_refuse(ticket=ticket, user=w.special, reason="不")
    with pytest.raises(PermissionDenied, match="Only the client project lead can reopen a ticket"):
        services.ticket_reopen(ticket=ticket, user=w.inspector, reason="x")


def test_evidence_is_added_by_the_side_whose_turn_it_is(w):
    from apps.attachments.registry import may_add_to

    def who(record):
        return {name for name in ("lead", "inspector", "pm", "special", "operator", "regulator", "outsider")
                if may_add_to(getattr(w, name), record)}

    ticket = raise_ticket(w)
    assert who(ticket) == {"lead", "inspector", "pm", "special"}
    ticket = answer(ticket, w)
    assert who(ticket) == {"lead", "inspector"}
    ticket = review(ticket, w)
    assert who(ticket) == set()
    incident = services.incident_report(project=w.project, user=w.pm, category="security", title="t",
                                        occurred_at=timezone.now(), description="d", scale="s", remedial_action="r")
    assert who(incident) == {"lead", "inspector", "pm", "special", "operator"}
    incident = services.incident_close(incident=incident, user=w.lead, closing_note="已处置")
    assert who(incident) == set()


def test_a_title_is_one_line(w):
    with pytest.raises(DomainError, match="single line") as exc:
        raise_ticket(w, title="扫描图像\n歪斜")
    assert exc.value.field == "title"
    ticket = raise_ticket(w, description="第一行\n第二行")
    assert ticket.description == "第一行\n第二行"
