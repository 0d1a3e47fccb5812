"""Confidence intervals for the cohort reports, from maintained libraries (never by hand).

Proportions: exact Clopper-Pearson (default) or Wilson score,
``statsmodels.stats.proportion.proportion_confint`` (``beta`` is Clopper-Pearson in its closed
beta-quantile form: the same interval as ``scipy.stats.binomtest(...).proportion_ci("exact")``,
about 40 times faster, which matters when a report holds dozens of cells).
Rates (relapses per patient-year): exact Poisson interval (Garwood, ``exact-c``) from
``statsmodels.stats.rates.confint_poisson``. Both are imported when first needed, so the CLI
starts without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CONFIDENCE = 0.95


class Method(StrEnum):
    CLOPPER_PEARSON = "clopper-pearson"
    WILSON = "wilson"


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate and its 95% interval (all None when there is no denominator)."""

    value: float | None
    low: float | None
    high: float | None


NONE = Estimate(None, None, None)


def proportion(events: int, patients: int, method: Method = Method.CLOPPER_PEARSON) -> Estimate:
    """``events`` of ``patients`` with its 95% interval.

    >>> e = proportion(3, 10)
    >>> round(e.value, 3), round(e.low, 4), round(e.high, 4)
    (0.3, 0.0667, 0.6525)
    >>> proportion(0, 0)
    Estimate(value=None, low=None, high=None)
    """
    if patients <= 0:
        return NONE
    if not 0 <= events <= patients:
        raise ValueError(f"{events} events among {patients} patients")
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(
        events, patients, alpha=1 - CONFIDENCE, method="beta" if method is Method.CLOPPER_PEARSON else "wilson"
    )
    return Estimate(events / patients, float(low), float(high))


def poisson_rate(events: int, exposure: float) -> Estimate:
    """``events`` over ``exposure`` (e.g. patient-years) with the exact Poisson 95% interval.

    >>> e = poisson_rate(3, 10.0)
    >>> round(e.value, 2), round(e.low, 4), round(e.high, 4)
    (0.3, 0.0619, 0.8767)
    """
    if exposure <= 0:
        return NONE
    if events < 0:
        raise ValueError(f"{events} events")
    from statsmodels.stats.rates import confint_poisson

    low, high = confint_poisson(events, exposure, method="exact-c", alpha=1 - CONFIDENCE)
    return Estimate(events / exposure, float(low), float(high))
