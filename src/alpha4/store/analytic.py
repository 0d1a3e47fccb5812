"""The de-identified analytic table: one row per patient, for pooling registries (Parquet).

A national registry pools sites by stacking each site's export and aggregating it with DuckDB or
Spark; the rows carry what the cohort reports count and nothing that names a patient: no
identifier (not even the registry key), no birth date (age in whole years, 90 and over as 90),
dates reduced to their month (``YYYY-MM``), durations in days. Free text (the discontinuation
reason) is left out. The rows stream in key order, ``chunk_size`` at a time (one query each).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .summary import PatientSummaryRow, summary_filter

_S = PatientSummaryRow
AGE_CAP = 90
MONTH_COLUMNS = ("first_infusion", "last_infusion", "discontinued_on")
PLAIN_COLUMNS = (
    "profile",
    "as_of",
    "site",
    "disease",
    "sex",
    "age_years",
    "infusion_count",
    "treatment_days",
    "interruptions",
    "longest_gap_days",
    "gate",
    "pml_table",
    "pml_group",
    "pml_band",
    "pml_risk_per_1000",
    "jcv_status",
    "prior_immunosuppressant",
    "pml_case",
    "infusion_reaction",
    "hypersensitivity",
    "serious_hypersensitivity",
    "antibody_status",
    "serious_infection",
    "herpes_infection",
    "liver_injury",
    "relapses_before",
    "days_before",
    "relapses_on",
    "days_on",
    "neda3_1y",
    "neda3_2y",
    "disability_worsening",
    "crohns_response_w12",
    "crohns_remission_w12",
    "crohns_remission_latest",
    "status_reauthorization",
    "status_jcv",
    "status_mri",
    "status_antibody",
    "status_labs",
    "status_follow_up",
)
ANALYTIC_COLUMNS: tuple[str, ...] = (
    *PLAIN_COLUMNS[:6],
    *(f"{c}_month" for c in MONTH_COLUMNS),
    *PLAIN_COLUMNS[6:],
)
"""The exported columns, in order (``*_month``: the date's ``YYYY-MM``)."""
TYPES: dict[str, str] = {
    **dict.fromkeys(ANALYTIC_COLUMNS, "string"),
    **dict.fromkeys(
        (
            "age_years",
            "infusion_count",
            "treatment_days",
            "interruptions",
            "longest_gap_days",
            "relapses_before",
            "days_before",
            "relapses_on",
            "days_on",
        ),
        "int64",
    ),
    "pml_risk_per_1000": "float64",
    "as_of": "date32",
    **dict.fromkeys(
        (
            "prior_immunosuppressant",
            "pml_case",
            "infusion_reaction",
            "hypersensitivity",
            "serious_hypersensitivity",
            "serious_infection",
            "herpes_infection",
            "liver_injury",
        ),
        "bool_",
    ),
}
"""Each column's Arrow type factory in ``pyarrow`` (for the Parquet schema)."""


def _month(day: dt.date | None) -> str | None:
    return f"{day.year:04d}-{day.month:02d}" if day else None


def iter_analytic_rows(
    *,
    session: Session,
    profile: str = "us",
    disease: str | None = None,
    site: str | None = None,
    treated_from: dt.date | None = None,
    treated_to: dt.date | None = None,
    chunk_size: int = 5000,
) -> Iterator[list[dict[str, Any]]]:
    """The analytic rows of one profile's summaries, ``chunk_size`` patients at a time."""
    columns = [getattr(_S, c) for c in (*PLAIN_COLUMNS, *MONTH_COLUMNS)]
    clauses = summary_filter(
        profile=profile, disease=disease, site=site, treated_from=treated_from, treated_to=treated_to
    )
    after = -1
    while True:
        found = session.execute(
            select(_S.patient_pk, *columns)
            .where(*clauses, _S.patient_pk > after)
            .order_by(_S.patient_pk)
            .limit(chunk_size)
        ).all()
        if not found:
            return
        chunk = []
        for r in found:
            values = r._mapping
            row = {c: values[c] for c in PLAIN_COLUMNS}
            row["age_years"] = min(int(row["age_years"]), AGE_CAP)
            row.update({f"{c}_month": _month(values[c]) for c in MONTH_COLUMNS})
            chunk.append({c: row[c] for c in ANALYTIC_COLUMNS})
        yield chunk
        after = found[-1].patient_pk
