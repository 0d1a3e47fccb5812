"""Who may start or continue natalizumab: indication, contraindications, combinations.

Reads like the label: :func:`meets_indication`, :func:`contraindications`,
:func:`combination_findings`; :func:`eligibility_findings` collects them.
"""

from __future__ import annotations

from alpha4.domain import AdverseEventCategory, Disease, MedicineClass
from alpha4.knowledge import label, profiles

from .context import IMMUNOSUPPRESSIVE_CLASSES, Context
from .findings import Finding, GateEffect, derived, evidence, finding, medication_evidence


def meets_indication(ctx: Context) -> list[Finding]:
    """Findings when the recorded indication is outside the profile's label."""
    ind = ctx.patient.indication
    p = ctx.profile
    if ind.disease is Disease.MULTIPLE_SCLEROSIS:
        course = ind.ms_course.value if ind.ms_course else None
        if course is None:
            return [
                finding(
                    "ELIG_MS_COURSE_UNKNOWN",
                    "The MS course (CIS, relapsing-remitting, active secondary progressive ...) is not recorded.",
                    facts=[p.ms_courses],
                )
            ]
        found: list[Finding] = []
        if course not in p.ms_courses.value:
            found.append(
                finding(
                    "ELIG_INDICATION_NOT_COVERED",
                    f"MS course '{course}' is not among the indicated forms under the {p.name.upper()} "
                    f"profile ({', '.join(p.ms_courses.value)}).",
                    evidence=[derived("ms_course", course)],
                    facts=[p.ms_courses],
                )
            )
        activity = ind.ms_activity
        if p.requires_highly_active_ms.value and not (
            activity and (activity.despite_full_course_of_dmt or activity.rapidly_evolving_severe)
        ):
            found.append(
                finding(
                    "ELIG_HIGHLY_ACTIVE_NOT_DOCUMENTED",
                    "The EU indication is highly active RRMS despite a full course of a disease-modifying "
                    "therapy, or rapidly evolving severe RRMS; neither is documented.",
                    facts=[p.requires_highly_active_ms],
                )
            )
        return found
    if not p.crohns_indicated.value:
        return [
            finding(
                "ELIG_CROHNS_NOT_INDICATED",
                f"Crohn's disease is not an indication under the {p.name.upper()} profile.",
                facts=[p.crohns_indicated],
            )
        ]
    return _crohns_indication(ctx)


def _crohns_indication(ctx: Context) -> list[Finding]:
    cd = ctx.patient.indication.crohns
    missing: list[str] = []
    if cd is None or not cd.moderately_to_severely_active:
        missing.append("moderately to severely active disease")
    if cd is None or not cd.evidence_of_inflammation:
        missing.append("evidence of inflammation")
    if cd is None or not cd.conventional_therapy_inadequate:
        missing.append("inadequate response to or intolerance of conventional therapy")
    if cd is None or not cd.anti_tnf_courses:
        missing.append("inadequate response to or intolerance of a TNF-a inhibitor")
    found: list[Finding] = []
    if missing:
        found.append(
            finding(
                "ELIG_CROHNS_CRITERIA_INCOMPLETE",
                "The Crohn's indication needs: " + "; ".join(missing) + ". Not documented.",
                facts=[profiles.US_CROHNS_INDICATED],
            )
        )
    if cd and cd.anti_tnf_courses:
        history = "; ".join(f"{c.drug}: {c.outcome.value.replace('_', ' ')}" for c in cd.anti_tnf_courses)
        found.append(
            finding(
                "CROHNS_ANTI_TNF_HISTORY",
                f"Anti-TNF history: {history}. Context: {label.CD_ANTI_TNF_FAILURE_RATES.value}.",
                evidence=[derived("anti_tnf_courses", history)],
                facts=[label.CD_ANTI_TNF_FAILURE_RATES],
            )
        )
    found.append(
        finding(
            "CROHNS_VEDOLIZUMAB_NOTE",
            f"{label.CD_VEDOLIZUMAB_PREFERRED.value}; it does not act on the brain's immune traffic.",
            facts=[label.CD_VEDOLIZUMAB_PREFERRED],
        )
    )
    return found


def contraindications(ctx: Context) -> list[Finding]:
    """Prior hypersensitivity to natalizumab and significantly compromised immunity.

    (PML, the third contraindication, is read by :mod:`alpha4.rules.pml`.)
    """
    found: list[Finding] = []
    for i in ctx.infusions:
        r = i.reaction
        if r is None:
            continue
        if r.serious_hypersensitivity:
            found.append(
                finding(
                    "CONTRA_SERIOUS_HYPERSENSITIVITY",
                    f"{r.kind.value.replace('_', ' ')} grade {r.grade} with the infusion of {i.date}. "
                    "After a serious hypersensitivity reaction natalizumab must not be given again.",
                    evidence=[evidence(i, f"{r.kind.value} grade {r.grade}")],
                    facts=[label.ANAPHYLAXIS_RATE],
                )
            )
        elif r.kind.value == "hypersensitivity":
            found.append(
                finding(
                    "CONTRA_HYPERSENSITIVITY",
                    f"Hypersensitivity reaction grade {r.grade} with the infusion of {i.date}. A "
                    "hypersensitivity reaction to natalizumab is a contraindication in the label.",
                    evidence=[evidence(i, f"{r.kind.value} grade {r.grade}")],
                    facts=[label.ANAPHYLAXIS_RATE],
                )
            )
        else:
            found.append(
                finding(
                    "INFUSION_REACTION_HISTORY",
                    f"Infusion reaction grade {r.grade} on {i.date}"
                    + (f", {r.onset_minutes} min after the start" if r.onset_minutes is not None else "")
                    + f". Infusion reactions occur in about {label.INFUSION_REACTION_RATE_SEED.value}% "
                    f"(AFFIRM: {label.INFUSION_REACTION_RATE_AFFIRM.value}).",
                    evidence=[evidence(i, f"{r.kind.value} grade {r.grade}")],
                    facts=[label.INFUSION_REACTION_RATE_SEED, label.INFUSION_REACTION_RATE_AFFIRM],
                )
            )
    for h in ctx.patient.hypersensitivities:
        if h.date > ctx.as_of or not h.to_natalizumab:
            continue
        code = (
            "CONTRA_SERIOUS_HYPERSENSITIVITY" if h.severity.value == "severe" else "CONTRA_HYPERSENSITIVITY"
        )
        found.append(
            finding(
                code,
                f"Recorded {h.severity.value} hypersensitivity to {h.agent} on {h.date}"
                + (f": {h.description}" if h.description else "")
                + ".",
                evidence=[evidence(h, h.severity.value)],
                facts=[label.ANAPHYLAXIS_RATE],
            )
        )
    for e in ctx.adverse_events:
        if e.category is AdverseEventCategory.IMMUNOCOMPROMISE and e.ongoing_on(ctx.as_of):
            found.append(
                finding(
                    "CONTRA_COMPROMISED_IMMUNITY",
                    f"{e.term} (since {e.date}): significantly compromised immune function.",
                    evidence=[evidence(e, e.term)],
                    facts=[label.COMPROMISED_IMMUNITY],
                )
            )
    return found


def combination_findings(ctx: Context) -> list[Finding]:
    """Concomitant medicines: immunosuppressants and TNF inhibitors not allowed; interferon flagged."""
    found: list[Finding] = []
    blocked = ctx.active_medications(*IMMUNOSUPPRESSIVE_CLASSES, MedicineClass.IMMUNOMODULATOR)
    if blocked:
        found.append(
            finding(
                "COMBINATION_IMMUNOSUPPRESSANT",
                "Current "
                + ", ".join(f"{m.name} ({m.medicine_class.value.replace('_', ' ')})" for m in blocked)
                + ": natalizumab must not be combined with immunosuppressants, antineoplastics, "
                "immunomodulators or TNF-a inhibitors (PML risk).",
                evidence=[medication_evidence(m) for m in blocked],
                facts=[label.NO_COMBINATION],
            )
        )
    interferon = ctx.active_medications(MedicineClass.INTERFERON_BETA)
    if interferon:
        found.append(
            finding(
                "COMBINATION_INTERFERON_BETA",
                f"Current {', '.join(m.name for m in interferon)}. {label.INTERFERON_COMBINATION.value}.",
                evidence=[medication_evidence(m) for m in interferon],
                facts=[label.INTERFERON_COMBINATION],
            )
        )
    salicylates = ctx.active_medications(MedicineClass.AMINOSALICYLATE)
    if salicylates and ctx.patient.indication.disease is Disease.CROHNS_DISEASE:
        found.append(
            finding(
                "COMBINATION_AMINOSALICYLATE_ALLOWED",
                f"{', '.join(m.name for m in salicylates)}: aminosalicylates may continue with natalizumab.",
                evidence=[medication_evidence(m) for m in salicylates],
                facts=[label.AMINOSALICYLATES_ALLOWED],
            )
        )
    return found


def infection_findings(ctx: Context) -> list[Finding]:
    """Serious, opportunistic and herpes infections; monitoring of other adverse events."""
    found: list[Finding] = []
    p = ctx.profile
    for e in ctx.adverse_events:
        ongoing = e.ongoing_on(ctx.as_of)
        if e.category is AdverseEventCategory.OPPORTUNISTIC_INFECTION:
            stops = p.opportunistic_infection_stops.value
            if stops or ongoing:
                found.append(
                    finding(
                        "INFECTION_OPPORTUNISTIC",
                        f"Opportunistic infection: {e.term} ({e.date})."
                        + (" The EU SmPC asks for permanent discontinuation." if stops else ""),
                        evidence=[evidence(e, e.term)],
                        facts=[p.opportunistic_infection_stops],
                        gate=None if stops else GateEffect.HOLD,
                        action=None
                        if stops
                        else "Withhold natalizumab; treat the infection; the prescriber decides whether to resume.",
                    )
                )
        elif e.category is AdverseEventCategory.HERPES_INFECTION and ongoing:
            found.append(
                finding(
                    "INFECTION_HERPES",
                    f"{e.term} since {e.date}.",
                    evidence=[evidence(e, e.term)],
                    facts=[label.HERPES_ACTION],
                )
            )
        elif (e.category is AdverseEventCategory.SERIOUS_INFECTION and ongoing) or (
            e.category is AdverseEventCategory.INFECTION and e.serious and ongoing
        ):
            found.append(
                finding(
                    "INFECTION_SERIOUS_ACTIVE",
                    f"Serious infection: {e.term} since {e.date}.",
                    evidence=[evidence(e, e.term)],
                    facts=[label.COMPROMISED_IMMUNITY],
                )
            )
        elif e.category in (AdverseEventCategory.DEPRESSION, AdverseEventCategory.CHOLELITHIASIS) and ongoing:
            found.append(
                finding(
                    "ADVERSE_EVENT_MONITOR",
                    f"{e.term} since {e.date}. {label.OTHER_MONITORING_SEED.value}.",
                    evidence=[evidence(e, e.term)],
                    facts=[label.OTHER_MONITORING_SEED],
                )
            )
    return found
