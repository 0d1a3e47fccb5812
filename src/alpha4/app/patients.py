"""The patient page, a record's history, and the printable PML risk sheet."""

from __future__ import annotations

import itertools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from alpha4.domain import Patient, Serostatus
from alpha4.knowledge import label
from alpha4.knowledge.pml_tables import TABLES
from alpha4.rules import Assessment

from . import charts
from .deps import ClinicDep, render, require
from .forms import DEMOGRAPHICS_FORM, ENTRY_FORMS
from .security import CurrentUser, Permission

router = APIRouter(include_in_schema=False)

PatientId = Annotated[str, Path(min_length=1, max_length=128)]


def summary(patient: Patient, a: Assessment) -> dict[str, Any]:
    """What the top of the patient page says (all read from the assessment, nothing recomputed)."""
    jcv = patient.jcv_results[-1] if patient.jcv_results else None
    ind = patient.indication
    interval = patient.extended_interval_weeks or label.STANDARD_INTERVAL_DAYS.value / 7
    return {
        "indication": "Crohn's disease" if ind.disease.value == "crohns_disease" else "Multiple sclerosis",
        "course": ind.ms_course.value.upper() if ind.ms_course else "",
        "age": patient.age_on(a.as_of),
        "sex": patient.sex.value,
        "infusions": a.infusion_count,
        "last_infusion": patient.infusions[-1].date if patient.infusions else None,
        "interval_weeks": f"{interval:g}",
        "extended": patient.extended_interval_weeks is not None,
        "jcv": jcv,
        "jcv_status": (
            jcv.serostatus.value if jcv and jcv.serostatus else "not tested" if jcv is None else "unknown"
        ),
        "jcv_positive": bool(jcv and jcv.serostatus is Serostatus.POSITIVE),
    }


def _records_by_kind(clinic_records: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for r in clinic_records:
        if r.kind == "patient":
            continue
        out.setdefault(r.kind, []).append(r)
    for rows in out.values():
        rows.sort(key=lambda r: str(r.payload.get("date") or r.payload.get("start") or ""), reverse=True)
    return out


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Response:
    patient = clinic.patient(patient_id)
    visit = clinic.visit(patient_id)
    a = clinic.assessment(patient, visit)
    return render(
        request,
        "patient.html",
        {
            "p": patient,
            "a": a,
            "s": summary(patient, a),
            "visit": visit,
            "jcv_chart": charts.jcv_chart(patient),
            "lab_charts": charts.lab_charts(patient),
            "timeline_chart": charts.timeline_chart(patient),
            "records": _records_by_kind(clinic.records(patient_id)),
            "forms": ENTRY_FORMS,
        },
    )


@router.get("/patients/{patient_id}/records/{kind}/{record_id}/history", response_class=HTMLResponse)
def record_history_page(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    kind: Annotated[str, Path(max_length=40)],
    record_id: Annotated[str, Path(max_length=128)],
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Response:
    versions = clinic.history(patient_id, kind, record_id)
    form = DEMOGRAPHICS_FORM if kind == "patient" else ENTRY_FORMS.get(kind)
    changed = {
        later.version: changed_fields(earlier.payload, later.payload)
        for earlier, later in itertools.pairwise(versions)
    }
    return render(
        request,
        "history.html",
        {
            "patient_id": patient_id,
            "kind": kind,
            "record_id": record_id,
            "versions": list(reversed(versions)),
            "reasons": clinic.change_reasons(patient_id, kind, record_id),
            "changed": changed,
            "form": form,
        },
    )


@router.get("/patients/{patient_id}/pml-sheet", response_class=HTMLResponse)
def pml_sheet(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Response:
    patient = clinic.patient(patient_id)
    a = clinic.assessment(patient)
    risks = [a.pml, *a.pml.additional] if a.pml else []
    tables = [(r, TABLES[r.table].value, TABLES[r.table]) for r in risks if r.table in TABLES]
    return render(
        request,
        "pml_sheet.html",
        {
            "p": patient,
            "a": a,
            "s": summary(patient, a),
            "tables": tables,
            "pml_findings": [f for f in a.findings if f.category == "pml"],
        },
    )


def changed_fields(before: dict[str, object], after: dict[str, object]) -> frozenset[str]:
    """The fields whose value differs between two versions of a record (shown highlighted).

    >>> sorted(changed_fields({"value": 0.7, "unit": "x"}, {"value": 1.7, "unit": "x", "note": "n"}))
    ['note', 'value']
    """
    return frozenset(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
