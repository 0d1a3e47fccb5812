"""CDAI and HBI calculators: weights, bands at every boundary, response and remission."""

from __future__ import annotations

from typing import Any

import pytest

from alpha4.domain import CrohnsIndexKind
from alpha4.knowledge import CATALOGUE
from alpha4.rules.scores import ScoreInputError, assess_change, cdai, cdai_band, hbi, hbi_band

QUIET: dict[str, Any] = {
    "liquid_stools_week": 0,
    "pain_week": 0,
    "wellbeing_week": 0,
    "complications": 0,
    "antidiarrheal": False,
    "mass": 0,
    "hematocrit": 47.0,
    "sex": "male",
    "weight_kg": 70.0,
    "standard_weight_kg": 70.0,
}


def score(**changes: Any) -> float:
    return cdai(**{**QUIET, **changes}).score


def test_cdai_worked_example_term_by_term() -> None:
    """Best 1976 weights: 21 stools x2, pain 7 x5, well-being 14 x7, 1 complication x20,
    haematocrit 40% in a man (47 - 40) x6, 63 kg for a standard 70 kg (10% below) x1 = 247."""
    r = cdai(
        liquid_stools_week=21,
        pain_week=7,
        wellbeing_week=14,
        complications=1,
        antidiarrheal=False,
        mass=0,
        hematocrit=40,
        sex="male",
        weight_kg=63,
        standard_weight_kg=70,
    )
    terms = {t.name: t.points for t in r.terms}
    assert terms == {
        "liquid_stools": 42,
        "abdominal_pain": 35,
        "general_wellbeing": 98,
        "complications": 20,
        "antidiarrheal": 0,
        "abdominal_mass": 0,
        "hematocrit": 42,
        "body_weight": 10,
    }
    assert (r.score, r.band, r.remission) == (247.0, "moderate_to_severe", False)


def test_each_weight_alone() -> None:
    assert score(liquid_stools_week=1) == 2
    assert score(pain_week=1) == 5
    assert score(wellbeing_week=1) == 7
    assert score(complications=1) == 20
    assert score(antidiarrheal=True) == 30
    assert score(mass=2) == 20 and score(mass=5) == 50
    assert score(hematocrit=46) == 6
    assert score(sex="female", hematocrit=41) == 6  # women: 42 - Hct
    assert score(weight_kg=63) == 10


def test_cdai_149_is_remission_150_is_not() -> None:
    r149 = cdai(**{**QUIET, "liquid_stools_week": 22, "pain_week": 1, "complications": 5})
    r150 = cdai(**{**QUIET, "liquid_stools_week": 25, "complications": 5})
    assert (r149.score, r149.band, r149.remission) == (149.0, "remission", True)
    assert (r150.score, r150.band, r150.remission) == (150.0, "mild_to_moderate", False)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "remission"),
        (149.9, "remission"),
        (150, "mild_to_moderate"),
        (220, "mild_to_moderate"),
        (220.5, "moderate_to_severe"),
        (450, "moderate_to_severe"),
        (450.1, "severe"),
    ],
)
def test_cdai_bands(value: float, band: str) -> None:
    assert cdai_band(value) == band


def test_negative_terms_are_kept_and_the_total_floored() -> None:
    r = cdai(**{**QUIET, "hematocrit": 50.0, "weight_kg": 77.0, "liquid_stools_week": 20})
    terms = {t.name: t.points for t in r.terms}
    assert terms["hematocrit"] == -18 and terms["body_weight"] == -10
    assert r.score == 40 - 18 - 10
    assert any("negative" in n for n in r.notes)
    floored = cdai(**{**QUIET, "hematocrit": 50.0})
    assert floored.score == 0 and any("floored" in n for n in floored.notes)
    assert CATALOGUE["response.cd.cdai_negative_terms"].sources[0].evidence.value == "policy"


@pytest.mark.parametrize(
    ("changes", "item"),
    [
        ({"pain_week": 22}, "pain_week"),
        ({"wellbeing_week": 29}, "wellbeing_week"),
        ({"complications": 7}, "complications"),
        ({"mass": 3}, "mass"),
        ({"liquid_stools_week": -1}, "liquid_stools_week"),
        ({"hematocrit": 5}, "hematocrit"),
        ({"standard_weight_kg": 0}, "standard_weight_kg"),
        ({"sex": "other"}, "sex"),
    ],
)
def test_cdai_rejects_out_of_range_input_by_name(changes: dict[str, Any], item: str) -> None:
    with pytest.raises(ScoreInputError) as error:
        cdai(**{**QUIET, **changes})
    assert error.value.item == item


def test_hbi_worked_example() -> None:
    """Harvey-Bradshaw: poor well-being 2, mild pain 1, 4 liquid stools, dubious mass 1, 1 complication = 9."""
    r = hbi(wellbeing=2, pain=1, liquid_stools=4, mass=1, complications=1)
    assert (r.score, r.band) == (9.0, "moderate")
    assert {t.name: t.points for t in r.terms}["liquid_stools"] == 4


def test_hbi_4_is_remission_5_is_not() -> None:
    r4 = hbi(wellbeing=1, pain=1, liquid_stools=2, mass=0, complications=0)
    r5 = hbi(wellbeing=1, pain=1, liquid_stools=3, mass=0, complications=0)
    assert (r4.score, r4.band, r4.remission) == (4.0, "remission", True)
    assert (r5.score, r5.band, r5.remission) == (5.0, "mild", False)


@pytest.mark.parametrize(("value", "band"), [(7, "mild"), (8, "moderate"), (16, "moderate"), (17, "severe")])
def test_hbi_bands(value: float, band: str) -> None:
    assert hbi_band(value) == band


@pytest.mark.parametrize(
    ("kwargs", "item"),
    [
        ({"wellbeing": 5}, "general_wellbeing"),
        ({"pain": 4}, "abdominal_pain"),
        ({"mass": 4}, "abdominal_mass"),
        ({"complications": 9}, "complications"),
        ({"liquid_stools": -1}, "liquid_stools"),
    ],
)
def test_hbi_rejects_out_of_range_input_by_name(kwargs: dict[str, int], item: str) -> None:
    base = {"wellbeing": 0, "pain": 0, "liquid_stools": 0, "mass": 0, "complications": 0}
    with pytest.raises(ScoreInputError) as error:
        hbi(**{**base, **kwargs})
    assert error.value.item == item


def test_cdai_fall_of_exactly_70_is_a_response_69_is_not() -> None:
    assert assess_change(CrohnsIndexKind.CDAI, 300, 230).response
    assert not assess_change(CrohnsIndexKind.CDAI, 300, 231).response


def test_cdai_100_and_remission() -> None:
    a = assess_change(CrohnsIndexKind.CDAI, 250, 150)
    assert (a.fall, a.response, a.response_100, a.remission) == (100.0, True, True, False)
    assert assess_change(CrohnsIndexKind.CDAI, 250, 149).remission
    assert not assess_change(CrohnsIndexKind.CDAI, 250, 151).response_100


def test_hbi_fall_of_3_is_a_response() -> None:
    assert assess_change(CrohnsIndexKind.HBI, 9, 6).response
    assert not assess_change(CrohnsIndexKind.HBI, 9, 7).response
    assert assess_change(CrohnsIndexKind.HBI, 9, 6).response_100 is None


def test_results_name_their_sources() -> None:
    data = cdai(**QUIET).to_json()
    assert {"score", "band", "terms"} <= set(data)
    assert any("Best WR" in s for s in data["sources"])  # type: ignore[union-attr]
