"""Every malformed input of ``corpus/*.json`` is refused on every path, with a clear error.

Paths: the domain model (load + check), ``alpha4 assess``, the import (SQLite and PostgreSQL), the
REST API and the entry forms' service. Each must refuse the record with an error naming what is
wrong: no traceback, no 5xx, nothing written (the audit head and the patient's records do not
move), and no clinical answer computed from the bad value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from alpha4.app.forms import (
    DEMOGRAPHICS_FORM,
    ENTRY_FORMS,
    build_record,
    demographic_changes,
    payload_from_form,
    values_from_payload,
)
from alpha4.app.main import create_app
from alpha4.app.services import Clinic, RecordRejected
from alpha4.cli import app as cli
from alpha4.domain import load_patient
from alpha4.domain.validation import check_patient
from alpha4.knowledge import US
from alpha4.settings import Settings
from alpha4.store import Database, audit_head, load_current_records, upgrade
from alpha4.store.timeline import patient_ids
from alpha4.store.transfer import import_patients, read_patients
from alpha4.store.users import Role, create_user
from tests.app.conftest import PASSWORD, web_settings
from tests.dbfixtures import new_database_url

CORPUS = Path(__file__).parent / "corpus"
CASES: list[dict[str, Any]] = [
    c for f in sorted(CORPUS.glob("*.json")) for c in json.loads(f.read_text("utf-8"))
]
AS_OF = dt.date(2024, 7, 1)
GOOD = json.dumps(
    {
        "id": "good-1",
        "birth_date": "1985-03-14",
        "sex": "female",
        "indication": {"disease": "multiple_sclerosis", "ms_course": "rrms"},
        "labs": [{"id": "l1", "date": "2024-06-01", "loinc": "1742-6", "value": 30, "unit": "U/L"}],
    }
)


def _ids(case: dict[str, Any]) -> str:
    return f"{case['patient_id']}:{case['case']}"


def test_the_corpus_is_large_and_every_case_is_distinct() -> None:
    assert len(CASES) >= 200
    assert len({c["patient"] for c in CASES}) == len(CASES)
    assert len({c["patient_id"] for c in CASES}) == len(CASES)


def test_the_good_patient_passes_every_check() -> None:
    """The control: the corpus' base patient is fit, so each refusal is the bad value's doing."""
    assert check_patient(load_patient(GOOD), AS_OF) == []


# --- the domain model and `alpha4 assess` ------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_domain_refuses(case: dict[str, Any]) -> None:
    try:
        patient = load_patient(case["patient"])
    except ValidationError as error:
        text = " ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    else:
        problems = check_patient(patient, AS_OF)
        assert problems, f"accepted: {case['case']}"
        text = " ".join(map(str, problems))
    names = (case["field"], case["kind"], "birth date")
    assert any(n in text for n in names), text


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for case in CASES:
        (folder / f"{case['patient_id']}.json").write_text(case["patient"], encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", CASES[::7], ids=_ids)
def test_assess_refuses_without_a_traceback(case: dict[str, Any], corpus_files: Path) -> None:
    """Every seventh case through the CLI (the rest share its code path: load_patient + check_patient)."""
    path = corpus_files / f"{case['patient_id']}.json"
    result = CliRunner().invoke(cli, ["assess", str(path), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# --- the import, on both backends ---------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def imported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[int, str], list[str], Path]]:
    """Import one NDJSON file of every case plus one good patient: (rejected lines, patient ids, file)."""
    folder = tmp_path_factory.mktemp("import")
    path = folder / "corpus.ndjson"
    path.write_text("\n".join([*(c["patient"] for c in CASES), GOOD]) + "\n", encoding="utf-8")
    url = new_database_url(request.param, request, folder)
    db = Database(url)
    try:
        report = import_patients(
            db, read_patients(path, not_after=AS_OF), actor="corpus", at=dt.datetime.now(dt.UTC)
        )
        with db.reading() as session:
            ids = patient_ids(session=session)
        rejected: dict[int, str] = {}
        for r in report.rejected:
            rejected.setdefault(r.line, str(r))
        assert report.created == 1
        yield rejected, ids, path
    finally:
        db.dispose()


@pytest.mark.parametrize("n", range(len(CASES)), ids=[_ids(c) for c in CASES])
def test_the_import_rejects_each_bad_record_and_keeps_the_good_one(
    n: int, imported: tuple[dict[int, str], list[str], Path]
) -> None:
    rejected, ids, source = imported
    assert n + 1 in rejected, f"line {n + 1} imported: {CASES[n]['case']}"
    assert rejected[n + 1].startswith(f"{source}:{n + 1}: "), rejected[n + 1]  # FILE:LINE: field: why
    assert ids == ["good-1"]


# --- the REST API and the forms' service --------------------------------------------------------------------
@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str], Database]]:
    path = tmp_path_factory.mktemp("api") / "registry.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    at = dt.datetime.now(dt.UTC)
    good = GOOD.replace('"good-1"', '"P1"')
    import_patients(db, read_patients_text(good, path.parent), actor="corpus", at=at)
    with db.writing() as session:
        create_user(
            session=session, username="doc", password=PASSWORD, roles=[Role.PRESCRIBER], actor="t", at=at
        )
    app = create_app(Settings(database_url=f"sqlite:///{path}"), web=web_settings())
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        r = client.post("/api/v1/token", data={"username": "doc", "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield client, {"Authorization": f"Bearer {r.json()['access_token']}"}, db
    db.dispose()


def read_patients_text(text: str, folder: Path) -> Any:
    f = folder / "good.json"
    f.write_text(text, encoding="utf-8")
    return read_patients(f, not_after=dt.date.today())


def _state(db: Database) -> tuple[int, list[tuple[str, str, int]]]:
    with db.reading() as session:
        head, _ = audit_head(session=session)
        records = [
            (r.kind, r.record_id, r.version) for r in load_current_records(session=session, patient_id="P1")
        ]
    return head, records


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_api_refuses_with_4xx_and_writes_nothing(
    case: dict[str, Any], api: tuple[TestClient, dict[str, str], Database]
) -> None:
    client, auth, db = api
    before = _state(db)
    headers = {**auth, "Content-Type": "application/json"}
    if case["kind"] == "patient":
        literal = _member(case["patient"], case["field"])
        change = f"{json.dumps(case['field'])}: {literal}"
        body = '{"version": 1, "reason": "corpus case", "changes": {' + change + "}}"
        r = client.put("/api/v1/patients/P1/demographics", content=body, headers=headers)
    elif case["kind"] == "infusions":
        r = client.post("/api/v1/patients/P1/infusions", content=case["record"], headers=headers)
    elif case["kind"] in ENTRY_FORMS:
        r = client.post(
            f"/api/v1/patients/P1/records/{case['kind']}", content=case["record"], headers=headers
        )
    else:  # other_records: no route takes them; the import is their only way in
        pytest.skip("no REST route for this kind")
    assert r.status_code in (400, 404, 409, 422), (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    assert "Traceback" not in r.text
    assert _state(db) == before


def _member(patient_text: str, name: str) -> str:
    """The raw JSON text of one top-level member (as written by make_corpus)."""
    key = json.dumps(name) + ": "
    start = patient_text.rindex(key) + len(key)
    depth, i = 0, start
    while i < len(patient_text):
        ch = patient_text[i]
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            break
        elif ch == '"':
            i = patient_text.index('"', i + 1)
        i += 1
    return patient_text[start:i].strip()


FORM_CASES = [c for c in CASES if c["form"] and c["kind"] in ENTRY_FORMS and c["field"] != "surprise"]


@pytest.mark.parametrize("case", FORM_CASES, ids=_ids)
def test_the_entry_form_refuses_and_writes_nothing(
    case: dict[str, Any], api: tuple[TestClient, dict[str, str], Database]
) -> None:
    """The form's text, as a browser sends it, through the service the form routes call."""
    _, _, db = api
    literal = _member(case["record"], case["field"])
    member = f"{json.dumps(case['field'])}: {literal}"
    record = json.loads(case["record"].replace(member, f"{json.dumps(case['field'])}: null"))
    text = values_from_payload({k: v for k, v in record.items() if v is not None})
    text[case["field"]] = str(json.loads(literal)) if literal.startswith('"') else literal
    form = ENTRY_FORMS[case["kind"]]
    clinic = Clinic(db, US)
    before = _state(db)
    with pytest.raises(RecordRejected):
        built = build_record(form, payload_from_form(form, text, str(record["id"])))
        if case["kind"] == "infusions":
            clinic.record_infusion("P1", built, actor="doc")  # type: ignore[arg-type]
        else:
            clinic.add("P1", built, actor="doc")
    assert _state(db) == before


DEMOGRAPHIC_CASES = [
    c for c in CASES if c["kind"] == "patient" and c["field"] in DEMOGRAPHICS_FORM.model.model_fields
]


@pytest.mark.parametrize("case", DEMOGRAPHIC_CASES, ids=_ids)
def test_the_demographics_form_refuses_impossible_values(case: dict[str, Any]) -> None:
    literal = _member(case["patient"], case["field"])
    value = str(json.loads(literal)) if literal.startswith('"') else literal
    if value in ("", "yes", "30") or (case["field"] == "birth_date" and value == "2100-01-01"):
        pytest.skip(
            "valid form text (blank: not given; yes: the form's true); a future birth date is "
            "refused against today, by the service"
        )
    with pytest.raises(RecordRejected):
        demographic_changes(
            {case["field"]: value, "birth_date": "1985-03-14", "sex": "female"} | {case["field"]: value}
        )


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"id": "l1", "date": "2024-06-01", "loinc": "1742-6", "value": 30, "unit": "U/L"} trailing',
        '{"id": "l1", "date": "2024-06-01", "loinc": "1742-6", "value": 3' + "0" * 5000 + ', "unit": "U/L"}',
        "\ufeff" + '{"id": "l1"}',
    ],
    ids=["nested 100,000 deep", "trailing data", "5,000-digit number", "byte-order mark"],
)
def test_the_api_refuses_unreadable_bodies_with_4xx(
    body: str, api: tuple[TestClient, dict[str, str], Database]
) -> None:
    client, auth, db = api
    before = _state(db)
    headers = {**auth, "Content-Type": "application/json"}
    r = client.post("/api/v1/patients/P1/records/labs", content=body.encode("utf-8"), headers=headers)
    assert r.status_code in (400, 422), (r.status_code, r.text[:300])
    assert _state(db) == before
