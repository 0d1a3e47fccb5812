"""Every shipped example record gets the gate and findings a clinician expects (frozen date)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from alpha4.domain import load_patient
from alpha4.knowledge import EU, US
from alpha4.rules import assess

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests" / "cases" / "examples.json").read_text())
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.json"))


def test_every_example_has_expectations() -> None:
    assert EXAMPLES, "no examples shipped"
    assert sorted(CASES) == EXAMPLES


@pytest.mark.parametrize("name", sorted(CASES))
def test_example(name: str) -> None:
    case = CASES[name]
    patient = load_patient((ROOT / "examples" / f"{name}.json").read_text())
    as_of = dt.date.fromisoformat(case["as_of"])
    us, eu = assess(patient, as_of, US), assess(patient, as_of, EU)
    assert us.gate.decision.value == case["us"]["gate"]
    assert list(us.gate.reasons) == case["us"]["reasons"]
    assert eu.gate.decision.value == case["eu"]["gate"]
    assert list(eu.gate.reasons) == case["eu"]["reasons"]
    found = {f.code for f in us.findings}
    for code in case["must_include"]:
        assert code in found
