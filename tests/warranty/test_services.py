"""The warranty (§6.5.3): the period and its end deadline with a reminder a month before, problems
reported in it (tickets of source 质保 with response and fix deadlines from the contract), the
contractor's response, the escalation, and the conclusion of the follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.enums import Counting, DeadlineKind, DeadlineState
from apps.deadlines.selectors import deadlines_for_record
from apps.deadlines.services import deadlines_scan
from apps.notifications.models import Notification
from apps.projects import services as project_services
from apps.projects.enums import Phase
from apps.projects.models import Project
from apps.rectification import selectors as problems
from apps.rectification import services as rectification
from apps.rectification.enums import TicketSource, TicketState
from apps.rectification.models import RectificationTicket
from apps.warranty import selectors, services
from apps.warranty.models import WarrantyConclusion

from .builders import ACCEPTED, accept, close, on, report, respond

pytestmark = pytest.mark.django_db


def end_deadline(project):
    return deadlines_for_record(project).get(kind=DeadlineKind.WARRANTY_END)


@pytest.fixture
def w(world):
    accept(world, ACCEPTED)
    return world


# ---------------------------------------------------------------- the period and its end

def test_the_warranty_runs_from_the_acceptance_for_the_contracts_months(w):
    period = selectors.warranty_period(w.project)
    assert (period.start, period.end, period.concluded) == (ACCEPTED, dt.date(2028, 8, 31), False)
    deadline = end_deadline(w.project)
    assert (deadline.base_date, deadline.amount, deadline.counting) == (ACCEPTED, 12, Counting.MONTHS)
    assert deadline.due_date == dt.date(2028, 8, 31)
    assert deadline.responsible_org == w.client_org and deadline.responsible_user == w.lead


@pytest.mark.parametrize("months, end, reminder", [
    (12, dt.date(2028, 8, 31), dt.date(2028, 7, 31)),
    (6, dt.date(2028, 2, 29), dt.date(2028, 1, 29)),   # the 31st of August + 6 months: the end of a leap February
    (1, dt.date(2027, 9, 30), dt.date(2027, 8, 30)),
])
def test_an_acceptance_on_the_31st_ends_on_the_last_day_of_a_shorter_month(world, months, end, reminder):
    project_services.project_update(project=world.project, user=world.lead, expected_version=world.project.version,
                                    warranty_months=months)
    world.project.refresh_from_db()
    accept(world, ACCEPTED)
    deadline = end_deadline(world.project)
    assert deadline.due_date == end == selectors.warranty_period(world.project).end
    assert deadline.remind_on == reminder  # one month before the end


def test_the_end_is_reminded_a_month_before_not_earlier(w):
    deadline = end_deadline(w.project)
    key = f"deadline:{deadline.pk}:soon:20280831"
    deadlines_scan(today=dt.date(2028, 7, 30), workers=1)
    assert not Notification.objects.filter(key=key).exists()
    deadlines_scan(today=dt.date(2028, 7, 31), workers=1)
    assert Notification.objects.filter(recipient=w.lead, key=key).exists()
    deadlines_scan(today=dt.date(2028, 8, 15), workers=1)
    assert Notification.objects.filter(key=key).count() == 1  # once


def test_the_end_deadline_is_created_once(w):
    services.warranty_start(project=w.project, user=w.lead)
    assert deadlines_for_record(w.project).filter(kind=DeadlineKind.WARRANTY_END).count() == 1


def test_before_the_acceptance_there_is_no_period(world):
    assert selectors.warranty_period(world.project) is None
    assert selectors.warranty_summary(world.project).period is None


# ---------------------------------------------------------------- reporting a problem

def test_a_problem_in_the_warranty_is_a_ticket_with_response_and_fix_deadlines_from_the_contract(w):
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
    assert ticket.source == TicketSource.WARRANTY and ticket.state == TicketState.OPEN
    assert ticket.response_due == dt.date(2027, 9, 14)  # 2 working days after Friday the 10th
    assert ticket.due_date == dt.date(2027, 9, 24)  # 10 working days
    assert ticket.awaits_response
    response = deadlines_for_record(ticket).get(kind="warranty_response")
    assert response.due_date == ticket.response_due and response.responsible_user == w.pm
    fix = deadlines_for_record(ticket).get(kind="rectification")
    assert fix.due_date == ticket.due_date
    note = Notification.objects.get(recipient=w.pm, key=f"rectification:{ticket.pk}:raised")
    assert "2027-09-14" in note.title and "2027-09-24" in note.title


def test_the_periods_come_from_the_contracts_terms(w):
    rectification.settings_update(project=w.project, user=w.lead, review_limit=2, default_days=10,
                                  warranty_response_days=1, warranty_fix_days=5)
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
    assert (ticket.response_due, ticket.due_date) == (dt.date(2027, 9, 13), dt.date(2027, 9, 17))


@pytest.mark.parametrize("values", [{"warranty_response_days": 0}, {"warranty_response_days": 31},
                                    {"warranty_fix_days": 0}, {"warranty_fix_days": 121},
                                    {"warranty_fix_days": "ten"}])
def test_terms_out_of_range_are_refused(w, values):
    with pytest.raises(DomainError):
        rectification.settings_update(project=w.project, user=w.lead, review_limit=2, default_days=10, **values)
    assert problems.settings_of(w.project).warranty_response_days == 2


def test_only_the_client_lead_sets_the_terms(w):
    with pytest.raises(PermissionDenied):
        rectification.settings_update(project=w.project, user=w.inspector, review_limit=2, default_days=10,
                                      warranty_response_days=5)


def test_a_problem_before_the_acceptance_is_refused(world):
    with pytest.raises(DomainError) as exc:
        report(world)
    assert exc.value.code == "illegal_transition"
    assert not RectificationTicket.objects.exists()


def test_a_problem_after_the_warranty_is_refused(w):
    with on(dt.date(2028, 9, 1)), pytest.raises(DomainError) as exc:
        report(w)
    assert exc.value.code == "illegal_transition"
    with on(dt.date(2028, 8, 31)):
        assert report(w).source == TicketSource.WARRANTY  # the last day still counts


def test_a_problem_found_before_the_acceptance_is_refused(w):
    with on(dt.date(2027, 9, 10)), pytest.raises(DomainError) as exc:
        report(w, found_on=dt.date(2027, 8, 30))
    assert exc.value.field == "found_on"


def test_a_problem_on_a_closed_project_is_refused(w):
    Project.objects.filter(pk=w.project.pk).update(phase=Phase.CLOSED)
    w.project.refresh_from_db()
    with on(dt.date(2027, 9, 10)), pytest.raises(DomainError) as exc:
        report(w)
    assert exc.value.code == "illegal_transition"


def test_a_warranty_problem_is_not_raised_as_an_ordinary_notice(w):
    with on(dt.date(2027, 9, 10)), pytest.raises(DomainError) as exc:
        rectification.ticket_raise(project=w.project, user=w.inspector, source="warranty",
                                   found_on=dt.date(2027, 9, 10), title="x", description="x", requirement="x",
                                   due_date=dt.date(2027, 9, 20))
    assert exc.value.field == "source"


@pytest.mark.parametrize("who", ["pm", "special", "acceptance", "regulator", "outsider"])
def test_only_the_client_lead_or_inspector_reports(w, who):
    with on(dt.date(2027, 9, 10)), pytest.raises(PermissionDenied):
        report(w, user=getattr(w, who))
    assert not RectificationTicket.objects.exists()


# ---------------------------------------------------------------- the contractor's response

def test_the_contractor_responds_with_planned_measures_then_rectifies(w):
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
    with on(dt.date(2027, 9, 13, ), hour=9):
        ticket = respond(ticket, w, user=w.special)
    assert ticket.responded_by == w.special and ticket.response_plan and not ticket.awaits_response
    assert deadlines_for_record(ticket).get(kind="warranty_response").state == DeadlineState.MET
    assert Notification.objects.filter(recipient=w.lead, key=f"rectification:{ticket.pk}:responded").exists()
    assert problems.response_hours(ticket) == 71.0  # Friday 10:00 → Monday 09:00
    ticket = close(ticket, w)
    assert ticket.state == TicketState.CLOSED


def test_no_answer_before_the_response(w):
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
    with pytest.raises(DomainError) as exc:
        rectification.ticket_submit(ticket=ticket, user=w.pm, measures="重扫", result="完成")
    assert exc.value.code == "illegal_transition"


def test_responding_twice_or_to_an_ordinary_ticket_is_illegal(w):
    from tests.rectification.builders import raise_ticket

    with on(dt.date(2027, 9, 10)):
        ticket = respond(report(w), w)
        with pytest.raises(DomainError) as exc:
            respond(ticket, w)
        assert exc.value.code == "illegal_transition"
        ordinary = raise_ticket(w)
    with pytest.raises(DomainError) as exc:
        respond(ordinary, w)
    assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("who", ["lead", "inspector", "operator", "regulator"])
def test_only_the_contractor_pm_or_special_inspector_responds(w, who):
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
    with pytest.raises(PermissionDenied):
        respond(ticket, w, user=getattr(w, who))
    ticket.refresh_from_db()
    assert ticket.awaits_response


def test_the_response_needs_planned_measures(w):
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
    with pytest.raises(DomainError) as exc:
        rectification.ticket_respond(ticket=ticket, user=w.pm, plan=" ")
    assert exc.value.field == "plan"


def test_an_unanswered_problem_escalates_like_other_deadlines(w):
    with on(dt.date(2027, 9, 10)):
        ticket = report(w, severity="fatal")
    response = deadlines_for_record(ticket).get(kind="warranty_response")
    assert response.escalate_to_regulator is True
    assert problems.is_response_overdue(ticket, dt.date(2027, 9, 15))
    deadlines_scan(today=dt.date(2027, 9, 15), workers=1)
    assert Notification.objects.filter(recipient=w.pm, key=f"deadline:{response.pk}:overdue:20270914").exists()
    assert Notification.objects.filter(recipient=w.lead,
                                       key=f"deadline:{response.pk}:escalated_client:20270914").exists()
    assert not Notification.objects.filter(recipient=w.regulator, key__startswith=f"deadline:{response.pk}:").exists()
    deadlines_scan(today=dt.date(2027, 9, 22), workers=1)  # more than 5 working days late
    assert Notification.objects.filter(recipient=w.regulator,
                                       key=f"deadline:{response.pk}:escalated_regulator:20270914").exists()


def test_withdrawing_the_problem_waives_both_deadlines(w):
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
        rectification.ticket_cancel(ticket=ticket, user=w.lead, reason="重复登记。")
    assert set(deadlines_for_record(ticket).values_list("state", flat=True)) == {DeadlineState.WAIVED}


# ---------------------------------------------------------------- the follow-up and its conclusion

def test_the_follow_up_counts_time_to_respond_and_overdue(w):
    with on(dt.date(2027, 9, 10)):
        first, second, third = report(w), report(w, title="目录错漏"), report(w, title="图像模糊")
    with on(dt.date(2027, 9, 13), hour=10):
        respond(first, w)  # 72 hours, in time
    with on(dt.date(2027, 9, 16), hour=16):
        respond(second, w)  # 150 hours, after the deadline of the 14th
    summary = selectors.warranty_summary(w.project, dt.date(2027, 9, 16))
    assert [r.ticket.number for r in summary.open_rows] == [third.number, second.number, first.number]
    assert summary.average_response_hours == 111.0
    assert summary.late_responses == 2  # one responded late, one not responded and overdue
    assert summary.overdue == 1
    assert summary.days_left == (dt.date(2028, 8, 31) - dt.date(2027, 9, 16)).days


def test_the_client_lead_concludes_the_follow_up_in_the_last_month(w):
    with on(dt.date(2027, 9, 10)):
        close(report(w), w)
    with on(dt.date(2028, 7, 30)), pytest.raises(DomainError) as exc:
        services.warranty_conclude(project=w.project, user=w.lead, assessment="质保期内响应及时。")
    assert exc.value.code == "illegal_transition"
    with on(dt.date(2028, 8, 20)):
        conclusion = services.warranty_conclude(project=w.project, user=w.lead, assessment="质保期内响应及时。")
    assert (conclusion.tickets, conclusion.late_responses) == (1, 0)
    assert conclusion.average_response_hours == Decimal("0.0")
    assert end_deadline(w.project).state == DeadlineState.MET
    period = selectors.warranty_period(w.project)
    assert period.concluded
    with on(dt.date(2028, 8, 25)), pytest.raises(DomainError) as exc:
        report(w)
    assert exc.value.code == "illegal_transition"
    with on(dt.date(2028, 8, 25)), pytest.raises(DomainError):
        services.warranty_conclude(project=w.project, user=w.lead, assessment="再次")


def test_closing_the_project_needs_the_concluded_warranty(w):
    """The gate ``warranty_concluded`` guards closing (§6.5.3): a closed project would cut the
    warranty short (no warranty problem can be reported on it)."""
    from apps.projects.gates import registry

    gate = registry.get("warranty_concluded")
    assert not gate.is_pending
    assert not gate.check(w.project) and gate.evidence(w.project) is None
    assert "warranty_concluded" in [r.gate.code for r in registry.unmet(w.project, "closed")]
    with on(dt.date(2028, 8, 20)):
        services.warranty_conclude(project=w.project, user=w.lead, assessment="质保期内响应及时。")
    assert gate.check(w.project)
    label, url = gate.evidence(w.project)
    assert "2028-08-20" in label and url == f"/warranty/projects/{w.project.pk}/"
    assert "warranty_concluded" not in [r.gate.code for r in registry.unmet(w.project, "closed")]


def test_no_conclusion_while_a_warranty_problem_is_open(w):
    with on(dt.date(2028, 8, 1)):
        report(w)
    with on(dt.date(2028, 8, 20)), pytest.raises(DomainError) as exc:
        services.warranty_conclude(project=w.project, user=w.lead, assessment="质保期内响应及时。")
    assert "still open" in exc.value.message or exc.value.code == "illegal_transition"
    assert not WarrantyConclusion.objects.exists()


def test_concluded_after_the_end_the_deadline_is_met_late(w):
    with on(dt.date(2028, 9, 5)):
        services.warranty_conclude(project=w.project, user=w.lead, assessment="质保期满。")
    assert end_deadline(w.project).state == DeadlineState.MISSED


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator"])
def test_only_the_client_lead_concludes(w, who):
    with on(dt.date(2028, 8, 20)), pytest.raises(PermissionDenied):
        services.warranty_conclude(project=w.project, user=getattr(w, who), assessment="好")
    assert not WarrantyConclusion.objects.exists()


def test_the_conclusion_needs_an_assessment(w):
    with on(dt.date(2028, 8, 20)), pytest.raises(DomainError) as exc:
        services.warranty_conclude(project=w.project, user=w.lead, assessment="")
    assert exc.value.field == "assessment"


def test_a_warranty_problem_does_not_reopen_the_acceptance_gate(w):
    """``no_open_tickets`` guards entering 验收; a problem of the warranty (after it) is not one."""
    from apps.rectification.selectors import no_open_tickets

    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
    assert ticket.source == "warranty" and no_open_tickets(w.project)
