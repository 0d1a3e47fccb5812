"""`alpha4 fhir import` / `alpha4 fhir export` against the registry, over the real example files:
example -> `fhir to-bundle` -> `fhir import` -> `fhir export` -> `fhir from-bundle` assesses the same
(every example on SQLite, a few on PostgreSQL)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from alpha4.cli import app
from alpha4.domain import load_patient
from alpha4.domain.builders import ms_patient
from alpha4.interop.fhir_out import patients_to_bundle
from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.store import Database, audit_head
from tests.dbfixtures import new_database_url
from tests.interop.conftest import EXAMPLES, as_of_for

runner = CliRunner()
AS_OF = "2026-11-24"


def call(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"ALPHA4_DATABASE_URL": url, "ALPHA4_ACTOR": "fhir-test"})
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


def answer(patient_json: str, as_of: dt.date) -> tuple[Any, ...]:
    """What must survive the trip: gate, finding codes (with severity), PML risk."""
    a = assess(load_patient(patient_json), as_of, US)
    return a.gate.decision, [(f.code, f.severity) for f in a.findings], a.pml, a.pml_higher_risk


def to_bundle(example: Path, folder: Path) -> Path:
    target = folder / f"{example.stem}.bundle.json"
    code, _, err = call("sqlite://", "fhir", "to-bundle", str(example), "-o", str(target))
    assert code == 0, err
    return target


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> tuple[str, list[Path]]:
    """A SQLite registry holding every example, imported from its FHIR bundle by the CLI."""
    folder = tmp_path_factory.mktemp("fhir-registry")
    path = folder / "registry.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    bundles = [to_bundle(e, folder) for e in EXAMPLES]
    code, out, err = call(url, "fhir", "import", *map(str, bundles), "--as-of", AS_OF)
    assert code == 0, err
    assert f"{len(EXAMPLES)} created, 0 updated, 0 unchanged, 0 rejected" in flat(out)
    return url, bundles


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_through_the_registry_assesses_the_same(
    registry: tuple[str, list[Path]], example: Path, tmp_path: Path
) -> None:
    url, _ = registry
    original = example.read_text()
    pid = load_patient(original).id
    exported, back = tmp_path / "export.json", tmp_path / "back.json"
    code, _, err = call(url, "fhir", "export", "--patient", pid, "--out", str(exported))
    assert code == 0, err
    code, _, err = call(url, "fhir", "from-bundle", str(exported), "-o", str(back), "--strict")
    assert code == 0, err
    as_of = as_of_for(example.stem)
    assert answer(back.read_text(), as_of) == answer(original, as_of)


def test_reimport_changes_nothing_and_export_is_one_valid_bundle(
    registry: tuple[str, list[Path]], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url, bundles = registry
    db = Database(url)
    with db.reading() as session:
        head = audit_head(session=session)
    code, out, err = call(url, "fhir", "import", *map(str, bundles), "--as-of", AS_OF)
    assert code == 0, err
    assert f"0 created, 0 updated, {len(EXAMPLES)} unchanged" in flat(out)
    with db.reading() as session:
        assert audit_head(session=session) == head  # nothing written, not even an audit entry
    db.dispose()

    everything = tmp_path / "all.json"
    code, out, err = call(url, "fhir", "export", "-o", str(everything))
    assert code == 0 and out == "", err
    bundle = json.loads(everything.read_text())
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    patients = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert len(patients) == len(EXAMPLES)
    # The whole-registry bundle imports as is: into this registry (no change) and into an empty one.
    code, out, err = call(url, "fhir", "import", str(everything), "--as-of", AS_OF)
    assert code == 0 and f"{len(EXAMPLES)} unchanged" in flat(out), err
    fresh = new_database_url("sqlite", request, tmp_path)
    code, out, err = call(fresh, "fhir", "import", str(everything), "--as-of", AS_OF)
    assert code == 0 and f"{len(EXAMPLES)} created" in flat(out), err
    for pid in ("ms-new-start", "crohns-remission"):
        _, first, _ = call(url, "patient", "show", pid, "--format", "json")
        _, second, _ = call(fresh, "patient", "show", pid, "--format", "json")
        assert json.loads(first) == json.loads(second)


def bad_lab(patient: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": "bad-lab",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "731-0"}]},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": "2024-02-31",  # no such day: the resource fails R4 validation
        "valueQuantity": {
            "value": 1.0,
            "unit": "mg/dL",
            "system": "http://unitsofmeasure.org",
            "code": "mg/dL",
        },
    }


def test_a_bad_patient_is_named_and_skipped_the_rest_go_on(db_url: str, tmp_path: Path) -> None:
    """A searchset of two patients, one with a lab in a unit UCUM cannot convert; a broken file."""
    start = dt.date(2024, 1, 1)
    bundle = patients_to_bundle(
        [
            ms_patient(id="GOOD", first_infusion=start, infusions=3),
            ms_patient(id="BAD", first_infusion=start, infusions=2),
        ]
    )
    bundle["type"] = "searchset"
    bundle["entry"].append({"fullUrl": "urn:uuid:lab", "resource": bad_lab("BAD")})
    two = tmp_path / "two.json"
    two.write_text(json.dumps(bundle))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    only_bad = copy.deepcopy(bundle)
    only_bad["entry"] = [e for e in bundle["entry"] if "GOOD" not in json.dumps(e)]
    third = tmp_path / "bad-only.json"
    third.write_text(json.dumps(only_bad))

    code, out, err = call(db_url, "fhir", "import", str(broken), str(two), str(third), "--as-of", AS_OF)
    assert code == 2
    text = flat(err)
    assert f"{broken}" in text and "not JSON" in text
    assert "Observation/bad-lab effectiveDateTime" in text and "fails FHIR R4 validation" in text and "Patient/BAD" in text
    assert "1 created, 0 updated, 0 unchanged, 3 rejected" in flat(out)
    _, shown, _ = call(db_url, "patient", "show", "GOOD", "--format", "json")
    assert len(json.loads(shown)["infusions"]) == 3
    code, _, err = call(db_url, "patient", "show", "BAD")
    assert code == 1 and "no patient 'BAD'" in flat(err)  # nothing of the bad patient was written


def test_export_of_an_unknown_patient_fails(db_url: str) -> None:
    code, _, err = call(db_url, "fhir", "export", "--patient", "NOBODY")
    assert code == 1 and "no patient 'NOBODY'" in flat(err)


@pytest.mark.postgres
def test_round_trip_on_postgresql(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    url = new_database_url("postgresql", request, tmp_path)
    chosen = [
        e
        for e in EXAMPLES
        if e.stem in {"ms_jcv_positive_high_index", "ms_confirmed_pml", "crohns_responder"}
    ]
    assert len(chosen) == 3
    bundles = [to_bundle(e, tmp_path) for e in chosen]
    code, out, err = call(url, "fhir", "import", *map(str, bundles), "--as-of", AS_OF)
    assert code == 0 and "3 created" in flat(out), err
    code, out, err = call(url, "fhir", "import", *map(str, bundles), "--as-of", AS_OF)
    assert code == 0 and "3 unchanged" in flat(out), err
    for example in chosen:
        original = example.read_text()
        exported, back = tmp_path / f"{example.stem}.out.json", tmp_path / f"{example.stem}.back.json"
        code, _, err = call(
            url, "fhir", "export", "--patient", load_patient(original).id, "-o", str(exported)
        )
        assert code == 0, err
        code, _, err = call(url, "fhir", "from-bundle", str(exported), "-o", str(back), "--strict")
        assert code == 0, err
        as_of = as_of_for(example.stem)
        assert answer(back.read_text(), as_of) == answer(original, as_of)


def test_an_ehr_bundle_reimported_and_round_tripped_records_no_new_version(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The EHR's own bundle: import, import again, export and import the export: one version."""
    url = new_database_url("sqlite", request, tmp_path)
    ehr = Path(__file__).resolve().parents[1] / "interop" / "data" / "bundles" / "ehr_ms_jcv_positive.json"
    code, out, err = call(url, "fhir", "import", str(ehr), "--as-of", AS_OF)
    assert code == 0 and "1 created" in flat(out), err
    code, out, err = call(url, "fhir", "import", str(ehr), "--as-of", AS_OF)
    assert code == 0 and "0 created, 0 updated, 1 unchanged" in flat(out), err
    exported = tmp_path / "export.json"
    code, _, err = call(url, "fhir", "export", "-o", str(exported))
    assert code == 0, err
    code, out, err = call(url, "fhir", "import", str(exported), "--as-of", AS_OF)
    assert code == 0 and "0 created, 0 updated, 1 unchanged" in flat(out), err
    again = tmp_path / "export-2.json"
    call(url, "fhir", "export", "-o", str(again))
    assert json.loads(again.read_text()) == json.loads(exported.read_text())
