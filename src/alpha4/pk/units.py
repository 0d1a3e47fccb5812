"""Drug-level units: bring a natalizumab concentration to µg/mL, or refuse it.

The patient record stores ``concentration_ug_per_ml`` only (the unit is in the field name).
A level typed in by hand (``alpha4 pk plan --level``) carries its own UCUM unit: a mass
concentration is converted, anything else is refused, because a level in the wrong unit
silently taken as µg/mL would move the recommended interval. Molar units are refused too:
converting them needs a molecular weight the label does not give for the assay.
"""

from __future__ import annotations

import math

UG_PER_ML_FROM: dict[str, float] = {
    "ug/mL": 1.0,
    "µg/mL": 1.0,  # the spelling alpha4 prints; UCUM writes "ug"
    "mg/L": 1.0,
    "ng/mL": 1e-3,
    "ug/L": 1e-3,
    "mg/dL": 10.0,
    "ug/dL": 1e-2,
    "g/L": 1e3,
    "mg/mL": 1e3,
    "ng/L": 1e-6,
    "pg/mL": 1e-6,
}
"""Multiply a value in the key's UCUM unit by this to get µg/mL."""


class UnitError(ValueError):
    """A drug level whose unit is not a mass concentration alpha4 converts."""


def to_ug_per_ml(value: float, unit: str) -> float:
    """A natalizumab concentration in µg/mL.

    >>> to_ug_per_ml(12500, "ng/mL"), to_ug_per_ml(12.5, "mg/L")
    (12.5, 12.5)
    >>> to_ug_per_ml(80, "nmol/L")
    Traceback (most recent call last):
    ...
    alpha4.pk.units.UnitError: unit 'nmol/L' is not a mass concentration alpha4 converts to ug/mL (use one of: ug/mL, µg/mL, mg/L, ng/mL, ug/L, mg/dL, ug/dL, g/L, mg/mL, ng/L, pg/mL)
    """
    factor = UG_PER_ML_FROM.get(unit.strip())
    if factor is None:
        raise UnitError(
            f"unit {unit!r} is not a mass concentration alpha4 converts to ug/mL "
            f"(use one of: {', '.join(UG_PER_ML_FROM)})"
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"concentration {value!r} {unit} must be a finite number, zero or more")
    return value * factor
