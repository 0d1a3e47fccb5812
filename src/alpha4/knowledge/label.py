"""Label facts the rules apply: ages, intervals, thresholds, windows.

Every constant is a :class:`~alpha4.knowledge.base.Fact` with its source. Facts
that differ between the US label and the EU SmPC are defined twice, once per
profile, and reached through :mod:`alpha4.knowledge.profiles`.
"""

from __future__ import annotations

from .base import fact
from .label_sections import (
    AITHAL_2011,
    EU_CONTRAINDICATIONS,
    EU_HYPERSENSITIVITY,
    EU_INFECTIONS,
    EU_LIVER,
    EU_MRI_BASELINE,
    EU_PLATELETS,
    EU_POSOLOGY,
    EU_PRIOR_THERAPY,
    SENTINEL_2006,
    US_ADMINISTRATION,
    US_HERPES,
    US_HYPERSENSITIVITY_RETREAT,
    US_LIVER_INJURY,
    US_MONOTHERAPY,
    US_MRI_BEFORE_START,
    US_PLATELETS,
)
from .sources import (
    ALPHA4_POLICY,
    CALABRESI_2007,
    CTCAE_V5,
    EMA_PRAC_2016,
    EU_PACKAGE_LEAFLET,
    EU_SMPC_INDICATIONS,
    EU_SMPC_INFECTIONS,
    EU_SMPC_PML,
    EU_SMPC_PREGNANCY,
    FDA_DSC_2012,
    HAGHIKIA_2014,
    LIVER_HYS_LAW,
    RYERSON_2019,
    SEED_CD,
    STRATA_REEXPOSURE,
    STRATIFY_ASSAY,
    SWISSMEDIC_2016,
    US_ADVERSE_REACTIONS,
    US_BOXED_WARNING,
    US_CONTRAINDICATIONS,
    US_CROHNS_DOSING,
    US_DOSING,
    US_HEPATOTOXICITY,
    US_HYPERSENSITIVITY,
    US_IMMUNOGENICITY,
    US_IMMUNOSUPPRESSION,
    US_INDICATIONS,
    US_LAB_EFFECTS,
    US_LACTATION,
    US_OBSERVATION,
    US_PEDIATRIC,
    US_PREGNANCY,
    US_REMS,
    US_REMS_CHECKLIST,
    US_THROMBOCYTOPENIA,
    VARLEY_2025,
    seed_ms,
)

# --- dose and interval ------------------------------------------------------------------------
DOSE_MG = fact("dose.mg", 300.0, US_DOSING, unit="mg", description="Dose every infusion (MS and CD)")
STANDARD_INTERVAL_DAYS = fact(
    "dose.standard_interval", 28, US_DOSING, unit="d", description="Label interval: every 4 weeks"
)
EARLIEST_REDOSE_DAYS = fact(
    "dose.earliest_redose",
    21,
    RYERSON_2019,
    ALPHA4_POLICY,
    unit="d",
    description="An infusion sooner than this after the last one is held for the prescriber",
    note="TOUCH analyses define standard-interval dosing as an average interval of >= 3 to <= 5 weeks.",
)
STANDARD_INTERVAL_UPPER_DAYS = fact(
    "dose.standard_interval_upper",
    35,
    RYERSON_2019,
    unit="d",
    description="Upper end of standard-interval dosing (5 weeks); later than this an every-4-week infusion is overdue",
)
EXTENDED_INTERVAL_THRESHOLD_DAYS = fact(
    "pml.eid.average_interval_above",
    35,
    RYERSON_2019,
    unit="d",
    description="Extended-interval dosing: average interval over 5 weeks (to <= 12 weeks) in the last 18 months",
)
EXTENDED_INTERVAL_MAX_DAYS = fact(
    "pml.eid.average_interval_at_most",
    84,
    RYERSON_2019,
    unit="d",
    description="Upper end of the EID definition",
)
EXTENDED_INTERVAL_WINDOW_MONTHS = fact(
    "pml.eid.window",
    18,
    RYERSON_2019,
    unit="mo",
    description="Window over which the average interval is taken",
)
EID_HAZARD_RATIO = fact(
    "pml.eid.hazard_ratio",
    "0.06 (95% CI 0.01-0.22) in the primary TOUCH analysis; 88-99% lower risk across analyses",
    RYERSON_2019,
    description="Evidence that EID lowers PML risk (observational; not a multiplier alpha4 applies)",
)

# --- observation and reactions ----------------------------------------------------------------
OBSERVATION_MINUTES = fact(
    "infusion.observation_after",
    60,
    US_OBSERVATION,
    unit="min",
    description="Observe during the infusion and for 1 hour after it",
)
OBSERVED_INFUSIONS = fact(
    "infusion.observed_count",
    12,
    US_OBSERVATION,
    unit="{infusions}",
    description="Post-infusion observation is required for the first 12 infusions; then at clinical judgment if no hypersensitivity",
)
REACTION_WINDOW_HOURS = fact(
    "infusion.reaction_window",
    2,
    US_HYPERSENSITIVITY,
    seed_ms("These reactions mostly occur within 2 hours after the start of infusion."),
    unit="h",
    description="Infusion and hypersensitivity reactions mostly occur within 2 hours of the start",
)
INFUSION_REACTION_RATE_SEED = fact(
    "infusion.reaction_rate.seed",
    22,
    seed_ms("Special vigilance should be paid to infusion reactions (incidence rate of approximately 22%)"),
    unit="%",
    description="Infusion reactions, approximately",
)
INFUSION_REACTION_RATE_AFFIRM = fact(
    "infusion.reaction_rate.affirm",
    "24% natalizumab vs 18% placebo (any event within 2 hours of the start)",
    US_ADVERSE_REACTIONS,
)
ANAPHYLAXIS_RATE = fact(
    "infusion.anaphylaxis_rate",
    "< 1% (AFFIRM 0.8% vs 0%)",
    US_HYPERSENSITIVITY,
    seed_ms(
        "hypersensitivity reactions (including severe systemic reactions such as anaphylaxis, with an incidence rate of <1%)"
    ),
    unit="%",
)
REEXPOSURE_GAP_DAYS = fact(
    "infusion.reexposure_gap",
    90,
    EU_PACKAGE_LEAFLET,
    STRATA_REEXPOSURE,
    unit="d",
    description=(
        "A gap of this length before re-dosing raises the risk of antibodies and hypersensitivity, "
        "above all after only 1-2 prior doses (STRATA: 40% antibodies, 24% hypersensitivity)"
    ),
)
REEXPOSURE_FEW_DOSES = fact(
    "infusion.reexposure_few_doses",
    2,
    STRATA_REEXPOSURE,
    unit="{infusions}",
    description="Prior doses at or below which re-exposure risk is highest",
)

# --- ages -------------------------------------------------------------------------------------
ADULT_AGE_YEARS = fact(
    "population.adult_age",
    18,
    US_PEDIATRIC,
    seed_ms("it is not recommended for use in pediatric patients."),
    unit="a",
    description="Not studied, not recommended below",
)
OLDER_ADULT_AGE_YEARS = fact(
    "population.older_adult_age",
    65,
    seed_ms(
        "There is insufficient data on the use of natalizumab in elderly patients (over 65 years of age), so careful evaluation should be conducted."
    ),
    unit="a",
    description="Insufficient data at this age and over: evaluate carefully",
)

# --- pregnancy and lactation ------------------------------------------------------------------
THIRD_TRIMESTER_WEEK = fact(
    "pregnancy.third_trimester_from_week",
    28,
    HAGHIKIA_2014,
    ALPHA4_POLICY,
    unit="wk",
    description="Gestational week from which exposure counts as third-trimester (obstetric convention)",
)
PREGNANCY_LONGEST_WEEKS = fact(
    "pregnancy.longest_weeks",
    42,
    ALPHA4_POLICY,
    unit="wk",
    description="A pregnancy without a recorded end is not extended past 42 weeks (post-term convention)",
)
PREGNANCY_NEONATAL_MONITORING = fact(
    "pregnancy.neonatal_monitoring",
    "Monitor the newborn's platelets and haemoglobin after third-trimester exposure",
    US_PREGNANCY,
    EU_SMPC_PREGNANCY,
    HAGHIKIA_2014,
)
PREGNANCY_CATEGORY_SEED = fact(
    "pregnancy.category_seed",
    "Category C (former US letter category); weigh benefit and risk",
    seed_ms("Natalizumab is classified as a Category C drug for use during pregnancy."),
    US_PREGNANCY,
    note="The current US label uses the PLLR narrative without a letter category.",
)
LACTATION_ADVICE = fact(
    "lactation.advice",
    "Natalizumab is excreted in human milk: stop the drug or stop breastfeeding",
    seed_ms("consideration should be given to discontinuing the drug or stopping breastfeeding."),
    US_LACTATION,
    EU_SMPC_PREGNANCY,
)

# --- PML --------------------------------------------------------------------------------------
JCV_INDEX_LOW = fact(
    "pml.index.low_cutoff",
    0.9,
    EU_SMPC_PML,
    SWISSMEDIC_2016,
    description="Index at or below: low PML risk (<1/1000 after >2 years)",
)
JCV_INDEX_HIGH = fact(
    "pml.index.high_cutoff",
    1.5,
    EU_SMPC_PML,
    EMA_PRAC_2016,
    description="Index above: higher PML risk in patients without prior immunosuppressants",
)
HIGHER_RISK_TREATMENT_MONTHS = fact(
    "pml.higher_risk.months_on_treatment",
    24,
    EU_SMPC_PML,
    EMA_PRAC_2016,
    FDA_DSC_2012,
    unit="mo",
    description="Risk rises with treatment beyond 2 years (higher-risk definition: > 24 months)",
)
STRATIFY_NEGATIVE_BELOW = fact(
    "jcv.stratify.negative_below", 0.20, STRATIFY_ASSAY, description="STRATIFY index below: negative"
)
STRATIFY_POSITIVE_ABOVE = fact(
    "jcv.stratify.positive_above",
    0.40,
    STRATIFY_ASSAY,
    description="STRATIFY index above: positive; 0.20-0.40 indeterminate (reflex inhibition assay)",
)
JCV_RETEST_NEGATIVE_MONTHS = fact(
    "jcv.retest.negative",
    6,
    EU_SMPC_PML,
    unit="mo",
    description="Retest anti-JCV negative patients every 6 months",
)
JCV_RETEST_LOW_INDEX_MONTHS = fact(
    "jcv.retest.low_index",
    6,
    EU_SMPC_PML,
    unit="mo",
    description="Retest low-index patients without prior immunosuppressants every 6 months once at 2 years of treatment",
)
JCV_AFTER_PLASMA_EXCHANGE_DAYS = fact(
    "jcv.unreliable_after_plasma_exchange",
    14,
    EU_SMPC_PML,
    unit="d",
    description="Do not test within 2 weeks of plasma exchange",
)
JCV_AFTER_IVIG_MONTHS = fact(
    "jcv.unreliable_after_ivig",
    6,
    EU_SMPC_PML,
    unit="mo",
    description="Do not test within 6 months of IVIG",
)
JCV_ASSAY_INTERCHANGEABILITY = fact(
    "jcv.assay.not_interchangeable",
    "ImmunoWELL and STRATIFY JCV DxSelect are not interchangeable near the risk cut-offs; "
    "47.6% of STRATIFY-negative patients tested positive on ImmunoWELL",
    VARLEY_2025,
)
MRI_INTERVAL_HIGHER_RISK_MONTHS = fact(
    "mri.interval.higher_risk",
    (3, 6),
    EMA_PRAC_2016,
    EU_SMPC_PML,
    unit="mo",
    description="Higher-risk patients: abbreviated MRI (FLAIR, T2, DWI) every 3-6 months",
)
MRI_INTERVAL_ROUTINE_MONTHS = fact(
    "mri.interval.routine",
    12,
    EMA_PRAC_2016,
    EU_SMPC_PML,
    unit="mo",
    description="All patients: full MRI at least once a year",
)
MRI_BEFORE_START = fact(
    "mri.baseline",
    "Obtain a brain MRI before starting natalizumab",
    US_BOXED_WARNING,
    EU_SMPC_PML,
)
BENEFIT_RISK_DISCUSSION_MONTHS = fact(
    "pml.benefit_risk_discussion",
    24,
    EU_SMPC_INDICATIONS,
    EU_SMPC_PML,
    unit="mo",
    description="Re-inform the patient of the PML risk and re-discuss benefit and risk after 2 years",
)
SUSPECTED_PML_ACTION = fact(
    "pml.suspected.action",
    "Withhold dosing; gadolinium-enhanced MRI and CSF JCV DNA; discontinue permanently if PML is confirmed",
    US_BOXED_WARNING,
    EU_SMPC_PML,
)

# --- anti-natalizumab antibodies --------------------------------------------------------------
ANTIBODY_POSITIVE_THRESHOLD = fact(
    "antibody.positive_threshold", 0.5, CALABRESI_2007, unit="ug/mL", description="Positive at or above"
)
ANTIBODY_PERSISTENT_GAP_DAYS = fact(
    "antibody.persistent_gap",
    42,
    CALABRESI_2007,
    US_IMMUNOGENICITY,
    unit="d",
    description="Persistent: positive at two or more times at least 6 weeks apart",
)
ANTIBODY_TEST_INTERVAL_DAYS = fact(
    "antibody.test_interval",
    84,
    seed_ms("Antibody testing should be performed regularly during treatment (e.g., once every 12 weeks)"),
    ALPHA4_POLICY,
    unit="d",
    description=(
        "Test for anti-natalizumab antibodies regularly during treatment, by default every 12 weeks "
        "(seed 000_55df99c57c93e613.txt: 'Antibody testing should be performed regularly during treatment "
        "(e.g., once every 12 weeks)'); a site policy, not a label requirement"
    ),
    note=(
        "The US label (6.2 Immunogenicity) describes 12-weekly sampling in study MS1; it does not require "
        "routine testing. A site may change this interval."
    ),
)
ANTIBODY_PERSISTENT_RATE = fact(
    "antibody.persistent_rate",
    "about 6% persistent (9% any; 3% transient)",
    seed_ms(
        "Enhanced monitoring is required for patients with persistent positive anti-drug antibodies (accounting for approximately 6%)."
    ),
    US_IMMUNOGENICITY,
    CALABRESI_2007,
)

# --- laboratory -------------------------------------------------------------------------------
LAB_RETURN_TO_BASELINE_WEEKS = fact(
    "lab.return_to_baseline",
    16,
    US_LAB_EFFECTS,
    seed_ms("usually returns to baseline levels within 16 weeks after drug discontinuation."),
    unit="wk",
    description="Raised lymphocytes, monocytes, eosinophils, basophils and nucleated red cells return to baseline within 16 weeks of the last dose",
)
TRANSAMINASE_ULN_MULTIPLE = fact(
    "lab.liver.transaminase_uln_multiple",
    3.0,
    LIVER_HYS_LAW,
    US_HEPATOTOXICITY,
    description="ALT or AST above 3x the upper limit of normal: significant liver injury signal",
)
BILIRUBIN_ULN_MULTIPLE = fact(
    "lab.liver.bilirubin_uln_multiple",
    2.0,
    LIVER_HYS_LAW,
    US_HEPATOTOXICITY,
    description="With total bilirubin above 2x ULN: discontinue (label: jaundice or significant liver injury)",
)
NEUTROPENIA_DEFAULT_BELOW = fact(
    "lab.neutrophils.default_lower_limit",
    1.5,
    CTCAE_V5,
    unit="10*3/uL",
    description="Used when the result carries no reference range (CTCAE grade 2 neutropenia)",
)
THROMBOCYTOPENIA_DEFAULT_BELOW = fact(
    "lab.platelets.default_lower_limit",
    75.0,
    CTCAE_V5,
    unit="10*3/uL",
    description="Used when the result carries no reference range (CTCAE grade 2 platelet count decreased)",
)
ROUTINE_LAB_INTERVAL_MONTHS = fact(
    "lab.routine_interval",
    6,
    seed_ms("Routine laboratory monitoring should include a complete blood count and liver function tests."),
    ALPHA4_POLICY,
    unit="mo",
    description="Routine complete blood count and liver function tests (site-configurable default)",
    note=(
        "No public source gives an interval (docs/verified-facts.md item 5): the seed asks for routine CBC and "
        "LFTs; alpha4 defaults to 6 months, the TOUCH reassessment cadence, and a site may change it."
    ),
)

# --- REMS / TOUCH -----------------------------------------------------------------------------
TOUCH_FIRST_ASSESSMENTS_MONTHS = fact(
    "rems.assessment.first",
    (3, 6),
    US_REMS,
    unit="mo",
    profile="us",
    description="Prescriber assesses for PML 3 and 6 months after the first infusion",
)
TOUCH_ASSESSMENT_INTERVAL_MONTHS = fact(
    "rems.assessment.interval",
    6,
    US_REMS,
    unit="mo",
    profile="us",
    description="Then every 6 months",
)
REAUTHORIZATION_MONTHS = fact(
    "rems.reauthorization",
    6,
    US_REMS,
    unit="mo",
    profile="us",
    description="Reauthorize continued treatment every 6 months (Patient Status Report and Reauthorization Questionnaire)",
)
FOLLOW_UP_AFTER_STOP_MONTHS = fact(
    "rems.follow_up_after_discontinuation",
    6,
    US_REMS,
    EU_SMPC_PML,
    unit="mo",
    description="Follow up (PML vigilance) 6 months after discontinuation",
)
CHECKLIST_REQUIRED = fact(
    "rems.checklist",
    "Complete the Pre-infusion Patient Checklist before every infusion; any 'yes' needs the prescriber's clearance",
    US_REMS_CHECKLIST,
)
EU_REASSESSMENT_MONTHS = fact(
    "eu.reassessment.interval",
    6,
    EU_SMPC_PML,
    ALPHA4_POLICY,
    unit="mo",
    profile="eu",
    description="Clinical reassessment for PML signs; alpha4 keeps a 6-month cadence in the EU profile",
    note="The SmPC asks for vigilance throughout and at the 2-year re-information; it has no REMS authorization cycle.",
)

# --- Crohn's disease --------------------------------------------------------------------------
CD_INDUCTION_BENEFIT_WEEKS = fact(
    "crohns.induction.benefit_by",
    12,
    US_CROHNS_DOSING,
    unit="wk",
    description="Discontinue if no therapeutic benefit by 12 weeks of induction",
)
CD_STEROID_TAPER_MONTHS = fact(
    "crohns.steroids.taper_within",
    6,
    US_CROHNS_DOSING,
    unit="mo",
    description="Discontinue if oral steroids cannot be tapered off within 6 months of starting natalizumab",
)
CD_STEROID_MONTHS_PER_YEAR = fact(
    "crohns.steroids.months_per_year",
    3,
    US_CROHNS_DOSING,
    unit="mo",
    description="After the 6-month taper: consider stopping if steroids are needed > 3 months in a calendar year",
)
CD_RESPONSE_CDAI_DROP = fact(
    "crohns.response.cdai_drop",
    70,
    US_CROHNS_DOSING,
    unit="{score}",
    description="Clinical response: CDAI fall of at least 70 (ENACT/ENCORE)",
)
CD_RESPONSE_HBI_DROP = fact(
    "crohns.response.hbi_drop",
    3,
    US_CROHNS_DOSING,
    unit="{score}",
    description="Clinical response: HBI fall of at least 3",
)
CD_VEDOLIZUMAB_PREFERRED = fact(
    "crohns.vedolizumab_preferred",
    "Vedolizumab (gut-selective anti-a4b7) may be preferred where available and safe",
    SEED_CD,
)
CD_ANTI_TNF_FAILURE_RATES = fact(
    "crohns.anti_tnf_failure_rates",
    "About 30-40% primary non-response and up to 50% secondary loss of response (context, not a rule)",
    SEED_CD,
)

# --- infections and immune status -------------------------------------------------------------
OPPORTUNISTIC_INFECTION_STOP = fact(
    "infection.opportunistic.stop",
    "Permanently discontinue after an opportunistic infection",
    EU_SMPC_INFECTIONS,
    profile="eu",
)
OPPORTUNISTIC_INFECTION_US = fact(
    "infection.opportunistic.stop",
    "Evaluate and treat; the US label does not mandate permanent discontinuation for every opportunistic infection",
    US_BOXED_WARNING,
    profile="us",
)
COMPROMISED_IMMUNITY = fact(
    "contraindication.compromised_immunity",
    "Patients with significantly compromised immune function should not ordinarily be treated",
    US_CONTRAINDICATIONS,
)
NO_COMBINATION = fact(
    "combination.not_allowed",
    "Do not combine with immunosuppressants, antineoplastics, immunomodulators or TNF-a inhibitors",
    US_INDICATIONS,
    US_REMS,
)
INTERFERON_COMBINATION = fact(
    "combination.interferon_beta",
    "Studied with interferon beta-1a (SENTINEL): effect maintained, clearance somewhat reduced, "
    "adverse events similar; the label indicates monotherapy",
    seed_ms(
        "When natalizumab is used in combination with interferon beta-1a, it can still maintain its therapeutic effect."
    ),
    US_INDICATIONS,
)
AMINOSALICYLATES_ALLOWED = fact(
    "combination.aminosalicylates", "Aminosalicylates may continue in Crohn's disease", US_CROHNS_DOSING
)
HERPES_ACTION = fact(
    "infection.herpes",
    "Herpes encephalitis, meningitis or acute retinal necrosis: discontinue natalizumab and treat",
    US_IMMUNOSUPPRESSION,
    EU_SMPC_INFECTIONS,
)
THROMBOCYTOPENIA_ACTION = fact(
    "lab.platelets.action",
    "Thrombocytopenia, including immune thrombocytopenic purpura, has been reported: evaluate promptly",
    US_THROMBOCYTOPENIA,
)
OTHER_MONITORING_SEED = fact(
    "monitoring.other_adverse_events",
    "Monitor for infections (especially pneumonia), depression including suicidal ideation, and cholelithiasis",
    seed_ms(
        "Other adverse events requiring monitoring include infections (especially pneumonia), depression (including suicidal ideation), and cholelithiasis."
    ),
    US_ADVERSE_REACTIONS,
)

# --- schedule mechanics (alpha4 policy, stated and configurable) -------------------------------
DUE_SOON_DAYS = fact(
    "schedule.due_soon_window",
    14,
    ALPHA4_POLICY,
    unit="d",
    description="An item is 'due soon' this many days before its due date",
)
TEST_GRACE_DAYS = fact(
    "schedule.test_grace",
    28,
    US_DOSING,
    ALPHA4_POLICY,
    unit="d",
    description=(
        "A test or assessment falling due between visits can be done at the next infusion visit: it is "
        "'due' for one dosing interval (4 weeks) and overdue after that"
    ),
)


# --- clinical safety: label stops and holds (issue 12) -----------------------------------------
ALP_ULN_MULTIPLE = fact(
    "lab.liver.alp_uln_multiple",
    2.0,
    AITHAL_2011,
    US_LIVER_INJURY,
    description="Alkaline phosphatase at or above 2x ULN: laboratory evidence of (cholestatic) liver injury",
)
LIVER_INJURY_STOP = fact(
    "lab.liver.discontinue",
    "Discontinue in patients with jaundice or other evidence of significant liver injury (e.g., laboratory "
    "evidence): jaundice, transaminases > 3x ULN with bilirubin > 2x ULN, or a serious liver injury",
    US_LIVER_INJURY,
    EU_LIVER,
    LIVER_HYS_LAW,
)
LIVER_INJURY_HOLD = fact(
    "lab.liver.hold",
    "One sign of liver injury alone (transaminases > 3x ULN, bilirubin > 2x ULN, ALP >= 2x ULN, or a non-serious "
    "hepatitis or liver injury reported): hold until the prescriber has judged whether it is significant",
    US_LIVER_INJURY,
    AITHAL_2011,
    ALPHA4_POLICY,
    description="Hold rather than stop on a single sign: the label leaves 'significant' to the prescriber",
)
THROMBOCYTOPENIA_SUSPECTED = fact(
    "platelets.suspected",
    "If thrombocytopenia is suspected, natalizumab should be discontinued: a low count, a reported "
    "thrombocytopenia or bleeding signs hold the infusion for the prescriber",
    US_PLATELETS,
    EU_PLATELETS,
)
ITP_STOP = fact(
    "platelets.itp_stop",
    "Immune thrombocytopenia (ITP) diagnosed: discontinue natalizumab",
    US_PLATELETS,
    EU_PLATELETS,
)
HYPERSENSITIVITY_NO_RETREAT = fact(
    "hypersensitivity.no_retreatment",
    "Contraindicated after a hypersensitivity reaction to natalizumab, of any grade; patients who experience a "
    "hypersensitivity reaction should not be re-treated",
    US_HYPERSENSITIVITY_RETREAT,
    EU_HYPERSENSITIVITY,
    seed_ms(
        "In case of severe hypersensitivity reactions, the drug should be discontinued immediately and must not be used again."
    ),
)
HERPES_CNS_STOP = fact(
    "infection.herpes.cns_or_eye",
    "Herpes encephalitis or meningitis, or acute retinal necrosis: discontinue natalizumab and treat",
    US_HERPES,
    EU_INFECTIONS,
)
HERPES_UNCOMPLICATED_HOLD = fact(
    "infection.herpes.uncomplicated",
    "Uncomplicated (e.g. dermatomal) herpes zoster or simplex: treat; hold the infusion while it is active",
    US_HERPES,
    ALPHA4_POLICY,
    note="The labels mandate discontinuation only for CNS or retinal disease; the hold while active is alpha4 policy.",
)
SENTINEL_COMBINATION = fact(
    "combination.sentinel",
    "SENTINEL: natalizumab added to interferon beta-1a reduced relapses; two patients on the combination developed PML",
    SENTINEL_2006,
    seed_ms(
        "When natalizumab is used in combination with interferon beta-1a, it can still maintain its therapeutic effect."
    ),
)
MALIGNANCY_EXCEPTION = fact(
    "contraindication.malignancy",
    "Known active malignancies are a contraindication, except basal cell carcinoma",
    EU_CONTRAINDICATIONS,
)
PRIOR_THERAPY_IMMUNOCOMPROMISE = fact(
    "contraindication.prior_therapy",
    "Patients immunocompromised by earlier therapy (e.g. mitoxantrone, cyclophosphamide): check the blood count "
    "(lymphocytes) before starting so that the immune effects of earlier therapy have resolved",
    EU_CONTRAINDICATIONS,
    EU_PRIOR_THERAPY,
)
PRODUCT_SWITCH = fact(
    "product.switch",
    "Tysabri and the biosimilar Tyruko (natalizumab-sztn) are both natalizumab: exposure adds up; anti-JCV "
    "results from STRATIFY JCV DxSelect and ImmunoWELL are not interchangeable near the cut-offs",
    US_DOSING,
    VARLEY_2025,
)
CHECKLIST_AUTHORIZATION_AT_CHAIR = fact(
    "rems.checklist.authorization",
    "Step 1 of the Pre-infusion Patient Checklist: is the patient currently authorized? No: do not infuse. "
    "Verifying it (TOUCH On-Line) is the infusion site's task and needs no prescriber clearance",
    US_REMS_CHECKLIST,
    US_REMS,
)

# --- profile-specific (reached through alpha4.knowledge.profiles) ------------------------------
US_INTERFERON_EFFECT = fact(
    "combination.interferon_beta.gate",
    "hold",
    US_MONOTHERAPY,
    SENTINEL_2006,
    profile="us",
    description="The US label indicates monotherapy; combination with interferon beta holds for the prescriber",
)
EU_INTERFERON_EFFECT = fact(
    "combination.interferon_beta.gate",
    "stop",
    EU_CONTRAINDICATIONS,
    profile="eu",
    description="EU SmPC 4.3: combination with other disease-modifying therapies is contraindicated",
)
US_COMBINATION_EFFECT = fact(
    "combination.immunosuppressant.gate",
    "hold",
    US_MONOTHERAPY,
    profile="us",
    description="Not to be combined with immunosuppressants, immunomodulators or TNF inhibitors: hold",
)
EU_COMBINATION_EFFECT = fact(
    "combination.immunosuppressant.gate",
    "stop",
    EU_CONTRAINDICATIONS,
    profile="eu",
    description="EU SmPC 4.3: current immunosuppressive therapy and other DMTs are contraindications",
)
US_MALIGNANCY_EFFECT = fact(
    "contraindication.malignancy.gate",
    "hold",
    US_MONOTHERAPY,
    ALPHA4_POLICY,
    profile="us",
    description="Active malignancy is not a US contraindication; it holds for the prescriber (immune status)",
)
EU_MALIGNANCY_EFFECT = fact(
    "contraindication.malignancy.gate",
    "stop",
    EU_CONTRAINDICATIONS,
    profile="eu",
    description="EU SmPC 4.3: known active malignancy (except basal cell carcinoma) is a contraindication",
)
US_IMMUNOCOMPROMISE_EFFECT = fact(
    "contraindication.immunocompromise.gate",
    "hold",
    US_CONTRAINDICATIONS,
    profile="us",
    description="Significantly compromised immunity: should not ordinarily be treated; hold for the prescriber",
)
EU_IMMUNOCOMPROMISE_EFFECT = fact(
    "contraindication.immunocompromise.gate",
    "stop",
    EU_CONTRAINDICATIONS,
    profile="eu",
    description="EU SmPC 4.3: immunocompromised patients, including by prior therapy, are contraindicated",
)
US_OBSERVE_EVERY_INFUSION = fact(
    "infusion.observe_every_infusion",
    False,
    US_OBSERVATION,
    profile="us",
    description="US: observe 1 hour after the first 12 infusions; then at clinical judgement if no hypersensitivity",
)
EU_OBSERVE_EVERY_INFUSION = fact(
    "infusion.observe_every_infusion",
    True,
    EU_POSOLOGY,
    profile="eu",
    description="EU: observe during the infusion and for 1 hour after it, every time",
)
US_ROUTES = fact(
    "dose.routes",
    ("intravenous",),
    US_ADMINISTRATION,
    profile="us",
    description="US: 300 mg intravenous infusion every 4 weeks",
)
EU_ROUTES = fact(
    "dose.routes",
    ("intravenous", "subcutaneous"),
    EU_POSOLOGY,
    profile="eu",
    description="EU: 300 mg intravenous, or 300 mg subcutaneous as two 150 mg pre-filled syringes",
)
US_BASELINE_MRI_MONTHS = fact(
    "mri.baseline_recency",
    3,
    US_MRI_BEFORE_START,
    EU_MRI_BASELINE,
    ALPHA4_POLICY,
    unit="mo",
    profile="us",
    description="A baseline MRI no older than this before the first infusion",
    note="The US label asks for an MRI before initiating without a recency; alpha4 applies the EU's 3 months.",
)
EU_BASELINE_MRI_MONTHS = fact(
    "mri.baseline_recency",
    3,
    EU_MRI_BASELINE,
    unit="mo",
    profile="eu",
    description="A recent MRI (usually within 3 months) as the reference before starting",
)
US_LYMPHOCYTES_BEFORE_START = fact(
    "start.lymphocytes_after_prior_therapy",
    False,
    US_CONTRAINDICATIONS,
    profile="us",
    description="US: no lymphocyte count requirement before starting",
)
EU_LYMPHOCYTES_BEFORE_START = fact(
    "start.lymphocytes_after_prior_therapy",
    True,
    EU_PRIOR_THERAPY,
    profile="eu",
    description="EU: after immunosuppressive therapy, a blood count with lymphocytes before starting",
)
