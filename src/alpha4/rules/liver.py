"""Liver injury on natalizumab: which evidence stops, which holds, and which decided.

US label (Warnings and Precautions: Hepatotoxicity): "discontinue in patients with jaundice or other
evidence of significant liver injury (e.g., laboratory evidence)". Read as:

- **stop**: jaundice reported (any seriousness); transaminases > 3x ULN *with* bilirubin > 2x ULN
  (Hy's law, laboratory evidence of significant injury); a liver injury or hepatitis recorded as
  serious. A stop event that began on natalizumab keeps stopping after it resolved: the history
  decides, since the injury can recur on rechallenge.
- **hold** (the prescriber judges significance): one laboratory sign alone (transaminases > 3x ULN,
  bilirubin > 2x ULN, ALP >= 2x ULN) or a non-serious liver injury or hepatitis that is ongoing.

Each finding names the evidence that decided. Missing reference limits give their own finding.
"""

from __future__ import annotations

from alpha4.domain import AdverseEvent, AdverseEventCategory
from alpha4.domain.units import NormalisedLab
from alpha4.knowledge import label, terms
from alpha4.knowledge.codes import Analyte

from .context import Context
from .findings import EvidenceItem, Finding, evidence, finding

LIVER_ANALYTES = (Analyte.ALT, Analyte.AST, Analyte.BILIRUBIN_TOTAL, Analyte.ALKALINE_PHOSPHATASE)
_LIVER_WORDS = ("hepatitis", "liver", "hepatic", "hepatotoxicity", "dili")


def times_uln(n: NormalisedLab) -> float | None:
    """The result as a multiple of its upper reference limit (None without one).

    >>> import datetime as dt
    >>> from alpha4.domain import LabResult
    >>> from alpha4.domain.units import normalise
    >>> lab = LabResult(id="a", date=dt.date(2024, 1, 1), loinc="1742-6", value=120, unit="U/L",
    ...                 reference_high=40)
    >>> times_uln(normalise(lab))
    3.0
    """
    return None if not n.reference_high else n.value / n.reference_high


def _describe(n: NormalisedLab) -> str:
    multiple = times_uln(n)
    return f"{n.code.analyte.value} {n.shown} {n.unit}{n.bound_words} on {n.result.date}" + (
        f" = {multiple:.1f}x ULN" if multiple is not None else ""
    )


def _above(n: NormalisedLab | None, multiple: float, *, inclusive: bool = False) -> bool:
    if n is None:
        return False
    x = times_uln(n)
    if x is None:
        return False
    return x >= multiple if inclusive else x > multiple


def is_liver_event(e: AdverseEvent) -> bool:
    """A recorded liver injury, hepatitis or jaundice, whatever category the sender chose."""
    if e.category is AdverseEventCategory.LIVER_INJURY:
        return True
    words = terms.normalise(e.term)
    return bool(terms.mentions(e.term, terms.JAUNDICE_TERMS)) or any(f" {w}" in words for w in _LIVER_WORDS)


def _stops_for_good(ctx: Context, e: AdverseEvent) -> bool:
    """Jaundice or a serious liver injury that began on natalizumab stops even once resolved."""
    first = ctx.first_infusion
    began_on_treatment = first is not None and e.date >= first.date
    return e.ongoing_on(ctx.as_of) or began_on_treatment


def liver_findings(ctx: Context, latest: dict[Analyte, NormalisedLab]) -> list[Finding]:
    found: list[Finding] = []
    for a in LIVER_ANALYTES:
        n = latest.get(a)
        if n is not None and n.reference_high is None:
            found.append(
                finding(
                    "LAB_RANGE_MISSING",
                    f"{a.value} on {n.result.date} has no upper reference limit, so it cannot be compared "
                    "with the liver-injury thresholds (x ULN).",
                    evidence=[evidence(n.result, f"{n.value:.3g} {n.unit}")],
                    facts=[label.TRANSAMINASE_ULN_MULTIPLE],
                )
            )
    transaminases = [
        latest[a]
        for a in (Analyte.ALT, Analyte.AST)
        if _above(latest.get(a), label.TRANSAMINASE_ULN_MULTIPLE.value)
    ]
    bilirubin = latest.get(Analyte.BILIRUBIN_TOTAL)
    bilirubin_high = _above(bilirubin, label.BILIRUBIN_ULN_MULTIPLE.value)
    alp = latest.get(Analyte.ALKALINE_PHOSPHATASE)
    alp_high = _above(alp, label.ALP_ULN_MULTIPLE.value, inclusive=True)

    events = [e for e in ctx.adverse_events if is_liver_event(e)]
    jaundice = [e for e in events if terms.mentions(e.term, terms.JAUNDICE_TERMS) and _stops_for_good(ctx, e)]
    serious = [e for e in events if e.serious and e not in jaundice and _stops_for_good(ctx, e)]
    reported = [e for e in events if e not in jaundice and e not in serious and e.ongoing_on(ctx.as_of)]

    stop_evidence: list[EvidenceItem] = []
    reasons: list[str] = []
    if transaminases and bilirubin_high and bilirubin is not None:
        reasons.append(
            f"transaminases above {label.TRANSAMINASE_ULN_MULTIPLE.value:g}x ULN with bilirubin above "
            f"{label.BILIRUBIN_ULN_MULTIPLE.value:g}x ULN ("
            + "; ".join(_describe(n) for n in [*transaminases, bilirubin])
            + ")"
        )
        stop_evidence += [evidence(n.result, _describe(n)) for n in [*transaminases, bilirubin]]
    if jaundice:
        reasons.append("jaundice reported (" + "; ".join(f"{e.term} on {e.date}" for e in jaundice) + ")")
        stop_evidence += [evidence(e, e.term) for e in jaundice]
    if serious:
        reasons.append(
            "serious liver injury reported (" + "; ".join(f"{e.term} on {e.date}" for e in serious) + ")"
        )
        stop_evidence += [evidence(e, e.term) for e in serious]
    facts = [label.LIVER_INJURY_STOP, label.TRANSAMINASE_ULN_MULTIPLE, label.BILIRUBIN_ULN_MULTIPLE]
    if reasons:
        found.append(
            finding(
                "LAB_LIVER_INJURY_STOP",
                "Significant liver injury: " + "; ".join(reasons) + ". Natalizumab has caused liver injury, "
                "including after the first dose, and it can recur on rechallenge.",
                evidence=stop_evidence,
                facts=facts,
            )
        )
        return found
    hold_facts = [label.LIVER_INJURY_HOLD, label.TRANSAMINASE_ULN_MULTIPLE]
    if transaminases:
        found.append(
            finding(
                "LAB_TRANSAMINASES_RAISED",
                "; ".join(_describe(n) for n in transaminases)
                + f": above {label.TRANSAMINASE_ULN_MULTIPLE.value:g}x the upper limit of normal"
                + (
                    f"; bilirubin {bilirubin.value:.3g} {bilirubin.unit} is not above "
                    f"{label.BILIRUBIN_ULN_MULTIPLE.value:g}x ULN."
                    if bilirubin is not None and bilirubin.reference_high is not None
                    else "; no bilirubin with a reference range is recorded."
                ),
                evidence=[evidence(n.result, _describe(n)) for n in transaminases],
                facts=hold_facts,
            )
        )
    if bilirubin_high and bilirubin is not None:
        found.append(
            finding(
                "LAB_BILIRUBIN_RAISED",
                f"{_describe(bilirubin)}: above {label.BILIRUBIN_ULN_MULTIPLE.value:g}x ULN without "
                "transaminases above 3x ULN. Look for jaundice.",
                evidence=[evidence(bilirubin.result, _describe(bilirubin))],
                facts=[label.LIVER_INJURY_HOLD, label.BILIRUBIN_ULN_MULTIPLE],
            )
        )
    if alp_high and alp is not None:
        found.append(
            finding(
                "LAB_ALP_RAISED",
                f"{_describe(alp)}: at or above {label.ALP_ULN_MULTIPLE.value:g}x ULN (cholestatic liver injury "
                "criterion).",
                evidence=[evidence(alp.result, _describe(alp))],
                facts=[label.LIVER_INJURY_HOLD, label.ALP_ULN_MULTIPLE],
            )
        )
    if reported:
        found.append(
            finding(
                "LIVER_INJURY_REPORTED",
                "Liver injury reported, not marked serious: "
                + "; ".join(f"{e.term} since {e.date}" for e in reported)
                + ". Whether it is significant decides between holding and discontinuing.",
                evidence=[evidence(e, e.term) for e in reported],
                facts=[label.LIVER_INJURY_HOLD, label.LIVER_INJURY_STOP],
            )
        )
    return found
