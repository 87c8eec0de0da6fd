"""The handover's deadline (Annex A: 验收后7个工作日内) on the working-day calendar, its reminders
and escalation, and the Annex A row 成果移交 read from the list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from apps.core.enums import DayKind
from apps.core.models import CalendarOverride
from apps.deadlines.enums import Counting, DeadlineKind, DeadlineState
from apps.deadlines.selectors import deadlines_for_record
from apps.deadlines.services import deadlines_scan
from apps.notifications.models import Notification
from apps.projects.annex_a import handover_due
from apps.projects.enums import TaskStatus
from apps.projects.selectors import annex_a_rows

from .builders import accept, confirmed, handed_over, sign

pytestmark = pytest.mark.django_db

ACCEPTED = dt.date(2035, 9, 6)  # a Thursday


@pytest.fixture
def holiday():
    """A two-day holiday on Monday and Tuesday with its make-up working day on the Saturday before."""
    CalendarOverride.objects.create(date=dt.date(2035, 9, 8), kind=DayKind.WORKDAY, note="调休上班")
    CalendarOverride.objects.create(date=dt.date(2035, 9, 10), kind=DayKind.HOLIDAY, note="假日")
    CalendarOverride.objects.create(date=dt.date(2035, 9, 11), kind=DayKind.HOLIDAY, note="假日")


def handover_deadline(project):
    return deadlines_for_record(project).get(kind=DeadlineKind.HANDOVER)


def test_the_deadline_is_7_working_days_after_the_acceptance_across_a_holiday_and_its_make_up_day(world, holiday):
    accept(world, ACCEPTED)
    deadline = handover_deadline(world.project)
    # Fri 7, Sat 8 (make-up), [Mon 10, Tue 11 holiday], Wed 12, Thu 13, Fri 14, Mon 17, Tue 18.
    assert deadline.due_date == dt.date(2035, 9, 18)
    assert (deadline.base_date, deadline.amount, deadline.counting) == (ACCEPTED, 7, Counting.WORKING_DAYS)
    assert deadline.responsible_org == world.contractor and deadline.responsible_user == world.pm
    assert handover_due(world.project) == deadline.due_date  # Annex A shows the same date


def test_without_the_holiday_it_is_a_plain_week_and_a_half(world):
    accept(world, ACCEPTED)
    assert handover_deadline(world.project).due_date == dt.date(2035, 9, 17)


def test_the_deadline_is_opened_once(world):
    from apps.handover.services import handover_deadline_open

    accept(world, ACCEPTED)
    handover_deadline_open(project=world.project, user=world.lead)
    assert deadlines_for_record(world.project).filter(kind=DeadlineKind.HANDOVER).count() == 1


def test_reminded_before_and_escalated_when_overdue(world, holiday):
    accept(world, ACCEPTED)
    deadline = handover_deadline(world.project)
    deadlines_scan(today=dt.date(2035, 9, 16), workers=1)
    assert Notification.objects.filter(recipient=world.pm, key=f"deadline:{deadline.pk}:soon:20350918").exists()
    deadlines_scan(today=dt.date(2035, 9, 19), workers=1)
    assert Notification.objects.filter(recipient=world.pm, key=f"deadline:{deadline.pk}:overdue:20350918").exists()
    assert Notification.objects.filter(recipient=world.lead,
                                       key=f"deadline:{deadline.pk}:escalated_client:20350918").exists()


def test_signed_in_time_the_deadline_is_met_and_late_it_is_met_late(world, holiday):
    accept(world, ACCEPTED)
    with time_machine.travel(dt.datetime(2035, 9, 18, 10, tzinfo=dt.UTC), tick=False):
        handed_over(world)
    assert handover_deadline(world.project).state == DeadlineState.MET


def test_signed_late_the_deadline_is_met_late(world, holiday):
    accept(world, ACCEPTED)
    with time_machine.travel(dt.datetime(2035, 9, 20, 10, tzinfo=dt.UTC), tick=False):
        handed_over(world)
    assert handover_deadline(world.project).state == DeadlineState.MISSED


def _row(project, today):
    return next(r for r in annex_a_rows(project, today=today) if r["step"].code == "results_handover")


def test_annex_a_row_reads_the_list(world, holiday):
    accept(world, ACCEPTED)
    row = _row(world.project, dt.date(2035, 9, 12))
    assert row["status"] == TaskStatus.DUE
    assert _row(world.project, dt.date(2035, 9, 19))["status"] == TaskStatus.OVERDUE
    handover = confirmed(world)
    sign(handover, world.lead)
    handover.refresh_from_db()
    assert _row(world.project, dt.date(2035, 9, 19))["status"] == TaskStatus.OVERDUE
    sign(handover, world.pm)
    row = _row(world.project, dt.date(2035, 9, 19))
    assert row["status"] == TaskStatus.DONE
    assert row["evidence_url"] == f"/handover/projects/{world.project.pk}/"


def test_closing_the_project_needs_the_handover(world, pending_gates):
    """With the other gates attested on paper, the handover gate alone keeps the project open."""
    from apps.core.errors import DomainError
    from apps.handover.selectors import handover_confirmed, handover_evidence
    from apps.projects import services as project_services

    accept(world, ACCEPTED)
    pending_gates.implement("handover_confirmed", handover_confirmed, evidence=handover_evidence)
    for gate in ("warranty_concluded", "evaluation_done", "documents_handed_over"):
        project_services.gate_attest(project=world.project, user=world.lead, gate=gate, reference="纸质-001")
    world.project.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        project_services.project_advance(project=world.project, user=world.lead)
    assert "handover" in str(exc.value.details)
    handed_over(world)
    world.project.refresh_from_db()
    project = project_services.project_advance(project=world.project, user=world.lead)
    assert project.phase == "closed"


def test_annex_a_shows_the_due_date_once_accepted(world, holiday):
    accept(world, ACCEPTED, phase=None)
    row = _row(world.project, dt.date(2035, 9, 12))
    assert row["due_date"] == dt.date(2035, 9, 18)
