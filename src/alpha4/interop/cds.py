"""CDS Hooks 2.0 logic, without HTTP: discovery, request models, prefetch, assessment -> cards.

The discovery document is derived from data: the services below and the resources
the FHIR mapper reads (:data:`DATA_NEEDS`). Cards render the findings the rules
produced (code, detail, evidence, sources), never recompute them; every card names
a finding code registered in :data:`alpha4.rules.codes.CODES`.

Specification: CDS Hooks 2.0 (HL7, tag v2.0.1, ``input/pagecontent/index.md``) and
the hook definitions of HL7/cds-hooks-library (patient-view, order-select,
order-sign, hookVersion 1.0).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from alpha4.domain import Patient
from alpha4.knowledge import Profile
from alpha4.knowledge.codes import LAB_CODES
from alpha4.rules import Assessment, Decision, Finding, GateEffect, assess
from alpha4.rules.codes import CODES

from . import codes as c
from .fhir_in import FhirInputError, Imported, NoIndicationError, Unmapped, resources_to_patient
from .fhir_out import validate
from .lru import LruCache

# --- the CDS Hooks JSON shapes (2.0) ----------------------------------------------------------
_Strict = ConfigDict(extra="forbid")
_Open = ConfigDict(extra="allow")  # requests may carry `extension` and future fields


class Coding(BaseModel):
    model_config = _Strict
    code: str
    system: str | None = None
    display: str | None = None


class Source(BaseModel):
    model_config = _Strict
    label: str = Field(min_length=1)
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(BaseModel):
    model_config = _Strict
    type: Literal["create", "update", "delete"]
    description: str = Field(min_length=1)  # cds-resp-5
    resource: dict[str, Any] | None = None
    resourceId: str | None = None

    @model_validator(mode="after")
    def _resource_for_type(self) -> Action:
        if self.type == "delete" and not self.resourceId:
            raise ValueError("cds-resp-2: a delete action needs resourceId")
        if self.type in ("create", "update") and self.resource is None:
            raise ValueError("a create or update action needs the resource")
        return self


class Suggestion(BaseModel):
    model_config = _Strict
    label: str = Field(min_length=1)
    uuid: str | None = None
    isRecommended: bool | None = None
    actions: list[Action] = Field(default_factory=list)


class Link(BaseModel):
    model_config = _Strict
    label: str
    url: str
    type: Literal["absolute", "smart"]
    appContext: str | None = None
    autolaunchable: bool | None = None

    @model_validator(mode="after")
    def _app_context_for_smart(self) -> Link:
        if self.appContext is not None and self.type != "smart":
            raise ValueError("cds-resp-3: appContext only on smart links")
        return self


class Card(BaseModel):
    model_config = _Strict
    uuid: str | None = None
    summary: str = Field(min_length=1, max_length=139)  # "<140 characters"
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] | None = None
    links: list[Link] | None = None

    @model_validator(mode="after")
    def _invariants(self) -> Card:
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("cds-resp-6: suggestions need selectionBehavior")
        if (
            self.selectionBehavior == "at-most-one"
            and sum(bool(s.isRecommended) for s in self.suggestions or []) > 1
        ):
            raise ValueError("cds-resp-1: at-most-one allows one recommended suggestion")
        if any(not r.display for r in self.overrideReasons or []):
            raise ValueError("cds-resp-4: override reasons need display")
        return self


class CdsResponse(BaseModel):
    model_config = _Strict
    cards: list[Card]
    systemActions: list[Action] | None = None


class Service(BaseModel):
    model_config = _Strict
    hook: str
    id: str = Field(pattern=r"^[A-Za-z0-9._~-]+$")
    title: str | None = None
    description: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None


class Discovery(BaseModel):
    model_config = _Strict
    services: list[Service]


class FhirAuthorization(BaseModel):
    model_config = _Open
    access_token: str = Field(min_length=1)
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


_Id = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class PatientViewContext(BaseModel):
    model_config = _Open
    userId: _Id
    patientId: _Id
    encounterId: _Id | None = None


class OrderSignContext(PatientViewContext):
    draftOrders: dict[str, Any]

    @model_validator(mode="after")
    def _bundle(self) -> OrderSignContext:
        if self.draftOrders.get("resourceType") != "Bundle":
            raise ValueError("draftOrders must be a FHIR Bundle")
        if not isinstance(self.draftOrders.get("entry", []), list):
            raise ValueError("draftOrders.entry must be a list")
        return self


class OrderSelectContext(OrderSignContext):
    selections: list[_Id]


class CdsRequest(BaseModel):
    model_config = _Open
    hook: str = Field(min_length=1)
    hookInstance: _Id
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _server_with_authorization(self) -> CdsRequest:
        if self.fhirAuthorization is not None and not self.fhirServer:
            raise ValueError("cds-r-1: fhirAuthorization needs fhirServer")
        return self


class AcceptedSuggestion(BaseModel):
    model_config = _Open
    id: str = Field(min_length=1)


class OverrideReason(BaseModel):
    model_config = _Open
    reason: Coding | None = None
    userComment: str | None = None


class FeedbackItem(BaseModel):
    model_config = _Open
    card: str = Field(min_length=1)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: dt.datetime

    @model_validator(mode="after")
    def _accepted_needs_suggestions(self) -> FeedbackItem:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("cds-fb-2: accepted feedback needs acceptedSuggestions")
        return self


class Feedback(BaseModel):
    model_config = _Open
    feedback: list[FeedbackItem] = Field(min_length=1)


# --- services, derived from the mapper's data needs -------------------------------------------
PATIENT_VIEW = "alpha4-natalizumab-safety"
ORDER_SELECT = "alpha4-natalizumab-order-select"
ORDER_SIGN = "alpha4-natalizumab-order-sign"
CONTEXTS: dict[str, type[PatientViewContext]] = {
    "patient-view": PatientViewContext,
    "order-select": OrderSelectContext,
    "order-sign": OrderSignContext,
}


def observation_codes() -> list[str]:
    """Every Observation code alpha4 reads, as ``system|code`` tokens (the mapper's tables)."""
    loinc = [*LAB_CODES.value, c.JCV_ANTIBODY, c.JCV_INDEX, c.NATALIZUMAB_ANTIBODY, c.BODY_WEIGHT]
    loinc += [c.PREGNANCY_STATUS, c.HCG_URINE, c.JCV_DNA_PCR]
    tokens = [f"{c.LOINC}|{code}" for code in dict.fromkeys(loinc)]
    tokens.append(f"{c.SNOMED}|{c.EDSS_SNOMED.code}")
    return tokens


# Resource searches the mapper reads: key -> query (tokens filled from the hook context).
DATA_NEEDS: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}&code=" + ",".join(observation_codes()),
    "administrations": "MedicationAdministration?patient={{context.patientId}}",
    "statements": "MedicationStatement?patient={{context.patientId}}",
    "requests": "MedicationRequest?patient={{context.patientId}}",
    "allergies": "AllergyIntolerance?patient={{context.patientId}}",
    "adverseEvents": "AdverseEvent?subject=Patient/{{context.patientId}}",
    "reports": "DiagnosticReport?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
    "tasks": "Task?patient={{context.patientId}}",
}


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    id: str
    hook: str
    title: str
    description: str


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        PATIENT_VIEW,
        "patient-view",
        "Natalizumab safety summary",
        "When a natalizumab patient's chart opens: infusion gate (go / hold / stop), PML risk, "
        "what is due (anti-JCV antibodies, MRI, antibody test, labs) and every safety finding with its evidence.",
    ),
    ServiceSpec(
        ORDER_SELECT,
        "order-select",
        "Natalizumab order check (selection)",
        "When a natalizumab MedicationRequest is selected: infusion gate and eligibility, with reasons.",
    ),
    ServiceSpec(
        ORDER_SIGN,
        "order-sign",
        "Natalizumab order check (signature)",
        "When a natalizumab MedicationRequest is signed: infusion gate and eligibility; a stop suggests "
        "removing the draft order, a hold asks for an override reason.",
    ),
)
SERVICE_BY_ID = {s.id: s for s in SERVICES}


def discovery() -> dict[str, Any]:
    """The discovery document (validated against the 2.0 shape)."""
    doc = Discovery(
        services=[
            Service(hook=s.hook, id=s.id, title=s.title, description=s.description, prefetch=dict(DATA_NEEDS))
            for s in SERVICES
        ]
    )
    return doc.model_dump(exclude_none=True)


_TOKEN = re.compile(r"\{\{\s*context\.([A-Za-z0-9_]+)\s*\}\}")


def render_template(template: str, context: dict[str, Any]) -> str:
    """Fill ``{{context.x}}`` tokens (root-level primitive context fields only).

    >>> render_template("Observation?patient={{context.patientId}}", {"patientId": "123"})
    'Observation?patient=123'
    """

    def value(m: re.Match[str]) -> str:
        v = context.get(m.group(1))
        if not isinstance(v, str | int | float):
            raise ValueError(f"prefetch token context.{m.group(1)} has no primitive value")
        return str(v)

    return _TOKEN.sub(value, template)


def missing_prefetch(request: CdsRequest) -> list[str]:
    """Keys the client did not send (``null`` means it looked and found nothing: not missing)."""
    sent = request.prefetch or {}
    return [k for k in DATA_NEEDS if k not in sent]


def prefetched_resources(prefetch: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Unmapped]]:
    """Resources out of prefetch values: a resource, a searchset Bundle, or null."""
    out: list[dict[str, Any]] = []
    notes: list[Unmapped] = []
    seen: set[str] = set()
    for key, value in prefetch.items():
        if value is None:
            continue
        if not isinstance(value, dict) or "resourceType" not in value:
            raise FhirInputError(f"prefetch.{key}", "", "not a FHIR resource or Bundle")
        items: list[Any] = [value]
        if value["resourceType"] == "Bundle":
            entries = value.get("entry") or []
            if not isinstance(entries, list):
                raise FhirInputError(f"prefetch.{key}", "entry", "must be a list")
            items = [
                e.get("resource") for e in entries if isinstance(e, dict) and e.get("resource") is not None
            ]
        for r in items:
            if not isinstance(r, dict):
                raise FhirInputError(f"prefetch.{key}", "entry", "resource is not a JSON object")
            if r.get("resourceType") == "OperationOutcome":
                notes.append(
                    Unmapped("OperationOutcome", r.get("id"), f"prefetch {key}: the EHR reported an error")
                )
                continue
            ident = f"{r.get('resourceType')}/{r.get('id')}" if r.get("id") else None
            if ident is not None and ident in seen:
                continue
            if ident is not None:
                seen.add(ident)
            out.append(r)
    return out, notes


# --- draft orders (read leniently: the specification's own examples are not strict R4) --------
_NATALIZUMAB_WORDS = ("natalizumab", "tysabri", "tyruko")


def _names_natalizumab(concept: Any) -> bool:
    if not isinstance(concept, dict):
        return False
    texts = [str(concept.get("text") or "")]
    for cd in concept.get("coding") or []:
        if not isinstance(cd, dict):
            continue
        if (cd.get("system"), cd.get("code")) in ((c.RXNORM, c.NATALIZUMAB_RXCUI), (c.NDC, c.TYSABRI_NDC)):
            return True
        texts.append(str(cd.get("display") or ""))
    return any(w in t.lower() for t in texts for w in _NATALIZUMAB_WORDS)


def natalizumab_drafts(context: OrderSignContext) -> list[str]:
    """``MedicationRequest/id`` of the natalizumab orders in draftOrders (selected ones for order-select)."""
    found: list[str] = []
    for e in context.draftOrders.get("entry") or []:
        r = e.get("resource") if isinstance(e, dict) else None
        if not isinstance(r, dict) or r.get("resourceType") != "MedicationRequest":
            continue
        contained = {f"#{x.get('id')}": x for x in r.get("contained") or [] if isinstance(x, dict)}
        ref = (
            (r.get("medicationReference") or {}).get("reference")
            if isinstance(r.get("medicationReference"), dict)
            else None
        )
        concept = r.get("medicationCodeableConcept") or (contained.get(str(ref)) or {}).get("code")
        if _names_natalizumab(concept):
            found.append(f"MedicationRequest/{r.get('id')}")
    if isinstance(context, OrderSelectContext):
        found = [f for f in found if f in context.selections]
    return found


# --- assessment -> cards ----------------------------------------------------------------------
_NS = uuid.UUID("6f1a3c52-8a1e-4f0e-9a53-2d6f1b1c0a40")
OVERRIDE_SYSTEM = f"{c.BASE}/CodeSystem/override-reason"
OVERRIDE_REASONS: tuple[Coding, ...] = (
    Coding(
        system=OVERRIDE_SYSTEM,
        code="benefit-outweighs-risk",
        display="Prescriber reviewed: benefit outweighs risk",
    ),
    Coding(
        system=OVERRIDE_SYSTEM,
        code="result-elsewhere",
        display="Result or test done elsewhere, not yet in the record",
    ),
    Coding(system=OVERRIDE_SYSTEM, code="not-applicable", display="Does not apply to this patient"),
)

# What to order for a finding (CDS suggestion); keys are registered finding codes.
ORDER_FOR_CODE: dict[str, tuple[str, ...]] = {
    "PML_JCV_MISSING": ("jcv",),
    "PML_JCV_INDETERMINATE": ("jcv",),
    "PML_JCV_UNRELIABLE": ("jcv",),
    "SCHEDULE_JCV_OVERDUE": ("jcv",),
    "SCHEDULE_MRI_OVERDUE": ("mri",),
    "MRI_BASELINE_NEEDED": ("mri",),
    "PML_SUSPECTED": ("mri",),
    "ANTIBODY_TEST_INDICATED": ("antibody",),
    "ANTIBODY_POSITIVE_UNCONFIRMED": ("antibody",),
    "SCHEDULE_ANTIBODY_TEST_OVERDUE": ("antibody",),
    "SCHEDULE_LABS_OVERDUE": ("cbc", "lft"),
}
CARD_CODES = frozenset({"PML_HIGHER_RISK", *ORDER_FOR_CODE})  # shown as cards even without a gate effect


_SLOT = "slot:"  # a card template's uuid placeholder: ``slot:<code>:<detail>``


def card_id(hook_instance: str | None, code: str, detail: str = "") -> str:
    """A card's uuid: stable for one hook call, so repeated feedback is recognised.

    Without a hook instance (a card template, :func:`card_templates`) the uuid is a placeholder
    that :func:`stamp` turns into the call's uuid: the same value, computed later.

    >>> card_id("call-1", "GATE", "HOLD") == stamp_id("call-1", card_id(None, "GATE", "HOLD"))
    True
    """
    if hook_instance is None:
        return f"{_SLOT}{code}:{detail}"
    return str(uuid.uuid5(_NS, f"{hook_instance}:{code}:{detail}"))


def stamp_id(hook_instance: str, placeholder: str) -> str:
    """The call's uuid for a template placeholder (see :func:`card_id`)."""
    if not placeholder.startswith(_SLOT):
        raise ValueError(f"not a card template placeholder: {placeholder!r}")
    return str(uuid.uuid5(_NS, f"{hook_instance}:{placeholder[len(_SLOT) :]}"))


def indicator(f: Finding) -> Literal["info", "warning", "critical"]:
    """critical for a stop, warning for a hold or a higher PML risk, info otherwise."""
    if f.gate is GateEffect.STOP:
        return "critical"
    if f.gate is GateEffect.HOLD or f.code == "PML_HIGHER_RISK":
        return "warning"
    return "info"


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 139 else text[:138].rstrip() + "…"


def _md(text: str) -> str:
    """Record text shown as markdown literally (no links, images or HTML from the record)."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|])", r"\\\1", text)


def finding_markdown(f: Finding) -> str:
    lines = [_md(f.detail), "", f"**Action:** {_md(f.action)}"]
    if f.evidence:
        lines += ["", "**Evidence:**"]
        for e in f.evidence:
            parts = [e.record_type, e.record_id or "", str(e.date or ""), e.value]
            where = f" (EHR: `{e.source_ref}`)" if e.source_ref else ""
            lines.append("- " + _md(" · ".join(p for p in parts if p)) + where)
    if f.sources:
        lines += ["", "**Sources:**", *(f"- {_md(s)}" for s in f.sources)]
    lines += ["", f"alpha4 finding `{f.code}`"]
    return "\n".join(lines)


def _source(f: Finding | None, profile: Profile) -> Source:
    label = f"alpha4 natalizumab safety ({profile.title})"
    url = None
    if f is not None and f.sources:
        first = f.sources[0]
        match = re.search(r"<(https?://[^>]+)>$", first)
        url = match.group(1) if match else None
        label = _summary("alpha4 · " + re.sub(r"\s*<https?://[^>]+>$", "", first))
    topic = Coding(system=c.FINDING_CODES, code=f.code, display=f.title) if f is not None else None
    return Source(label=label, url=url, topic=topic)


def order_action(key: str, patient_id: str, reason: str) -> Action:
    code = c.ORDERABLE[key]
    resource = validate(
        {
            "resourceType": "ServiceRequest",
            "status": "draft",
            "intent": "order",
            "code": {
                "coding": [{"system": code.system, "code": code.code, "display": code.display}],
                "text": code.display,
            },
            "subject": {"reference": f"Patient/{patient_id}"},
            "reasonCode": [{"text": reason}],
        }
    )
    return Action(type="create", description=f"Order {code.display}", resource=resource)


def finding_card(
    f: Finding, *, hook_instance: str | None, patient_id: str, profile: Profile, drafts: Iterable[str] = ()
) -> Card:
    prefix = {GateEffect.STOP: "Stop natalizumab: ", GateEffect.HOLD: "Hold natalizumab: "}.get(f.gate, "")
    suggestions: list[Suggestion] = []
    for key in ORDER_FOR_CODE.get(f.code, ()):
        action = order_action(key, patient_id, f.title)
        suggestions.append(
            Suggestion(
                label=action.description,
                uuid=card_id(hook_instance, f.code, key),
                isRecommended=True,
                actions=[action],
            )
        )
    if f.gate is GateEffect.STOP:
        for draft in drafts:
            suggestions.append(
                Suggestion(
                    label="Remove the natalizumab order",
                    uuid=card_id(hook_instance, f.code, draft),
                    isRecommended=True,
                    actions=[Action(type="delete", description=f"Remove draft {draft}", resourceId=draft)],
                )
            )
    overridable = f.gate is GateEffect.HOLD or f.overridable
    return Card(
        uuid=card_id(hook_instance, f.code, f.detail),
        summary=_summary(prefix + f.title),
        detail=finding_markdown(f),
        indicator=indicator(f),
        source=_source(f, profile),
        suggestions=suggestions or None,
        selectionBehavior=("at-most-one" if len(suggestions) == 1 else "any") if suggestions else None,
        overrideReasons=list(OVERRIDE_REASONS) if overridable else None,
    )


def gate_card(
    a: Assessment,
    *,
    hook_instance: str | None,
    profile: Profile,
    unmapped: Iterable[Unmapped],
    order: bool,
    drafts: Iterable[str] = (),
) -> Card:
    """The summary card: gate, PML risk, what is due, every finding in one markdown list."""
    g = a.gate
    plain = {Decision.STOP: "STOP", Decision.HOLD: "HOLD", Decision.GO: "GO"}[g.decision]
    decision = g.headline or plain  # "GO after the checklist" until the screening questions are answered
    what = "Natalizumab order" if order else "Natalizumab"
    reasons = ", ".join(CODES[r].title for r in g.reasons[:2]) + (" …" if len(g.reasons) > 2 else "")
    summary = f"{what}: {decision}" + (
        f" ({reasons})" if reasons else " (no safety finding blocks the infusion)"
    )
    lines = [
        f"**Infusion gate:** {decision}"
        + (f" — {', '.join(f'`{r}`' for r in g.reasons)}" if g.reasons else "")
    ]
    if a.pml is not None:
        lines.append(
            f"**PML risk:** {a.pml.qualifier}{a.pml.risk_per_1000} per 1,000 ({_md(a.pml.band)}; {_md(a.pml.table_title)})"
        )
    elif "PML_CONFIRMED" in g.reasons:
        lines.append("**PML risk:** not estimated: PML has been diagnosed")
    else:
        lines.append("**PML risk:** unknown (no usable anti-JCV antibody result)")
    due = [s for s in a.schedule if s.status.value in ("due", "overdue", "due_soon")]
    if due:
        lines += [
            "",
            "**Due:**",
            *(f"- {s.item.replace('_', ' ')}: {s.status.value} {s.due or ''}" for s in due),
        ]
    lines += ["", "**Findings:**"]
    lines += [f"- **{f.severity.value}** `{f.code}` {_md(f.title)}: {_md(f.detail)}" for f in a.findings]
    skipped = list(unmapped)
    if skipped:
        lines += ["", f"**EHR records alpha4 could not read ({len(skipped)}):**"]
        lines += [f"- `{u.resource_type}/{u.id or '?'}`: {_md(u.reason)}" for u in skipped[:20]]
    worst = next((f for f in a.findings if f.code in g.reasons), None)
    ind: Literal["info", "warning", "critical"] = (
        "critical" if g.decision is Decision.STOP else "warning" if g.decision is Decision.HOLD else "info"
    )
    if ind == "info" and a.pml_higher_risk:
        ind = "warning"
    suggestions = [
        Suggestion(
            label="Remove the natalizumab order",
            uuid=card_id(hook_instance, "GATE", draft),
            isRecommended=True,
            actions=[Action(type="delete", description=f"Remove draft {draft}", resourceId=draft)],
        )
        for draft in (drafts if g.decision is Decision.STOP else ())
    ]
    return Card(
        uuid=card_id(hook_instance, "GATE", plain),
        summary=_summary(summary),
        detail="\n".join(lines),
        indicator=ind,
        source=_source(worst, profile),
        suggestions=suggestions or None,
        selectionBehavior=("at-most-one" if len(suggestions) == 1 else "any") if suggestions else None,
        overrideReasons=list(OVERRIDE_REASONS) if g.decision is Decision.HOLD else None,
    )


@dataclass(frozen=True, slots=True)
class Answer:
    cards: list[Card]
    assessment: Assessment | None
    imported: Imported | None


CardJson = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What a hook call's data says, as cards without their ids.

    A pure function of (hook, patient, natalizumab drafts, FHIR resources, as_of, profile): it
    holds nothing of the call's identity (``hookInstance``), so an identical call (the same chart
    opened again the same day) may reuse it. ``cards`` are card templates (JSON, validated as
    :class:`Card` when built) whose uuids are placeholders; :func:`stamp` gives them the call's ids.
    """

    hook: str
    patient_id: str
    drafts: tuple[str, ...]
    cards: tuple[CardJson, ...] = ()
    assessment: Assessment | None = None
    imported: Imported | None = None

    def cards_only(self) -> Evaluation:
        """This evaluation without the assessment and the mapped timeline (what a cache keeps:
        about a tenth of the memory, and all a CDS response needs)."""
        return Evaluation(self.hook, self.patient_id, self.drafts, self.cards)


def call_target(request: CdsRequest) -> tuple[str, tuple[str, ...]]:
    """The patient and the natalizumab draft orders a call is about (its validated context)."""
    context = CONTEXTS[request.hook].model_validate(request.context)
    drafts = natalizumab_drafts(context) if isinstance(context, OrderSignContext) else []
    return context.patientId, tuple(drafts)


def _json(cards: Iterable[Card]) -> tuple[CardJson, ...]:
    return tuple(card.model_dump(mode="json", exclude_none=True) for card in cards)


def evaluate(
    request: CdsRequest,
    resources: list[dict[str, Any]],
    notes: list[Unmapped],
    *,
    as_of: dt.date,
    profile: Profile,
) -> Evaluation:
    """Map the resources, assess the patient and write the cards (all but their ids)."""
    hook = request.hook
    patient_id, drafts = call_target(request)
    if hook != "patient-view" and not drafts:
        return Evaluation(hook, patient_id, drafts)  # the order holds no natalizumab: nothing to say
    try:
        imported = resources_to_patient(resources, patient_id=patient_id, skipped=notes)
    except NoIndicationError as error:
        if not drafts and not _any_natalizumab(resources):
            return Evaluation(hook, patient_id, drafts)  # not a natalizumab patient
        card = Card(
            uuid=card_id(None, "NO_INDICATION"),
            summary="Natalizumab: no multiple sclerosis or Crohn's disease diagnosis found in the record",
            detail=_md(str(error)) + "\n\nalpha4 cannot check eligibility or safety without the indication.",
            indicator="warning",
            source=Source(label=f"alpha4 natalizumab safety ({profile.title})"),
        )
        return Evaluation(hook, patient_id, drafts, cards=_json([card]))
    a = assess(imported.patient, as_of, profile)
    cards = cards_for(a, hook, None, patient_id, profile, list(drafts), imported.unmapped)
    return Evaluation(hook, patient_id, drafts, _json(cards), a, imported)


def stamp(cards: Iterable[CardJson], hook_instance: str) -> list[CardJson]:
    """Card templates with this call's uuids (cards and suggestions); the templates are not changed."""
    out = []
    for template in cards:
        card = dict(template)
        card["uuid"] = stamp_id(hook_instance, card["uuid"])
        if "suggestions" in card:
            card["suggestions"] = [
                s | {"uuid": stamp_id(hook_instance, s["uuid"])} for s in card["suggestions"]
            ]
        out.append(card)
    return out


def response_json(evaluation: Evaluation, hook_instance: str) -> bytes:
    """The CDS Hooks response body for one call (the service's fast path: no re-validation)."""
    return orjson.dumps({"cards": stamp(evaluation.cards, hook_instance)})


def render(evaluation: Evaluation, request: CdsRequest) -> Answer:
    """The cards of one call as :class:`Card` models (validated again)."""
    cards = [Card.model_validate(c) for c in stamp(evaluation.cards, request.hookInstance)]
    return Answer(cards, evaluation.assessment, evaluation.imported)


def answer(
    request: CdsRequest,
    resources: list[dict[str, Any]],
    notes: list[Unmapped],
    *,
    as_of: dt.date,
    profile: Profile,
) -> Answer:
    """Cards for one hook call from the resources gathered for it (prefetch and/or fetched)."""
    return render(evaluate(request, resources, notes, as_of=as_of, profile=profile), request)


def evaluation_key(request: CdsRequest, prefetch: dict[str, Any], *, as_of: dt.date, profile: Profile) -> str:
    """The digest of everything an :class:`Evaluation` depends on: the hook, the patient and
    natalizumab drafts of the context, the FHIR data (canonical JSON, keys sorted), the date and
    the profile. Calls with equal keys have equal evaluations."""
    patient_id, drafts = call_target(request)
    head = orjson.dumps([request.hook, patient_id, list(drafts), as_of.isoformat(), profile.name])
    try:
        data = orjson.dumps(prefetch, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # not plain JSON: never equal to another call
        data = uuid.uuid4().bytes
    return hashlib.sha256(head + b"\x00" + data).hexdigest()


class EvaluationCache(LruCache[str, Evaluation]):
    """Recent evaluations by :func:`evaluation_key` (least recently used dropped first).

    Clinics reopen the same charts many times a day and an EHR sends the whole chart on every
    call; the answer cannot differ while the data, the date and the profile are the same, so it is
    computed once. Keep :meth:`Evaluation.cards_only` here (about 12 KiB each).
    """

    def __init__(self, size: int = 1024) -> None:
        super().__init__(size)


def cards_for(
    a: Assessment,
    hook: str,
    hook_instance: str | None,
    patient_id: str,
    profile: Profile,
    drafts: list[str],
    unmapped: Iterable[Unmapped] = (),
) -> list[Card]:
    """The gate card, then one card per finding that blocks the infusion or asks for an order.

    ``hook_instance`` None writes templates (placeholder uuids, see :func:`card_id`)."""
    order = hook != "patient-view"
    cards = [
        gate_card(
            a,
            hook_instance=hook_instance,
            profile=profile,
            unmapped=unmapped,
            order=order,
            drafts=drafts,
        )
    ]
    for f in a.findings:
        if f.gate is not GateEffect.NONE or f.code in CARD_CODES:
            cards.append(
                finding_card(
                    f,
                    hook_instance=hook_instance,
                    patient_id=patient_id,
                    profile=profile,
                    drafts=drafts,
                )
            )
    return cards


def _any_natalizumab(resources: list[dict[str, Any]]) -> bool:
    return any(
        _names_natalizumab(r.get("medicationCodeableConcept") or r.get("code"))
        for r in resources
        if r.get("resourceType")
        in ("MedicationAdministration", "MedicationRequest", "MedicationStatement", "AllergyIntolerance")
    )


def card_codes(cards: Iterable[Card]) -> set[str]:
    """Finding codes the cards name (their source topic), for the registry check."""
    return {card.source.topic.code for card in cards if card.source.topic is not None}


def patient_of(imported: Imported) -> Patient:
    return imported.patient
