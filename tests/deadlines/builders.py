"""Deadlines for tests: made through the service, as other apps make them."""

from __future__ import annotations

import datetime as dt

from apps.deadlines import services
from apps.deadlines.enums import Counting


def make_deadline(world, *, due: dt.date, kind: str = "rectification", title: str = "整改：扫描图像偏斜",
                  responsible_org=None, responsible_user=None, escalate_to_regulator: bool = False,
                  record=None, user=None, counting: str = Counting.CALENDAR_DAYS, amount: int = 0):
    base = due - dt.timedelta(days=amount) if counting == Counting.CALENDAR_DAYS else due
    return services.deadline_create(
        record=record or world.project, project=world.project, kind=kind, title=title, base_date=base,
        amount=amount, counting=counting, responsible_org=responsible_org or world.contractor,
        responsible_user=responsible_user, escalate_to_regulator=escalate_to_regulator, user=user or world.lead)
