"""Who may start or continue natalizumab: indication, contraindications, combinations.

Reads like the label: :func:`meets_indication`, :func:`contraindications`,
:func:`combination_findings`; :func:`eligibility_findings` collects them.
"""

from __future__ import annotations

from alpha4.domain import (
    AdverseEvent,
    AdverseEventCategory,
    Disease,
    InfusionReaction,
    MedicineClass,
    ReactionKind,
)
from alpha4.knowledge import Fact, label, profiles, terms
from alpha4.knowledge.codes import Analyte

from .context import IMMUNOSUPPRESSIVE_CLASSES, Context
from .findings import Finding, GateEffect, derived, evidence, finding, medication_evidence
from .labs import latest_by_analyte


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


def reaction_kind(reaction: InfusionReaction) -> tuple[str, tuple[str, ...]]:
    """How a recorded infusion-day reaction reads under the label, and the words that decided.

    ``"hypersensitivity"`` when the kind recorded is hypersensitivity or anaphylaxis, or any recorded
    manifestation is a hypersensitivity one (urticaria, wheeze, angioedema, hypotension ...);
    ``"infusion_reaction"`` when every manifestation is a non-allergic one (headache, dizziness,
    flushing, nausea ...); ``"unclassified"`` otherwise (none recorded, or words alpha4 does not know):
    hypersensitivity is not excluded.

    >>> r = InfusionReaction(kind="infusion_reaction", grade=1, manifestations=("headache", "Urticaria"))
    >>> reaction_kind(r)
    ('hypersensitivity', ('urticaria',))
    >>> reaction_kind(InfusionReaction(kind="infusion_reaction", grade=1, manifestations=("headache",)))
    ('infusion_reaction', ('headache',))
    >>> reaction_kind(InfusionReaction(kind="infusion_reaction", grade=1))
    ('unclassified', ())
    """
    words = " ; ".join((*reaction.manifestations, reaction.description))
    allergic = terms.mentions(words, terms.HYPERSENSITIVITY_MANIFESTATIONS)
    if reaction.kind is not ReactionKind.INFUSION_REACTION:
        return "hypersensitivity", (reaction.kind.value, *allergic)
    if allergic:
        return "hypersensitivity", allergic
    known = terms.mentions(words, terms.INFUSION_REACTION_MANIFESTATIONS)
    unknown = [
        m for m in reaction.manifestations if not terms.mentions(m, terms.INFUSION_REACTION_MANIFESTATIONS)
    ]
    if known and not unknown:
        return "infusion_reaction", known
    return "unclassified", tuple(unknown)


def contraindications(ctx: Context) -> list[Finding]:
    """Prior hypersensitivity to natalizumab, active malignancy and significantly compromised immunity.

    (PML, the third contraindication, is read by :mod:`alpha4.rules.pml`.)
    """
    return [*_reactions(ctx), *_immune_status(ctx), *_prior_therapy(ctx)]


def _reactions(ctx: Context) -> list[Finding]:
    found: list[Finding] = []
    facts = [label.HYPERSENSITIVITY_NO_RETREAT, terms.HYPERSENSITIVITY_MANIFESTATIONS]
    for i in ctx.infusions:
        r = i.reaction
        if r is None:
            continue
        kind, words = reaction_kind(r)
        said = ", ".join(r.manifestations) or r.description or "no manifestations recorded"
        if kind == "hypersensitivity":
            serious = r.serious_hypersensitivity
            found.append(
                finding(
                    "CONTRA_SERIOUS_HYPERSENSITIVITY" if serious else "CONTRA_HYPERSENSITIVITY",
                    f"Hypersensitivity reaction grade {r.grade} with the infusion of {i.date} (recorded as "
                    f"{r.kind.value.replace('_', ' ')}: {said}; decided by: {', '.join(words)}). After a "
                    "hypersensitivity reaction of any grade natalizumab must not be given again.",
                    evidence=[evidence(i, f"{r.kind.value} grade {r.grade}: {said}")],
                    facts=[*facts, label.ANAPHYLAXIS_RATE],
                )
            )
        elif kind == "infusion_reaction":
            found.append(
                finding(
                    "INFUSION_REACTION_HISTORY",
                    f"Infusion reaction grade {r.grade} on {i.date} ({said})"
                    + (f", {r.onset_minutes} min after the start" if r.onset_minutes is not None else "")
                    + ": no hypersensitivity manifestation recorded. Infusion reactions occur in about "
                    f"{label.INFUSION_REACTION_RATE_SEED.value}% (AFFIRM: {label.INFUSION_REACTION_RATE_AFFIRM.value}).",
                    evidence=[evidence(i, f"{r.kind.value} grade {r.grade}: {said}")],
                    facts=[
                        label.INFUSION_REACTION_RATE_SEED,
                        label.INFUSION_REACTION_RATE_AFFIRM,
                        terms.INFUSION_REACTION_MANIFESTATIONS,
                    ],
                )
            )
        else:
            found.append(
                finding(
                    "INFUSION_REACTION_UNCLASSIFIED",
                    f"Reaction grade {r.grade} with the infusion of {i.date} ({said}): the recorded "
                    "manifestations do not tell a hypersensitivity reaction (a permanent stop) from a "
                    "non-allergic infusion reaction"
                    + (f"; not recognised: {', '.join(words)}" if words else "")
                    + ".",
                    evidence=[evidence(i, f"{r.kind.value} grade {r.grade}: {said}")],
                    facts=[*facts, terms.INFUSION_REACTION_MANIFESTATIONS],
                )
            )
    for h in ctx.hypersensitivities:
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
                + ". After a hypersensitivity reaction of any grade natalizumab must not be given again.",
                evidence=[evidence(h, h.severity.value)],
                facts=[*facts, label.ANAPHYLAXIS_RATE],
            )
        )
    return found


def _gate(effect: Fact[str]) -> GateEffect:
    return GateEffect(effect.value)


def _immune_status(ctx: Context) -> list[Finding]:
    p = ctx.profile
    found: list[Finding] = []
    for e in ctx.adverse_events:
        if not e.ongoing_on(ctx.as_of):
            continue
        if e.category is AdverseEventCategory.IMMUNOCOMPROMISE:
            found.append(
                finding(
                    "CONTRA_COMPROMISED_IMMUNITY",
                    f"{e.term} (since {e.date}): significantly compromised immune function.",
                    evidence=[evidence(e, e.term)],
                    facts=[label.COMPROMISED_IMMUNITY, p.immunocompromise_gate],
                    gate=_gate(p.immunocompromise_gate),
                )
            )
        elif e.category is AdverseEventCategory.MALIGNANCY and e.confirmed:
            if terms.mentions(e.term, terms.BASAL_CELL_CARCINOMA_TERMS):
                continue
            found.append(
                finding(
                    "CONTRA_ACTIVE_MALIGNANCY",
                    f"Active malignancy: {e.term} (since {e.date}). "
                    + (
                        "The EU SmPC contraindicates natalizumab in known active malignancy (basal cell "
                        "carcinoma excepted)."
                        if _gate(p.malignancy_gate) is GateEffect.STOP
                        else "Not a US contraindication; the prescriber weighs the immune effects."
                    ),
                    evidence=[evidence(e, e.term)],
                    facts=[label.MALIGNANCY_EXCEPTION, p.malignancy_gate, terms.BASAL_CELL_CARCINOMA_TERMS],
                    gate=_gate(p.malignancy_gate),
                )
            )
    return found


def _prior_therapy(ctx: Context) -> list[Finding]:
    """Before a first infusion after immunosuppressive therapy: has the immune system recovered?

    A lymphocyte count below range dated after that therapy is compromised immunity in both profiles
    (the profile decides hold or stop). The EU profile also holds while no such count is recorded
    (SmPC: check the blood count before starting).
    """
    p = ctx.profile
    if ctx.infusions or ctx.discontinued:
        return []
    prior = ctx.prior_immunosuppressants()
    if not prior:
        return []
    ended = max((m.end or m.start or ctx.as_of) for m in prior)
    latest, _ = latest_by_analyte(ctx)
    lymph = latest.get(Analyte.LYMPHOCYTES)
    names = ", ".join(m.name for m in prior)
    facts = [label.PRIOR_THERAPY_IMMUNOCOMPROMISE, p.lymphocytes_before_start]
    if lymph is None or lymph.result.date < ended:
        if not p.lymphocytes_before_start.value:
            return []
        return [
            finding(
                "ELIG_LYMPHOCYTES_BEFORE_START",
                f"Earlier immunosuppressive therapy ({names}, last on {ended}); no lymphocyte count is recorded "
                "after it, so the recovery of the immune system cannot be confirmed before the first infusion.",
                evidence=[medication_evidence(m) for m in prior],
                facts=facts,
            )
        ]
    if lymph.reference_low is not None and lymph.value < lymph.reference_low:
        return [
            finding(
                "CONTRA_COMPROMISED_IMMUNITY",
                f"Lymphocytes {lymph.value:.3g} {lymph.unit} on {lymph.result.date}, below the laboratory range, "
                f"after {names}: the immune effects of the earlier therapy have not resolved.",
                evidence=[
                    evidence(lymph.result, f"{lymph.value:.3g} {lymph.unit}"),
                    *map(medication_evidence, prior),
                ],
                facts=[*facts, label.COMPROMISED_IMMUNITY, p.immunocompromise_gate],
                gate=_gate(p.immunocompromise_gate),
            )
        ]
    return []


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
                facts=[label.NO_COMBINATION, ctx.profile.immunosuppressant_combination_gate],
                gate=_gate(ctx.profile.immunosuppressant_combination_gate),
            )
        )
    interferon = ctx.active_medications(MedicineClass.INTERFERON_BETA)
    if interferon:
        effect = ctx.profile.interferon_combination_gate
        found.append(
            finding(
                "COMBINATION_INTERFERON_BETA",
                f"Current {', '.join(m.name for m in interferon)}. "
                + (
                    "The EU SmPC contraindicates combination with other disease-modifying therapies, "
                    "including interferon beta."
                    if _gate(effect) is GateEffect.STOP
                    else f"The US label indicates natalizumab as monotherapy. {label.INTERFERON_COMBINATION.value}; "
                    f"{label.SENTINEL_COMBINATION.value}."
                ),
                evidence=[medication_evidence(m) for m in interferon],
                facts=[label.INTERFERON_COMBINATION, label.SENTINEL_COMBINATION, effect],
                gate=_gate(effect),
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
        elif e.category is AdverseEventCategory.HERPES_INFECTION:
            found += _herpes(ctx, e)
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


def _herpes(ctx: Context, e: AdverseEvent) -> list[Finding]:
    """CNS or retinal herpes stops for good (the history decides); other herpes holds while active."""
    serious_site = terms.mentions(e.term, terms.HERPES_CNS_OR_EYE_TERMS)
    if serious_site:
        return [
            finding(
                "INFECTION_HERPES",
                f"{e.term} since {e.date}"
                + (f", resolved {e.resolved_on}" if e.resolved_on and e.resolved_on <= ctx.as_of else "")
                + f" ({', '.join(serious_site)}): natalizumab is discontinued and not resumed.",
                evidence=[evidence(e, e.term)],
                facts=[label.HERPES_CNS_STOP, terms.HERPES_CNS_OR_EYE_TERMS],
            )
        ]
    if not e.ongoing_on(ctx.as_of):
        return []
    return [
        finding(
            "INFECTION_HERPES_ACTIVE",
            f"{e.term} since {e.date}: no encephalitis, meningitis or retinal necrosis is recorded. Treat it; "
            "if the brain or the eye is involved, natalizumab must be discontinued.",
            evidence=[evidence(e, e.term)],
            facts=[label.HERPES_UNCOMPLICATED_HOLD, terms.HERPES_CNS_OR_EYE_TERMS],
        )
    ]
