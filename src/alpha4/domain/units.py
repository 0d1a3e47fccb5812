"""Laboratory units: bring a result to the canonical UCUM unit of its analyte.

Known LOINC codes must come in a unit alpha4 can convert; a result in any other
unit is refused at the boundary (a wrong unit silently compared would be a wrong
answer). Unknown but well-formed LOINC codes are kept and reported by the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from alpha4.knowledge.codes import LAB_CODES, UNIT_CONVERSIONS, LabCode

from .records import LabResult


class UnitError(ValueError):
    """A lab result's unit cannot be converted for its LOINC code."""


@dataclass(frozen=True, slots=True)
class NormalisedLab:
    """A lab result in its analyte's canonical unit."""

    result: LabResult
    code: LabCode
    value: float
    reference_low: float | None
    reference_high: float | None

    @property
    def unit(self) -> str:
        return self.code.unit


def loinc_check_digit_ok(code: str) -> bool:
    """LOINC's mod-10 check digit.

    >>> loinc_check_digit_ok("731-0"), loinc_check_digit_ok("731-1"), loinc_check_digit_ok("1742-6")
    (True, False, True)
    """
    body, _, check = code.partition("-")
    if not body.isdigit() or not check.isdigit() or len(check) != 1:
        return False
    digits = [int(c) for c in body]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            doubled = digit * 2
            total += doubled // 10 + doubled % 10
        else:
            total += digit
    return (10 - total % 10) % 10 == int(check)


def known_code(result: LabResult) -> LabCode | None:
    return LAB_CODES.value.get(result.loinc)


def normalise(result: LabResult) -> NormalisedLab | None:
    """Convert a known result to its canonical unit; None for an unknown LOINC code.

    >>> import datetime as dt
    >>> lab = LabResult(id="l1", date=dt.date(2024, 1, 1), loinc="1975-2", value=34.2, unit="umol/L",
    ...                 reference_high=20.5)
    >>> n = normalise(lab)
    >>> round(n.value, 2), n.unit, round(n.reference_high, 2)
    (2.0, 'mg/dL', 1.2)
    """
    code = known_code(result)
    if code is None:
        return None
    factors = UNIT_CONVERSIONS.value[code.unit]
    factor = factors.get(result.unit)
    if factor is None:
        raise UnitError(
            f"unit {result.unit!r} is not accepted for LOINC {result.loinc} ({code.display}); "
            f"use one of: {', '.join(factors)}"
        )

    def scale(x: float | None) -> float | None:
        return None if x is None else x * factor

    return NormalisedLab(
        result=result,
        code=code,
        value=result.value * factor,
        reference_low=scale(result.reference_low),
        reference_high=scale(result.reference_high),
    )
