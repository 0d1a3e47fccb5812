"""Natalizumab exposure: infusion count, treatment months, the recent dosing interval.

Exposure for the PML tables is counted in infusions (the tables were derived with
12 infusions to a year, Ho et al. 2017); calendar months of treatment are shown
beside it and drive the label's time points (2 years of treatment, TOUCH visits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from alpha4.knowledge import label

from .context import Context
from .dates import add_months


@dataclass(frozen=True, slots=True)
class RecentInterval:
    """Average dosing interval over the EID window (last 18 months)."""

    average_days: float
    infusions: int
    window_start: dt.date


def exposure_months(ctx: Context) -> int:
    """Months of exposure as the PML tables count them: one per infusion received."""
    return ctx.infusion_count


def recent_average_interval(ctx: Context) -> RecentInterval | None:
    """Mean interval between infusions given in the last 18 months (None with fewer than 2).

    >>> from alpha4.domain.builders import ms_patient
    >>> from alpha4.knowledge import US
    >>> patient = ms_patient(first_infusion=dt.date(2023, 1, 2), interval_days=42, infusions=14)
    >>> ctx = Context(patient, dt.date(2024, 8, 20), US)
    >>> recent_average_interval(ctx).average_days
    42.0
    """
    start = add_months(ctx.as_of, -label.EXTENDED_INTERVAL_WINDOW_MONTHS.value)
    dates = [i.date for i in ctx.infusions if i.date >= start]
    if len(dates) < 2:
        return None
    average = (dates[-1] - dates[0]).days / (len(dates) - 1)
    return RecentInterval(average_days=average, infusions=len(dates), window_start=start)


def prescribed_interval_days(ctx: Context) -> int:
    """The patient's dosing interval: the prescribed extended interval, else every 4 weeks."""
    weeks = ctx.patient.extended_interval_weeks
    return round(weeks * 7) if weeks else label.STANDARD_INTERVAL_DAYS.value
