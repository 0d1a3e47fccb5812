"""Data entry: a new record of each kind, corrections (a new version with a reason), retractions.

One set of routes per kind of record, each guarded by the permission that kind needs
(:data:`alpha4.app.forms.ENTRY_FORMS`), so the role matrix is fixed per route.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .deps import ClinicDep, render, require
from .forms import (
    ENTRY_FORMS,
    NEW_ENTRY_KINDS,
    KindForm,
    build_record,
    payload_from_form,
    values_from_payload,
)
from .security import CurrentUser
from .services import RecordRejected, unique_ids

router = APIRouter(include_in_schema=False)

PatientId = Annotated[str, Path(min_length=1, max_length=128)]
RecordIdPath = Annotated[str, Path(min_length=1, max_length=128)]
MIN_REASON = 3


def _form_data(form: Any) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


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
        errors: dict[str, str] = {}
        reason = data.get("reason", "").strip()
        action = data.get("action", "correct")
        try:
            version = int(data.get("version", ""))
        except ValueError:
            version = 0
            errors["version"] = "reload the page: the version you edited is missing"
        if len(reason) < MIN_REASON:
            errors["reason"] = "Say why (a few words at least)."
        if not errors:
            try:
                if action == "retract":
                    clinic.retract(
                        patient_id, kf.kind, record_id, version=version, reason=reason, actor=user.username
                    )
                else:
                    record = build_record(kf, payload_from_form(kf, data, record_id))
                    clinic.correct(patient_id, record, version=version, reason=reason, actor=user.username)
            except RecordRejected as error:
                errors = {p.field: p.message for p in error.problems}
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
