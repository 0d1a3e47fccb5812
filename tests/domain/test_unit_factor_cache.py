"""The UCUM factors kept between processes change the speed of a conversion, never its value."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alpha4.domain import units


@pytest.fixture
def cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "ucum-factors.json"
    monkeypatch.setattr(units, "_factors_file", lambda: path)
    monkeypatch.setattr(units, "_FACTORS", None)
    units.ucum_factor.cache_clear()
    yield path
    units.ucum_factor.cache_clear()


def test_a_computed_factor_is_kept_and_read_back(cache_file: Path) -> None:
    assert units.ucum_factor("ukat/L", "U/L") == 60.0
    assert json.loads(cache_file.read_text()) == {"ukat/L\tU/L": 60.0}


@pytest.mark.parametrize("stored", [-60.0, 0, "60", True, None, float("inf")])
def test_an_impossible_stored_factor_is_not_read(cache_file: Path, stored: object) -> None:
    cache_file.write_text(json.dumps({"ukat/L\tU/L": stored}))
    assert units.ucum_factor("ukat/L", "U/L") == 60.0


def test_a_corrupt_cache_file_is_computed_again(cache_file: Path) -> None:
    cache_file.write_text("{not json")
    assert units.ucum_factor("g/L", "g/dL") == 0.1


def test_a_stored_factor_is_used_without_importing_pint(tmp_path: Path) -> None:
    """A second process reads the factor from the cache: pint (0.7 s to import) is never loaded."""
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"10*9/L\t10*3/uL": 1.0}))
    code = (
        "import sys; from pathlib import Path; from alpha4.domain import units; "
        f"units._factors_file = lambda: Path({str(path)!r}); "
        "print(units.ucum_factor('10*9/L', '10*3/uL'), 'pint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["1.0", "False"]
