"""Each layer imports only the layers below it (parsed from the source, not imported)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from alpha4.domain.patient import _EVENT_FIELDS

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "alpha4"

ALLOWED: dict[str, set[str]] = {
    "knowledge": set(),
    "domain": {"knowledge"},
    "rules": {"domain", "knowledge"},
    "pk": {"domain", "knowledge", "rules"},
    "synthetic": {"domain", "knowledge"},
    "store": {"domain", "knowledge", "rules", "settings"},  # rules: the summary kept on write
    "interop": {"domain", "knowledge", "rules"},
}


def imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.startswith("alpha4.")
        ):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("alpha4."):
                    found.add(alias.name.split(".")[1])
    return found


TOP = {"app", "cli"}  # may import every layer


def test_every_package_is_a_declared_layer() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages <= set(ALLOWED) | TOP, packages - set(ALLOWED) - TOP


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_lower_layers(layer: str) -> None:
    folder = PACKAGE / layer
    for path in folder.rglob("*.py"):
        bad = imported_layers(path) - ALLOWED[layer] - {layer}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_rules_read_no_clock_and_do_no_io() -> None:
    forbidden = ("date.today(", "datetime.now(", "time.time(", "open(", "os.environ", "print(")
    for path in (PACKAGE / "rules").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in forbidden:
            assert word not in text, f"{path.name} uses {word}"


# every dated timeline list of a patient, and the medicines (filtered by start date)
TIMELINE_LISTS = (*_EVENT_FIELDS, "medications")


def test_rules_read_the_timeline_only_through_the_as_of_views() -> None:
    """``ctx.patient.<list>`` would see records dated after ``as_of``: rules use ``ctx.<list>``."""
    import re

    pattern = re.compile(r"\.patient\.(" + "|".join(TIMELINE_LISTS) + r")\b")
    for path in (PACKAGE / "rules").rglob("*.py"):
        if path.name == "context.py":  # defines the views
            continue
        hits = pattern.findall(path.read_text(encoding="utf-8"))
        assert not hits, f"{path.name} reads patient.{hits[0]} directly"
