"""Every command, given bad input, says what is wrong and exits 2: never a traceback.

Bad inputs a data manager meets: files saved as UTF-16 or with a byte-order mark, a file that is
not there or is a folder, output into a folder that does not exist, numbers out of range.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alpha4.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ms_jcv_positive_high_index.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("bad")
    text = EXAMPLE.read_text(encoding="utf-8")
    paths = {
        "utf16": folder / "utf16.json",
        "utf16be": folder / "utf16be.json",
        "bom": folder / "bom.json",
        "latin1": folder / "latin1.json",
        "good": folder / "good.json",
        "array": folder / "array.json",
        "empty": folder / "empty.json",
        "db": folder / "registry.sqlite3",
    }
    paths["utf16"].write_text(text, encoding="utf-16")
    paths["utf16be"].write_bytes(text.encode("utf-16-be"))
    paths["bom"].write_text(text, encoding="utf-8-sig")
    paths["latin1"].write_bytes(text.replace('"id"', '"id\xe9"', 1).encode("latin-1"))
    paths["good"].write_text(text, encoding="utf-8")
    paths["array"].write_text("[1, 2]", encoding="utf-8")
    paths["empty"].write_text("", encoding="utf-8")
    shutil.copyfile(sqlite_template, paths["db"])
    paths["bundle"] = folder / "bundle.json"
    from alpha4.domain import load_patient
    from alpha4.interop.fhir_out import patient_to_bundle

    paths["bundle"].write_text(json.dumps(patient_to_bundle(load_patient(text))), encoding="utf-8")
    named = {k: str(v) for k, v in paths.items()}
    named["folder"] = str(folder)
    named["missing"] = str(folder / "missing.json")
    named["nowhere"] = str(folder / "no-such-folder" / "out.json")
    return named


CASES: list[tuple[str, list[str]]] = [
    # files the user gives
    *[
        (f"assess {kind}", ["assess", f"{{{kind}}}", "--as-of", "2025-06-01"])
        for kind in ("utf16", "utf16be", "bom", "latin1", "array", "empty", "missing", "folder")
    ],
    *[
        (f"fhir to-bundle {kind}", ["fhir", "to-bundle", f"{{{kind}}}"])
        for kind in ("utf16", "bom", "latin1", "array", "empty", "missing", "folder")
    ],
    *[(f"fhir from-bundle {kind}", ["fhir", "from-bundle", f"{{{kind}}}"]) for kind in ("utf16", "bom", "missing")],
    *[(f"fhir assessment {kind}", ["fhir", "assessment", f"{{{kind}}}"]) for kind in ("utf16", "bom", "missing")],
    *[(f"import {kind}", ["import", f"{{{kind}}}"]) for kind in ("utf16", "utf16be", "bom", "missing", "folder")],
    *[(f"fhir import {kind}", ["fhir", "import", f"{{{kind}}}"]) for kind in ("utf16", "bom", "missing")],
    *[(f"pk plan {kind}", ["pk", "plan", f"{{{kind}}}"]) for kind in ("utf16", "bom", "latin1", "array", "missing")],
    ("assess --checklist utf16", ["assess", "{good}", "--as-of", "2025-06-01", "--checklist", "{utf16}"]),
    ("assess --checklist missing", ["assess", "{good}", "--as-of", "2025-06-01", "--checklist", "{missing}"]),
    ("assess --as-of not a date", ["assess", "{good}", "--as-of", "2025-13-01"]),
    (
        "patient correct utf16",
        ["patient", "correct", "P1", "--kind", "labs", "--record", "L1", "--expected-version", "1",
         "--reason", "typo", "--json", "{utf16}"],
    ),
    # output into a folder that does not exist
    ("export -o nowhere", ["export", "-o", "{nowhere}"]),
    ("fhir export -o nowhere", ["fhir", "export", "-o", "{nowhere}"]),
    ("fhir to-bundle -o nowhere", ["fhir", "to-bundle", "{good}", "-o", "{nowhere}"]),
    ("fhir assessment -o nowhere", ["fhir", "assessment", "{good}", "--as-of", "2025-06-01", "-o", "{nowhere}"]),
    ("pk simulate --plot nowhere", ["pk", "simulate", "--weight", "70", "--doses", "2", "--plot", "{nowhere}.png"]),
    ("restore missing", ["restore", "{missing}"]),
    # numbers out of range
    ("pk population interval 0", ["pk", "population", "--n", "5", "--interval-weeks", "0"]),
    ("pk population interval -4", ["pk", "population", "--n", "5", "--interval-weeks", "-4"]),
    ("pk population interval 13", ["pk", "population", "--n", "5", "--interval-weeks", "13"]),
    ("pk population interval nan", ["pk", "population", "--n", "5", "--interval-weeks", "nan"]),
    ("pk simulate interval 0", ["pk", "simulate", "--weight", "70", "--interval-weeks", "0"]),
    ("pk simulate weight nan", ["pk", "simulate", "--weight", "nan"]),
    ("pk plan level not a level", ["pk", "plan", "{good}", "--level", "yesterday"]),
    ("pml-risk jcv maybe", ["pml-risk", "--jcv", "maybe", "--months", "3"]),
    ("pml-risk index nan", ["pml-risk", "--jcv", "positive", "--months", "3", "--index", "nan"]),
    ("pml-risk index inf", ["pml-risk", "--jcv", "positive", "--months", "3", "--index", "inf"]),
    ("pml-risk negative with index", ["pml-risk", "--jcv", "negative", "--months", "3", "--index", "2"]),
    ("schema unknown", ["schema", "nothing"]),
    ("schema patient --example", ["schema", "patient", "--example"]),
    ("import a FHIR Bundle", ["import", "{bundle}"]),
    ("import --batch-size 0", ["import", "{good}", "--batch-size", "0"]),
    ("fhir import an alpha4 record", ["fhir", "import", "{good}"]),
    ("fhir from-bundle --unmapped nowhere", ["fhir", "from-bundle", "{bundle}", "--unmapped", "{nowhere}"]),
    ("fhir from-bundle -o a folder", ["fhir", "from-bundle", "{bundle}", "-o", "{folder}"]),
    ("export -o a folder", ["export", "-o", "{folder}"]),
    ("patient history unknown kind", ["patient", "history", "P1", "--kind", "nonsense", "--record", "x"]),
    ("patient retract empty reason", ["patient", "retract", "P1", "--kind", "labs", "--record", "x", "--expected-version", "1", "--reason", " "]),
    ("patient correct bad kind", ["patient", "correct", "P1", "--kind", "nonsense", "--record", "x", "--expected-version", "1", "--reason", "typo", "--json", "{good}"]),
    ("user create empty name", ["user", "create", " ", "--role", "admin", "--password-stdin"]),
    ("user create unknown role", ["user", "create", "ann", "--role", "pope"]),
    ("worklist --as-of not a date", ["worklist", "--as-of", "yesterday"]),
    ("pk simulate doses 0", ["pk", "simulate", "--weight", "70", "--doses", "0"]),
    ("pk plan target 0", ["pk", "plan", "{good}", "--target", "0"]),
    ("pk plan as-of not a date", ["pk", "plan", "{good}", "--as-of", "2025-02-30"]),
    ("score cdai mass 3", ["score", "cdai", "--liquid-stools-week", "0", "--pain-week", "0", "--wellbeing-week", "0", "--complications", "0", "--mass", "3", "--hematocrit", "40", "--sex", "male", "--weight", "70", "--standard-weight", "70"]),
    ("serve port 0", ["serve", "--port", "0"]),
    ("demo patients 0", ["demo", "--patients", "0"]),
    ("worklist limit 0", ["worklist", "--limit", "0"]),
    ("score hbi out of range", ["score", "hbi", "--wellbeing", "9", "--pain", "0", "--liquid-stools", "0", "--mass", "0", "--complications", "0"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "args"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_exit_2_without_a_traceback(name: str, args: list[str], files: dict[str, str]) -> None:
    argv = [a.format(**files) for a in args]
    result = runner.invoke(
        app,
        argv,
        env={"ALPHA4_DATABASE_URL": f"sqlite:///{files['db']}", "ALPHA4_ACTOR": "t", "COLUMNS": "200"},
    )
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {str(result.exception)[:200]}"
    )
    assert result.exit_code == 2, text[-300:]
    assert text.strip(), "an error says what is wrong"
