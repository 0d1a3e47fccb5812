"""Calendar months as the label counts them: the one month arithmetic every layer uses.

Rules (through :mod:`alpha4.rules.dates`), the schedule and the synthetic cohort all call these.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the month's last day (``dateutil.relativedelta``).

    The one month arithmetic every layer uses (rules, schedule, synthetic cohort).

    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(dt.date(2024, 8, 15), 6)
    datetime.date(2025, 2, 15)
    """
    result: dt.date = day + relativedelta(months=months)
    return result


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
