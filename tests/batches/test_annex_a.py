"""Annex A row 内部质控 computed from the three-level inspection records (事中控制)."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.batches import services
from apps.projects.enums import TaskStatus
from apps.projects.selectors import annex_a_rows

pytestmark = pytest.mark.django_db


def _row(project):
    return next(r for r in annex_a_rows(project) if r["step"].code == "internal_qc")


def _self(w, day, checked):
    return services.self_check_record(project=w.project, user=w.operator, operator=w.operator, date=day,
                                      process_step="扫描", output_count=300, self_checked_count=checked)


def test_row_follows_the_self_check_records(ready):
    today = timezone.localdate()
    row = _row(ready.project)
    assert row["status"] == TaskStatus.ONGOING
    assert row["evidence_url"] == f"/batches/projects/{ready.project.pk}/checks/"
    _self(ready, today - dt.timedelta(days=1), 300)
    assert _row(ready.project)["status"] == TaskStatus.ONGOING
    _self(ready, today, 250)  # a day not fully self-checked
    row = _row(ready.project)
    assert row["status"] == TaskStatus.OVERDUE
    assert row["evidence"].startswith("2 self-checks (1 not 100 %)")


def test_old_incomplete_days_stay_counted_but_do_not_hold_the_row(ready):
    _self(ready, timezone.localdate() - dt.timedelta(days=15), 200)
    row = _row(ready.project)
    assert row["status"] == TaskStatus.ONGOING and "(1 not 100 %)" in row["evidence"]


def test_row_not_reached_before_implementation(world):
    assert _row(world.project)["status"] == TaskStatus.NOT_REACHED
