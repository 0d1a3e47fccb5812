"""The pre-infusion visit: screening questions, the gate with every reason, clearances, the infusion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from alpha4.domain import QUESTIONS, PreInfusionChecklist
from alpha4.knowledge import label
from alpha4.rules import Assessment, Decision, GateEffect
from alpha4.store import NotFound

from . import clinic_day
from .chair import chair_form, check_chair_form
from .deps import ClinicDep, render, require
from .forms import unwrap_annotation
from .security import CurrentUser, Permission
from .services import Clinic, FieldProblem, GateClosed, RecordRejected, unique_ids

router = APIRouter(include_in_schema=False)

PatientId = Annotated[str, Path(min_length=1, max_length=128)]


@dataclass(frozen=True, slots=True)
class Question:
    name: str
    text: str
    required: bool


_TEXT = {
    "authorization_verified": "Is the patient's current authorization verified?",
    "new_or_worsening_neurological_symptoms": "New or worsening medical problems (thinking, eyesight, balance, "
    "strength, other) that have lasted several days?",
    "immunocompromising_condition_or_medicine": "HIV/AIDS, leukaemia or lymphoma, an organ transplant, or medicines "
    "that weaken the immune system in the past month?",
    "serious_active_infection": "A serious infection now?",
    "steroids_past_month": "Oral or IV steroids in the past month?",
    "pregnant_or_planning": "Pregnant, or planning a pregnancy?",
    "breastfeeding": "Breastfeeding?",
    "previous_infusion_reaction": "A reaction to a previous infusion?",
    "medication_guide_given": "Medication Guide given?",
}
QUESTION_LIST: tuple[Question, ...] = tuple(
    Question(name, _TEXT.get(name, name.replace("_", " ")), name in QUESTIONS)
    for name, f in PreInfusionChecklist.model_fields.items()
    if unwrap_annotation(f.annotation) == (bool, True)
)


def _infusion_context(clinic: Clinic, patient_id: str) -> dict[str, Any]:
    patient = clinic.patient(patient_id)
    visit = clinic.visit(patient_id)
    a = clinic.assessment(patient, visit)
    by_code = {f.code: f for f in a.findings}
    return {
        "p": patient,
        "a": a,
        "visit": visit,
        "answers": visit.model_dump() if visit else {},
        "questions": QUESTION_LIST,
        "reasons": [by_code[c] for c in a.gate.reasons if c in by_code],
        "may_infuse": visit is not None and a.gate.decision is Decision.GO,
        "chair": chair_form(clinic.profile, a.infusion_count + 1, a.gate.observation),
        "dose": f"{label.DOSE_MG.value:g}",
        "GateEffect": GateEffect,
        "Decision": Decision,
    }


def _page(
    request: Request, clinic: Clinic, patient_id: str, status_code: int = 200, **extra: Any
) -> Response:
    return render(
        request, "checklist.html", {**_infusion_context(clinic, patient_id), **extra}, status_code=status_code
    )


@router.get("/patients/{patient_id}/checklist", response_class=HTMLResponse)
def checklist_page(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.RUN_CHECKLIST))],
) -> Response:
    return _page(request, clinic, patient_id)


@router.post("/patients/{patient_id}/checklist", response_class=HTMLResponse)
async def submit_checklist(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.RUN_CHECKLIST))],
) -> Response:
    form = await request.form()
    answers: dict[str, bool] = {}
    problems: list[FieldProblem] = []
    for q in QUESTION_LIST:
        raw = str(form.get(q.name, "")).strip()
        if raw in ("yes", "no"):
            answers[q.name] = raw == "yes"
        elif raw:
            problems.append(FieldProblem(q.name, "answer yes or no"))
    try:
        checklist = PreInfusionChecklist.model_validate(answers)
    except ValidationError as error:  # pragma: no cover - every field is a yes/no checked above
        raise RecordRejected([FieldProblem(str(e["loc"][0]), e["msg"]) for e in error.errors()]) from None
    if problems:
        return _page(
            request,
            clinic,
            patient_id,
            422,
            errors={p.field: p.message for p in problems},
            submitted=dict(form),
        )
    clinic.record_checklist(patient_id, checklist, actor=user.username)
    return RedirectResponse(f"/patients/{patient_id}/checklist#gate", status_code=303)


@router.post("/patients/{patient_id}/clearances", response_class=HTMLResponse)
def clear_hold(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.CLEAR_HOLD))],
    code: Annotated[str, Form(max_length=80)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if len(reason.strip()) < 3:
        return _page(
            request,
            clinic,
            patient_id,
            422,
            clear_errors={code: "Give the reason for going ahead (a few words at least)."},
        )
    clinic.clear(patient_id, code, reason.strip(), prescriber=user.username)
    return RedirectResponse(f"/patients/{patient_id}/checklist#gate", status_code=303)


@router.post("/patients/{patient_id}/infusions", response_class=HTMLResponse)
async def record_infusion(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.RECORD_INFUSION))],
) -> Response:
    """The nurse's signed chair-side record: the infusion goes on the timeline only through the
    gate, with its chart, in one transaction; any problem redisplays every answer as typed."""
    form = await request.form()
    data = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}
    day = clinic.today()
    ids = [r.record_id for r in clinic.records(patient_id)]
    context = _infusion_context(clinic, patient_id)
    entry = check_chair_form(data, context["chair"], record_id=unique_ids(ids, "inf", day), day=day)
    kept = {k: v for k, v in data.items() if k not in ("password", "csrf_token")}
    if entry.infusion is None:
        return _page(request, clinic, patient_id, 422, infusion_errors=entry.errors, submitted=kept)
    if not clinic.signature_matches(user.username, data.get("password", "")):
        errors = {"password": "That is not your password: sign with the password you signed in with."}
        return _page(request, clinic, patient_id, 422, infusion_errors=errors, submitted=kept)
    try:
        clinic.record_infusion(patient_id, entry.infusion, actor=user.username, chart=entry.chart)
    except RecordRejected as error:
        errors = {p.field: _nurse_words(p.field, p.message) for p in error.problems}
        return _page(request, clinic, patient_id, 422, infusion_errors=errors, submitted=kept)
    except GateClosed as closed:
        return _page(
            request, clinic, patient_id, 409, closed=_closed_message(closed.assessment), submitted=kept
        )
    return RedirectResponse(f"/patients/{patient_id}?recorded=infusion", status_code=303)


def _nurse_words(field: str, message: str) -> str:
    """A record check's message for the nurse (the domain's own words are already plain)."""
    return message.removeprefix("Value error, ")


@router.get("/patients/{patient_id}/checklist/signed", response_class=HTMLResponse)
def signed_checklist(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
    day: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """The completed pre-infusion checklist laid out for printing and filing (REMS): identity,
    every answer with who gave it and when, the gate and its reasons, the clearances, the
    infusion record and the nurse's signature."""
    try:
        when = dt.date.fromisoformat(day) if day else clinic.today()
    except ValueError:
        raise NotFound("no checklist for that day: give the day as 2026-12-02") from None
    patient = clinic.patient(patient_id)
    visit = clinic_day.signed_visit(clinic, patient_id, when)
    return render(
        request,
        "checklist_print.html",
        {"p": patient, "visit": visit, "questions": QUESTION_LIST, "day": when},
    )


def _closed_message(a: Assessment) -> str:
    if a.gate.decision is Decision.GO:
        return "Answer the screening questions first."
    return f"The gate is {a.gate.decision.value.upper()}: the infusion was not recorded."
