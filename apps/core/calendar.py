"""The Chinese working-day calendar: official holidays and make-up working days (调休).

Deadlines in the standard are counted in working days (e.g. Annex A: qualification review
within 5 working days of contract signing). The official arrangement comes from the
``chinesecalendar`` library; :class:`~apps.core.models.CalendarOverride` rows corrected by an
administrator take precedence. Years the library does not know fall back to Monday–Friday
and are logged, so that an administrator adds the new year's arrangement.
"""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar

logger = logging.getLogger(__name__)


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from .enums import DayKind
    from .models import CalendarOverride

    rows = CalendarOverride.objects.filter(date__range=(start, end)).values_list("date", "kind")
    return {d: kind == DayKind.WORKDAY for d, kind in rows}


def _official_is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        logger.warning("chinesecalendar has no data for %s; counting Monday-Friday as working days", day.year)
        return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return override if override is not None else _official_is_workday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted).

    ``add_working_days(d, 0)`` is ``d`` itself. Negative ``days`` count backwards.
    """
    if days == 0:
        return start
    step = 1 if days > 0 else -1
    remaining = abs(days)
    # Holidays never exceed a few days in a row; 3x + 30 calendar days always suffices.
    span = dt.timedelta(days=remaining * 3 + 30)
    lo, hi = (start, start + span) if step > 0 else (start - span, start)
    overrides = _overrides(lo, hi)
    day = start
    while remaining:
        day += dt.timedelta(days=step)
        workday = overrides.get(day)
        if workday is None:
            workday = _official_is_workday(day)
        if workday:
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        workday = overrides.get(day)
        if workday is None:
            workday = _official_is_workday(day)
        count += workday
    return count
