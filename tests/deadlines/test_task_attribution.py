"""A scheduled task that writes names an account (security rows 15 and 17): the reminder scan's
history rows name the system account, or the account the setting names, and carry the reason."""

import datetime as dt

import time_machine

from apps.core.history import SYSTEM_ACCOUNT_USERNAME
from apps.deadlines.tasks import scan_deadlines
from apps.notifications.models import Notification

from .builders import make_deadline

TZ = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 11, 16, 9, 0, tzinfo=TZ)


def _scan_rows():
    rows = Notification.history.all()
    assert rows.exists()
    return rows


def test_the_scan_task_names_the_system_account_and_a_reason(world):
    make_deadline(world, due=MONDAY.date() + dt.timedelta(days=2), responsible_user=world.operator)
    with time_machine.travel(MONDAY, tick=False):
        scan_deadlines.delay()
    rows = _scan_rows()
    assert {r.history_user.username for r in rows} == {SYSTEM_ACCOUNT_USERNAME}
    assert all(r.history_change_reason for r in rows)
    system = rows.first().history_user
    assert not system.is_active and not system.has_usable_password() and system.organization is None


def test_the_scan_names_the_configured_account(world, settings):
    settings.DEADLINE_SCAN_USERNAME = world.lead.username
    make_deadline(world, due=MONDAY.date() + dt.timedelta(days=2), responsible_user=world.operator)
    with time_machine.travel(MONDAY, tick=False):
        scan_deadlines.delay()
    assert {r.history_user for r in _scan_rows()} == {world.lead}
