"""A finding code leads to its rule in one hop: the generated index is current and complete."""

from __future__ import annotations

from alpha4.knowledge import CATALOGUE
from alpha4.rules.code_index import EMITTED_BY, FACTS_READ
from alpha4.rules.codes import CODES
from tests.code_index_build import build


def test_the_index_matches_the_source() -> None:
    index = build()
    assert {c: e["emitted_by"] for c, e in index.items()} == EMITTED_BY, "run scripts/code_index.py --write"
    assert {c: e["facts"] for c, e in index.items()} == FACTS_READ, "run scripts/code_index.py --write"


def test_every_registered_code_has_an_emitter_and_known_facts() -> None:
    assert set(CODES) <= set(EMITTED_BY), sorted(set(CODES) - set(EMITTED_BY))
    for code, keys in FACTS_READ.items():
        assert set(keys) <= set(CATALOGUE), (code, sorted(set(keys) - set(CATALOGUE)))


def test_a_clinical_code_names_its_rule_and_facts() -> None:
    assert EMITTED_BY["LAB_LIVER_INJURY_STOP"] == ("alpha4.rules.liver.liver_findings",)
    assert {"lab.liver.transaminase_uln_multiple", "lab.liver.bilirubin_uln_multiple"} <= set(
        FACTS_READ["LAB_LIVER_INJURY_STOP"]
    )
    assert "combination.interferon_beta.gate@eu" in FACTS_READ["COMBINATION_INTERFERON_BETA"]
