"""The infusion gate: go, hold (needs the prescriber) or stop, with every reason.

The gate is a list of named checks over the timeline and today's checklist; the
decision is the strongest effect among the findings that carry one. A hold is
cleared only by a prescriber's recorded clearance with a reason; a stop is final
unless the label allows the prescriber to override it (persistent antibodies).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from alpha4.domain import Disease, PreInfusionChecklist
from alpha4.knowledge import label

from .context import Context
from .findings import Finding, GateEffect, derived, evidence, finding


class Decision(StrEnum):
    GO = "go"
    HOLD = "hold"
    STOP = "stop"


class ClearedReason(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    reason: str
    prescriber: str


class ChecklistState(StrEnum):
    """Whether today's pre-infusion checklist has been answered at the chair."""

    COMPLETE = "complete"  # every screening question answered
    PENDING = "pending"  # not asked yet, or some questions still open
    NOT_APPLICABLE = "not_applicable"  # treatment discontinued: no infusion to screen for


class Gate(BaseModel):
    """The decision for today's infusion.

    ``go`` with ``checklist`` still ``pending`` means the *record* allows the infusion and the
    screening questions are still to be asked: ``headline`` then reads "GO after the checklist",
    never a bare GO.
    """

    model_config = ConfigDict(frozen=True)

    decision: Decision
    reasons: tuple[str, ...]
    cleared: tuple[ClearedReason, ...] = ()
    observation: str = ""
    checklist: ChecklistState = ChecklistState.PENDING
    headline: str = ""


def infusion_timing(ctx: Context) -> list[Finding]:
    """Too soon after the last infusion, or a long gap before re-dosing."""
    last = ctx.last_infusion
    if last is None or ctx.discontinued:
        return []
    days = (ctx.as_of - last.date).days
    found: list[Finding] = []
    if days < label.EARLIEST_REDOSE_DAYS.value:
        found.append(
            finding(
                "INFUSION_TOO_SOON",
                f"The last infusion was {days} days ago ({last.date}); the interval is every 4 weeks "
                f"(earliest re-dose {label.EARLIEST_REDOSE_DAYS.value} days).",
                evidence=[
                    evidence(last, "last infusion"),
                    derived("days_since_last_infusion", days, ctx.as_of),
                ],
                facts=[label.EARLIEST_REDOSE_DAYS, label.STANDARD_INTERVAL_DAYS],
            )
        )
    if days >= label.REEXPOSURE_GAP_DAYS.value:
        few = ctx.infusion_count <= label.REEXPOSURE_FEW_DOSES.value
        found.append(
            finding(
                "INFUSION_LONG_GAP",
                f"{days} days since the last infusion ({last.date}) after {ctx.infusion_count} infusion(s). "
                f"Re-exposure after a gap of {label.REEXPOSURE_GAP_DAYS.value} days or more raises the risk of antibodies and "
                "hypersensitivity" + (", above all after only 1-2 doses." if few else "."),
                evidence=[
                    evidence(last, "last infusion"),
                    derived("days_since_last_infusion", days, ctx.as_of),
                ],
                facts=[label.REEXPOSURE_GAP_DAYS, label.REEXPOSURE_FEW_DOSES],
                severity=None,
            )
        )
    return found


_QUESTION_CODES: dict[str, str] = {
    "new_or_worsening_neurological_symptoms": "CHECKLIST_NEUROLOGICAL_SYMPTOMS",
    "immunocompromising_condition_or_medicine": "CHECKLIST_IMMUNOCOMPROMISE",
    "serious_active_infection": "CHECKLIST_SERIOUS_INFECTION",
    "steroids_past_month": "CHECKLIST_STEROIDS",
    "pregnant_or_planning": "CHECKLIST_PREGNANCY",
    "breastfeeding": "CHECKLIST_BREASTFEEDING",
}


def checklist_answers(ctx: Context) -> list[Finding]:
    """Each 'yes' to a screening question (and a 'no' to authorization verified) holds the infusion."""
    answers = ctx.checklist
    if ctx.discontinued:
        return []
    facts = [label.CHECKLIST_REQUIRED, label.CHECKLIST_AUTHORIZATION_AT_CHAIR]
    if answers is None:
        return [
            finding(
                "CHECKLIST_PENDING",
                "Ask the pre-infusion screening questions at the chair: authorization verified; new or "
                "worsening neurological symptoms lasting days; immunosuppressive conditions or medicines; "
                "serious infection; steroids in the past month (Crohn's); pregnancy; breastfeeding.",
                facts=[label.CHECKLIST_REQUIRED],
            )
        ]
    answered_on = answers.date or ctx.as_of  # the evidence's date: when the questions were answered
    found: list[Finding] = []
    for question, code in _QUESTION_CODES.items():
        if question == "steroids_past_month" and ctx.patient.indication.disease is not Disease.CROHNS_DISEASE:
            if getattr(answers, question) is True:
                found.append(
                    finding(
                        "CHECKLIST_STEROIDS_MS",
                        "Steroids in the past month (MS): note the course.",
                        facts=[label.CHECKLIST_REQUIRED],
                    )
                )
            continue
        if getattr(answers, question) is True:
            found.append(
                finding(
                    code,
                    f"Screening answer 'yes': {question.replace('_', ' ')}.",
                    evidence=[derived("checklist", f"{question}=yes", answered_on)],
                    facts=[label.CHECKLIST_REQUIRED],
                )
            )
    if answers.authorization_verified is False:
        found.append(
            finding(
                "CHECKLIST_AUTHORIZATION_NOT_VERIFIED",
                "The patient's current authorization could not be verified.",
                evidence=[derived("checklist", "authorization_verified=no", answered_on)],
                facts=facts,
            )
        )
    elif answers.authorization_verified is None and ctx.profile.rems_authorization:
        found.append(
            finding(
                "CHECKLIST_AUTHORIZATION_UNANSWERED",
                "Checklist step 1 (is the patient currently authorized?) is not answered: without a 'yes' the "
                "infusion does not go ahead.",
                facts=facts,
            )
        )
    pending = [q for q in answers.unanswered() if q != "authorization_verified"]
    if pending:
        found.append(
            finding(
                "CHECKLIST_PENDING",
                "Not yet answered: " + ", ".join(q.replace("_", " ") for q in pending) + ".",
                facts=[label.CHECKLIST_REQUIRED],
            )
        )
    return found


def discontinued(ctx: Context) -> list[Finding]:
    stop = ctx.patient.discontinuation
    if stop is None or stop.date > ctx.as_of:
        return []
    return [
        finding(
            "TREATMENT_DISCONTINUED",
            f"Natalizumab was discontinued on {stop.date}: {stop.reason}.",
            evidence=[evidence(stop, stop.reason)],
            facts=[label.FOLLOW_UP_AFTER_STOP_MONTHS],
        )
    ]


def deceased(ctx: Context) -> list[Finding]:
    """A patient recorded as deceased: no infusion, no schedule, no worklist entry (the row says so)."""
    death = ctx.patient.death
    if death is None or (death.date is not None and death.date > ctx.as_of):
        return []
    when = f"on {death.date}" if death.date else "(no date recorded)"
    return [
        finding(
            "PATIENT_DECEASED",
            f"The patient is recorded as deceased {when}: nothing is planned for this patient.",
            evidence=[derived("death", death.source_ref or "recorded as deceased", death.date)],
        )
    ]


GATE_CHECKS: tuple[Callable[[Context], list[Finding]], ...] = (
    infusion_timing,
    checklist_answers,
    discontinued,
    deceased,
)


def observation_advice(ctx: Context, findings: list[Finding]) -> str:
    """How long to observe after today's infusion, by the profile's rule.

    EU: during the infusion and for 1 hour after it, every time. US: 1 hour after the first 12
    infusions, then at clinical judgement if there has been no hypersensitivity (or an unclassified
    reaction) so far.
    """
    number = ctx.infusion_count + 1
    window = label.REACTION_WINDOW_HOURS.value
    observed = label.OBSERVED_INFUSIONS.value
    minutes = label.OBSERVATION_MINUTES.value
    if ctx.profile.observe_every_infusion.value:
        return (
            f"Infusion {number}: observe during the infusion and for {minutes} minutes after it (every "
            f"infusion under this label). Reactions come mostly within {window} hours of the start."
        )
    prior_hypersensitivity = any(
        f.code
        in {"CONTRA_HYPERSENSITIVITY", "CONTRA_SERIOUS_HYPERSENSITIVITY", "INFUSION_REACTION_UNCLASSIFIED"}
        for f in findings
    )
    if number <= observed or prior_hypersensitivity:
        return (
            f"Infusion {number}: observe during the infusion and for {minutes} minutes after it "
            f"(first {observed} infusions). Reactions come mostly within {window} hours of the start."
        )
    return (
        f"Infusion {number}: after {observed} infusions without hypersensitivity, post-infusion observation "
        f"is at clinical judgment. Reactions come mostly within {window} hours of the start."
    )


def decide(ctx: Context, findings: list[Finding], checklist: PreInfusionChecklist | None) -> Gate:
    """The gate decision from every finding's effect and the prescriber's clearances."""
    clearances = {c.code: c for c in (checklist.clearances if checklist else ())}
    stops: list[str] = []
    holds: list[str] = []
    cleared: list[ClearedReason] = []
    for f in findings:
        if f.gate is GateEffect.NONE:
            continue
        c = clearances.get(f.code)
        can_clear = f.gate is GateEffect.HOLD or f.overridable
        if c is not None and can_clear:
            cleared.append(ClearedReason(code=f.code, reason=c.reason, prescriber=c.prescriber))
            continue
        (stops if f.gate is GateEffect.STOP else holds).append(f.code)
    decision = Decision.STOP if stops else Decision.HOLD if holds else Decision.GO
    reasons = tuple(dict.fromkeys(stops + holds))
    state = checklist_state(ctx, checklist)
    return Gate(
        decision=decision,
        reasons=reasons,
        cleared=tuple({c.code: c for c in cleared}.values()),
        observation=observation_advice(ctx, findings) if decision is Decision.GO else "",
        checklist=state,
        headline=headline(decision, state),
    )


def checklist_state(ctx: Context, checklist: PreInfusionChecklist | None) -> ChecklistState:
    if ctx.discontinued:
        return ChecklistState.NOT_APPLICABLE
    if checklist is None or required_unanswered(ctx, checklist):
        return ChecklistState.PENDING
    return ChecklistState.COMPLETE


def required_unanswered(ctx: Context, checklist: PreInfusionChecklist) -> tuple[str, ...]:
    """Questions still open; the authorization step is a TOUCH (REMS) question, so the EU profile,
    which has no authorization programme, does not require it (a recorded "no" still holds)."""
    open_questions = checklist.unanswered()
    if ctx.profile.rems_authorization:
        return open_questions
    return tuple(q for q in open_questions if q != "authorization_verified")


def headline(decision: Decision, state: ChecklistState) -> str:
    """The gate in words, as pages, cards and the CLI show it.

    >>> headline(Decision.GO, ChecklistState.PENDING)
    'GO after the checklist'
    >>> headline(Decision.GO, ChecklistState.COMPLETE)
    'GO'
    """
    if decision is Decision.GO and state is ChecklistState.PENDING:
        return "GO after the checklist"
    return decision.value.upper()
