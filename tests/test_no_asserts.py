"""No ``assert`` decides anything in alpha4's code: ``python -O`` strips them, so a check written as
an assert would vanish in an optimised deployment (issue 15). Doctest examples are not code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "alpha4"
MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_assert_statement_in_production_code(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert not lines, f"{path.relative_to(SRC)}: assert on line(s) {lines}: raise a clear error instead"
