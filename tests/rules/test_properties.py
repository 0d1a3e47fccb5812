"""Properties over the synthetic cohort: determinism, JSON round trip, every code registered."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from alpha4.domain import load_patient
from alpha4.knowledge import EU, US
from alpha4.rules import assess
from alpha4.rules.codes import CODES
from alpha4.synthetic import SCENARIOS, scenario_patient

scenario = st.sampled_from(sorted(SCENARIOS))
day = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
profile = st.sampled_from([US, EU])


@settings(max_examples=60, deadline=None)
@given(scenario, day, profile, st.integers(0, 5))
def test_assessment_is_deterministic(name: str, as_of: dt.date, prof: object, seed: int) -> None:
    p = scenario_patient(name, as_of, seed=seed)
    assert assess(p, as_of, prof) == assess(p, as_of, prof)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(scenario, day, profile, st.integers(0, 5), st.integers(-400, 400))
def test_json_round_trip_gives_the_same_assessment(
    name: str, as_of: dt.date, prof: object, seed: int, shift: int
) -> None:
    """Assessed on another day too (records after that day are invisible, not an error)."""
    p = scenario_patient(name, as_of, seed=seed)
    again = load_patient(p.to_json())
    assert again == p
    when = as_of + dt.timedelta(days=shift)
    assert assess(again, when, prof) == assess(p, when, prof)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(scenario, day, profile, st.integers(0, 5))
def test_every_finding_is_registered_explained_and_sourced(
    name: str, as_of: dt.date, prof: object, seed: int
) -> None:
    a = assess(scenario_patient(name, as_of, seed=seed), as_of, prof)  # type: ignore[arg-type]
    for f in a.findings:
        assert f.code in CODES
        assert f.title and f.detail and f.action
        if f.code not in {"RECORD_UNINTERPRETED", "LAB_NOT_INTERPRETED", "LAB_UNIT_UNKNOWN"}:
            assert f.sources, f.code
    for code in a.gate.reasons:
        assert code in {f.code for f in a.findings}


@settings(max_examples=60, deadline=None)
@given(scenario, day, profile, st.integers(0, 5), st.integers(-400, 0))
def test_records_after_as_of_never_change_the_assessment(
    name: str, built_on: dt.date, prof: object, seed: int, back: int
) -> None:
    """The as-of view is the only view: dropping every record dated after ``as_of`` changes nothing."""
    p = scenario_patient(name, built_on, seed=seed)
    as_of = built_on + dt.timedelta(days=back)
    lists = {
        field: tuple(r for r in getattr(p, field) if getattr(r, "date", None) is None or r.date <= as_of)
        for field in type(p).model_fields
        if isinstance(getattr(p, field), tuple) and field != "medications"
    }
    meds = tuple(m for m in p.medications if m.start is None or m.start <= as_of)
    trimmed = p.model_copy(update={**lists, "medications": meds})
    if p.discontinuation is not None and p.discontinuation.date > as_of:
        trimmed = trimmed.model_copy(update={"discontinuation": None})
    assert assess(trimmed, as_of, prof) == assess(p, as_of, prof)  # type: ignore[arg-type]
