"""``alpha4 report``: every format, the filters, the PDF (pages counted, text extracted), the
Parquet export read back by DuckDB, and the errors a user sees."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import duckdb
import pypdf
import pytest
from typer.testing import CliRunner

from alpha4.cli import app
from alpha4.store import Database, put_patients
from alpha4.store.analytic import ANALYTIC_COLUMNS
from tests.report_cohort import AT, cohort

runner = CliRunner()


def call(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"ALPHA4_DATABASE_URL": url, "ALPHA4_ACTOR": "cli-test"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def url(db_url: str) -> str:
    db = Database(db_url)
    try:
        with db.writing() as session:
            put_patients(session=session, patients=cohort(), actor="tester", at=AT)
    finally:
        db.dispose()
    return db_url


def test_json_report_refreshes_expired_summaries_first(url: str) -> None:
    code, out, err = call(url, "report", "safety", "--format", "json", "--min-cell", "1")
    assert code == 0, err
    assert "16 expired summaries recomputed first" in err  # written on 2025-01-01, read today
    data = json.loads(out)
    assert data["report"] == "safety" and data["filters"]["min_cell"] == "1"
    reaction = next(
        r
        for r in data["rows"]
        if r["indication"] == "Multiple sclerosis" and r["measure"] == "Infusion reaction"
    )
    assert (reaction["patients"], reaction["events"]) == (14, 3)
    code, out, err = call(url, "report", "safety", "--format", "json")
    assert "recomputed" not in err  # fresh now
    default = json.loads(out)
    reaction = next(
        r
        for r in default["rows"]
        if r["indication"] == "Multiple sclerosis" and r["measure"] == "Infusion reaction"
    )
    assert reaction["events"] is None and "events" in reaction["suppressed"]


def test_csv_text_and_filters(url: str) -> None:
    code, out, _ = call(
        url, "report", "discontinuations", "--format", "csv", "--min-cell", "1", "--from", "2024-12-01"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["reason"], r["patients"]) for r in rows] == [("patient choice", "1")]
    code, out, _ = call(url, "report", "rems", "--indication", "crohns_disease")
    assert code == 0 and "REMS and monitoring" in out and "<5" in out  # 2 Crohn's patients


def test_pdf_has_a_page_per_report_and_readable_text(url: str, tmp_path: Path) -> None:
    path = tmp_path / "safety.pdf"
    code, _, err = call(url, "report", "safety", "--format", "pdf", "--output", str(path), "--min-cell", "1")
    assert code == 0, err
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 3 and f"{path}: 3 pages" in " ".join(err.split())
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Safety: infusion reactions",
        "PML cases per 1,000 treated",
        "Effectiveness",
        "Infusion reaction",
        "label ~24% (placebo 18%); seed ~22%",
        "Berger JR, Fox RJ",
    ):
        assert expected in text, expected


def test_parquet_analytic_table_reads_in_duckdb_without_identifiers(url: str, tmp_path: Path) -> None:
    path = tmp_path / "analytic.parquet"
    code, _, err = call(url, "report", "analytic", "--format", "parquet", "--output", str(path))
    assert code == 0 and "16 de-identified rows written" in err
    con = duckdb.connect()
    found = con.execute(
        "SELECT disease, count(*), sum(CAST(pml_case AS INTEGER)), sum(CAST(infusion_reaction AS INTEGER)) "
        "FROM read_parquet(?) GROUP BY disease ORDER BY disease",
        [str(path)],
    ).fetchall()
    assert found == [("crohns_disease", 2, 0, 0), ("multiple_sclerosis", 14, 1, 3)]
    columns = [c[0] for c in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]
    assert columns == list(ANALYTIC_COLUMNS)
    assert not {"patient_id", "patient_pk", "birth_date", "discontinuation_reason"} & set(columns)
    months = con.execute(
        "SELECT DISTINCT first_infusion_month FROM read_parquet(?) ORDER BY 1", [str(path)]
    ).fetchall()
    assert months == [("2022-01",), ("2024-01",)]
    aggregate = tmp_path / "pml.parquet"
    code, _, _ = call(
        url, "report", "pml", "--format", "parquet", "--output", str(aggregate), "--min-cell", "1"
    )
    assert code == 0
    assert con.execute("SELECT sum(events) FROM read_parquet(?)", [str(aggregate)]).fetchone() == (1,)


def test_clear_errors(url: str) -> None:
    code, _, err = call(url, "report", "nonsense")
    assert code == 2 and "no report 'nonsense'" in err
    code, _, err = call(url, "report", "pml", "--format", "parquet")
    assert code == 2 and "give --output" in err
    code, _, err = call(url, "report", "pml", "--format", "pdf", "--output", "x.pdf")
    assert code == 2 and "use NAME safety" in err
    code, _, err = call(url, "report", "safety", "--from", "2025-02-01", "--to", "2025-01-01")
    assert code == 2 and "ends" in err
    code, _, err = call(url, "report", "safety", "--indication", "asthma")
    assert code == 2 and "asthma" in err


def test_refresh_all_and_a_lazy_start(url: str) -> None:
    code, out, _ = call(url, "report", "refresh", "--all")
    assert code == 0 and "16 patients' summaries recomputed" in out
    code, out, _ = call(url, "report", "refresh")
    assert code == 0 and "0 patients' summaries recomputed" in out


def test_the_report_command_does_not_import_heavy_modules_at_start_up() -> None:
    import subprocess

    code = (
        "import sys, alpha4.cli; "
        "print(sorted(m for m in ('pyarrow', 'statsmodels', 'matplotlib', 'scipy.stats') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
