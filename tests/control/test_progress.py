"""Progress plan (§8.2.4): planned against actual; quality before schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.control import services
from apps.control.enums import MilestoneState
from apps.core.errors import DomainError, PermissionDenied
from apps.rectification.services import ticket_raise

from .builders import stage, today

pytestmark = pytest.mark.django_db


def _ticket(w):
    return ticket_raise(project=w.project, user=w.inspector, source="patrol", found_on=today(), title="偏斜超标",
                        description="3页偏斜超过1°", requirement="重扫", due_date=today() + dt.timedelta(days=5))


def test_stage_lifecycle_planned_vs_actual(w):
    s = stage(w)
    assert (s.sequence, s.state, s.original_planned_end) == (1, MilestoneState.PLANNED, s.planned_end)
    s = services.milestone_start(milestone=s, user=w.pm, actual_start=today() - dt.timedelta(days=9))
    s = services.milestone_record_progress(milestone=s, user=w.pm, actual_quantity=600)
    s = services.milestone_complete(milestone=s, user=w.pm, actual_end=today(), actual_quantity=1000)
    assert s.state == MilestoneState.DONE and s.delay_days == 0
    with pytest.raises(DomainError):
        services.milestone_complete(milestone=s, user=w.pm, actual_end=today())


def test_quality_first_refuses_completion_while_problems_are_open(w):
    s = services.milestone_start(milestone=stage(w), user=w.pm, actual_start=today())
    _ticket(w)
    with pytest.raises(DomainError) as exc:
        services.milestone_complete(milestone=s, user=w.pm, actual_end=today())
    assert exc.value.code == "quality_first"
    s.refresh_from_db()
    assert s.state == MilestoneState.IN_PROGRESS
    old_end = s.planned_end
    s = services.milestone_hold_for_quality(milestone=s, user=w.lead, reason="整改未完成，质量优先",
                                            new_planned_end=old_end + dt.timedelta(days=7))
    assert s.state == MilestoneState.HELD_FOR_QUALITY and s.original_planned_end == old_end and s.is_rescheduled
    assert "quality first" in s.history.first().history_change_reason
    with pytest.raises(DomainError):
        services.milestone_hold_for_quality(milestone=s, user=w.pm, reason="again")
    s = services.milestone_resume(milestone=s, user=w.pm, note="整改已闭环")
    assert s.state == MilestoneState.IN_PROGRESS and s.held_count == 1


def test_planned_stage_can_be_held_and_resumes_planned(w):
    s = services.milestone_hold_for_quality(milestone=stage(w), user=w.inspector, reason="前一阶段质量未达标")
    s = services.milestone_resume(milestone=s, user=w.lead, note="已达标")
    assert s.state == MilestoneState.PLANNED


@pytest.mark.parametrize("who", ["lead", "special", "regulator", "outsider"])
def test_only_the_contractor_pm_plans(w, who):
    with pytest.raises(PermissionDenied):
        services.milestone_add(project=w.project, user=getattr(w, who), name="x", planned_start=today(),
                               planned_end=today())


@pytest.mark.parametrize("who", ["operator", "regulator", "outsider"])
def test_hold_needs_a_client_or_pm_role(w, who):
    with pytest.raises(PermissionDenied):
        services.milestone_hold_for_quality(milestone=stage(w), user=getattr(w, who), reason="x")


def test_bad_input(w):
    with pytest.raises(DomainError):
        stage(w, planned_end=today() - dt.timedelta(days=20))
    with pytest.raises(DomainError):
        stage(w, planned_quantity=-1)
    s = stage(w)
    with pytest.raises(DomainError):
        services.milestone_start(milestone=s, user=w.pm, actual_start=today() + dt.timedelta(days=1))
    with pytest.raises(DomainError):
        services.milestone_record_progress(milestone=s, user=w.pm, actual_quantity=5)
    with pytest.raises(DomainError):
        services.milestone_hold_for_quality(milestone=s, user=w.pm, reason="")
