"""Dates known only to the year or the month (``2019``, ``2019-05``), as FHIR allows them.

EHRs record what the patient remembers ("azathioprine from 2019", "born 1990"). Such a date is an
interval, not a day: :func:`parse_partial` keeps its precision and both ends, so that a reader
that needs a day picks the end that is safe for its question and says which it took.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date at year, month or day precision: every day from ``earliest`` to ``latest``."""

    text: str
    precision: Precision
    earliest: dt.date
    latest: dt.date

    @property
    def exact(self) -> bool:
        return self.precision is Precision.DAY


_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_partial(value: object) -> PartialDate | None:
    """The interval a FHIR date or dateTime stands for; None when it is not one.

    A dateTime keeps the local calendar day the EHR wrote (its offset is not converted to UTC).

    >>> p = parse_partial("2019-02")
    >>> p.precision.value, p.earliest.isoformat(), p.latest.isoformat()
    ('month', '2019-02-01', '2019-02-28')
    >>> parse_partial("1990").latest.isoformat(), parse_partial("2024-05-01T23:30:00-05:00").earliest.isoformat()
    ('1990-12-31', '2024-05-01')
    >>> parse_partial("May 2019") is None
    True
    """
    if isinstance(value, dt.datetime):
        local = value.date()
        return PartialDate(value.isoformat(), Precision.DAY, local, local)
    if isinstance(value, dt.date):
        return PartialDate(value.isoformat(), Precision.DAY, value, value)
    text = str(value or "")
    match = _PARTIAL.match(text)
    if match is None:
        return None
    year = int(match.group(1))  # the pattern requires the year
    month, day = (int(g) if g else None for g in match.groups()[1:])
    try:
        if month is None:
            return PartialDate(text, Precision.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return PartialDate(text, Precision.MONTH, dt.date(year, month, 1), dt.date(year, month, last))
        exact = dt.date(year, month, day)
    except ValueError:
        return None
    return PartialDate(text, Precision.DAY, exact, exact)


def age_range(birth: PartialDate, on: dt.date) -> tuple[int, int]:
    """The youngest and oldest age (whole years) a person born in ``birth`` can have on ``on``.

    >>> age_range(parse_partial("2008"), dt.date(2026, 6, 1))
    (17, 18)
    """

    def age(born: dt.date) -> int:
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    return age(birth.latest), age(birth.earliest)
