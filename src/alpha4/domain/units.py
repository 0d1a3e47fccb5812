"""Laboratory units: bring a result to the canonical UCUM unit of its analyte.

Three steps, each with one source of truth:

1. the unit as sent is translated to UCUM when it is a string laboratories print
   but UCUM does not define (``K/uL``, ``x10E3/uL``, ``IU/L``, ``g/dl``:
   :data:`alpha4.knowledge.lab_units.LAB_UNITS`);
2. conversions that need knowledge of the analyte (a molar mass, IU read as U)
   come from :data:`alpha4.knowledge.codes.UNIT_CONVERSIONS`;
3. every other conversion is UCUM arithmetic, done by the maintained UCUM library
   ``ucumvert`` (a UCUM grammar on top of ``pint``), loaded only when a result
   is not already in its canonical unit, its parsed definitions cached by pint
   between processes (:func:`_registry`).

A unit that still cannot be converted raises :class:`UnitError`; the FHIR reader
turns that into one uninterpretable observation, never a refused patient.
Unknown but well-formed LOINC codes are kept and reported by the rules.
"""

from __future__ import annotations

import json
import math
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from alpha4.knowledge.codes import LAB_CODES, UNIT_CONVERSIONS, LabCode
from alpha4.knowledge.lab_units import LAB_UNITS

from .records import Comparator, LabResult, decided_value


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
    bound: float | None = None  # the reported bound of ``<50`` (canonical unit); None: exact value

    def __post_init__(self) -> None:
        # A reported bound: ``value`` becomes the value the rules compare (:func:`decided_value`),
        # ``bound`` keeps what the laboratory said. Done here so every way of building one agrees.
        if self.result.comparator is not None and self.bound is None:
            object.__setattr__(self, "bound", self.value)
            object.__setattr__(self, "value", decided_value(self.value, self.result.comparator))

    @property
    def unit(self) -> str:
        return self.code.unit

    @property
    def comparator(self) -> Comparator | None:
        return self.result.comparator

    @property
    def shown(self) -> str:
        """The value as the laboratory gave it, in the canonical unit: ``50`` or ``<50``."""
        if self.comparator is None or self.bound is None:
            return f"{self.value:.3g}"
        return f"{self.comparator.value}{self.bound:.3g}"

    @property
    def bound_words(self) -> str:
        """Empty for an exact value; else what the bound means: ": below 50, the exact value unknown"."""
        if self.comparator is None or self.bound is None:
            return ""
        return f" ({self.comparator.words} {self.bound:.3g}; the exact value is unknown)"

    def below(self, limit: float) -> bool | None:
        """Whether the true result is below ``limit``; None when the reported bound cannot tell
        (``<200`` against a limit of 150: it may be 10 or 190)."""
        if self.comparator in (Comparator.BELOW, Comparator.AT_MOST) and self.value >= limit:
            return None
        if self.comparator in (Comparator.ABOVE, Comparator.AT_LEAST) and self.value < limit:
            return None
        return self.value < limit


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


_REGISTRY: list[_Ucum] = []
_LOCK = threading.Lock()


class _Ucum:
    """UCUM code -> pint quantity: ucumvert's grammar and transformer over one pint registry."""

    def __init__(self) -> None:
        from importlib.resources import files

        import pint
        from ucumvert import UcumToPintTransformer, get_ucum_parser

        try:
            registry: Any = pint.UnitRegistry(cache_folder=":auto:")
        except Exception:  # any cache failure (read-only home, corrupt file): build without it
            registry = pint.UnitRegistry()
        registry.load_definitions(str(files("ucumvert") / "pint_ucum_defs.txt"))
        self.registry = registry
        self._parser = get_ucum_parser()
        self._transform = UcumToPintTransformer(ureg=registry).transform

    def from_ucum(self, code: str) -> Any:
        from ucumvert import parse_ucum

        return self._transform(parse_ucum(code, self._parser))


def _registry() -> _Ucum:
    """The UCUM reader, built once per process on first use.

    Why not ``ucumvert.PintUcumRegistry()``: it builds two pint registries (its own, and pint's
    application registry for its transformer), parsing pint's and UCUM's definition files twice
    (0.85 s of a 2.2 s ``assess``). Here the transformer reads the one registry, and pint's own
    definition cache (``cache_folder=":auto:"``, the user's cache directory) keeps the parsed
    definitions between processes. The cache changes the speed, never the factors (the doctests of
    :func:`ucum_factor` and the unit tests pin them).
    """
    with _LOCK:
        if not _REGISTRY:
            _REGISTRY.append(_Ucum())
        return _REGISTRY[0]


@lru_cache(maxsize=512)
def ucum_factor(unit: str, target: str) -> float:
    """The factor taking a value in UCUM ``unit`` to UCUM ``target`` (UCUM arithmetic only).

    >>> ucum_factor("10*9/L", "10*3/uL"), ucum_factor("ukat/L", "U/L"), ucum_factor("g/L", "g/dL")
    (1.0, 60.0, 0.1)
    """
    if unit == target:
        return 1.0
    stored = _stored_factors().get(f"{unit}\t{target}")
    if stored is not None:
        return stored
    registry = _registry()
    try:
        source = registry.from_ucum(unit)
        goal = registry.from_ucum(target)
    except Exception as error:  # the parser raises lark and pint errors of several kinds
        raise UnitError(f"{unit!r} is not a UCUM unit ({type(error).__name__})") from None
    if source.dimensionality != goal.dimensionality:
        raise UnitError(f"{unit!r} does not measure the same kind of quantity as {target!r}")
    factor = round(float((source / goal).to("dimensionless").magnitude), 12)
    _store_factor(unit, target, factor)
    return factor


# --- factors UCUM computed, kept between processes -------------------------------------------
# Importing pint and building a UCUM registry costs about 0.7 s; a command-line ``assess`` of a
# bundle with European units pays it for two or three unit pairs. The factors pint computed are kept
# in the user's cache directory, keyed by the versions of pint and ucumvert that computed them, so
# the next process reads them without importing pint. Only finite positive factors are read back; a
# missing, unreadable or corrupt file means pint computes them again (speed changes, factors never).
_FACTORS: dict[str, float] | None = None


def _factors_file() -> Path:
    from importlib.metadata import version

    import platformdirs

    tag = f"pint-{version('pint')}-ucumvert-{version('ucumvert')}"
    return Path(platformdirs.user_cache_dir("alpha4")) / f"ucum-factors-{tag}.json"


def _stored_factors() -> dict[str, float]:
    global _FACTORS
    with _LOCK:
        if _FACTORS is None:
            _FACTORS = {}
            try:
                data = json.loads(_factors_file().read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict):
                _FACTORS = {
                    k: float(v)
                    for k, v in data.items()
                    if isinstance(k, str)
                    and isinstance(v, (int, float))
                    and not isinstance(v, bool)
                    and math.isfinite(v)
                    and v > 0
                }
        return _FACTORS


def _store_factor(unit: str, target: str, factor: float) -> None:
    factors = _stored_factors()
    with _LOCK:
        factors[f"{unit}\t{target}"] = factor
        try:
            path = _factors_file()
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = path.with_suffix(f".{os.getpid()}.tmp")
            scratch.write_text(json.dumps(factors, sort_keys=True), encoding="utf-8")
            os.replace(scratch, path)
        except OSError:
            pass  # a read-only cache directory: the factor is still used in this process


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
