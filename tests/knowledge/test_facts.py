"""Every fact has a source; the published PML tables are reproduced cell by cell."""

from __future__ import annotations

import pytest

from alpha4.knowledge import CATALOGUE, all_facts
from alpha4.knowledge.base import Evidence, Source, fact
from alpha4.knowledge.pml_tables import BERGER_FOX, HO_SMPC, RiskGroup


def test_every_fact_has_a_source_with_a_citation() -> None:
    facts = all_facts()
    assert len(facts) > 80
    for f in facts:
        assert f.sources, f.id
        for s in f.sources:
            assert s.citation.strip(), f.id
            assert s.id.strip(), f.id


def test_a_fact_without_a_source_is_refused() -> None:
    with pytest.raises(ValueError, match="no source"):
        fact("test.unsourced", 1)


def test_a_fact_cannot_be_defined_twice() -> None:
    source = Source("x", "x")
    with pytest.raises(ValueError, match="defined twice"):
        fact("dose.mg", 1, source)


def test_policy_facts_say_why() -> None:
    """A choice alpha4 makes where the sources are silent must be explained."""
    for f in all_facts():
        if any(s.evidence is Evidence.POLICY for s in f.sources):
            assert f.description or f.note, f.id


def test_unverified_table_is_eu_only_and_marked() -> None:
    assert HO_SMPC.profile == "eu"
    assert "TO BE CHECKED" in HO_SMPC.note
    assert HO_SMPC.sources[0].evidence is Evidence.TO_CHECK
    assert BERGER_FOX.profile is None


BERGER_FOX_PUBLISHED = {
    RiskGroup.JCV_NEGATIVE: (0.02, 0.2, 0.2),
    RiskGroup.JCV_NEGATIVE_PRIOR_IS: (0.06, 0.9, 0.9),
    RiskGroup.JCV_POSITIVE_NO_INDEX: (1, 3, 6),
    RiskGroup.INDEX_AT_MOST_1_5: (0.2, 1.1, 1.4),
    RiskGroup.INDEX_ABOVE_1_5: (1.2, 8.8, 10.1),
    RiskGroup.JCV_POSITIVE_PRIOR_IS: (6, 12, 13),
}

HO_TRANSCRIBED = {
    RiskGroup.JCV_POSITIVE_NO_INDEX: (0.1, 0.6, 2, 4, 5, 6),
    RiskGroup.INDEX_AT_MOST_0_9: (0.1, 0.1, 0.2, 0.4, 0.5, 0.6),
    RiskGroup.INDEX_0_9_TO_1_5: (0.1, 0.3, 0.8, 2, 2, 3),
    RiskGroup.INDEX_ABOVE_1_5: (0.2, 0.9, 3, 7, 8, 10),
    RiskGroup.JCV_POSITIVE_PRIOR_IS: (0.3, 0.4, 4, 8, 8, 6),
}


@pytest.mark.parametrize("group", list(BERGER_FOX_PUBLISHED))
def test_berger_fox_cells(group: RiskGroup) -> None:
    row = BERGER_FOX.value.row(group)
    assert row is not None
    assert row.cells == pytest.approx(BERGER_FOX_PUBLISHED[group])


@pytest.mark.parametrize("group", list(HO_TRANSCRIBED))
def test_ho_smpc_cells(group: RiskGroup) -> None:
    row = HO_SMPC.value.row(group)
    assert row is not None
    assert row.cells == pytest.approx(HO_TRANSCRIBED[group])


def test_catalogue_keys_carry_profile() -> None:
    assert "indication.ms_courses@us" in CATALOGUE
    assert "indication.ms_courses@eu" in CATALOGUE
