"""Shared data for the interoperability tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
CASES: dict[str, Any] = json.loads((ROOT / "tests" / "cases" / "examples.json").read_text())
DEFAULT_AS_OF = dt.date(2026, 11, 24)


def as_of_for(name: str) -> dt.date:
    case = CASES.get(name)
    return dt.date.fromisoformat(case["as_of"]) if case else DEFAULT_AS_OF


def spec(name: str) -> Any:
    return json.loads((DATA / "cds-hooks" / name).read_text())
