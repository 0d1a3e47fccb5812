"""Month arithmetic: the fast ``add_months`` gives exactly dateutil's answer."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from alpha4.domain.months import add_months, whole_months_between


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)), st.integers(-600, 600))
def test_add_months_is_relativedelta(day: dt.date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


def test_month_ends_and_leap_years() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2100, 3, 31), -1) == dt.date(2100, 2, 28)
    assert add_months(dt.date(2000, 3, 31), -1) == dt.date(2000, 2, 29)
    assert add_months(dt.date(2024, 12, 15), 1) == dt.date(2025, 1, 15)
    assert add_months(dt.date(2025, 1, 15), -1) == dt.date(2024, 12, 15)


def test_whole_months_between() -> None:
    assert whole_months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 1
    assert whole_months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 28)) == 0
