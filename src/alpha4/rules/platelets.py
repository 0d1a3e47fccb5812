"""Thrombocytopenia on natalizumab: suspected holds, immune thrombocytopenia stops.

US label (Warnings and Precautions: Thrombocytopenia): thrombocytopenia including immune
thrombocytopenic purpura (ITP) has been reported; symptoms include easy bruising, abnormal bleeding
and petechiae; "if thrombocytopenia is suspected, TYSABRI should be discontinued". alpha4 holds the
infusion for the prescriber when it is suspected (a count below the limit, a reported
thrombocytopenia, bleeding signs with a low count) and stops when ITP is diagnosed. Bleeding signs
recorded as adverse events are named in the finding.
"""

from __future__ import annotations

from alpha4.domain import AdverseEvent, AdverseEventCategory
from alpha4.domain.units import NormalisedLab
from alpha4.knowledge import label, terms
from alpha4.knowledge.codes import Analyte

from .context import Context
from .findings import Finding, evidence, finding


def _lower_limit(n: NormalisedLab) -> tuple[float, bool]:
    if n.reference_low is not None:
        return n.reference_low, True
    return label.THROMBOCYTOPENIA_DEFAULT_BELOW.value, False


def bleeding_signs(ctx: Context) -> list[AdverseEvent]:
    """Ongoing adverse events whose words name a bleeding sign (bruising, petechiae, bleeding ...)."""
    return [
        e
        for e in ctx.adverse_events
        if e.ongoing_on(ctx.as_of) and terms.mentions(e.term, terms.BLEEDING_TERMS)
    ]


def is_itp(e: AdverseEvent) -> bool:
    return bool(terms.mentions(e.term, terms.ITP_TERMS))


def platelet_findings(ctx: Context, latest: dict[Analyte, NormalisedLab]) -> list[Finding]:
    found: list[Finding] = []
    first = ctx.first_infusion
    events = [
        e for e in ctx.adverse_events if e.category is AdverseEventCategory.THROMBOCYTOPENIA or is_itp(e)
    ]
    itp = [
        e
        for e in events
        if is_itp(e)
        and e.confirmed
        and (e.ongoing_on(ctx.as_of) or (first is not None and e.date >= first.date))
    ]
    if itp:
        found.append(
            finding(
                "THROMBOCYTOPENIA_ITP",
                "Immune thrombocytopenia diagnosed: "
                + "; ".join(f"{e.term} on {e.date}" for e in itp)
                + ". Natalizumab must be discontinued.",
                evidence=[evidence(e, e.term) for e in itp],
                facts=[label.ITP_STOP],
            )
        )
        return found
    bleeding = bleeding_signs(ctx)
    bleeding_text = (
        " Bleeding signs recorded: " + "; ".join(f"{e.term} since {e.date}" for e in bleeding) + "."
        if bleeding
        else ""
    )
    plt = latest.get(Analyte.PLATELETS)
    if plt is not None:
        limit, from_lab = _lower_limit(plt)
        if plt.below(limit) is True:  # a bound that cannot tell (<200 vs 150): lab_gaps says so
            found.append(
                finding(
                    "LAB_THROMBOCYTOPENIA",
                    f"Platelets {plt.shown} {plt.unit}{plt.bound_words} on {plt.result.date}, below {limit:.3g} "
                    f"({'laboratory range' if from_lab else 'default limit, no range reported'}): thrombocytopenia "
                    "is suspected." + bleeding_text,
                    evidence=[
                        evidence(plt.result, f"{plt.shown} {plt.unit}"),
                        *(evidence(e, e.term) for e in bleeding),
                    ],
                    facts=[label.THROMBOCYTOPENIA_SUSPECTED, label.THROMBOCYTOPENIA_DEFAULT_BELOW],
                )
            )
            return found
    suspected = [e for e in events if e.ongoing_on(ctx.as_of) or (is_itp(e) and not e.confirmed)]
    if suspected:
        found.append(
            finding(
                "THROMBOCYTOPENIA_SUSPECTED",
                "Thrombocytopenia reported: "
                + "; ".join(
                    f"{e.term} since {e.date}" + ("" if e.confirmed else " (suspected)") for e in suspected
                )
                + "."
                + bleeding_text,
                evidence=[
                    *(evidence(e, e.term) for e in suspected),
                    *(evidence(e, e.term) for e in bleeding),
                ],
                facts=[label.THROMBOCYTOPENIA_SUSPECTED],
            )
        )
    return found
