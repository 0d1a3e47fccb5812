"""An import continues past records it cannot read (huge numbers, deep nesting, NaN, bad encoding):
each is reported FILE:LINE with its reason, the rest are imported, identically on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from alpha4.store import Database
from alpha4.store.cohort import iter_patients
from alpha4.store.transfer import ImportReport, import_patients, read_patients
from tests.store.helpers import AS_OF, AT, cohort


def _import(db: Database, path: Path) -> ImportReport:
    return import_patients(db, read_patients(path, not_after=AS_OF), actor="importer", at=AT)


def test_unreadable_records_are_reported_by_line_and_the_rest_are_imported(
    db: Database, tmp_path: Path
) -> None:
    good = cohort(4)
    deep = json.loads(good[1].model_dump_json())
    deep["other_records"] = [{"id": "o1", "date": "2024-01-01", "type": "x", "data": {}}]
    deep_text = json.dumps(deep).replace('"data": {}', '"data": ' + "[" * 100_000 + "]" * 100_000)
    lines = [
        good[0].model_dump_json(),
        deep_text,  # 100,000 levels: a RecursionError in the JSON reader
        good[1]
        .model_dump_json()
        .replace('"birth_date"', '"n": ' + "9" * 5000 + ', "birth_date"'),  # 5,000 digits
        good[2].model_dump_json().replace('"dose_mg":300.0', '"dose_mg":NaN', 1),
        good[2].model_dump_json(),
        good[3].model_dump_json().replace('"dose_mg":300.0', '"dose_mg":1e999', 1),
        good[3].model_dump_json(),
        good[1].model_dump_json(),
        good[0].model_dump_json().replace('"sex":', '"sex":"male","sex":', 1),  # a key twice
    ]
    path = tmp_path / "feed.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = _import(db, path)
    rejected = sorted({(r.line, r.field, r.message.split(" (patient")[0]) for r in report.rejected})
    assert rejected == [
        (2, "(json)", "not readable: arrays or objects nested too deeply"),
        (
            3,
            "(json)",
            "not readable: Exceeds the limit (4300 digits) for integer string conversion: "
            "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit",
        ),
        (4, "(json)", "not readable: NaN is not a number (JSON has no NaN or infinity)"),
        (6, "infusions.0.dose_mg", "Input should be a finite number"),
        (9, "(json)", "not readable: the key 'sex' appears twice in one object"),
    ]
    assert report.created == 4
    with db.reading() as session:
        assert sorted(p.id for p in iter_patients(session=session)) == sorted(p.id for p in good)


def test_a_byte_order_mark_and_utf16_are_read_and_other_encodings_refused_clearly(
    db: Database, tmp_path: Path
) -> None:
    one, two, three = cohort(3)
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + one.model_dump_json().encode())
    (tmp_path / "utf16.json").write_bytes(two.model_dump_json().encode("utf-16"))
    (tmp_path / "latin1.json").write_bytes(
        three.model_dump_json().replace('"female"', '"female"').encode() + b"\xe9"
    )
    assert _import(db, tmp_path / "bom.json").created == 1
    assert _import(db, tmp_path / "utf16.json").created == 1
    refused = _import(db, tmp_path / "latin1.json")
    assert [str(r) for r in refused.rejected] == [
        f"{tmp_path / 'latin1.json'}:0: (file): not UTF-8 text (byte {len(three.model_dump_json())}): "
        "save the file as UTF-8 and import it again"
    ]
