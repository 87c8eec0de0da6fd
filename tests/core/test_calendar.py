import datetime as dt

import pytest

from apps.core.calendar import add_working_days, is_workday, working_days_between
from apps.core.enums import DayKind
from apps.core.models import CalendarOverride

pytestmark = pytest.mark.django_db


def test_national_day_2026_holiday_is_skipped():
    # 2026 国庆节: 10月1日至7日放假; 9月30日 (Wed) is a working day.
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)


def test_make_up_saturday_after_national_day_counts():
    # 10月10日 (Saturday) is a make-up working day (调休上班): Thu 8, Fri 9, Sat 10.
    assert is_workday(dt.date(2026, 10, 10))
    assert add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert add_working_days(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)


def test_make_up_sunday_before_national_day_counts():
    # 9月20日 (Sunday) is a make-up working day.
    assert is_workday(dt.date(2026, 9, 20))
    assert add_working_days(dt.date(2026, 9, 19), 1) == dt.date(2026, 9, 20)


def test_qualification_review_due_five_working_days_after_signing_across_holiday():
    # Signed Fri 25 Sep: 28, 29, 30 Sep, then 8, 9 Oct.
    assert add_working_days(dt.date(2026, 9, 25), 5) == dt.date(2026, 10, 9)


def test_zero_and_negative_days():
    assert add_working_days(dt.date(2026, 10, 3), 0) == dt.date(2026, 10, 3)
    assert add_working_days(dt.date(2026, 10, 8), -1) == dt.date(2026, 9, 30)


def test_admin_correction_wins_over_the_library():
    CalendarOverride.objects.create(date=dt.date(2026, 10, 8), kind=DayKind.HOLIDAY, note="地方假日")
    assert not is_workday(dt.date(2026, 10, 8))
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 9)


def test_year_unknown_to_the_library_falls_back_to_weekdays():
    assert add_working_days(dt.date(2031, 1, 3), 1) == dt.date(2031, 1, 6)  # Fri → Mon


def test_working_days_between_counts_holidays_out():
    assert working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 10)) == 3
