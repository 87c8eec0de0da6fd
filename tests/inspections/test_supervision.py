"""Patrols (巡查), key-node checks (关键节点检查) and the weekly patrol rule (§5.2.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.core.errors import DomainError, PermissionDenied
from apps.inspections import selectors, services
from apps.inspections.models import KeyNodeCheck, LedgerEntry, Patrol
from apps.notifications.models import Notification
from apps.projects.models import Project

from .conftest import put_in_implementation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def patrol(world, user=None, **overrides):
    kwargs = dict(patrolled_on=TODAY(), content="检查扫描工位操作规范与档案交接登记", findings="", requirements="")
    kwargs.update(overrides)
    return services.patrol_create(project=world.project, user=user or world.inspector, **kwargs)


def test_patrol_is_recorded_with_its_ledger_entry(impl):
    p = patrol(impl, findings="3号工位未登记交接", requirements="当日补登，并于周五前提交交接登记表",
               inspectors=[impl.inspector, impl.lead])
    assert set(p.inspectors.all()) == {impl.inspector, impl.lead}
    entry = LedgerEntry.objects.get()
    assert entry.kind == "patrol" and entry.source_id == p.pk
    assert entry.source_type == ContentType.objects.get_for_model(Patrol)
    assert entry.inspector == impl.inspector and entry.inspector_name == "李秀英、王建国"
    assert entry.has_problems and entry.problems == "3号工位未登记交接"
    assert entry.requirements.startswith("当日补登") and entry.url == f"/inspections/patrols/{p.pk}/"
    assert timezone.localdate(entry.occurred_at) == TODAY()
    assert p.history.first().history_user == impl.inspector


def test_patrol_without_problems(impl):
    patrol(impl)
    entry = LedgerEntry.objects.get()
    assert not entry.has_problems and entry.conclusion


@pytest.mark.parametrize("overrides, message", [
    ({"findings": "有问题", "requirements": ""}, "must do about the problems"),
    ({"content": "  "}, "is required"),
    ({"content": "x" * 2001}, "too long"),
    ({"patrolled_on": TODAY() + dt.timedelta(days=1)}, "future"),
    ({"patrolled_on": dt.date(2020, 1, 1)}, "before the contract"),
    ({"patrolled_on": "2026-01-01"}, "not a valid date"),
    ({"inspectors": ["abc"]}, "Choose the inspectors"),
])
def test_bad_patrol_input_changes_nothing(impl, overrides, message):
    with pytest.raises(DomainError, match=message):
        patrol(impl, **overrides)
    assert not Patrol.objects.exists() and not LedgerEntry.objects.exists()


def test_inspectors_must_be_client_inspectors(impl):
    with pytest.raises(DomainError, match="Choose the inspectors"):
        patrol(impl, inspectors=[impl.pm])
    with pytest.raises(DomainError, match="Choose the inspectors"):
        patrol(impl, inspectors=[impl.acceptance])


@pytest.mark.parametrize("who", ["pm", "special", "operator", "acceptance", "regulator", "outsider"])
def test_only_client_lead_or_inspector_records_patrols(impl, who):
    with pytest.raises(PermissionDenied):
        patrol(impl, user=getattr(impl, who))
    assert not Patrol.objects.exists()


@pytest.mark.parametrize("phase", ["preparation", "warranty", "suspended"])
def test_patrols_only_in_implementation_or_acceptance(world, phase):
    Project.objects.filter(pk=world.project.pk).update(phase=phase, resume_phase="implementation"
                                                       if phase == "suspended" else "")
    world.project.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        patrol(world)
    assert exc.value.code == "illegal_transition"


def test_patrol_correction_updates_the_ledger(impl):
    p = patrol(impl)
    p = services.patrol_update(patrol=p, user=impl.lead, expected_version=1, findings="消防通道堆放纸箱",
                               requirements="立即清理", reason="补记问题")
    entry = LedgerEntry.objects.get()
    assert p.version == 2 and entry.has_problems and entry.problems == "消防通道堆放纸箱"
    with pytest.raises(DomainError) as exc:
        services.patrol_update(patrol=p, user=impl.lead, expected_version=1, content="改")
    assert exc.value.code == "stale"
    with pytest.raises(DomainError, match="must do about"):
        services.patrol_update(patrol=p, user=impl.lead, expected_version=2, requirements="")
    with pytest.raises(PermissionDenied):
        services.patrol_update(patrol=p, user=impl.pm, expected_version=2, content="改")


# ---------------------------------------------------------------- weekly patrols


def test_patrol_gaps_list_weeks_without_patrol(world):
    today = dt.date(2026, 11, 25)  # Wednesday of 2026-W48
    put_in_implementation(world.project, since=dt.date(2026, 11, 4))  # W45
    Patrol.objects.create(project=world.project, patrolled_on=dt.date(2026, 11, 12), content="巡查",
                          created_by=world.lead)  # W46
    gaps = selectors.patrol_gaps(world.project, today=today)
    assert [g.label for g in gaps] == ["2026-W45", "2026-W47", "2026-W48"]
    assert [g.current for g in gaps] == [False, False, True]
    assert gaps[0].monday == dt.date(2026, 11, 2)


def test_no_gaps_before_implementation(world):
    assert selectors.patrol_gaps(world.project) == []


def _phase(project, phase, day, resume=""):
    project.phase, project.resume_phase = phase, resume
    project._history_date = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    project.save()
    del project._history_date


def test_patrol_gaps_follow_the_projects_history(world):
    """Weeks of suspension are not implementation weeks."""
    put_in_implementation(world.project, since=dt.date(2026, 10, 5))  # W41
    _phase(world.project, "suspended", dt.date(2026, 10, 14), resume="implementation")  # W42
    _phase(world.project, "implementation", dt.date(2026, 11, 3))  # W45
    _phase(world.project, "acceptance", dt.date(2026, 11, 10))  # W46
    gaps = selectors.patrol_gaps(world.project, today=dt.date(2026, 11, 25))
    assert [g.label for g in gaps] == ["2026-W41", "2026-W42", "2026-W45", "2026-W46"]


def test_reminder_on_the_last_working_day_once_per_week(impl):
    friday = dt.date(2026, 11, 27)
    assert services.last_working_day_of_week(friday) == friday
    assert services.patrol_reminders_send(today=dt.date(2026, 11, 25)) == 0  # Wednesday: not yet
    assert services.patrol_reminders_send(today=friday) == 1
    assert services.patrol_reminders_send(today=friday) == 0  # idempotent
    assert services.patrol_reminders_send(today=dt.date(2026, 11, 28)) == 0  # Saturday, same week
    n = Notification.objects.get()
    assert n.recipient == impl.lead and n.key == f"patrol-week:{impl.project.pk}:2026-W48"


def test_no_reminder_when_the_week_has_a_patrol(impl):
    friday = dt.date(2026, 11, 27)
    Patrol.objects.create(project=impl.project, patrolled_on=dt.date(2026, 11, 23), content="巡查",
                          created_by=impl.lead)
    assert services.patrol_reminders_send(today=friday) == 0


def test_no_reminder_outside_implementation(world):
    assert services.patrol_reminders_send(today=dt.date(2026, 11, 27)) == 0


def test_reminder_task_runs(impl, monkeypatch):
    from apps.inspections import tasks

    monkeypatch.setattr(services, "patrol_reminders_send", lambda today=None: 7)
    assert tasks.remind_weekly_patrol() == 7


def test_beat_schedule_has_the_task(settings):
    tasks = {v["task"] for v in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "apps.inspections.tasks.remind_weekly_patrol" in tasks


# ---------------------------------------------------------------- key-node checks


def key_node(world, user=None, **overrides):
    kwargs = dict(node="首批成果移交前", checked_on=TODAY(), content="核对交接清单与实体数量", result="conforming")
    kwargs.update(overrides)
    return services.key_node_create(project=world.project, user=user or world.inspector, **kwargs)


def test_key_node_check_with_ledger_entry(impl):
    check = key_node(impl, result="nonconforming", findings="清单缺2卷", requirements="补齐后重新交接",
                     inspector=impl.lead)
    assert check.inspector == impl.lead and not check.from_plan
    entry = LedgerEntry.objects.get()
    assert entry.kind == "key_node" and entry.content.startswith("【首批成果移交前】") and entry.has_problems
    assert entry.conclusion == check.get_result_display()


def test_key_node_from_the_plans_control_points(impl, monkeypatch):
    monkeypatch.setattr(selectors, "plan_control_points", lambda project: ["扫描参数设置", "图像质检"])
    check = key_node(impl, node="图像质检")
    assert check.from_plan


def test_control_points_are_read_from_the_plan(impl, monkeypatch):
    from types import SimpleNamespace

    import apps.plans.selectors as plan_selectors

    plan = SimpleNamespace(control_points="1. 扫描参数设置\n2、图像质检；数据挂接\n（3）成果移交。\n\n")
    monkeypatch.setattr(plan_selectors, "plan_in_force", lambda project: plan)
    assert selectors.plan_control_points(impl.project) == ["扫描参数设置", "图像质检", "数据挂接", "成果移交"]


@pytest.mark.parametrize("overrides, message", [
    ({"result": "nonconforming"}, "problems found and the rectification"),
    ({"result": "maybe"}, "Choose the result"),
    ({"node": ""}, "is required"),
    ({"findings": "x"}, "must do about"),
    ({"inspector": "pm"}, "Choose the inspectors"),
])
def test_bad_key_node_input(impl, overrides, message):
    if overrides.get("inspector") == "pm":
        overrides["inspector"] = impl.pm
    with pytest.raises(DomainError, match=message):
        key_node(impl, **overrides)
    assert not KeyNodeCheck.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.parametrize("who", ["pm", "regulator", "outsider"])
def test_key_node_wrong_role(impl, who):
    with pytest.raises(PermissionDenied):
        key_node(impl, user=getattr(impl, who))
