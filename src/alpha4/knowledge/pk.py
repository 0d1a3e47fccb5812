"""Pharmacokinetic and pharmacodynamic knowledge for the precision-dosing module (``alpha4.pk``).

The model structure follows Muralidharan et al. 2017 (two-compartment, linear plus
Michaelis-Menten elimination, sigmoid Emax saturation). That paper's typical values could
not be verified from a stored source, so alpha4 builds a **one-compartment model with
linear plus Michaelis-Menten elimination** whose parameters are all taken or derived from
verified label values:

* volume and linear clearance: the population PK analysis reported in the Swiss/EU label
  (median Vss 5.96 L, linear CL 6.08 mL/h, half-life 28.2 days);
* the clearance at low concentrations (saturable pathway fully active): the US label's
  16 mL/h, which with 5.96 L gives the label's 11-day half-life;
* the Michaelis constant: calibrated so that the typical 70 kg patient's steady-state
  trough on 300 mg every 4 weeks is 26 µg/mL, the middle of the label's 23-29 µg/mL.

Every number below is a :class:`~alpha4.knowledge.base.Fact` with its source; a choice
alpha4 makes is marked ``Evidence.POLICY`` and states what it was derived from.
"""

from __future__ import annotations

import math

from . import sources
from .base import Evidence, Source, fact
from .sources import SEED_MS, SWISS_PK, US_DOSING, US_IMMUNOGENICITY, US_PK

# --- sources only this module uses ------------------------------------------------------------
LEXICOMP_PK = Source(
    "lexicomp-natalizumab",
    sources.US_LABEL.citation,
    "12.3 Pharmacokinetics: specific populations (persistent antibodies ~3-fold clearance; "
    "43% more body weight, 32% more clearance)",
    sources.DAILYMED,
    Evidence.LABEL,
    note="Label wording read as reproduced in the Lexicomp natalizumab monograph (docs/verified-facts.md).",
)
EU_SMPC_PK = Source(
    "eu-smpc-pk-cz",
    sources.EU_SMPC.citation,
    "5.2 Pharmacokinetic properties",
    sources.EMA_PRODUCT_INFORMATION,
    Evidence.LABEL,
    note="Read on a Czech-language copy of the SmPC (docs/verified-facts.md).",
)
DRUGBANK_CROHNS = Source(
    "drugbank-natalizumab-copy",
    sources.US_LABEL.citation,
    "12.3 Pharmacokinetics: Crohn's disease (clearance 22 ± 22 mL/h; volume 5.2 ± 2.8 L)",
    sources.DAILYMED,
    Evidence.TO_CHECK,
    note="The Crohn's values were read on a secondary copy of a DrugBank summary: to check against the label.",
)
MURALIDHARAN_2017 = Source(
    "muralidharan-2017",
    "Muralidharan KK et al. Population pharmacokinetics and target engagement of natalizumab "
    "in patients with multiple sclerosis. J Clin Pharmacol 2017;57(8)",
    "Abstract: model structure and covariates",
    evidence=Evidence.PAPER,
    note="Structure only; the typical values were not available in a stored source.",
    doi="10.1002/jcph.894",
)
FOLEY_2019_SID_EID = Source(
    "foley-2019-sid-eid",
    "Foley JF et al. 2019: natalizumab concentration and α4-integrin occupancy with standard vs extended "
    "interval dosing (observational cohort)",
    "Abstract results: mean trough 35.7 vs 18.2 µg/mL; occupancy 87.4% vs 78.2%",
    evidence=Evidence.PAPER,
    pmid="30939392",
)
ZHOVTIS_RYERSON_2020 = Source(
    "zhovtis-ryerson-2020",
    "Zhovtis Ryerson L et al. Pharmacodynamics of natalizumab extended interval dosing in MS. "
    "Neurol Neuroimmunol Neuroinflamm 2020;7(2):e672 (PMCID PMC7057061)",
    "Abstract: 'therapeutic' trough thresholds 2.0 µg/mL and 50% saturation",
    "https://pmc.ncbi.nlm.nih.gov/articles/PMC7057061/",
    Evidence.PAPER,
)
NEXT_MS_2024 = Source(
    "next-ms-2024",
    "Toorop AA et al. Prospective trial of natalizumab personalised extended interval dosing by "
    "therapeutic drug monitoring in relapsing-remitting multiple sclerosis (NEXT-MS). "
    "J Neurol Neurosurg Psychiatry 2024;95(5):392-400",
    "Methods: EID10 target trough 10 µg/mL, exploratory EID5 5 µg/mL; adults with ≥6 infusions",
    evidence=Evidence.PAPER,
    pmid="37963723",
)
VAN_KEMPEN_2020 = Source(
    "van-kempen-2020",
    "van Kempen ZLE et al. Personalized extended interval dosing of natalizumab in MS: "
    "a prospective multicenter trial. Neurology 2020;95(6):e745-e754",
    "Participants: no disease activity in the year before enrolment",
    evidence=Evidence.PAPER,
    pmid="32690785",
)
NOVA_2022 = Source(
    "nova-2022",
    "Foley JF et al. NOVA: every-6-week vs every-4-week natalizumab. Lancet Neurol 2022;21:608-619",
    "Inclusion: stable on every-4-week dosing ≥12 months without relapse, no enhancing lesions",
    evidence=Evidence.PAPER,
    pmid="35483387",
)
VAN_DEN_BERG_2025 = Source(
    "van-den-berg-2025",
    "van den Berg SPH et al. Pharmacokinetic model-informed precision dosing of natalizumab in multiple sclerosis. "
    "CPT Pharmacometrics Syst Pharmacol 2025",
    "Abstract: Bayesian estimates from weight and two troughs; 10 and 5 µg/mL targets",
    evidence=Evidence.PAPER,
    doi="10.1002/psp4.70014",
)
VOLLMER_2004 = Source(
    "vollmer-2004",
    "Vollmer TL et al. Open-label safety and drug interaction study of natalizumab with "
    "interferon beta-1a. Mult Scler 2004;10(5):511-520",
    "Abstract: concentrations 'somewhat elevated', differences small, unlikely clinically relevant",
    evidence=Evidence.PAPER,
    doi="10.1191/1352458504ms1084oa",
)
PK_POLICY = Source(
    "alpha4-pk-policy",
    "alpha4 precision-dosing policy (derivations stated with each fact; see docs/pk.md)",
    evidence=Evidence.POLICY,
)

# --- dose -------------------------------------------------------------------------------------
DOSE_MG = fact("pk.dose", 300.0, US_DOSING, unit="mg", description="Label dose: 300 mg IV over about 1 hour")
LABEL_INTERVAL_WEEKS = fact(
    "pk.label_interval",
    4.0,
    US_DOSING,
    unit="wk",
    description="Label dosing interval: every 4 weeks",
)

# --- label summary values (validation targets) ------------------------------------------------
LABEL_HALF_LIFE_DAYS = fact(
    "pk.label_half_life",
    (11.0, 4.0),
    US_PK,
    unit="d",
    description="MS half-life, mean ± SD (US label 12.3)",
)
LABEL_VOLUME_L = fact(
    "pk.label_volume",
    (5.7, 1.9),
    US_PK,
    unit="L",
    description="MS volume of distribution, mean ± SD (US label 12.3)",
)
LABEL_CLEARANCE_ML_PER_H = fact(
    "pk.label_clearance",
    (16.0, 5.0),
    US_PK,
    unit="mL/h",
    description="MS clearance, mean ± SD (US label 12.3)",
)
STEADY_STATE_TROUGH_RANGE = fact(
    "pk.steady_state_trough_range",
    (23.0, 29.0),
    SWISS_PK,
    EU_SMPC_PK,
    unit="ug/mL",
    description="Mean steady-state trough range on 300 mg every 4 weeks",
)
TIME_TO_STEADY_STATE_WEEKS = fact(
    "pk.time_to_steady_state",
    24.0,
    US_PK,
    SWISS_PK,
    unit="wk",
    description="Predicted time to steady state on every-4-week dosing",
)
Q6W_TROUGH_REDUCTION = fact(
    "pk.q6w_trough_reduction",
    (0.60, 0.70),
    SWISS_PK,
    EU_SMPC_PK,
    unit="1",
    description="Every-6-week troughs are about 60-70% lower than every-4-week troughs",
)
WEEK12_TROUGH_BY_ANTIBODY = fact(
    "pk.week12_trough_by_antibody",
    {"negative": 15.0, "persistent": 1.3},
    US_IMMUNOGENICITY,
    unit="ug/mL",
    description="Week-12 pre-infusion level, antibody-negative vs persistently positive (MS1)",
)
POPULATION_HALF_LIFE_DAYS = fact(
    "pk.population_linear_half_life",
    28.2,
    SWISS_PK,
    unit="d",
    description="Median half-life of the population PK analysis (linear pathway)",
)

# --- structural model -------------------------------------------------------------------------
VOLUME_L = fact(
    "pk.volume",
    5.96,
    SWISS_PK,
    unit="L",
    description="Typical volume (population median Vss, 12 studies, 1,781 subjects)",
)
LINEAR_CLEARANCE_ML_PER_H = fact(
    "pk.linear_clearance",
    6.08,
    SWISS_PK,
    unit="mL/h",
    description="Typical linear (first-order) clearance, population median",
)
LOW_CONCENTRATION_CLEARANCE_ML_PER_H = fact(
    "pk.low_concentration_clearance",
    16.0,
    US_PK,
    PK_POLICY,
    unit="mL/h",
    description="Total clearance when the saturable pathway is fully active (C << Km)",
    note=(
        "alpha4 reads the US label's 16 mL/h and 11-day half-life as the low-concentration "
        "limit: with V 5.96 L it gives t1/2 = ln2*5.96/0.384 = 10.8 days. The saturable "
        "capacity Vmax/Km is 16 - 6.08 = 9.92 mL/h."
    ),
)
MICHAELIS_CONSTANT_UG_PER_ML = fact(
    "pk.michaelis_constant",
    24.2,
    PK_POLICY,
    SWISS_PK,
    unit="ug/mL",
    description="Km of the saturable elimination pathway",
    note=(
        "Calibrated: the value for which a 70 kg MS patient on 300 mg every 4 weeks has a "
        "steady-state trough of 26 ug/mL, the middle of the label's 23-29 ug/mL. A test "
        "recomputes it. With it Vmax = 9.92 mL/h * 24.2 mg/L = 5.76 mg/day."
    ),
)
STRUCTURE = fact(
    "pk.model_structure",
    "one-compartment, IV bolus, linear + Michaelis-Menten elimination",
    MURALIDHARAN_2017,
    PK_POLICY,
    description="Model structure (Muralidharan 2017 reduced to one compartment)",
    note=(
        "Muralidharan 2017 used two compartments; only the steady-state volume is verified, so "
        "alpha4 uses one. The 1-hour infusion is treated as a bolus (1 h of a 28-day interval)."
    ),
)

# --- covariates -------------------------------------------------------------------------------
REFERENCE_WEIGHT_KG = fact(
    "pk.reference_weight",
    70.0,
    PK_POLICY,
    unit="kg",
    description="Body weight at which the typical values apply",
    note="The population median weight is not stated in the label; 70 kg is alpha4's reference.",
)
WEIGHT_CLEARANCE_EXPONENT = fact(
    "pk.weight_clearance_exponent",
    round(math.log(1.32) / math.log(1.43), 3),
    LEXICOMP_PK,
    US_PK,
    unit="1",
    description="Power of (weight/70 kg) on clearance",
    note=(
        "Derived: a 43% increase in weight gives a 32% increase in clearance (US wording), "
        "so exponent = ln 1.32 / ln 1.43 = 0.776. The EU SmPC gives -33% to +30% for ±43% "
        "(exponents 0.71-0.73). No weight effect on volume is stated, so none is applied."
    ),
)
ANTIBODY_CLEARANCE_FACTOR_US = fact(
    "pk.antibody_clearance_factor",
    3.0,
    LEXICOMP_PK,
    US_PK,
    unit="1",
    profile="us",
    description="Clearance multiplier with persistent anti-natalizumab antibodies (US: ~3-fold)",
)
ANTIBODY_CLEARANCE_FACTOR_EU = fact(
    "pk.antibody_clearance_factor",
    2.45,
    SWISS_PK,
    EU_SMPC_PK,
    unit="1",
    profile="eu",
    description="Clearance multiplier with persistent anti-natalizumab antibodies (EU: ~2.45-fold)",
)
INTERFERON_CLEARANCE_FACTOR = fact(
    "pk.interferon_clearance_factor",
    1.0,
    VOLLMER_2004,
    SEED_MS,
    PK_POLICY,
    unit="1",
    description="Clearance multiplier with interferon beta-1a: not adjusted (1.0)",
    note=(
        "Vollmer 2004 found concentrations 'somewhat elevated' with IM interferon beta-1a and "
        "the seed says clearance is 'somewhat reduced'; no verified number exists (the ~30% "
        "figure is unverified). The model does not adjust, and says so in its output."
    ),
)
CROHNS_CLEARANCE_ML_PER_H = fact(
    "pk.crohns_clearance",
    22.0,
    DRUGBANK_CROHNS,
    unit="mL/h",
    description="Crohn's disease clearance (mean; SD 22) as against 16 mL/h in MS",
    note="Applied as the ratio 22/16 = 1.375 on clearance. Secondary source; check the label.",
)
CROHNS_VOLUME_L = fact(
    "pk.crohns_volume",
    5.2,
    DRUGBANK_CROHNS,
    unit="L",
    description="Crohn's disease volume (mean; SD 2.8) as against 5.7 L in MS",
    note="Applied as the ratio 5.2/5.7 on volume. Secondary source; check the label.",
)

# --- variability ------------------------------------------------------------------------------
BSV_CLEARANCE = fact(
    "pk.bsv_clearance",
    round(math.sqrt(math.log(1 + (5.0 / 16.0) ** 2)), 3),
    US_PK,
    PK_POLICY,
    unit="1",
    description="Between-subject SD of log clearance (omega)",
    note="Derived from the label's 16 ± 5 mL/h: CV 31%, omega = sqrt(ln(1 + 0.3125^2)) = 0.305.",
)
BSV_VOLUME = fact(
    "pk.bsv_volume",
    round(math.sqrt(math.log(1 + (1.9 / 5.7) ** 2)), 3),
    US_PK,
    PK_POLICY,
    unit="1",
    description="Between-subject SD of log volume (omega)",
    note="Derived from the label's 5.7 ± 1.9 L: CV 33%, omega = sqrt(ln(1 + 0.333^2)) = 0.325.",
)
RESIDUAL_PROPORTIONAL = fact(
    "pk.residual_proportional",
    0.20,
    PK_POLICY,
    unit="1",
    description="Proportional residual error (SD as a fraction of the prediction)",
    note=(
        "No verified source gives natalizumab's residual error; 20% is alpha4's assumption "
        "(assay plus model misspecification). The MAP estimate and its uncertainty depend on it."
    ),
)
RESIDUAL_ADDITIVE_UG_PER_ML = fact(
    "pk.residual_additive",
    0.2,
    PK_POLICY,
    unit="ug/mL",
    description="Additive residual error SD, so that near-zero levels keep a finite variance",
    note="alpha4's assumption; no verified source.",
)

# --- published accuracy of model-informed precision dosing ----------------------------------
PUBLISHED_MIPD_ACCURACY = fact(
    "pk.published_mipd_accuracy",
    {
        "target_ug_per_ml": 10.0,
        "mipd_mean_prediction_error_percent": 4.8,
        "mipd_rmse_ug_per_ml": 2.3,
        "decision_tree_mean_prediction_error_percent": 24.0,
        "decision_tree_rmse_ug_per_ml": 4.0,
    },
    VAN_DEN_BERG_2025.at(
        "Abstract: accuracy (mean prediction error) 4.8% vs 24% and precision (RMSE) 2.3 vs 4.0 µg/mL "
        "for model-informed vs decision-tree intervals, aiming for a 10 µg/mL trough"
    ),
    description="Accuracy and precision of natalizumab MIPD (weight and two troughs in) against a decision tree",
    note=(
        "The yardstick of benchmarks/planner_accuracy.py, a virtual-patient simulation of alpha4's "
        "planner; no rule reads it."
    ),
)

# --- pharmacodynamics: α4-integrin saturation -------------------------------------------------
_SAT_HIGH = (35.7, 87.4)
_SAT_LOW = (18.2, 78.2)
_LOGIT_HIGH = math.log(_SAT_HIGH[1] / (100 - _SAT_HIGH[1]))
_LOGIT_LOW = math.log(_SAT_LOW[1] / (100 - _SAT_LOW[1]))
_HILL = (_LOGIT_HIGH - _LOGIT_LOW) / math.log(_SAT_HIGH[0] / _SAT_LOW[0])
_EC50 = math.exp(math.log(_SAT_HIGH[0]) - _LOGIT_HIGH / _HILL)

SATURATION_MAX_PERCENT = fact(
    "pk.saturation_max",
    100.0,
    MURALIDHARAN_2017,
    PK_POLICY,
    unit="%",
    description="Maximum α4-integrin saturation of the sigmoid Emax relation",
)
SATURATION_HILL = fact(
    "pk.saturation_hill",
    round(_HILL, 3),
    FOLEY_2019_SID_EID,
    PK_POLICY,
    unit="1",
    description="Hill coefficient of the saturation-concentration relation",
    note=(
        "Derived from the two published group means (35.7 ug/mL, 87.4%) and (18.2 ug/mL, "
        "78.2%) with Emax 100%: gamma = (logit 0.874 - logit 0.782)/ln(35.7/18.2) = 0.98. "
        "Consistent with NEXT-MS: saturation 20-40% below 1-2 ug/mL."
    ),
)
SATURATION_EC50_UG_PER_ML = fact(
    "pk.saturation_ec50",
    round(_EC50, 2),
    FOLEY_2019_SID_EID,
    PK_POLICY,
    unit="ug/mL",
    description="Concentration giving half-maximal α4-integrin saturation",
    note="Derived with the Hill coefficient from the same two pairs: EC50 = 4.94 ug/mL.",
)
SATURATION_THRESHOLD_PERCENT = fact(
    "pk.saturation_threshold",
    50.0,
    ZHOVTIS_RYERSON_2020,
    unit="%",
    description="Trough saturation above which natalizumab's efficacy is held to be kept",
)
THERAPEUTIC_CONCENTRATION_UG_PER_ML = fact(
    "pk.therapeutic_concentration",
    2.0,
    ZHOVTIS_RYERSON_2020,
    VAN_DEN_BERG_2025,
    unit="ug/mL",
    description="'Therapeutic' trough concentration threshold used in EID studies",
)

# --- planner ----------------------------------------------------------------------------------
TROUGH_TARGET_UG_PER_ML = fact(
    "pk.trough_target",
    10.0,
    NEXT_MS_2024,
    VAN_DEN_BERG_2025,
    unit="ug/mL",
    description="Default trough target for personalised extended-interval dosing (NEXT-MS EID10)",
    note="NEXT-MS also studied 5 ug/mL (EID5, exploratory); the target is configurable.",
)
CANDIDATE_INTERVALS_WEEKS = fact(
    "pk.candidate_intervals",
    (4.0, 5.0, 6.0, 7.0, 8.0),
    PK_POLICY,
    VAN_KEMPEN_2020,
    unit="wk",
    description="Intervals the planner considers",
    note="Personalised EID trials extended to 5-7 weeks and beyond; alpha4 stops at 8 weeks.",
)
MAX_PROBABILITY_BELOW_TARGET = fact(
    "pk.max_probability_below_target",
    0.20,
    PK_POLICY,
    unit="1",
    description="Highest estimated probability of a trough below target the planner accepts",
    note="alpha4's choice: an interval is recommended only if P(trough < target) <= 20%.",
)
DISEASE_ACTIVITY_LOOKBACK_MONTHS = fact(
    "pk.disease_activity_lookback",
    12,
    NOVA_2022,
    VAN_KEMPEN_2020,
    unit="mo",
    description="EID trials enrolled patients free of relapse and MRI activity for 12 months",
)
