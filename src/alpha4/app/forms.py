"""Data-entry forms derived from the domain records: one form per kind of timeline record.

A form's fields come from the record's own pydantic fields (type, choices, required), so a
form cannot drift from the record it builds; submitted text is parsed by the record itself and
each problem is shown next to its field.
"""

from __future__ import annotations

import datetime as dt
import math
import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError, create_model

from alpha4.domain import (
    AdverseEvent,
    AntibodyResult,
    AuthorizationEvent,
    CrohnsScore,
    Discontinuation,
    DrugLevel,
    EdssScore,
    HypersensitivityHistory,
    Infusion,
    InfusionReaction,
    JcvResult,
    LabResult,
    LactationRecord,
    Medication,
    MriScan,
    Patient,
    PregnancyRecord,
    Relapse,
    WeightRecord,
)
from alpha4.knowledge.codes import LAB_CODES

from .security import Permission
from .services import RecordRejected, validation_problems


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    widget: str  # date | number | integer | text | textarea | select | bool
    required: bool
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    datalist: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class KindForm:
    kind: str
    label: str
    model: type[BaseModel]
    permission: Permission
    id_prefix: str
    help: str = ""

    @property
    def fields(self) -> tuple[FormField, ...]:
        return _fields(self.model, "")

    @property
    def all_fields(self) -> tuple[FormField, ...]:
        extra = _fields(InfusionReaction, "reaction.") if self.model is Infusion else ()
        return self.fields + extra


def unwrap_annotation(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) of ``X | None``, without ``Annotated`` constraints."""
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation, optional = (args[0] if len(args) == 1 else annotation), True
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation, optional


def _typed(widget: str, raw: str) -> Any:
    """Submitted text as the value its widget stands for; text that is not one stays text, and the
    record refuses it (the domain's numbers and booleans are strict: ``"yes"`` is not ``true``)."""
    if widget == "bool":
        return {"yes": True, "no": False}.get(raw, raw)
    try:
        if widget == "integer":
            return int(raw)
        if widget == "number":
            value = float(raw)
            return value if math.isfinite(value) else raw
    except ValueError:
        return raw
    return raw


_LABELS = {
    "loinc": "LOINC code",
    "dose_mg": "Dose (mg)",
    "concentration_ug_per_ml": "Concentration (µg/mL)",
    "new_t2_lesions": "New T2 lesions",
    "enlarging_t2_lesions": "Enlarging T2 lesions",
    "gadolinium_enhancing_lesions": "Gadolinium-enhancing lesions",
    "pml_suspected": "PML suspected",
    "edss": "EDSS",
    "rxnorm": "RxNorm code",
    "weight_kg": "Weight (kg)",
    "observation_minutes": "Observed after the infusion (minutes)",
    "onset_minutes": "Onset (minutes after start)",
    "grade": "CTCAE grade (1-5)",
    "gestational_weeks": "Gestational age (weeks)",
    "index": "Index",
    "mrn": "MRN (medical record number)",
    "given_name": "Given name(s)",
}
_SKIP = {"id", "source_ref", "reaction"}


def _label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " ").capitalize())


def _fields(model: type[BaseModel], prefix: str) -> tuple[FormField, ...]:
    out: list[FormField] = []
    for name, info in model.model_fields.items():
        if name in _SKIP:
            continue
        inner, optional = unwrap_annotation(info.annotation)
        required = info.is_required() and not optional and not prefix  # a nested part is optional as a whole
        help_text = info.description or ""
        datalist: tuple[tuple[str, str], ...] = ()
        choices: tuple[tuple[str, str], ...] = ()
        if inner is bool:
            widget = "bool"
        elif isinstance(inner, type) and issubclass(inner, Enum):
            widget = "select"
            choices = tuple((str(m.value), str(m.value).replace("_", " ")) for m in inner)
        elif inner is dt.date:
            widget = "date"
        elif inner is float:
            widget = "number"
        elif inner is int:
            widget = "integer"
        elif inner is str:
            widget = "textarea" if name in ("report", "description") else "text"
        else:
            continue  # nested structures are not entered on these forms
        if name == "loinc":
            datalist = tuple((code, lab.display) for code, lab in LAB_CODES.value.items())
        out.append(FormField(prefix + name, _label(name), widget, required, choices, help_text, datalist))
    return tuple(out)


ENTRY_FORMS: dict[str, KindForm] = {
    f.kind: f
    for f in (
        KindForm("labs", "Laboratory result", LabResult, Permission.ENTER_RESULTS, "lab"),
        KindForm("jcv_results", "Anti-JCV antibody result", JcvResult, Permission.ENTER_RESULTS, "jcv"),
        KindForm(
            "antibody_results",
            "Anti-natalizumab antibody result",
            AntibodyResult,
            Permission.ENTER_RESULTS,
            "ab",
        ),
        KindForm("drug_levels", "Natalizumab level", DrugLevel, Permission.ENTER_RESULTS, "level"),
        KindForm("mri_scans", "MRI", MriScan, Permission.ENTER_RESULTS, "mri"),
        KindForm("weights", "Body weight", WeightRecord, Permission.ENTER_RESULTS, "wt"),
        KindForm("relapses", "Relapse", Relapse, Permission.ENTER_CLINICAL, "relapse"),
        KindForm("edss_scores", "EDSS", EdssScore, Permission.ENTER_CLINICAL, "edss"),
        KindForm(
            "crohns_scores",
            "Crohn's disease score (CDAI / HBI)",
            CrohnsScore,
            Permission.ENTER_CLINICAL,
            "cd",
        ),
        KindForm("adverse_events", "Adverse event", AdverseEvent, Permission.ENTER_CLINICAL, "ae"),
        KindForm("pregnancies", "Pregnancy", PregnancyRecord, Permission.ENTER_CLINICAL, "preg"),
        KindForm("lactation", "Breastfeeding", LactationRecord, Permission.ENTER_CLINICAL, "lact"),
        KindForm(
            "hypersensitivities",
            "Hypersensitivity history",
            HypersensitivityHistory,
            Permission.ENTER_CLINICAL,
            "hs",
        ),
        KindForm("medications", "Concomitant medicine", Medication, Permission.ENTER_CLINICAL, "med"),
        KindForm(
            "authorizations",
            "Authorization / reassessment",
            AuthorizationEvent,
            Permission.ENTER_AUTHORIZATION,
            "auth",
        ),
        KindForm(
            "discontinuation", "Discontinuation", Discontinuation, Permission.ENTER_AUTHORIZATION, "stop"
        ),
        KindForm("infusions", "Infusion", Infusion, Permission.RECORD_INFUSION, "inf"),
    )
}
NEW_ENTRY_KINDS: tuple[str, ...] = tuple(
    k for k in ENTRY_FORMS if k != "infusions"
)  # infusions: via the checklist


# The demographics a clinic corrects on a form; the indication (a nested record) is corrected by
# re-import or `alpha4 patient correct --kind patient`. The fields are the Patient's own.
DEMOGRAPHIC_FORM_FIELDS: tuple[str, ...] = (
    "family_name",
    "given_name",
    "mrn",
    "birth_date",
    "sex",
    "prior_immunosuppressant_reported",
    "extended_interval_weeks",
    "site",
)
Demographics: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "Demographics",
    **{
        name: (Patient.model_fields[name].annotation, Patient.model_fields[name])
        for name in DEMOGRAPHIC_FORM_FIELDS
    },
)
DEMOGRAPHICS_FORM = KindForm(
    "patient",
    "Demographics",
    Demographics,
    Permission.ENTER_AUTHORIZATION,
    "",
    help="Birth date, sex and the other facts the rules read about the patient.",
)


def demographic_changes(data: Mapping[str, str]) -> dict[str, Any]:
    """The demographics as the form now shows them (a blank optional field becomes empty), in the
    record's JSON form, or :class:`RecordRejected` naming each bad field."""
    payload = payload_from_form(DEMOGRAPHICS_FORM, data, "")
    payload.pop("id")
    record = build_record(DEMOGRAPHICS_FORM, payload)
    return {name: value for name, value in record.model_dump(mode="json").items()}


def payload_from_form(form: KindForm, data: Mapping[str, str], record_id: str) -> dict[str, Any]:
    """The record's JSON from submitted text: blank fields are left out (the record's default applies)."""
    payload: dict[str, Any] = {"id": record_id}
    reaction: dict[str, Any] = {}
    for f in form.all_fields:
        raw = str(data.get(f.name, "")).strip()
        if not raw:
            continue
        value = _typed(f.widget, raw)
        if f.name.startswith("reaction."):
            reaction[f.name.removeprefix("reaction.")] = value
        else:
            payload[f.name] = value
    if reaction:
        payload["reaction"] = reaction
    return payload


def build_record(form: KindForm, payload: Mapping[str, Any]) -> BaseModel:
    """The validated record, or :class:`RecordRejected` naming each bad field."""
    try:
        record = form.model.model_validate(dict(payload))
    except ValidationError as error:
        raise RecordRejected(validation_problems(error)) from None
    return record


def values_from_payload(payload: Mapping[str, Any]) -> dict[str, str]:
    """Form values (text) from a stored record's JSON, to pre-fill a correction."""
    out: dict[str, str] = {}
    for key, value in payload.items():
        if isinstance(value, dict):
            for k, v in value.items():
                out[f"{key}.{k}"] = _text(v)
        else:
            out[key] = _text(value)
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
