"""Every clinical case file gets exactly its expected answer (gate, reasons, every finding, PML, schedule)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alpha4.rules.codes import CODES
from alpha4.rules.pk_codes import PK_CODES
from tests.clinical_case import CASES, answer, load_case, run_case

FILES = sorted(CASES.glob("*.yaml"))


def test_cases_exist() -> None:
    assert len(FILES) >= 100


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_case(path: Path) -> None:
    case = load_case(path)
    assert answer(run_case(case)) == case["expected"], (
        f"{path.name}: review with `.venv/bin/python scripts/clinical_case.py {path.relative_to(CASES.parents[2])}`"
    )


def test_every_assessment_code_is_pinned_by_a_case() -> None:
    """Each finding code the assessment can emit appears in some case's expected findings.

    The PK planner's codes are emitted by ``alpha4 pk plan``, not by the assessment, and are pinned in
    ``tests/pk``.
    """
    seen = {code for path in FILES for code in load_case(path)["expected"]["findings"]}
    missing = sorted(set(CODES) - set(PK_CODES) - seen)
    assert not missing, f"no case pins {missing}"


def test_both_profiles_are_covered() -> None:
    assert {load_case(p)["profile"] for p in FILES} == {"us", "eu"}
