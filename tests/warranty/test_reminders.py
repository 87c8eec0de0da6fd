"""The deadlines app's early reminder (a generic addition for the warranty's end, reminded a month
before): ``deadline_create(..., remind_days=N)`` reminds N calendar days before the due date, and
keeps that lead time when the deadline is rescheduled."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.core.errors import DomainError
from apps.deadlines.services import deadline_create, deadline_reschedule, deadlines_scan
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def make(world, *, remind_days=None, amount=60):
    return deadline_create(record=world.project, project=world.project, kind="other", title="到期提醒",
                           base_date=dt.date(2031, 3, 3), amount=amount, counting="calendar_days",
                           responsible_org=world.client_org, responsible_user=world.lead, remind_days=remind_days,
                           user=world.lead)


def test_the_first_reminder_goes_n_days_before(world):
    deadline = make(world, remind_days=30)
    assert deadline.due_date == dt.date(2031, 5, 2) and deadline.remind_on == dt.date(2031, 4, 2)
    key = f"deadline:{deadline.pk}:soon:20310502"
    deadlines_scan(today=dt.date(2031, 4, 1), workers=1)
    assert not Notification.objects.filter(key=key).exists()
    deadlines_scan(today=dt.date(2031, 4, 2), workers=1)
    assert Notification.objects.filter(recipient=world.lead, key=key).exists()


def test_without_a_lead_time_the_default_window_applies(world, settings):
    settings.DEADLINE_REMIND_DAYS = 3
    deadline = make(world)
    assert deadline.remind_on is None
    deadlines_scan(today=dt.date(2031, 4, 2), workers=1)
    assert not Notification.objects.filter(key__startswith=f"deadline:{deadline.pk}:").exists()
    deadlines_scan(today=dt.date(2031, 4, 29), workers=1)
    assert Notification.objects.filter(key=f"deadline:{deadline.pk}:soon:20310502").exists()


@pytest.mark.parametrize("bad", [-1, 367, True, "30", 1.5])
def test_a_bad_lead_time_is_refused(world, bad):
    with pytest.raises(DomainError) as exc:
        make(world, remind_days=bad)
    assert exc.value.field == "remind_days"


def test_rescheduling_keeps_the_lead_time(world):
    deadline = make(world, remind_days=30)
    deadline = deadline_reschedule(deadline=deadline, user=world.lead, reason="合同延期", amount=90)
    assert deadline.due_date == dt.date(2031, 6, 1) and deadline.remind_on == dt.date(2031, 5, 2)
