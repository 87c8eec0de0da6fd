import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.calendar import working_days_between
from apps.deadlines import services
from apps.deadlines.tasks import scan_deadlines
from apps.notifications.models import Notification
from apps.projects.services import member_remove

from .builders import make_deadline

TZ = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 11, 16, 9, 0, tzinfo=TZ)  # an ordinary week, no holiday
TODAY = MONDAY.date()


def scan(when=MONDAY, **kw):
    with time_machine.travel(when, tick=False):
        return services.deadlines_scan(**kw)


def notes(**filters):
    return sorted(Notification.objects.filter(**filters).values_list("recipient__username", "kind"))


def test_due_soon_notifies_the_responsible_person_once(world):
    d = make_deadline(world, due=TODAY + dt.timedelta(days=2), responsible_user=world.operator)
    first = scan()
    assert first.created == 1 and first.by_stage == {"soon": 1}
    n = Notification.objects.get()
    assert (n.recipient, n.kind, n.key) == (world.operator, "deadline_soon", f"deadline:{d.pk}:soon:20261118")
    assert n.project == world.project
    assert n.link == f"/deadlines/projects/{world.project.pk}/#deadline-{d.pk}"
    assert "2026-11-18" in n.body
    assert scan().created == 0
    assert Notification.objects.count() == 1


def test_deadline_beyond_the_reminder_window_is_left_alone(world, settings):
    make_deadline(world, due=TODAY + dt.timedelta(days=4), responsible_user=world.operator)
    assert scan().created == 0
    settings.DEADLINE_REMIND_DAYS = 5
    assert scan().created == 1


def test_due_today_notifies_once(world):
    make_deadline(world, due=TODAY, responsible_user=world.operator)
    assert scan().by_stage == {"today": 1}
    assert scan().created == 0
    assert notes() == [("operator", "deadline_today")]


def test_overdue_notifies_responsible_and_escalates_to_client_lead_not_regulator(world):
    make_deadline(world, due=dt.date(2026, 10, 1), responsible_user=world.operator)
    result = scan()
    assert result.by_stage == {"overdue": 1, "escalated_client": 1}
    assert notes() == [("lead", "deadline_escalated_client"), ("operator", "deadline_overdue")]
    assert scan().created == 0


def test_client_lead_responsible_is_not_told_twice(world):
    make_deadline(world, due=TODAY - dt.timedelta(days=1), responsible_org=world.client_org,
                  responsible_user=world.lead)
    scan()
    assert notes() == [("lead", "deadline_overdue")]


def test_without_responsible_person_the_organisations_project_members_are_told(world):
    make_deadline(world, due=TODAY + dt.timedelta(days=1))
    scan()
    assert [u for u, _k in notes()] == ["operator", "pm", "security", "special"]


def test_removed_responsible_person_falls_back_to_the_organisation(world):
    make_deadline(world, due=TODAY + dt.timedelta(days=1), responsible_user=world.operator)
    member = world.project.members.get(user=world.operator)
    member_remove(member=member, actor=world.lead, reason="调离")
    scan()
    assert [u for u, _k in notes()] == ["pm", "security", "special"]


def test_stages_follow_each_other_once_each(world):
    make_deadline(world, due=dt.date(2026, 11, 18), responsible_user=world.operator)
    for day in (16, 17, 18, 18, 19, 20):
        scan(dt.datetime(2026, 11, day, 9, 0, tzinfo=TZ))
    assert notes(recipient=world.operator) == [("operator", "deadline_overdue"), ("operator", "deadline_soon"),
                                               ("operator", "deadline_today")]
    assert notes(recipient=world.lead) == [("lead", "deadline_escalated_client")]


def test_regulator_is_told_only_when_enabled_and_late_enough(world):
    # Monday 16 Nov: due Mon 9 Nov is 5 working days late (not more); due Fri 6 Nov is 6.
    at_limit = make_deadline(world, due=dt.date(2026, 11, 9), escalate_to_regulator=True)
    late = make_deadline(world, due=dt.date(2026, 11, 6), escalate_to_regulator=True, title="重大问题整改")
    not_flagged = make_deadline(world, due=dt.date(2026, 10, 1), escalate_to_regulator=False)
    assert working_days_between(at_limit.due_date, TODAY) == 5
    scan()
    escalated = Notification.objects.filter(kind="deadline_escalated_regulator")
    assert [(n.recipient.username, n.key) for n in escalated] == [
        ("regulator", f"deadline:{late.pk}:escalated_regulator:20261106")]
    assert not Notification.objects.filter(recipient=world.other_regulator).exists()
    assert not Notification.objects.filter(key__startswith=f"deadline:{not_flagged.pk}:escalated_regulator").exists()
    assert scan().created == 0


def test_regulator_escalation_days_are_configurable(world, settings):
    settings.DEADLINE_REGULATOR_ESCALATION_DAYS = 0
    make_deadline(world, due=TODAY - dt.timedelta(days=1), escalate_to_regulator=True)
    scan()
    assert notes(recipient=world.regulator) == [("regulator", "deadline_escalated_regulator")]


@pytest.mark.parametrize("days", [0, 1, 5, 10])
def test_regulator_cutoff_matches_working_days_between(db, days):
    for offset in range(0, 40):
        today = dt.date(2026, 10, 20) + dt.timedelta(days=offset)
        cutoff = services.regulator_cutoff(today, days)
        for back in range(0, 30):
            due = today - dt.timedelta(days=back)
            assert (due < cutoff) == (working_days_between(due, today) > days), (today, due)


def test_closed_deadlines_are_not_reminded(world):
    met = make_deadline(world, due=TODAY, responsible_user=world.operator)
    waived = make_deadline(world, due=TODAY - dt.timedelta(days=3), responsible_user=world.operator)
    services.deadline_meet(deadline=met, user=world.operator)
    services.deadline_waive(deadline=waived, user=world.lead, reason="合同变更")
    assert scan().created == 0


def test_rescheduled_deadline_gets_reminders_for_its_new_date(world):
    d = make_deadline(world, due=TODAY + dt.timedelta(days=1), responsible_user=world.operator, amount=1)
    scan()
    services.deadline_reschedule(deadline=d, user=world.lead, reason="延期", amount=2)
    assert scan().created == 1
    assert Notification.objects.filter(recipient=world.operator).count() == 2


def test_emails_are_sent_once_after_commit(world, django_capture_on_commit_callbacks):
    make_deadline(world, due=TODAY - dt.timedelta(days=1), responsible_user=world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        scan()
        scan()
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.cn", "operator@example.cn"]


def test_nothing_is_enqueued_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    make_deadline(world, due=TODAY, responsible_user=world.operator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            scan()
            raise RuntimeError("crash after the scan, before commit")
    assert callbacks == [] and mail.outbox == []
    assert Notification.objects.count() == 0


def test_crash_half_way_loses_nothing_and_rerun_continues(world, monkeypatch):
    for days in (0, 1, 2):
        make_deadline(world, due=TODAY + dt.timedelta(days=days), responsible_user=world.operator)
    real = services.notify_many
    calls = []

    def crashing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "notify_many", crashing)
    with pytest.raises(RuntimeError):
        scan(chunk_size=1)
    assert Notification.objects.count() == 1  # the first chunk committed
    monkeypatch.setattr(services, "notify_many", real)
    assert scan(chunk_size=1).created == 2
    assert Notification.objects.count() == 3


def test_scan_queries_do_not_grow_with_the_number_of_deadlines(world):
    make_deadline(world, due=TODAY, responsible_user=world.operator)
    with CaptureQueriesContext(connection) as few:
        scan(when=MONDAY + dt.timedelta(minutes=1))
    Notification.objects.all().delete()
    for i in range(30):
        make_deadline(world, due=TODAY - dt.timedelta(days=i % 10), escalate_to_regulator=True,
                      responsible_user=world.operator if i % 2 else None)
    with CaptureQueriesContext(connection) as many:
        result = scan()
    assert result.deadlines == 31
    assert len(many) <= len(few) + 2  # + the regulator look-ups


def test_scan_history_names_the_configured_system_user_and_reason(world, settings):
    settings.DEADLINE_SCAN_USERNAME = "lead"
    make_deadline(world, due=TODAY, responsible_user=world.operator)
    scan()
    row = Notification.history.get()
    assert row.history_user == world.lead
    assert row.history_change_reason == "Scheduled deadline scan"


def test_celery_task_runs_the_scan(world):
    make_deadline(world, due=TODAY, responsible_user=world.operator)
    with time_machine.travel(MONDAY, tick=False):
        result = scan_deadlines.delay().get()
        again = scan_deadlines.delay().get()
    assert result["created"] == 1 and again["created"] == 0


# --- the parallel writer (several connections, one transaction per chunk each) -----------------

@pytest.mark.django_db(transaction=True)
def test_parallel_scan_is_idempotent_and_keeps_history(world):
    for days in range(-3, 3):
        make_deadline(world, due=TODAY + dt.timedelta(days=days), responsible_user=world.operator)
    assert not connection.in_atomic_block  # so the scan may use its worker threads
    first = scan(chunk_size=1, workers=2)
    assert first.chunks == 6 and first.created == 6 + 3  # 6 to the operator, 3 escalations to the lead
    assert scan(chunk_size=1, workers=2).created == 0
    assert Notification.objects.count() == Notification.history.count() == 9
    assert set(Notification.history.values_list("history_change_reason", flat=True)) == {"Scheduled deadline scan"}
    assert len(set(Notification.objects.values_list("recipient_id", "key"))) == 9


@pytest.mark.django_db(transaction=True)
def test_parallel_scan_crash_half_way_loses_nothing_and_rerun_sends_nothing_twice(world, monkeypatch):
    for days in range(-4, 3):
        make_deadline(world, due=TODAY + dt.timedelta(days=days), responsible_user=world.operator)
    real = services.notify_many
    calls = []

    def crashing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "notify_many", crashing)
    with pytest.raises(RuntimeError, match="worker killed"):
        scan(chunk_size=1, workers=2)
    kept = Notification.objects.count()
    assert 1 <= kept < 7 + 4  # the committed chunks stay; the failed one left nothing
    assert Notification.history.count() == kept
    monkeypatch.setattr(services, "notify_many", real)
    assert scan(chunk_size=1, workers=2).created == 7 + 4 - kept
    assert Notification.objects.count() == Notification.history.count() == 7 + 4
    assert scan(chunk_size=1, workers=2).created == 0


def test_inside_a_transaction_the_scan_stays_on_the_callers_connection(world, monkeypatch):
    make_deadline(world, due=TODAY, responsible_user=world.operator)
    make_deadline(world, due=TODAY, responsible_user=world.operator)
    monkeypatch.setattr(services, "_scan_parallel", lambda *a, **k: pytest.fail("threads used in a transaction"))
    assert scan(chunk_size=1, workers=2).created == 2
