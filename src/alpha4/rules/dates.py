"""Calendar arithmetic the rules share (months as the label counts them)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the month's last day.

    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(dt.date(2024, 8, 15), 6)
    datetime.date(2025, 2, 15)
    """
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Completed calendar months from ``start`` to ``end`` (0 if ``end`` is earlier).

    >>> whole_months_between(dt.date(2022, 1, 15), dt.date(2024, 1, 14))
    23
    >>> whole_months_between(dt.date(2022, 1, 15), dt.date(2024, 1, 15))
    24
    """
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months
