"""Finding codes of the treatment-response rules (MS and Crohn's disease).

The Crohn's stop rules (``CROHNS_NO_BENEFIT_WEEK_12``, ``CROHNS_STEROIDS_*``) are
registered in :mod:`alpha4.rules.codes` beside the rules of :mod:`alpha4.rules.crohns`.
"""

from __future__ import annotations

from .codespec import CodeSpec

RESPONSE_CODES: dict[str, CodeSpec] = {
    # --- multiple sclerosis ------------------------------------------------------------------
    "MS_RESPONSE_SUMMARY": CodeSpec(
        "MS treatment response",
        "info",
        "response",
        "Review relapse rate, MRI activity and EDSS at each reassessment.",
    ),
    "MS_NEDA3_UNKNOWN": CodeSpec(
        "NEDA-3 status cannot be judged",
        "info",
        "response",
        "Record MRI lesion counts (new/enlarging T2, gadolinium-enhancing) and EDSS so response can be judged.",
    ),
    "MS_EARLY_ACTIVITY": CodeSpec(
        "Disease activity in the first 6 months of treatment",
        "info",
        "response",
        "Not counted as treatment failure (the drug may not have reached full effect); "
        "obtain a re-baseline MRI about 6 months after the start.",
    ),
    "MS_WORSENING_UNCONFIRMED": CodeSpec(
        "EDSS worsening awaiting confirmation",
        "info",
        "response",
        "Repeat the EDSS at least 3 months after the increase (away from a relapse) to confirm or refute it.",
    ),
    "MS_SUBOPTIMAL_RESPONSE": CodeSpec(
        "Suboptimal response to natalizumab",
        "warning",
        "response",
        "Review with the prescriber: check for persistent anti-natalizumab antibodies, missed or late doses "
        "and an extended interval; consider a change of therapy.",
    ),
    "MS_NON_RESPONSE_ANTIBODIES": CodeSpec(
        "Disease activity with persistent anti-natalizumab antibodies",
        "critical",
        "response",
        "Persistent antibodies explain loss of efficacy: stop natalizumab and choose another therapy.",
    ),
    "MS_ACTIVITY_AFTER_STOP": CodeSpec(
        "Return of disease activity after stopping natalizumab",
        "warning",
        "response",
        "Evaluate promptly (MRI with contrast; keep PML in the differential within 6 months of the last dose); "
        "compare with pre-treatment activity for rebound; discuss an effective therapy.",
    ),
    "MS_WATCH_AFTER_STOP": CodeSpec(
        "Watch for return of disease activity",
        "info",
        "response",
        "Ask about new symptoms at every contact; relapses can return within weeks and MRI activity "
        "within months of the last dose.",
    ),
    # --- Crohn's disease ---------------------------------------------------------------------
    "CROHNS_RESPONSE_STATUS": CodeSpec(
        "Crohn's disease response",
        "info",
        "response",
        "Record CDAI or HBI at each visit; response and remission are judged against the pre-treatment score.",
    ),
    "CROHNS_LOSS_OF_RESPONSE": CodeSpec(
        "Loss of response in Crohn's disease",
        "warning",
        "response",
        "Review with the prescriber: confirm activity (CRP, endoscopy), check antibodies and dosing; "
        "consider stopping natalizumab.",
    ),
}
