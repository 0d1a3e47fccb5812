"""Every finding code alpha4 can emit: stable identifiers with their default wording.

Codes are a public contract (CDS cards, FHIR DetectedIssue, worklists and scripts
reference them): never rename one; retire it and add a new one instead.
"""

from __future__ import annotations

from .codespec import CodeSpec

_PRESCRIBER = "Do not infuse until the prescriber has reviewed and recorded a clearance with a reason."

CODES: dict[str, CodeSpec] = {
    # --- PML -----------------------------------------------------------------------------------
    "PML_CONFIRMED": CodeSpec(
        "PML diagnosed: natalizumab contraindicated",
        "critical",
        "pml",
        "Discontinue natalizumab permanently; manage PML (consider plasma exchange); report to the manufacturer.",
        "stop",
    ),
    "PML_EXCLUDED": CodeSpec(
        "Suspected PML excluded",
        "info",
        "pml",
        "Resume the usual PML monitoring; the earlier suspicion stays in the record.",
    ),
    "PML_SUSPECTED": CodeSpec(
        "Possible PML: withhold natalizumab",
        "critical",
        "pml",
        "Withhold dosing; gadolinium-enhanced brain MRI and CSF JCV DNA (PCR); discontinue permanently if PML is confirmed.",
        "hold",
    ),
    "PML_JCV_MISSING": CodeSpec(
        "Anti-JCV antibody status unknown",
        "warning",
        "pml",
        "Test anti-JCV antibodies (STRATIFY JCV DxSelect) before starting or continuing natalizumab.",
        "hold",
    ),
    "PML_JCV_SEROSTATUS_CONTRADICTED": CodeSpec(
        "Anti-JCV serostatus contradicts the index",
        "warning",
        "pml",
        "The index decides (STRATIFY cut-offs); ask the laboratory to correct the reported serostatus.",
    ),
    "PML_JCV_INDETERMINATE": CodeSpec(
        "Anti-JCV result indeterminate",
        "warning",
        "pml",
        "Obtain the confirmatory (inhibition) result or retest; do not treat the patient as low risk meanwhile.",
    ),
    "PML_JCV_UNRELIABLE": CodeSpec(
        "Anti-JCV result not usable (plasma exchange or IVIG)",
        "warning",
        "pml",
        "Retest at least 2 weeks after plasma exchange or 6 months after IVIG.",
    ),
    "PML_JCV_ASSAY_CHANGED": CodeSpec(
        "Anti-JCV results from different assays",
        "warning",
        "pml",
        "Interpret changes near the cut-offs with care; prefer one assay for serial testing and record it with every result.",
    ),
    "PML_JCV_INDEX_NOT_STRATIFY": CodeSpec(
        "Anti-JCV index from an assay the risk tables do not use",
        "warning",
        "pml",
        "Use the index only with STRATIFY JCV DxSelect; consider a STRATIFY test to stratify the risk.",
    ),
    "PML_JCV_SEROCONVERSION": CodeSpec(
        "Anti-JCV seroconversion",
        "warning",
        "pml",
        "Re-discuss benefit and risk with the patient; re-stratify the PML risk and review the MRI interval.",
    ),
    "PML_JCV_SEROREVERSION": CodeSpec(
        "Anti-JCV negative after a positive result",
        "warning",
        "pml",
        "Keep managing the patient as anti-JCV positive; retest to confirm.",
    ),
    "PML_PRIOR_IS_UNKNOWN": CodeSpec(
        "Prior immunosuppressant use not recorded",
        "warning",
        "pml",
        "Record prior immunosuppressant and antineoplastic treatments (or that there were none).",
    ),
    "PML_RISK_ESTIMATE": CodeSpec(
        "PML risk estimate",
        "info",
        "pml",
        "Discuss the estimate with the patient; re-stratify at each new anti-JCV result.",
    ),
    "PML_BEYOND_TABLE": CodeSpec(
        "Exposure beyond the PML table",
        "info",
        "pml",
        "Treat the last band as a lower bound; the published tables end at 72 months.",
    ),
    "PML_HIGHER_RISK": CodeSpec(
        "Higher PML risk",
        "warning",
        "pml",
        "Continue only if the benefit outweighs the risk; abbreviated MRI (FLAIR, T2, DWI) every 3-6 months; "
        "consider extended-interval dosing or another therapy.",
    ),
    "PML_BENEFIT_RISK_DISCUSSION_DUE": CodeSpec(
        "2-year PML benefit-risk discussion due",
        "warning",
        "pml",
        "Re-inform the patient of the PML risk after 2 years of treatment and record the discussion.",
    ),
    "PML_EXTENDED_INTERVAL": CodeSpec(
        "Extended-interval dosing (recognised PML risk reducer)",
        "info",
        "pml",
        "Keep monitoring as for the table risk; EID evidence is observational.",
    ),
    # --- anti-drug antibodies --------------------------------------------------------------
    "ANTIBODY_PERSISTENT": CodeSpec(
        "Persistent anti-natalizumab antibodies",
        "critical",
        "antibodies",
        "Stop natalizumab or change the regimen: efficacy is like placebo and reactions are more common. "
        "Only the prescriber may override, with a reason.",
        "stop",
        overridable=True,
    ),
    "ANTIBODY_POSITIVE_UNCONFIRMED": CodeSpec(
        "Anti-natalizumab antibodies positive once",
        "warning",
        "antibodies",
        "Repeat the antibody test at least 6 weeks after the first positive to tell transient from persistent.",
    ),
    "ANTIBODY_TRANSIENT": CodeSpec(
        "Transient anti-natalizumab antibodies",
        "info",
        "antibodies",
        "Continue routine 12-weekly antibody testing.",
    ),
    "ANTIBODY_TEST_INDICATED": CodeSpec(
        "Antibody test indicated",
        "warning",
        "antibodies",
        "Test for anti-natalizumab antibodies now (infusion reaction or loss of efficacy).",
    ),
    # --- laboratory ------------------------------------------------------------------------
    "LAB_EXPECTED_RISE": CodeSpec(
        "Expected rise in blood counts",
        "info",
        "labs",
        "No action for the rise itself; it should resolve within 16 weeks of the last dose.",
    ),
    "LAB_NEUTROPENIA": CodeSpec(
        "Neutropenia not explained by natalizumab",
        "warning",
        "labs",
        "Investigate another cause (infection, other drugs, haematological disease); repeat the blood count.",
    ),
    "LAB_THROMBOCYTOPENIA": CodeSpec(
        "Low platelets: thrombocytopenia suspected",
        "critical",
        "labs",
        "Do not infuse: the prescriber evaluates now (bleeding signs, repeat count, blood film); the label says "
        "discontinue if thrombocytopenia is suspected.",
        "hold",
    ),
    "THROMBOCYTOPENIA_SUSPECTED": CodeSpec(
        "Thrombocytopenia reported: suspected",
        "critical",
        "labs",
        "Do not infuse: the prescriber evaluates now; discontinue if thrombocytopenia is confirmed.",
        "hold",
    ),
    "THROMBOCYTOPENIA_ITP": CodeSpec(
        "Immune thrombocytopenia (ITP): discontinue",
        "critical",
        "labs",
        "Discontinue natalizumab; manage the thrombocytopenia with haematology.",
        "stop",
    ),
    "LAB_BILIRUBIN_RAISED": CodeSpec(
        "Bilirubin above 2x ULN",
        "warning",
        "labs",
        "Hold for the prescriber: look for jaundice and liver injury (transaminases, ALP); discontinue if significant.",
        "hold",
    ),
    "LAB_ALP_RAISED": CodeSpec(
        "Alkaline phosphatase at or above 2x ULN",
        "warning",
        "labs",
        "Hold for the prescriber: repeat liver tests with bilirubin, look for other causes; discontinue if significant.",
        "hold",
    ),
    "LIVER_INJURY_REPORTED": CodeSpec(
        "Liver injury reported",
        "critical",
        "labs",
        "Hold for the prescriber: judge whether the liver injury is significant (then discontinue).",
        "hold",
    ),
    "LAB_TRANSAMINASES_RAISED": CodeSpec(
        "Transaminases above 3x ULN",
        "warning",
        "labs",
        "Hold for the prescriber: repeat liver tests with bilirubin, look for other causes.",
        "hold",
    ),
    "LAB_LIVER_INJURY_STOP": CodeSpec(
        "Significant liver injury: discontinue",
        "critical",
        "labs",
        "Discontinue natalizumab; manage the liver injury (it can recur on rechallenge).",
        "stop",
    ),
    "LAB_RANGE_MISSING": CodeSpec(
        "Reference range missing",
        "warning",
        "labs",
        "Ask the laboratory for the reference range, or review the value manually.",
    ),
    "LAB_NOT_BACK_TO_BASELINE": CodeSpec(
        "Counts not back to baseline 16 weeks after the last dose",
        "warning",
        "labs",
        "Investigate another cause of the raised counts.",
    ),
    "LAB_NOT_INTERPRETED": CodeSpec(
        "Laboratory result kept, not interpreted",
        "info",
        "data",
        "Review the result yourself; alpha4 has no rule for this code.",
    ),
    "LAB_NEEDED_RESULT_UNREADABLE": CodeSpec(
        "A result a safety check needs could not be interpreted",
        "warning",
        "labs",
        "Correct the result in the laboratory system (unit, value) or repeat the test; until then the "
        "check cannot use it.",
        "hold",
    ),
    "LAB_BOUND_INCONCLUSIVE": CodeSpec(
        "A result reported as a bound cannot decide a safety check",
        "warning",
        "labs",
        "Ask the laboratory for the exact value or repeat the test before infusing.",
        "hold",
    ),
    "LAB_UNIT_UNKNOWN": CodeSpec(
        "Laboratory unit not understood",
        "warning",
        "data",
        "Correct the unit (UCUM) so the result can be interpreted.",
    ),
    # --- eligibility and contraindications --------------------------------------------------
    "ELIG_MS_COURSE_UNKNOWN": CodeSpec(
        "MS course not recorded", "warning", "eligibility", "Record the MS course to confirm the indication."
    ),
    "ELIG_INDICATION_NOT_COVERED": CodeSpec(
        "Outside the labelled indication",
        "warning",
        "eligibility",
        "Confirm the indication; use outside it is off-label.",
    ),
    "ELIG_HIGHLY_ACTIVE_NOT_DOCUMENTED": CodeSpec(
        "Highly active disease not documented (EU)",
        "warning",
        "eligibility",
        "Document the prior DMT course or the rapidly evolving severe course.",
    ),
    "ELIG_CROHNS_NOT_INDICATED": CodeSpec(
        "Crohn's disease not indicated under this profile",
        "warning",
        "eligibility",
        "Natalizumab is not authorised for Crohn's disease in the EU; consider alternatives.",
    ),
    "ELIG_CROHNS_CRITERIA_INCOMPLETE": CodeSpec(
        "Crohn's indication criteria not documented",
        "warning",
        "eligibility",
        "Document disease activity, inflammation, and inadequate response to conventional therapy and a TNF-a inhibitor.",
    ),
    "CROHNS_ANTI_TNF_HISTORY": CodeSpec(
        "Anti-TNF history", "info", "eligibility", "None; context for the decision."
    ),
    "CROHNS_VEDOLIZUMAB_NOTE": CodeSpec(
        "Vedolizumab may be preferred",
        "info",
        "eligibility",
        "Consider vedolizumab where available and safe before natalizumab.",
    ),
    "CONTRA_SERIOUS_HYPERSENSITIVITY": CodeSpec(
        "Serious hypersensitivity to natalizumab",
        "critical",
        "contraindication",
        "Discontinue permanently; never re-treat.",
        "stop",
    ),
    "CONTRA_HYPERSENSITIVITY": CodeSpec(
        "Hypersensitivity reaction to natalizumab: do not re-treat",
        "critical",
        "contraindication",
        "Discontinue permanently: after a hypersensitivity reaction of any grade natalizumab must not be given "
        "again; test for anti-natalizumab antibodies.",
        "stop",
    ),
    "INFUSION_REACTION_UNCLASSIFIED": CodeSpec(
        "Infusion reaction: hypersensitivity not excluded",
        "critical",
        "contraindication",
        "Do not infuse until the prescriber has classified the reaction from its manifestations "
        "(hypersensitivity is a permanent stop) and recorded it.",
        "hold",
    ),
    "CONTRA_ACTIVE_MALIGNANCY": CodeSpec(
        "Active malignancy",
        "critical",
        "contraindication",
        "EU: contraindicated (except basal cell carcinoma). US: " + _PRESCRIBER,
        "hold",
    ),
    "ELIG_LYMPHOCYTES_BEFORE_START": CodeSpec(
        "Blood count needed after earlier immunosuppressive therapy",
        "warning",
        "eligibility",
        "Check a blood count with lymphocytes before the first infusion, after the earlier therapy ended.",
        "hold",
    ),
    "CONTRA_COMPROMISED_IMMUNITY": CodeSpec(
        "Significantly compromised immunity", "critical", "contraindication", _PRESCRIBER, "hold"
    ),
    "INFUSION_REACTION_HISTORY": CodeSpec(
        "Previous infusion reaction",
        "info",
        "infusion",
        "Watch for reactions during and after the infusion; consider an antibody test.",
    ),
    "COMBINATION_IMMUNOSUPPRESSANT": CodeSpec(
        "Immunosuppressive co-medication",
        "critical",
        "combination",
        "Do not combine: stop the other agent or withhold natalizumab. " + _PRESCRIBER,
        "hold",
    ),
    "COMBINATION_INTERFERON_BETA": CodeSpec(
        "Combined with interferon beta",
        "critical",
        "combination",
        "EU: contraindicated (stop the other therapy or do not give natalizumab). US: the label indicates "
        "monotherapy; the prescriber decides with the SENTINEL evidence and records the reason.",
        "hold",
    ),
    "COMBINATION_AMINOSALICYLATE_ALLOWED": CodeSpec(
        "Aminosalicylate continues", "info", "combination", "None."
    ),
    # --- infections and adverse events -------------------------------------------------------
    "INFECTION_OPPORTUNISTIC": CodeSpec(
        "Opportunistic infection",
        "critical",
        "infection",
        "Discontinue natalizumab permanently (EU SmPC); treat the infection.",
        "stop",
    ),
    "INFECTION_HERPES": CodeSpec(
        "Herpes encephalitis, meningitis or retinal necrosis: discontinue",
        "critical",
        "infection",
        "Discontinue natalizumab and treat; do not resume after recovery.",
        "stop",
    ),
    "INFECTION_HERPES_ACTIVE": CodeSpec(
        "Active herpes infection (uncomplicated)",
        "warning",
        "infection",
        "Treat the infection; hold the infusion until it has resolved. " + _PRESCRIBER,
        "hold",
    ),
    "INFECTION_SERIOUS_ACTIVE": CodeSpec(
        "Serious active infection",
        "critical",
        "infection",
        "Withhold until the infection has resolved. " + _PRESCRIBER,
        "hold",
    ),
    "ADVERSE_EVENT_MONITOR": CodeSpec(
        "Adverse event under monitoring",
        "info",
        "adverse_event",
        "Monitor and manage; depression: ask about suicidal ideation.",
    ),
    # --- special populations -----------------------------------------------------------------
    "POP_AGE_RANGE": CodeSpec(
        "Age known only as a range",
        "warning",
        "population",
        "Record the full birth date; until then the age checks take the safe side.",
    ),
    "POP_PEDIATRIC": CodeSpec(
        "Under 18: not recommended",
        "warning",
        "population",
        "Natalizumab is not studied below 18; document the specialist decision.",
    ),
    "POP_OLDER_ADULT": CodeSpec(
        "65 or older: insufficient data",
        "warning",
        "population",
        "Evaluate carefully (infections, comorbidity, PML risk).",
    ),
    "POP_PREGNANCY_NEW": CodeSpec(
        "Pregnancy newly reported",
        "critical",
        "population",
        "Hold for the prescriber: weigh continuing (disease reactivation) against fetal risk.",
        "hold",
    ),
    "POP_PREGNANCY": CodeSpec(
        "Pregnant on natalizumab",
        "warning",
        "population",
        "Continue only on the documented benefit-risk decision; plan neonatal monitoring.",
    ),
    "POP_THIRD_TRIMESTER_EXPOSURE": CodeSpec(
        "Third-trimester exposure",
        "warning",
        "population",
        "Monitor the newborn's platelets and haemoglobin.",
    ),
    "POP_LACTATION": CodeSpec(
        "Breastfeeding",
        "warning",
        "population",
        "Decide with the patient: stop natalizumab or stop breastfeeding.",
    ),
    # --- Crohn's disease ---------------------------------------------------------------------
    "CROHNS_NO_BENEFIT_WEEK_12": CodeSpec(
        "No benefit by week 12 of induction",
        "critical",
        "crohns",
        "Discontinue natalizumab (US label).",
        "stop",
    ),
    "CROHNS_BENEFIT_UNKNOWN": CodeSpec(
        "Crohn's benefit at week 12 unknown",
        "warning",
        "crohns",
        "Hold for the prescriber: record CDAI or HBI at baseline and after week 12 (benefit unknown is not benefit).",
        "hold",
    ),
    "CROHNS_STEROIDS_NOT_TAPERED": CodeSpec(
        "Steroids not tapered off within 6 months",
        "critical",
        "crohns",
        "Discontinue natalizumab (US label).",
        "stop",
    ),
    "CROHNS_STEROIDS_PROLONGED": CodeSpec(
        "Steroids over 3 months this calendar year",
        "warning",
        "crohns",
        "Consider discontinuing natalizumab (US label).",
    ),
    # --- schedule and REMS --------------------------------------------------------------------
    "SCHEDULE_JCV_OVERDUE": CodeSpec(
        "Anti-JCV retest overdue",
        "warning",
        "schedule",
        "Draw the anti-JCV antibody test today; the required result is stale. " + _PRESCRIBER,
        "hold",
    ),
    "SCHEDULE_ANTIBODY_TEST_OVERDUE": CodeSpec(
        "Antibody test overdue",
        "warning",
        "schedule",
        "Draw the anti-natalizumab antibody test before the infusion.",
    ),
    "SCHEDULE_LABS_OVERDUE": CodeSpec(
        "Blood count or liver tests overdue",
        "warning",
        "schedule",
        "Draw a complete blood count and liver function tests.",
    ),
    "SCHEDULE_MRI_OVERDUE": CodeSpec("MRI overdue", "warning", "schedule", "Book the brain MRI."),
    "SCHEDULE_REASSESSMENT_OVERDUE": CodeSpec(
        "PML reassessment overdue",
        "warning",
        "schedule",
        "Hold until the prescriber has assessed for signs and symptoms of PML and recorded it.",
        "hold",
    ),
    "SCHEDULE_FOLLOW_UP_OVERDUE": CodeSpec(
        "Post-discontinuation follow-up overdue",
        "warning",
        "schedule",
        "Complete the 6-month post-discontinuation assessment.",
    ),
    "SCHEDULE_INFUSION_OVERDUE": CodeSpec(
        "Infusion overdue", "warning", "schedule", "Contact the patient and rebook the infusion."
    ),
    "REMS_AUTHORIZATION_LAPSED": CodeSpec(
        "TOUCH authorization lapsed",
        "critical",
        "rems",
        "Do not infuse: the prescriber must reauthorize in TOUCH On-Line.",
        "hold",
    ),
    "REMS_AUTHORIZATION_UNVERIFIED": CodeSpec(
        "TOUCH authorization not recorded here",
        "info",
        "rems",
        "Verify the patient is currently authorized in TOUCH On-Line before infusing.",
    ),
    "MRI_BASELINE_NEEDED": CodeSpec(
        "Baseline MRI needed", "warning", "schedule", "Obtain a brain MRI before the first infusion.", "hold"
    ),
    "MRI_BASELINE_OUTDATED": CodeSpec(
        "Baseline MRI too old",
        "warning",
        "schedule",
        "Obtain a recent brain MRI as the reference before the first infusion.",
        "hold",
    ),
    "REMS_ENROLLMENT_MISSING": CodeSpec(
        "TOUCH enrolment not recorded (new start)",
        "critical",
        "rems",
        "Do not infuse until the nurse has verified at the chair that the patient is enrolled and authorized "
        "in TOUCH (checklist step 1: answer 'yes').",
        "hold",
    ),
    "REMS_AUTHORIZATION_VERIFIED_AT_CHAIR": CodeSpec(
        "TOUCH authorization verified at the chair",
        "info",
        "rems",
        "Record the enrolment or reauthorization in alpha4 so the record matches TOUCH.",
    ),
    # --- dose, route and product ---------------------------------------------------------------
    "INFUSION_DOSE_UNEXPECTED": CodeSpec(
        "Recorded dose is not the labelled dose",
        "warning",
        "infusion",
        "Check the record (the dose is 300 mg every infusion) and correct it, or document why.",
    ),
    "INFUSION_ROUTE_NOT_ALLOWED": CodeSpec(
        "Route not allowed under this label",
        "warning",
        "infusion",
        "Check the record: under this label natalizumab is given only by the routes listed.",
    ),
    "PRODUCT_SWITCHED": CodeSpec(
        "Switched between Tysabri and Tyruko",
        "warning",
        "infusion",
        "Count all natalizumab infusions together; keep one anti-JCV assay for serial testing and record it.",
    ),
    # --- infusion gate -----------------------------------------------------------------------
    "INFUSION_TOO_SOON": CodeSpec(
        "Too soon after the last infusion", "warning", "infusion", "Check the date; " + _PRESCRIBER, "hold"
    ),
    "INFUSION_LONG_GAP": CodeSpec(
        "Long gap before re-dosing",
        "warning",
        "infusion",
        "Prescriber to review: test for antibodies; observe closely for hypersensitivity.",
        "hold",
    ),
    "CHECKLIST_PENDING": CodeSpec(
        "Screening questions to ask",
        "info",
        "checklist",
        "Ask and record every pre-infusion screening question.",
    ),
    "CHECKLIST_NEUROLOGICAL_SYMPTOMS": CodeSpec(
        "New or worsening neurological symptoms",
        "critical",
        "checklist",
        "Do not infuse; the prescriber evaluates for PML (MRI with contrast, CSF JCV DNA).",
        "hold",
    ),
    "CHECKLIST_IMMUNOCOMPROMISE": CodeSpec(
        "Immunosuppressive condition or medicine", "critical", "checklist", _PRESCRIBER, "hold"
    ),
    "CHECKLIST_SERIOUS_INFECTION": CodeSpec(
        "Serious infection reported", "critical", "checklist", _PRESCRIBER, "hold"
    ),
    "CHECKLIST_STEROIDS": CodeSpec(
        "Steroids in the past month (Crohn's)", "warning", "checklist", _PRESCRIBER, "hold"
    ),
    "CHECKLIST_STEROIDS_MS": CodeSpec(
        "Steroids in the past month", "info", "checklist", "Record the course (e.g. relapse treatment)."
    ),
    "CHECKLIST_PREGNANCY": CodeSpec(
        "Pregnant or planning pregnancy", "warning", "checklist", _PRESCRIBER, "hold"
    ),
    "CHECKLIST_BREASTFEEDING": CodeSpec("Breastfeeding", "warning", "checklist", _PRESCRIBER, "hold"),
    "CHECKLIST_AUTHORIZATION_UNANSWERED": CodeSpec(
        "Authorization question not answered",
        "critical",
        "rems",
        "Do not infuse: verify that the patient is currently authorized and answer checklist step 1.",
        "hold",
    ),
    "CHECKLIST_AUTHORIZATION_NOT_VERIFIED": CodeSpec(
        "Authorization not verified",
        "critical",
        "rems",
        "Do not infuse; refer to the prescriber (TOUCH step 1).",
        "hold",
    ),
    "TREATMENT_DISCONTINUED": CodeSpec(
        "Treatment discontinued",
        "info",
        "treatment",
        "No infusion; keep PML vigilance for 6 months after the last dose.",
        "stop",
    ),
    "PATIENT_DECEASED": CodeSpec(
        "Patient recorded as deceased",
        "critical",
        "treatment",
        "No infusion and no further tests; close the treatment record and report the death as the REMS "
        "programme or pharmacovigilance requires.",
        "stop",
    ),
    "RECORD_UNINTERPRETED": CodeSpec(
        "Record kept, not interpreted",
        "info",
        "data",
        "Review it yourself; alpha4 has no rule that reads it.",
    ),
}


def _merge(extra: dict[str, CodeSpec]) -> None:
    clash = set(extra) & set(CODES)
    if clash:
        raise ValueError(f"finding codes defined twice: {sorted(clash)}")
    CODES.update(extra)


# Codes of other rule modules live beside those modules and are merged here.
from .response_codes import RESPONSE_CODES  # noqa: E402

_merge(RESPONSE_CODES)

from .pk_codes import PK_CODES  # noqa: E402

_merge(PK_CODES)
