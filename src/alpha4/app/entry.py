"""Data entry: a new record of each kind, corrections (a new version with a reason), retractions.

One set of routes per kind of record, each guarded by the permission that kind needs
(:data:`alpha4.app.forms.ENTRY_FORMS`), so the role matrix is fixed per route.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from alpha4.store import ConflictError
from alpha4.store.users import Role

from .deps import ClinicDep, render, require
from .forms import (
    DEMOGRAPHICS_FORM,
    ENTRY_FORMS,
    NEW_ENTRY_KINDS,
    KindForm,
    build_record,
    demographic_changes,
    payload_from_form,
    values_from_payload,
)
from .security import CurrentUser
from .services import Clinic, RecordRejected, unique_ids

router = APIRouter(include_in_schema=False)

PatientId = Annotated[str, Path(min_length=1, max_length=128)]
RecordIdPath = Annotated[str, Path(min_length=1, max_length=128)]
MIN_REASON = 3


def _form_data(form: Any) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


def _change_of(data: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    """The version the editor read and the reason of a correction form, with what is missing."""
    errors: dict[str, str] = {}
    reason = data.get("reason", "").strip()
    try:
        version = int(data.get("version", ""))
    except ValueError:
        version = 0
        errors["version"] = "reload the page: the version you edited is missing"
    if len(reason) < MIN_REASON:
        errors["reason"] = "Say why (a few words at least)."
    return version, reason, errors


def _add_routes(kf: KindForm) -> None:
    guard = require(kf.permission)

    def new_page(
        request: Request,
        clinic: ClinicDep,
        patient_id: PatientId,
        user: Annotated[CurrentUser, Depends(guard)],
    ) -> Response:
        clinic.patient(patient_id)
        return render(
            request,
            "entry.html",
            {
                "patient_id": patient_id,
                "form": kf,
                "values": {"date": clinic.today().isoformat()},
                "errors": {},
            },
        )

    async def submit(
        request: Request,
        clinic: ClinicDep,
        patient_id: PatientId,
        user: Annotated[CurrentUser, Depends(guard)],
    ) -> Response:
        data = _form_data(await request.form())
        ids = [r.record_id for r in clinic.records(patient_id)]
        payload = payload_from_form(kf, data, unique_ids(ids, kf.id_prefix, clinic.today()))
        try:
            record = build_record(kf, payload)
            clinic.add(patient_id, record, actor=user.username)
        except RecordRejected as error:
            errors = {p.field: p.message for p in error.problems}
            return render(
                request,
                "entry.html",
                {"patient_id": patient_id, "form": kf, "values": data, "errors": errors},
                status_code=422,
            )
        return RedirectResponse(f"/patients/{patient_id}?recorded={kf.kind}#records", status_code=303)

    def correct_page(
        request: Request,
        clinic: ClinicDep,
        patient_id: PatientId,
        record_id: RecordIdPath,
        user: Annotated[CurrentUser, Depends(guard)],
    ) -> Response:
        current = clinic.history(patient_id, kf.kind, record_id)[-1]
        return render(
            request,
            "correct.html",
            {
                "patient_id": patient_id,
                "form": kf,
                "record_id": record_id,
                "version": current.version,
                "retracted": current.retracted,
                "values": values_from_payload(current.payload),
                "errors": {},
            },
        )

    async def correct(
        request: Request,
        clinic: ClinicDep,
        patient_id: PatientId,
        record_id: RecordIdPath,
        user: Annotated[CurrentUser, Depends(guard)],
    ) -> Response:
        data = _form_data(await request.form())
        action = data.get("action", "correct")
        version, reason, errors = _change_of(data)
        if not errors:
            try:
                if action == "retract":
                    clinic.retract(
                        patient_id, kf.kind, record_id, version=version, reason=reason, actor=user.username
                    )
                else:
                    record = build_record(kf, payload_from_form(kf, data, record_id))
                    clinic.correct(
                        patient_id,
                        record,
                        version=version,
                        reason=reason,
                        actor=user.username,
                        prescriber=Role.PRESCRIBER in user.roles,
                    )
            except RecordRejected as error:
                errors = {p.field: p.message for p in error.problems}
            except ConflictError:
                return _changed_meanwhile(request, clinic, kf, patient_id, record_id, data)
        if errors:
            return render(
                request,
                "correct.html",
                {
                    "patient_id": patient_id,
                    "form": kf,
                    "record_id": record_id,
                    "version": version,
                    "retracted": False,
                    "values": data,
                    "errors": errors,
                },
                status_code=422,
            )
        return RedirectResponse(
            f"/patients/{patient_id}/records/{kf.kind}/{record_id}/history", status_code=303
        )

    base = f"/patients/{{patient_id}}/records/{kf.kind}"
    if kf.kind in NEW_ENTRY_KINDS:
        router.add_api_route(f"{base}/new", new_page, methods=["GET"], response_class=HTMLResponse)
        router.add_api_route(f"{base}/new", submit, methods=["POST"], response_class=HTMLResponse)
    router.add_api_route(
        f"{base}/{{record_id}}/correct", correct_page, methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route(
        f"{base}/{{record_id}}/correct", correct, methods=["POST"], response_class=HTMLResponse
    )


for _kf in ENTRY_FORMS.values():
    _add_routes(_kf)


# --- the demographics: corrected (never added or retracted), by those who enrol patients --------
_demographics_guard = require(DEMOGRAPHICS_FORM.permission)
DEMOGRAPHICS_URL = "/patients/{patient_id}/records/patient/{record_id}/correct"


def _demographics_page(
    request: Request,
    patient_id: str,
    version: int,
    values: dict[str, str],
    errors: dict[str, str],
    status: int,
) -> Response:
    return render(
        request,
        "correct.html",
        {
            "patient_id": patient_id,
            "form": DEMOGRAPHICS_FORM,
            "record_id": patient_id,
            "version": version,
            "retracted": False,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@router.get(DEMOGRAPHICS_URL, response_class=HTMLResponse)
def demographics_page(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    record_id: RecordIdPath,
    user: Annotated[CurrentUser, Depends(_demographics_guard)],
) -> Response:
    current = clinic.history(patient_id, "patient", record_id)[-1]
    return _demographics_page(
        request, patient_id, current.version, values_from_payload(current.payload), {}, 200
    )


@router.post(DEMOGRAPHICS_URL, response_class=HTMLResponse)
async def correct_demographics(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    record_id: RecordIdPath,
    user: Annotated[CurrentUser, Depends(_demographics_guard)],
) -> Response:
    clinic.history(patient_id, "patient", record_id)  # NotFound unless the demographics of this patient
    data = _form_data(await request.form())
    version, reason, errors = _change_of(data)
    if not errors:
        try:
            changes = demographic_changes(data)
            clinic.correct_demographics(
                patient_id, changes, version=version, reason=reason, actor=user.username
            )
        except RecordRejected as error:
            errors = {p.field: p.message for p in error.problems}
    if errors:
        return _demographics_page(request, patient_id, version, data, errors, 422)
    return RedirectResponse(f"/patients/{patient_id}/records/patient/{patient_id}/history", status_code=303)


def _changed_meanwhile(
    request: Request, clinic: Clinic, kf: KindForm, patient_id: str, record_id: str, data: dict[str, str]
) -> Response:
    """Someone saved this record after the form was opened: show the form again with the user's edit
    kept as typed, the version now current beside it, and who saved it when (409). Saving again writes
    over that version on purpose (the form now carries its number)."""
    current = clinic.history(patient_id, kf.kind, record_id)[-1]
    return render(
        request,
        "correct.html",
        {
            "patient_id": patient_id,
            "form": kf,
            "record_id": record_id,
            "version": current.version,
            "retracted": current.retracted,
            "values": data,
            "errors": {},
            "meanwhile": current,
            "meanwhile_values": values_from_payload(current.payload),
        },
        status_code=409,
    )
