"""Lab entry by test name: a CBC or a liver panel in one grid, LOINC and UCUM chosen behind the scenes.

The nurse or coordinator picks the panel and types the values the report shows; each test's
LOINC code and default unit come from :mod:`alpha4.knowledge.codes` (the first code listed for
each analyte) and stay editable for the rare report in another unit or code. Every row is checked
before anything is saved, each problem beside its row in plain words, every value kept as typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from alpha4.domain import LabResult
from alpha4.knowledge.codes import LAB_CODES, Analyte, Panel

from .deps import ClinicDep, render, require
from .security import CurrentUser, Permission
from .services import RecordRejected, unique_ids

router = APIRouter(include_in_schema=False)
PatientId = Annotated[str, Path(min_length=1, max_length=128)]

TITLES = {
    Analyte.ALT: "ALT",
    Analyte.AST: "AST",
    Analyte.BILIRUBIN_TOTAL: "Bilirubin, total",
    Analyte.ALKALINE_PHOSPHATASE: "Alkaline phosphatase",
    Analyte.LEUKOCYTES: "White cells (WBC)",
    Analyte.HEMOGLOBIN: "Haemoglobin",
}
PANEL_TITLES = {Panel.CBC: "Complete blood count (CBC)", Panel.LFT: "Liver panel"}


@dataclass(frozen=True, slots=True)
class PanelRow:
    analyte: str
    title: str
    loinc: str
    unit: str


def panel_rows(panel: Panel) -> list[PanelRow]:
    """One row per analyte of the panel: its first LOINC code and the unit rules compare in."""
    seen: dict[Analyte, PanelRow] = {}
    for code in LAB_CODES.value.values():
        if code.panel is panel and code.analyte not in seen:
            title = TITLES.get(code.analyte, code.analyte.value.replace("_", " ").capitalize())
            seen[code.analyte] = PanelRow(code.analyte.value, title, code.loinc, code.unit)
    return list(seen.values())


def _number(raw: str) -> float | None:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


@router.get("/patients/{patient_id}/labs/panel", response_class=HTMLResponse)
def panel_page(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.ENTER_RESULTS))],
    panel: Annotated[Panel, Query()] = Panel.CBC,
) -> Response:
    clinic.patient(patient_id)
    return render(
        request,
        "lab_panel.html",
        {
            "patient_id": patient_id,
            "panel": panel,
            "panels": PANEL_TITLES,
            "rows": panel_rows(panel),
            "values": {"date": clinic.today().isoformat()},
            "errors": {},
        },
    )


@router.post("/patients/{patient_id}/labs/panel", response_class=HTMLResponse)
async def submit_panel(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.ENTER_RESULTS))],
    panel: Annotated[Panel, Query()] = Panel.CBC,
) -> Response:
    form = await request.form()
    data = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    rows = panel_rows(panel)
    errors: dict[str, str] = {}
    try:
        day = dt.date.fromisoformat(data.get("date", ""))
    except ValueError:
        errors["date"] = "Enter the day the sample was taken, e.g. 2026-12-02."
        day = clinic.today()
    ids = [r.record_id for r in clinic.records(patient_id)]
    records: list[LabResult] = []
    for row in rows:
        raw = data.get(f"{row.analyte}.value", "").strip()
        if not raw:
            continue
        value = _number(raw)
        if value is None or value < 0:
            errors[f"{row.analyte}.value"] = f"Enter the {row.title} result as a number, e.g. 32."
            continue
        bounds = []
        for side in ("low", "high"):
            text = data.get(f"{row.analyte}.{side}", "").strip()
            bound = _number(text) if text else None
            if text and bound is None:
                errors[f"{row.analyte}.{side}"] = f"Enter the {side} end of the range as a number."
            bounds.append(bound)
        rid = unique_ids(ids, "lab", day)
        ids.append(rid)
        try:
            records.append(
                LabResult(
                    id=rid,
                    date=day,
                    loinc=data.get(f"{row.analyte}.loinc", row.loinc).strip() or row.loinc,
                    value=value,
                    unit=data.get(f"{row.analyte}.unit", row.unit).strip() or row.unit,
                    reference_low=bounds[0],
                    reference_high=bounds[1],
                )
            )
        except ValidationError as error:
            where = str(error.errors()[0]["loc"][0]) if error.errors()[0]["loc"] else "value"
            errors[f"{row.analyte}.{'loinc' if where == 'loinc' else 'value'}"] = (
                "Check the LOINC code (e.g. 1742-6)."
                if where == "loinc"
                else f"Check the {row.title} result and its range (the low end is below the high end)."
            )
    if not records and not errors:
        errors["date"] = "Enter at least one result."
    if not errors:
        try:
            for record in records:
                clinic.check_new_record(clinic.patient(patient_id), record)
        except RecordRejected as rejected:
            errors["date"] = "; ".join(p.message for p in rejected.problems)
    if errors:
        return render(
            request,
            "lab_panel.html",
            {
                "patient_id": patient_id,
                "panel": panel,
                "panels": PANEL_TITLES,
                "rows": rows,
                "values": data,
                "errors": errors,
            },
            status_code=422,
        )
    for record in records:
        clinic.add(patient_id, record, actor=user.username)
    return RedirectResponse(f"/patients/{patient_id}?recorded=labs#records", status_code=303)
