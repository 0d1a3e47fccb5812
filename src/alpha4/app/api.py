"""The REST API under ``/api/v1``: patients, timeline records, assessment, worklist, the visit.

Bearer tokens (``POST /api/v1/token``) for programs; the same role matrix as the pages. Bodies
are the domain's own validated records; a bad field answers 422 with its path; operation ids are
fixed (``getWorklist``, ``addLabResult`` ...) so generated clients stay stable.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from alpha4.domain import Infusion, Patient, PreInfusionChecklist
from alpha4.rules import Assessment
from alpha4.rules.worklist import WorklistRow
from alpha4.store.users import Role

from .auth import token_router
from .deidentify import deidentified
from .deps import ClinicDep, WebDep, require
from .forms import ENTRY_FORMS, NEW_ENTRY_KINDS, KindForm
from .schemas import ChecklistAnswers, ClearanceIn, PatientSummary, Problem, RecordVersion, Retraction
from .security import CurrentUser, Permission, age_band, pseudonym
from .services import FieldProblem, GateClosed, RecordRejected
from .worklist import Due, GateFilter

router = APIRouter(prefix="/api/v1")
router.include_router(token_router)

PatientId = Annotated[str, Path(min_length=1, max_length=128)]
RecordIdPath = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@-]+$")]
Kind = StrEnum("Kind", {k: k for k in ENTRY_FORMS})  # type: ignore[misc]

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "the request body is not readable (not JSON, nested too deeply)"},
    401: {"model": Problem, "description": "no valid bearer token"},
    403: {"model": Problem, "description": "the user's roles do not allow this"},
    404: {"model": Problem, "description": "no such patient or record"},
    409: {"model": Problem, "description": "the patient's stored record cannot be assessed (see detail)"},
    413: {"model": Problem, "description": "the request body is larger than the limit"},
    422: {"description": "a field is not valid (each problem names its path)"},
    503: {"model": Problem, "description": "the registry is not reachable; nothing was saved (retry later)"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": Problem, "description": "changed by someone else meanwhile (re-read and retry)"},
}


@dataclass(frozen=True, slots=True)
class ApiFilters:
    due: Due = Due.ANY
    gate: GateFilter = GateFilter.ANY
    pml_higher: bool = False
    antibodies: bool = False
    pregnancy: bool = False
    all_patients: bool = False


def keep(row: WorklistRow, a: Assessment, f: ApiFilters, today: dt.date) -> bool:
    """Whether a row passes the filters (each filter narrows; none: rows with something to do)."""
    if not (row.items or f.all_patients):
        return False
    if f.gate and row.gate != f.gate.value:
        return False
    if f.pml_higher and a.pml_higher_risk is not True:
        return False
    if f.antibodies and a.antibody_status != "persistent":
        return False
    if f.pregnancy and not any("PREGNANCY" in x.code or "LACTATION" in x.code for x in a.findings):
        return False
    days = {Due.TODAY: 0, Due.TOMORROW: 1, Due.WEEK: 7}.get(f.due)
    if days is not None:
        by = today + dt.timedelta(days=days)
        dues = [i.due for i in row.items if i.due is not None] + (
            [row.next_infusion] if row.next_infusion else []
        )
        if not any(d <= by for d in dues):
            return False
    return True


def filter_rows(
    rows: Iterable[WorklistRow], by_patient: dict[str, Assessment], f: ApiFilters, today: dt.date
) -> list[WorklistRow]:
    return [r for r in rows if keep(r, by_patient[r.patient_id], f, today)]


def _camel(name: str) -> str:
    return name[0].upper() + name[1:]


@router.get(
    "/worklist",
    operation_id="getWorklist",
    response_model=list[WorklistRow],
    responses=ERRORS,
    tags=["worklist"],
)
def get_worklist(
    clinic: ClinicDep,
    web: WebDep,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW))],
    due: Due = Due.ANY,
    gate: GateFilter = GateFilter.ANY,
    pml_higher: bool = False,
    antibodies: bool = False,
    pregnancy: bool = False,
    all_patients: Annotated[bool, Query(description="also patients with nothing to do")] = False,
) -> list[WorklistRow]:
    """Today's worklist, most urgent first (stop, hold, go; then critical, overdue, soonest due)."""
    rows, by_patient = clinic.worklist()
    f = ApiFilters(due, gate, pml_higher, antibodies, pregnancy, all_patients)
    shown = filter_rows(rows, by_patient, f, clinic.today())
    if user.can(Permission.VIEW_PATIENT):
        return shown
    key = web.signing_key()  # de-identified (analysts): pseudonymous ids
    return [r.model_copy(update={"patient_id": pseudonym(key, r.patient_id)}) for r in shown]


@router.get(
    "/patients",
    operation_id="listPatients",
    response_model=list[PatientSummary],
    responses=ERRORS,
    tags=["patients"],
)
def list_patients(
    clinic: ClinicDep, web: WebDep, user: Annotated[CurrentUser, Depends(require(Permission.VIEW))]
) -> list[PatientSummary]:
    """Every patient of the registry with today's gate and next infusion; de-identified for a user
    who may not see one patient (an analyst): pseudonymous ids, age bands, no problem text."""
    rows, _ = clinic.worklist()
    ind, ages = clinic.cache.indications, dict(clinic.cache.ages)
    summaries = [
        PatientSummary(
            patient_id=r.patient_id,
            indication=ind.get(r.patient_id, ""),
            gate=r.gate,
            next_infusion=r.next_infusion,
            pml_risk_per_1000=r.pml_risk_per_1000,
            age_band=age_band(ages[r.patient_id]) if r.patient_id in ages else None,
        )
        for r in rows
    ]
    summaries += [
        PatientSummary(
            patient_id=pid,
            indication="",
            gate="unknown",
            next_infusion=None,
            pml_risk_per_1000=None,
            problem=f"cannot be assessed: {reason}",
        )
        for pid, reason in dict(clinic.cache.unassessable).items()
    ]
    if not user.can(Permission.VIEW_PATIENT):
        key = web.signing_key()
        summaries = [
            s.model_copy(
                update={
                    "patient_id": pseudonym(key, s.patient_id),
                    "problem": "cannot be assessed" if s.problem else None,
                }
            )
            for s in summaries
        ]
    return sorted(summaries, key=lambda s: s.patient_id)


@router.get(
    "/export/deidentified",
    operation_id="exportDeidentified",
    response_model=list[dict[str, Any]],
    responses=ERRORS,
    tags=["patients"],
)
def export_deidentified(
    clinic: ClinicDep, web: WebDep, user: Annotated[CurrentUser, Depends(require(Permission.VIEW))]
) -> list[dict[str, Any]]:
    """Every patient de-identified (pseudonymous id, age band, no ids, birth date or free text), for
    analysis; the only export an analyst may take."""
    key, today = web.signing_key(), clinic.today()
    return sorted((deidentified(p, key, today) for p in clinic.cohort()), key=lambda d: str(d["patient_id"]))


@router.get(
    "/patients/{patient_id}",
    operation_id="getPatient",
    response_model=Patient,
    responses=ERRORS,
    tags=["patients"],
)
def get_patient(
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Patient:
    """The patient's current timeline (retracted records left out)."""
    return clinic.patient(patient_id)


@router.get(
    "/patients/{patient_id}/assessment",
    operation_id="getAssessment",
    response_model=Assessment,
    responses=ERRORS,
    tags=["assessment"],
)
def get_assessment(
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Assessment:
    """Gate (with today's screening answers, if any), findings, schedule and PML risk, today."""
    return clinic.assessment(clinic.patient(patient_id), clinic.visit(patient_id))


@router.get(
    "/patients/{patient_id}/records",
    operation_id="listRecords",
    response_model=list[RecordVersion],
    responses=ERRORS,
    tags=["timeline"],
)
def list_records(
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> list[RecordVersion]:
    """The current version of every record (retracted ones included, marked)."""
    return [RecordVersion.of(r) for r in clinic.records(patient_id)]


@router.get(
    "/patients/{patient_id}/records/{kind}/{record_id}/history",
    operation_id="getRecordHistory",
    response_model=list[RecordVersion],
    responses=ERRORS,
    tags=["timeline"],
)
def get_record_history(
    clinic: ClinicDep,
    patient_id: PatientId,
    kind: Kind,
    record_id: RecordIdPath,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> list[RecordVersion]:
    """Every version of one record, oldest first, with who recorded it and why it changed."""
    return [RecordVersion.of(r) for r in clinic.history(patient_id, str(kind.value), record_id)]


class DemographicsCorrection(BaseModel):
    """A correction of the patient's demographics: only the fields that change."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, description="The version you read (optimistic locking)")
    reason: str = Field(min_length=3, max_length=2000)
    changes: dict[str, Any] = Field(
        min_length=1,
        description="Demographic fields to change, as in the patient record "
        "(birth_date, sex, indication, prior_immunosuppressant_reported, extended_interval_weeks, site)",
    )


@router.put(
    "/patients/{patient_id}/demographics",
    response_model=RecordVersion,
    responses=WRITE_ERRORS,
    tags=["timeline"],
    operation_id="correctDemographics",
    summary="Correct the patient's demographics (a new version, with the reason)",
)
def correct_demographics(
    clinic: ClinicDep,
    patient_id: PatientId,
    body: DemographicsCorrection,
    user: Annotated[CurrentUser, Depends(require(Permission.ENTER_AUTHORIZATION))],
) -> RecordVersion:
    clinic.correct_demographics(
        patient_id, body.changes, version=body.version, reason=body.reason, actor=user.username
    )
    return _version_of(clinic, patient_id, "patient", patient_id)


@router.get(
    "/patients/{patient_id}/demographics/history",
    response_model=list[RecordVersion],
    responses=ERRORS,
    tags=["timeline"],
    operation_id="demographicsHistory",
)
def demographics_history(
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> list[RecordVersion]:
    """Every version of the patient's demographics, oldest first, with who changed them and why."""
    return [RecordVersion.of(r) for r in clinic.history(patient_id, "patient", patient_id)]


def _version_of(clinic: Any, patient_id: str, kind: str, record_id: str) -> RecordVersion:
    return RecordVersion.of(clinic.history(patient_id, kind, record_id)[-1])


def _add_record_routes(kf: KindForm) -> None:
    model = kf.model
    name = model.__name__
    guard = require(kf.permission)
    correction = create_model(
        f"{name}Correction",
        __config__=ConfigDict(extra="forbid"),
        version=(int, Field(ge=1, description="The version you read (optimistic locking)")),
        reason=(str, Field(min_length=3, max_length=2000)),
        record=(model, ...),
    )

    def add(
        clinic: ClinicDep,
        patient_id: PatientId,
        record: model,  # type: ignore[valid-type]  # the kind's own record model
        user: Annotated[CurrentUser, Depends(guard)],
    ) -> RecordVersion:
        new: Any = record
        clinic.add(patient_id, new, actor=user.username)
        return _version_of(clinic, patient_id, kf.kind, new.id)

    def correct(
        clinic: ClinicDep,
        patient_id: PatientId,
        record_id: RecordIdPath,
        body: correction,  # built per kind at import
        user: Annotated[CurrentUser, Depends(guard)],
    ) -> RecordVersion:
        change: Any = body
        if change.record.id != record_id:
            raise RecordRejected([FieldProblem("record.id", f"must be the record in the path ({record_id})")])
        clinic.correct(
            patient_id,
            change.record,
            version=change.version,
            reason=change.reason,
            actor=user.username,
            prescriber=Role.PRESCRIBER in user.roles,
        )
        return _version_of(clinic, patient_id, kf.kind, record_id)

    def retract(
        clinic: ClinicDep,
        patient_id: PatientId,
        record_id: RecordIdPath,
        body: Retraction,
        user: Annotated[CurrentUser, Depends(guard)],
    ) -> RecordVersion:
        clinic.retract(
            patient_id, kf.kind, record_id, version=body.version, reason=body.reason, actor=user.username
        )
        return _version_of(clinic, patient_id, kf.kind, record_id)

    base = f"/patients/{{patient_id}}/records/{kf.kind}"
    common: dict[str, Any] = {
        "response_model": RecordVersion,
        "responses": WRITE_ERRORS,
        "tags": ["timeline"],
    }
    if kf.kind in NEW_ENTRY_KINDS:
        router.add_api_route(
            base,
            add,
            methods=["POST"],
            operation_id=f"add{name}",
            status_code=201,
            summary=f"Add a {kf.label.lower()}",
            **common,
        )
    router.add_api_route(
        f"{base}/{{record_id}}",
        correct,
        methods=["PUT"],
        operation_id=f"correct{name}",
        summary=f"Correct a {kf.label.lower()} (a new version, with the reason)",
        **common,
    )
    router.add_api_route(
        f"{base}/{{record_id}}/retraction",
        retract,
        methods=["POST"],
        operation_id=f"retract{name}",
        summary=f"Retract a {kf.label.lower()} (kept in its history)",
        **common,
    )


for _kf in ENTRY_FORMS.values():
    _add_record_routes(_kf)


class GateClosedProblem(BaseModel):
    detail: str
    assessment: Assessment


@router.post(
    "/patients/{patient_id}/checklist",
    operation_id="recordChecklist",
    response_model=Assessment,
    responses=WRITE_ERRORS,
    tags=["visit"],
)
def record_checklist(
    clinic: ClinicDep,
    patient_id: PatientId,
    answers: ChecklistAnswers,
    user: Annotated[CurrentUser, Depends(require(Permission.RUN_CHECKLIST))],
) -> Assessment:
    """Record today's screening answers; returns the assessment with the gate they give."""
    clinic.record_checklist(
        patient_id,
        PreInfusionChecklist.model_validate(answers.model_dump(exclude={"clearances"})),
        actor=user.username,
    )
    return clinic.assessment(clinic.patient(patient_id), clinic.visit(patient_id))


@router.post(
    "/patients/{patient_id}/clearances",
    operation_id="clearHold",
    response_model=Assessment,
    responses={
        **WRITE_ERRORS,
        422: {"description": "not a clearable reason of today's gate, or a field not valid"},
    },
    tags=["visit"],
)
def clear_hold(
    clinic: ClinicDep,
    patient_id: PatientId,
    clearance: ClearanceIn,
    user: Annotated[CurrentUser, Depends(require(Permission.CLEAR_HOLD))],
) -> Assessment:
    """A prescriber's clearance of one reason of today's hold (or of a stop the label lets them override)."""
    clinic.clear(patient_id, clearance.code, clearance.reason, prescriber=user.username)
    return clinic.assessment(clinic.patient(patient_id), clinic.visit(patient_id))


@router.post(
    "/patients/{patient_id}/infusions",
    operation_id="recordInfusion",
    response_model=RecordVersion,
    status_code=201,
    responses={**WRITE_ERRORS, 409: {"model": GateClosedProblem, "description": "the gate is not go"}},
    tags=["visit"],
)
def record_infusion(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    infusion: Infusion,
    user: Annotated[CurrentUser, Depends(require(Permission.RECORD_INFUSION))],
) -> Any:
    """Record today's infusion; refused (409, with the gate) unless today's gate says go."""
    try:
        clinic.record_infusion(patient_id, infusion, actor=user.username)
    except GateClosed as closed:
        problem = GateClosedProblem(detail=str(closed), assessment=closed.assessment)
        return JSONResponse(problem.model_dump(mode="json"), status_code=409)
    return _version_of(clinic, patient_id, "infusions", infusion.id)
