"""Annex A row 巡查抽检 computed from patrols and sampling (事中控制)."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.inspections import services
from apps.projects.enums import TaskStatus
from apps.projects.selectors import annex_a_rows

from .conftest import put_in_implementation

pytestmark = pytest.mark.django_db


def _row(project):
    return next(r for r in annex_a_rows(project) if r["step"].code == "patrol_sampling")


def test_row_not_reached_before_implementation(world):
    assert _row(world.project)["status"] == TaskStatus.NOT_REACHED


def test_weeks_without_patrol_make_the_row_overdue_until_patrolled(world):
    today = timezone.localdate()
    put_in_implementation(world.project, since=today - dt.timedelta(days=21))
    row = _row(world.project)
    assert row["status"] == TaskStatus.OVERDUE
    assert "0 patrols" in row["evidence"] and row["evidence_url"] == f"/inspections/projects/{world.project.pk}/ledger/"
    # A patrol in each week of implementation: nothing is missing any more; this week is patrolled too.
    day = today - dt.timedelta(days=21)
    while day <= today:
        services.patrol_create(project=world.project, user=world.inspector, patrolled_on=day, content="现场巡查")
        day += dt.timedelta(days=7)
    services.patrol_create(project=world.project, user=world.inspector, patrolled_on=today, content="现场巡查")
    row = _row(world.project)
    assert row["status"] == TaskStatus.ONGOING, row["evidence"]
    assert "weeks with fewer patrols than required" in row["evidence"] and " 0 weeks" in row["evidence"]
