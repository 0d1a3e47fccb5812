"""Crohn's disease activity calculators: the CDAI (Best 1976) and the Harvey-Bradshaw Index.

Pure functions: components in, a :class:`ScoreResult` out with the total, its
band and each component's contribution, so a clinician sees how the score was
reached. Out-of-range input raises :class:`ScoreInputError` naming the item.

Negative CDAI terms (a haematocrit above the reference, a weight above the
standard weight) are kept as computed and lower the total; the total is floored
at 0 (``response.cd.cdai_negative_terms``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from alpha4.domain import CrohnsIndexKind
from alpha4.knowledge import Fact
from alpha4.knowledge import label as lb
from alpha4.knowledge import response as kb

HematocritSex = Literal["male", "female"]


class ScoreInputError(ValueError):
    """An index component outside its defined range; ``item`` names it."""

    def __init__(self, item: str, message: str) -> None:
        super().__init__(f"{item}: {message}")
        self.item = item
        self.message = message


@dataclass(frozen=True, slots=True)
class ScoreTerm:
    """One component: what was entered and the points it contributes."""

    name: str
    value: float
    points: float


@dataclass(frozen=True, slots=True)
class ScoreResult:
    index: CrohnsIndexKind
    score: float
    band: str
    remission: bool
    terms: tuple[ScoreTerm, ...]
    notes: tuple[str, ...] = ()
    facts: tuple[Fact[object], ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, object]:
        """The stable JSON contract of ``alpha4 score``: score, band, terms (name -> points) and more."""
        return {
            "index": self.index.value,
            "score": self.score,
            "band": self.band,
            "remission": self.remission,
            "terms": {t.name: t.points for t in self.terms},
            "inputs": {t.name: t.value for t in self.terms},
            "notes": list(self.notes),
            "facts": [f.id for f in self.facts],
            "sources": sorted({s.describe() for f in self.facts for s in f.sources}),
        }


def _check(item: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ScoreInputError(item, f"{value:g} is outside {low:g}-{high:g}")


def _band(score: float, bands: tuple[tuple[float, str], ...], top: str) -> str:
    """Band of ``score``: the first band is below its bound, the others up to and including theirs."""
    first_bound, first_name = bands[0]
    if score < first_bound:
        return first_name
    for bound, name in bands[1:]:
        if score <= bound:
            return name
    return top


def cdai_band(score: float) -> str:
    """CDAI band.

    >>> [cdai_band(s) for s in (149, 150, 220, 221, 450, 451)]
    ['remission', 'mild_to_moderate', 'mild_to_moderate', 'moderate_to_severe', 'moderate_to_severe', 'severe']
    """
    return _band(score, kb.CDAI_BANDS.value, "severe")


def hbi_band(score: float) -> str:
    """HBI band.

    >>> [hbi_band(s) for s in (4, 5, 7, 8, 16, 17)]
    ['remission', 'mild', 'mild', 'moderate', 'moderate', 'severe']
    """
    return _band(score, kb.HBI_BANDS.value, "severe")


def hbi(*, wellbeing: int, pain: int, liquid_stools: int, mass: int, complications: int) -> ScoreResult:
    """Harvey-Bradshaw Index: the sum of its five items (previous day).

    >>> r = hbi(wellbeing=2, pain=1, liquid_stools=4, mass=1, complications=1)
    >>> r.score, r.band
    (9.0, 'moderate')
    """
    ranges = kb.HBI_ITEM_RANGES.value
    items = (
        ("general_wellbeing", "wellbeing", wellbeing),
        ("abdominal_pain", "pain", pain),
        ("liquid_stools", "liquid_stools", liquid_stools),
        ("abdominal_mass", "abdominal_mass", mass),
        ("complications", "complications", complications),
    )
    terms: list[ScoreTerm] = []
    for name, key, value in items:
        low, high = ranges[key]
        _check(name, value, low, high)
        terms.append(ScoreTerm(name, float(value), float(value)))
    score = float(sum(t.points for t in terms))
    return ScoreResult(
        index=CrohnsIndexKind.HBI,
        score=score,
        band=hbi_band(score),
        remission=score < kb.HBI_REMISSION_BELOW.value,
        terms=tuple(terms),
        facts=(kb.HBI_ITEM_RANGES, kb.HBI_BANDS, kb.HBI_REMISSION_BELOW),
    )


def cdai(
    *,
    liquid_stools_week: int,
    pain_week: float,
    wellbeing_week: float,
    complications: int,
    antidiarrheal: bool,
    mass: int,
    hematocrit: float,
    sex: HematocritSex,
    weight_kg: float,
    standard_weight_kg: float,
) -> ScoreResult:
    """Crohn's Disease Activity Index from its eight components (7-day diary and examination).

    Worked example (weights of Best 1976): 21 liquid stools in the week (42), pain ratings summing
    to 7 (35), well-being summing to 14 (98), one complication (20), no antidiarrheal, no mass,
    haematocrit 40% in a man (7 x 6 = 42), 63 kg against a standard 70 kg (10% below: 10):

    >>> r = cdai(liquid_stools_week=21, pain_week=7, wellbeing_week=14, complications=1, antidiarrheal=False,
    ...          mass=0, hematocrit=40, sex="male", weight_kg=63, standard_weight_kg=70)
    >>> r.score, r.band
    (247.0, 'moderate_to_severe')
    """
    ranges = kb.CDAI_ITEM_RANGES.value
    weights = kb.CDAI_WEIGHTS.value
    _check("liquid_stools_week", liquid_stools_week, *ranges["liquid_stools_week"])
    _check("pain_week", pain_week, *ranges["pain_week"])
    _check("wellbeing_week", wellbeing_week, *ranges["wellbeing_week"])
    _check("complications", complications, *ranges["complications"])
    if mass not in ranges["abdominal_mass"]:
        raise ScoreInputError("mass", f"{mass} is not one of 0 (none), 2 (questionable), 5 (definite)")
    _check("hematocrit", hematocrit, *ranges["hematocrit"])
    _check("weight_kg", weight_kg, *ranges["weight_kg"])
    _check("standard_weight_kg", standard_weight_kg, *ranges["weight_kg"])
    reference = kb.CDAI_HEMATOCRIT_REFERENCE.value.get(sex)
    if reference is None:
        raise ScoreInputError(
            "sex", f"{sex!r} is not 'male' or 'female' (the haematocrit reference needs one)"
        )
    hct_deficit = reference - hematocrit
    below_standard = (1 - weight_kg / standard_weight_kg) * 100
    terms = (
        ScoreTerm("liquid_stools", liquid_stools_week, liquid_stools_week * weights["liquid_stools"]),
        ScoreTerm("abdominal_pain", pain_week, pain_week * weights["abdominal_pain"]),
        ScoreTerm("general_wellbeing", wellbeing_week, wellbeing_week * weights["general_wellbeing"]),
        ScoreTerm("complications", complications, complications * weights["complications"]),
        ScoreTerm("antidiarrheal", int(antidiarrheal), int(antidiarrheal) * weights["antidiarrheal"]),
        ScoreTerm("abdominal_mass", mass, mass * weights["abdominal_mass"]),
        ScoreTerm("hematocrit", hematocrit, round(hct_deficit * weights["hematocrit"], 2)),
        ScoreTerm("body_weight", weight_kg, round(below_standard * weights["body_weight"], 2)),
    )
    notes: list[str] = []
    negative = [t.name for t in terms if t.points < 0]
    if negative:
        notes.append(
            "negative term(s) kept as computed: " + ", ".join(negative) + " (response.cd.cdai_negative_terms)"
        )
    total = round(sum(t.points for t in terms), 1)
    if total < 0:
        notes.append(f"total {total:g} floored at 0")
        total = 0.0
    return ScoreResult(
        index=CrohnsIndexKind.CDAI,
        score=total,
        band=cdai_band(total),
        remission=total < kb.CDAI_REMISSION_BELOW.value,
        terms=terms,
        notes=tuple(notes),
        facts=(
            kb.CDAI_WEIGHTS,
            kb.CDAI_HEMATOCRIT_REFERENCE,
            kb.CDAI_ITEM_RANGES,
            kb.CDAI_NEGATIVE_TERMS,
            kb.CDAI_BANDS,
            kb.CDAI_REMISSION_BELOW,
        ),
    )


@dataclass(frozen=True, slots=True)
class ResponseAssessment:
    """Change of one index between a baseline and a later score."""

    index: CrohnsIndexKind
    baseline: float
    later: float
    fall: float
    response: bool  # CDAI fall >= 70 or HBI fall >= 3
    response_100: bool | None  # CDAI fall >= 100; None for HBI
    remission: bool  # later score in remission


def remission_below(index: CrohnsIndexKind) -> Fact[float]:
    return kb.CDAI_REMISSION_BELOW if index is CrohnsIndexKind.CDAI else kb.HBI_REMISSION_BELOW


def response_fall(index: CrohnsIndexKind) -> Fact[int]:
    return lb.CD_RESPONSE_CDAI_DROP if index is CrohnsIndexKind.CDAI else lb.CD_RESPONSE_HBI_DROP


def assess_change(index: CrohnsIndexKind, baseline: float, later: float) -> ResponseAssessment:
    """Clinical response and remission between two scores of the same index.

    >>> a = assess_change(CrohnsIndexKind.CDAI, 300, 230)
    >>> a.fall, a.response, a.response_100, a.remission
    (70.0, True, False, False)
    >>> assess_change(CrohnsIndexKind.HBI, 9, 6).response
    True
    """
    fall = float(baseline - later)
    return ResponseAssessment(
        index=index,
        baseline=float(baseline),
        later=float(later),
        fall=fall,
        response=fall >= response_fall(index).value,
        response_100=fall >= kb.CDAI_RESPONSE_100.value if index is CrohnsIndexKind.CDAI else None,
        remission=later < remission_below(index).value,
    )
