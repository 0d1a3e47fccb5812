"""Laboratory units: bring a result to the canonical UCUM unit of its analyte.

Three steps, each with one source of truth:

1. the unit as sent is translated to UCUM when it is a string laboratories print
   but UCUM does not define (``K/uL``, ``x10E3/uL``, ``IU/L``, ``g/dl``:
   :data:`alpha4.knowledge.lab_units.LAB_UNITS`);
2. conversions that need knowledge of the analyte (a molar mass, IU read as U)
   come from :data:`alpha4.knowledge.codes.UNIT_CONVERSIONS`;
3. every other conversion is UCUM arithmetic, done by the maintained UCUM library
   ``ucumvert`` (a UCUM grammar on top of ``pint``), loaded only when a result
   is not already in its canonical unit (it takes about a second to load).

A unit that still cannot be converted raises :class:`UnitError`; the FHIR reader
turns that into one uninterpretable observation, never a refused patient.
Unknown but well-formed LOINC codes are kept and reported by the rules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from alpha4.knowledge.codes import LAB_CODES, UNIT_CONVERSIONS, LabCode
from alpha4.knowledge.lab_units import LAB_UNITS

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


def ucum_unit(printed: str) -> str:
    """The UCUM code for a unit as a laboratory sent it (itself when it is not in the table).

    >>> ucum_unit("K/uL"), ucum_unit("x10E3/uL"), ucum_unit("IU/L"), ucum_unit("10*9/L")
    ('10*3/uL', '10*3/uL', '[IU]/L', '10*9/L')
    """
    folded = "".join(printed.split()).lower()
    return LAB_UNITS.value.get(folded, printed.strip())


_REGISTRY: list[Any] = []
_LOCK = threading.Lock()


def _registry() -> Any:
    """The UCUM registry, built once on first use (a second or so)."""
    with _LOCK:
        if not _REGISTRY:
            from ucumvert import PintUcumRegistry

            _REGISTRY.append(PintUcumRegistry())
        return _REGISTRY[0]


@lru_cache(maxsize=512)
def ucum_factor(unit: str, target: str) -> float:
    """The factor taking a value in UCUM ``unit`` to UCUM ``target`` (UCUM arithmetic only).

    >>> ucum_factor("10*9/L", "10*3/uL"), ucum_factor("ukat/L", "U/L"), ucum_factor("g/L", "g/dL")
    (1.0, 60.0, 0.1)
    """
    if unit == target:
        return 1.0
    registry = _registry()
    try:
        source = registry.from_ucum(unit)
        goal = registry.from_ucum(target)
    except Exception as error:  # the parser raises lark and pint errors of several kinds
        raise UnitError(f"{unit!r} is not a UCUM unit ({type(error).__name__})") from None
    if source.dimensionality != goal.dimensionality:
        raise UnitError(f"{unit!r} does not measure the same kind of quantity as {target!r}")
    factor = float((source / goal).to("dimensionless").magnitude)
    return round(factor, 12)


@lru_cache(maxsize=1024)
def conversion_factor(unit: str, canonical: str) -> float:
    """The factor from a unit as sent to the analyte's canonical unit; UnitError when there is none.

    Cached: a registry sends a handful of unit spellings, and every lab of every patient asks.
    """
    code = ucum_unit(unit)
    if code == canonical:
        return 1.0
    specific = UNIT_CONVERSIONS.value.get(canonical, {})
    if code in specific:
        return specific[code]
    return ucum_factor(code, canonical)


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
    return normalise_as(result, code, factor_for(result, code))


def factor_for(result: LabResult, code: LabCode) -> float:
    """The factor taking ``result`` to ``code``'s canonical unit; UnitError saying which result when none."""
    try:
        return conversion_factor(result.unit, code.unit)
    except UnitError as error:
        raise UnitError(
            f"unit {result.unit!r} cannot be converted to {code.unit!r} for LOINC {result.loinc} "
            f"({code.display}): {error}"
        ) from None


def normalise_as(result: LabResult, code: LabCode, factor: float) -> NormalisedLab:
    """``result`` scaled by ``factor`` (from :func:`factor_for`) into ``code``'s canonical unit."""

    def scale(x: float | None) -> float | None:
        return None if x is None else x * factor

    return NormalisedLab(
        result=result,
        code=code,
        value=result.value * factor,
        reference_low=scale(result.reference_low),
        reference_high=scale(result.reference_high),
    )
