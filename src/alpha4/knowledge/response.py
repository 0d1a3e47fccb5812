"""Treatment response: MS relapse rate, MRI activity, disability worsening, NEDA-3, rebound;
Crohn's disease activity indices (CDAI, HBI), their bands, response and remission.

Every threshold the response rules apply lives here with its source. Where the
sources are silent (which EDSS counts as the reference, how a scan near month 6
serves as the new MRI reference, how negative CDAI terms are handled) the fact
names :data:`RESPONSE_POLICY` and says why; ``docs/response.md`` explains each.
"""

from __future__ import annotations

from .base import Evidence, Source, fact
from .pk import NOVA_2022 as PK_NOVA_2022
from .sources import seed_cd, seed_ms

# --- sources ----------------------------------------------------------------------------------
RESPONSE_POLICY = Source(
    "alpha4-response-policy",
    "alpha4 treatment-response policy (a site may change it; see docs/response.md)",
    evidence=Evidence.POLICY,
)
POLMAN_2006 = Source(
    "polman-2006",
    "Polman CH et al. A randomized, placebo-controlled trial of natalizumab for relapsing multiple sclerosis "
    "(AFFIRM). N Engl J Med 2006;354(9):899-910",
    evidence=Evidence.PAPER,
    doi="10.1056/NEJMoa044397",
)
AFFIRM_PROGRESSION = Source(
    "affirm-sustained-progression",
    POLMAN_2006.citation,
    "Sustained disability progression: >=1.0 EDSS increase from a baseline >=1.0, or >=1.5 from a baseline of 0, "
    "sustained for 12 weeks",
    evidence=Evidence.PAPER,
    note="Definition read as tabulated in a review (Neurol Res Int 2011, Table 1); see docs/verified-facts.md.",
    doi=POLMAN_2006.doi,
)
EDSS_HIGH_BASELINE = Source(
    "jnnp-edss-progression",
    "alpha4 treatment-response policy: EDSS worsening of +0.5 from a baseline above 5.5, confirmed at 3 months, "
    "no score within 30 days after a relapse (a common trial definition)",
    evidence=Evidence.POLICY,
    note="Read in a J Neurol Neurosurg Psychiatry table whose article could not be identified "
    "(docs/verified-facts.md: unconfirmed).",
)
STRIVE_2019 = Source(
    "strive-2019",
    "Perumal J et al. Outcomes of natalizumab treatment within 3 years of relapsing-remitting multiple sclerosis "
    "diagnosis: a prespecified 2-year interim analysis of STRIVE. BMC Neurol 2019;19:116",
    "Methods: NEDA = no 24-week confirmed EDSS worsening, no relapses, no Gd+ and no new/newly enlarging T2 lesions",
    evidence=Evidence.PAPER,
    doi="10.1186/s12883-019-1337-z",
    pmid="31176355",
)
HAVRDOVA_2018 = Source(
    "havrdova-2018",
    "Havrdova E et al. Mult Scler J Exp Transl Clin 2018;4(1):2055217318760642: NEDA analysed by epochs with "
    "re-baselining",
    "Abstract",
    evidence=Evidence.TO_CHECK,
    note="Abstract read as reproduced on a blog; DOI/PMID not confirmed (docs/verified-facts.md).",
)
GIOVANNONI_REBASELINE = Source(
    "giovannoni-2017-rebaseline",
    "alpha4 treatment-response policy: re-baseline MRI activity 6 months after the first infusion",
    evidence=Evidence.POLICY,
    note="Expert opinion (Giovannoni G, 'The need to rebaseline when using NEDA', MS-Research blog, Sep 2017), "
    "not peer-reviewed; listed in docs/verified-facts.md as unconfirmed.",
)
AFFIRM_ARR = Source(
    "affirm-arr",
    POLMAN_2006.citation,
    "Annualised relapse rate over 2 years",
    evidence=Evidence.PAPER,
    note="Values read as tabulated in PMC1936307 Table 3 (docs/verified-facts.md).",
    doi=POLMAN_2006.doi,
)
AFFIRM_ARR_METHOD = Source(
    "affirm-onset-of-efficacy",
    "alpha4 treatment-response policy: ARR = relapses / person-years observed, as in AFFIRM",
    evidence=Evidence.POLICY,
    note="The AFFIRM definition was read in the manufacturer's summary of a post hoc analysis "
    "(docs/verified-facts.md: unconfirmed against the trial report).",
)
AFFIRM_MRI = Source(
    "miller-2007",
    "Miller DH et al. Neurology 2007;68:1390 (AFFIRM MRI results)",
    "Abstract",
    evidence=Evidence.PAPER,
    pmid="17452584",
)
RESTORE_2014 = Source(
    "restore-2014",
    "Fox RJ et al. Neurology 2014;82:1491-1498 (RESTORE: 24-week natalizumab treatment interruption)",
    "Results",
    evidence=Evidence.PAPER,
    pmid="24682966",
)
TYSEDMUS_2016 = Source(
    "tysedmus-2016",
    "Papeix C et al. Risk of relapse after natalizumab withdrawal: results from the French TYSEDMUS cohort. "
    "Neurol Neuroimmunol Neuroinflamm 2016;3(6):e297",
    "Results",
    evidence=Evidence.PAPER,
    doi="10.1212/NXI.0000000000000297",
)
REBOUND_CASES_2017 = Source(
    "rebound-cases-2017",
    "Catastrophic outcome of patients with a rebound after natalizumab treatment discontinuation. "
    "Brain Behav 2017;7(4):e00671",
    "Results (4 patients)",
    evidence=Evidence.PAPER,
    doi="10.1002/brb3.671",
)
NOVA_2022 = PK_NOVA_2022.at("Primary results")
ENCORE_2007 = Source(
    "encore-2007",
    "Targan SR et al. Gastroenterology 2007;132:1672 (ENCORE, natalizumab in Crohn's disease)",
    "Endpoints: response = CDAI fall >= 70; remission = CDAI < 150",
    evidence=Evidence.PAPER,
    pmid="17484865",
)
CDAI_BEST_1976 = Source(
    "cdai-best-1976",
    "Best WR et al. Gastroenterology 1976;70:439 (Crohn's Disease Activity Index, National Cooperative Crohn's "
    "Disease Study)",
    "item weights; bands <150 remission, 150-220, 221-450, >450",
    evidence=Evidence.TO_CHECK,
    note="Weights and bands read on a clinical calculator page; DOI/PMID not confirmed (docs/verified-facts.md).",
)
CDAI_FORMULA = Source(
    "cdai-formula-codingace",
    "alpha4 treatment-response policy: CDAI-100 (a fall of >= 100) as the stricter response definition",
    evidence=Evidence.POLICY,
    note="Read on an online calculator page; the trial reports that use CDAI-100 were not retrieved "
    "(docs/verified-facts.md: unconfirmed).",
)
HBI_1980 = Source(
    "hbi-1980",
    "Harvey RF, Bradshaw JM. Lancet 1980;1:514 (Harvey-Bradshaw Index)",
    "items, bands and response",
    evidence=Evidence.TO_CHECK,
    note="Items and bands read on a scoring-society page; DOI/PMID not confirmed (docs/verified-facts.md).",
)
VOS_2009 = Source(
    "vos-2009",
    "Vos ACW et al. Management of lack and loss of response to anti-tumor necrosis factor therapy. "
    "IBD Monitor 2009;10:43",
    evidence=Evidence.TO_CHECK,
    note="Read on the authors' institutional repository; the journal is not indexed with a DOI/PMID.",
)
BEN_HORIN_2011 = Source(
    "ben-horin-2011",
    "Ben-Horin S, Chowers Y. Review article: loss of response to anti-TNF treatments in Crohn's disease. "
    "Aliment Pharmacol Ther 2011",
    evidence=Evidence.TO_CHECK,
    note="Read on the authors' institutional repository; DOI/PMID not confirmed (docs/verified-facts.md).",
)

# --- multiple sclerosis: relapse rate ---------------------------------------------------------
ARR_METHOD = fact(
    "response.ms.arr_method",
    "Relapses with onset in the window divided by the window's length in years (365.25 days); "
    "cohort ARR pools relapses over pooled patient-years",
    AFFIRM_ARR_METHOD,
    description="How an annualised relapse rate is computed (AFFIRM: total relapses / total person-years)",
)
ARR_PRE_TREATMENT_WINDOW_MONTHS = fact(
    "response.ms.arr_pre_window",
    12,
    RESPONSE_POLICY,
    unit="mo",
    description="Pre-treatment ARR window: the 12 months before the first infusion",
    note="Trials and the EU indication describe activity in the year before treatment; a window is stated with every rate.",
)
ARR_MIN_WINDOW_MONTHS = fact(
    "response.ms.arr_min_window",
    6,
    RESPONSE_POLICY,
    unit="mo",
    description="A single patient's on-treatment ARR is annualised only over at least 6 months",
    note="One relapse in the first month would otherwise read as an ARR of 12; shorter windows show the count only.",
)
AFFIRM_ARR_VALUES = fact(
    "response.ms.affirm_arr",
    {"natalizumab": 0.23, "placebo": 0.73},
    AFFIRM_ARR,
    unit="/a",
    description="AFFIRM ARR over 2 years (context for a clinic's own rate, not a threshold)",
)
AFFIRM_MRI_EFFECT = fact(
    "response.ms.affirm_mri",
    "Over 2 years: Gd+ lesions -92% (mean 2.4 vs 0.2), new/enlarging T2 -83% (11.0 vs 1.9)",
    AFFIRM_MRI,
    description="AFFIRM MRI effect (context)",
)
SEED_PROMISE_MS = fact(
    "response.ms.seed_promise",
    "Fewer clinical relapses, more patients relapse-free, fewer new/enlarged T2 and Gd-enhancing lesions",
    seed_ms(
        "In clinical trials, this drug significantly reduced the clinical relapse rate in patients with relapsing "
        "multiple sclerosis and increased the proportion of patients without relapses."
    ),
    seed_ms(
        "Magnetic Resonance Imaging (MRI) assessments showed that the drug effectively reduced the number of new or "
        "enlarged T2 hyperintense lesions and gadolinium-enhancing lesions."
    ),
    description="What the user's source document promises in MS (what the response rules check)",
)

# --- multiple sclerosis: MRI re-baselining ----------------------------------------------------
REBASELINE_MONTHS = fact(
    "response.ms.rebaseline",
    6,
    RESPONSE_POLICY,
    GIOVANNONI_REBASELINE,
    HAVRDOVA_2018,
    unit="mo",
    description=(
        "Re-baseline 6 months after the first infusion: relapses and MRI activity before it are shown, not counted "
        "as treatment failure (NEDA-3, suboptimal response)"
    ),
    note="Re-baselining NEDA after a period that lets a maintenance therapy act is described by Havrdova 2018; "
    "the 6-month choice follows Giovannoni and is alpha4 policy.",
)
REBASELINE_SCAN_WINDOW_DAYS = fact(
    "response.ms.rebaseline_scan_window",
    45,
    RESPONSE_POLICY,
    unit="d",
    description="A scan within 45 days of the re-baseline date is the new MRI reference: its new/enlarging T2 "
    "lesions (counted against the pre-treatment scan) are not counted; its Gd+ lesions are",
    note="Without such a scan, new/enlarging T2 lesions on the first later scan are counted and flagged as "
    "compared with the pre-treatment scan.",
)

# --- multiple sclerosis: disability worsening -------------------------------------------------
CDW_INCREASE = fact(
    "response.ms.cdw_increase",
    ((0.0, 1.5), (1.0, 1.0), (6.0, 0.5)),
    AFFIRM_PROGRESSION,
    EDSS_HIGH_BASELINE,
    unit="{EDSS}",
    description=(
        "Confirmed disability worsening: EDSS increase of >=1.5 from a baseline below 1.0, >=1.0 from 1.0-5.5, "
        ">=0.5 from above 5.5 (rows: lowest baseline, increase needed)"
    ),
    note="A baseline of 0.5 (not a Kurtzke step) is treated like 0. AFFIRM gives the first two rows, the JNNP "
    "definition the +0.5 above 5.5.",
)
CDW_CONFIRM_MONTHS = fact(
    "response.ms.cdw_confirm",
    3,
    AFFIRM_PROGRESSION,
    EDSS_HIGH_BASELINE,
    unit="mo",
    description="Worsening is confirmed by a score at least 3 months later (every score in between also meets it)",
    note="AFFIRM sustained it for 12 weeks; STRIVE used 24 weeks (see response.ms.cdw_confirm_strict).",
)
CDW_CONFIRM_MONTHS_STRICT = fact(
    "response.ms.cdw_confirm_strict",
    6,
    STRIVE_2019,
    unit="mo",
    description="Stricter confirmation at 24 weeks (STRIVE NEDA); a parameter of the rules",
)
EDSS_RELAPSE_EXCLUSION_DAYS = fact(
    "response.ms.edss_relapse_exclusion",
    30,
    EDSS_HIGH_BASELINE,
    unit="d",
    description="EDSS scores within 30 days after a relapse onset neither start nor confirm a worsening",
)

# --- multiple sclerosis: NEDA-3 and suboptimal response ---------------------------------------
NEDA3_DEFINITION = fact(
    "response.ms.neda3",
    "No relapses, no new or enlarging T2 lesions, no gadolinium-enhancing lesions, no confirmed disability worsening",
    STRIVE_2019,
    HAVRDOVA_2018,
    description="NEDA-3 over a period; unknown when the period has no assessable MRI or no EDSS",
)
NEDA3_PERIODS_MONTHS = fact(
    "response.ms.neda3_periods",
    (12, 24),
    RESPONSE_POLICY,
    unit="mo",
    description="Cohort NEDA-3 at 1 and 2 years from the first infusion (patients still on treatment at that time)",
    note="The 1- and 2-year epochs of STRIVE and AFFIRM; patients who stopped earlier are left out and counted.",
)
NEDA3_RECENT_MONTHS = fact(
    "response.ms.neda3_recent",
    12,
    RESPONSE_POLICY,
    unit="mo",
    description="A patient's current NEDA-3 is judged over the last 12 months on treatment (from the re-baseline "
    "date at the earliest); suboptimal response is activity in that window, and an unknown status is reported "
    "once 12 months of treatment would have brought a yearly MRI",
    note="A yearly full MRI is the minimum the label sources ask for, so 12 months is the shortest window "
    "in which every patient should have an assessable scan.",
)
STRIVE_NEDA_RATES = fact(
    "response.ms.strive_neda",
    "NEDA 56.1% in year 1, 73.6% in year 2, 44.4% over 2 years (early RRMS, JCV negative)",
    STRIVE_2019,
    description="Context for a clinic's NEDA-3 proportions",
)
DOSING_LOOKBACK_MONTHS = fact(
    "response.ms.dosing_lookback",
    12,
    RESPONSE_POLICY,
    unit="mo",
    description="Late or missed doses are looked for in the 12 months before the disease activity",
    note="Possible causes are listed for the prescriber; they are context, not a judgement.",
)
LATE_DOSE_TOLERANCE_DAYS = fact(
    "response.ms.late_dose_tolerance",
    7,
    RESPONSE_POLICY,
    unit="d",
    description="An interval longer than the prescribed interval plus 7 days (and longer than 5 weeks) is a late dose",
    note="The 5-week floor is the upper end of standard-interval dosing (dose.standard_interval_upper).",
)
EID_EFFICACY_TESTED_DAYS = fact(
    "response.ms.eid_tested_interval",
    42,
    NOVA_2022,
    unit="d",
    description="Every-6-week dosing is the longest interval tested for efficacy in a randomised trial (NOVA); "
    "a longer average interval is a possible cause of breakthrough activity",
)

# --- multiple sclerosis: after discontinuation -----------------------------------------------
REBOUND_WATCH_MONTHS = fact(
    "response.ms.rebound_watch",
    12,
    TYSEDMUS_2016,
    RESTORE_2014,
    unit="mo",
    description="Watch for return of disease activity for 12 months after the last infusion",
    note="TYSEDMUS: 45% probability of relapse within the year after stopping.",
)
REBOUND_TIMING = fact(
    "response.ms.rebound_timing",
    "Relapses as early as 4-8 weeks and MRI activity from week 12 after the last dose (RESTORE); relapse "
    "probability 45% within 12 months of stopping (TYSEDMUS); severe rebound beginning a mean 3.5 months "
    "after stopping in a case series",
    RESTORE_2014,
    TYSEDMUS_2016,
    REBOUND_CASES_2017,
    description="What the sources say about the timing of disease return after natalizumab is stopped",
)

# --- Crohn's disease: indices -----------------------------------------------------------------
CDAI_WEIGHTS = fact(
    "response.cd.cdai_weights",
    {
        "liquid_stools": 2.0,
        "abdominal_pain": 5.0,
        "general_wellbeing": 7.0,
        "complications": 20.0,
        "antidiarrheal": 30.0,
        "abdominal_mass": 10.0,
        "hematocrit": 6.0,
        "body_weight": 1.0,
    },
    CDAI_BEST_1976,
    CDAI_FORMULA,
    description=(
        "CDAI weights: liquid stools (7-day total) x2; pain (sum of 7 daily 0-3) x5; well-being (sum of 7 daily 0-4) x7; "
        "complication categories x20; antidiarrheal x30; mass (0/2/5) x10; haematocrit deficit x6; "
        "% below standard weight x1"
    ),
)
CDAI_HEMATOCRIT_REFERENCE = fact(
    "response.cd.cdai_hematocrit_reference",
    {"male": 47.0, "female": 42.0},
    CDAI_BEST_1976,
    unit="%",
    description="Haematocrit term: (47 - Hct) for men, (42 - Hct) for women",
)
CDAI_ITEM_RANGES = fact(
    "response.cd.cdai_item_ranges",
    {
        "liquid_stools_week": (0, 280),
        "pain_week": (0, 21),
        "wellbeing_week": (0, 28),
        "complications": (0, 6),
        "abdominal_mass": (0, 2, 5),
        "hematocrit": (10, 70),
        "weight_kg": (20, 400),
    },
    CDAI_BEST_1976,
    RESPONSE_POLICY,
    description="Valid CDAI inputs: pain 7x0-3, well-being 7x0-4, 6 complication categories, mass 0/2/5",
    note="The stool (40 a day), haematocrit and weight limits are plausibility bounds alpha4 sets.",
)
CDAI_NEGATIVE_TERMS = fact(
    "response.cd.cdai_negative_terms",
    "keep",
    RESPONSE_POLICY,
    description="Negative haematocrit and weight terms are kept as computed (they lower the total); the total is "
    "floored at 0",
    note="The retrieved formulas give the terms without truncation; some implementations floor or cap them, "
    "which the sources do not confirm. A negative total is recorded as 0 because an index record cannot be negative.",
)
CDAI_BANDS = fact(
    "response.cd.cdai_bands",
    ((150.0, "remission"), (220.0, "mild_to_moderate"), (450.0, "moderate_to_severe")),
    CDAI_BEST_1976,
    description="CDAI bands: <150 remission; 150-220 mild to moderate; >220-450 moderate to severe; >450 severe "
    "(rows: upper bound, band; remission's bound is exclusive, the others inclusive)",
)
CDAI_REMISSION_BELOW = fact(
    "response.cd.cdai_remission_below",
    150.0,
    ENCORE_2007,
    CDAI_BEST_1976,
    description="Clinical remission: CDAI < 150",
)
CDAI_RESPONSE_100 = fact(
    "response.cd.cdai_response_100",
    100.0,
    CDAI_FORMULA,
    description="Stricter clinical response: CDAI fall of at least 100 (CDAI-100)",
    note="GEMINI used CDAI-100; the primary report was not retrieved.",
)
HBI_ITEM_RANGES = fact(
    "response.cd.hbi_item_ranges",
    {
        "wellbeing": (0, 4),
        "pain": (0, 3),
        "liquid_stools": (0, 40),
        "abdominal_mass": (0, 3),
        "complications": (0, 8),
    },
    HBI_1980,
    RESPONSE_POLICY,
    description="HBI items: well-being 0-4, pain 0-3, liquid stools previous day (1 each), mass 0-3, "
    "complications 1 each (8 listed)",
    note="40 liquid stools a day is a plausibility bound alpha4 sets.",
)
HBI_BANDS = fact(
    "response.cd.hbi_bands",
    ((5.0, "remission"), (7.0, "mild"), (16.0, "moderate")),
    HBI_1980,
    description="HBI bands: <5 remission; 5-7 mild; 8-16 moderate; >16 severe",
)
HBI_REMISSION_BELOW = fact(
    "response.cd.hbi_remission_below",
    5.0,
    HBI_1980,
    description="Clinical remission: HBI < 5",
)
SEED_PROMISE_CD = fact(
    "response.cd.seed_promise",
    "A chance at remission in Crohn's disease unresponsive to anti-TNF therapy",
    seed_cd(
        "Explore how natalizumab is providing relief for Crohn's patients who haven't responded to traditional "
        "anti-TNF therapies, offering a chance at remission and improved quality of life."
    ),
    description="What the user's source document promises in Crohn's disease",
)
ANTI_TNF_FAILURE_LITERATURE = fact(
    "response.cd.anti_tnf_failure_literature",
    "About one-third primary non-response and one-third of responders losing response (Vos 2009); secondary loss "
    "of response at 12 months 23-46% by dose intensification or 5-13% by discontinuation (Ben-Horin 2011)",
    VOS_2009,
    BEN_HORIN_2011,
    description="Anti-TNF failure rates in the literature (context, not a rule); the seed's 30-40% / up to 50% "
    "is crohns.anti_tnf_failure_rates",
)
