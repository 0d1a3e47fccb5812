"""Plausibility bounds: the values outside which a record is refused as impossible, not interpreted.

These are not clinical thresholds (nothing here says a value is high or low); they say where a
number stops being a measurement and becomes a typing error, a unit slip or an attack: a NaN
liver result, a dose of ``1e308`` mg, a birth date in 1066. The domain model refuses such a
record at the boundary with a message naming the field, so no rule ever sees it.

Where a scale defines its own range (EDSS 0-10, CTCAE grade 1-5) the record says so directly;
the bounds here are alpha4's stated policy where no source gives a limit, chosen wide enough
that no real patient's value is refused (a site may widen them; see ``docs/decisions.md``).
"""

from __future__ import annotations

import datetime as dt

from .base import Evidence, Source, fact

PLAUSIBILITY_POLICY = Source(
    "alpha4-plausibility",
    "alpha4 input plausibility policy: values outside these bounds are refused as impossible",
    "docs/decisions.md, issue 14 (hardening)",
    evidence=Evidence.POLICY,
    note="Bounds of the input, not clinical thresholds; wide enough that no real value is refused.",
)

EARLIEST_DATE = fact(
    "plausibility.earliest_date",
    dt.date(1900, 1, 1),
    PLAUSIBILITY_POLICY,
    description="No date of a patient record (birth, event, start, end) lies before this day",
)
LATEST_DATE = fact(
    "plausibility.latest_date",
    dt.date(2100, 12, 31),
    PLAUSIBILITY_POLICY,
    description="No date of a record lies after this day, whatever the assessment date "
    "(catches a year typed with too many digits before any rule runs)",
)
PLANNED_END_HORIZON_DAYS = fact(
    "plausibility.planned_end_horizon",
    2 * 366,
    PLAUSIBILITY_POLICY,
    unit="d",
    description="How far after the assessment date a planned end, a 'valid until' or an expected "
    "pregnancy end may lie (events themselves may not lie after it at all)",
)
MAX_LAB_VALUE = fact(
    "plausibility.lab_value_max",
    1e7,
    PLAUSIBILITY_POLICY,
    description="Largest lab value accepted in any reported unit (a platelet count of 10^7/uL is "
    "already impossible); lab values are never negative for the analytes alpha4 reads",
)
MAX_OBSERVATION_MINUTES = fact(
    "plausibility.observation_minutes_max",
    24 * 60,
    PLAUSIBILITY_POLICY,
    unit="min",
    description="Longest post-infusion observation or reaction onset accepted (one day)",
)
MAX_JCV_INDEX = fact(
    "plausibility.jcv_index_max",
    100.0,
    PLAUSIBILITY_POLICY,
    description="Largest anti-JCV antibody index accepted (reported indices lie below about 5)",
)
MAX_CONCENTRATION_UG_PER_ML = fact(
    "plausibility.concentration_max",
    10_000.0,
    PLAUSIBILITY_POLICY,
    unit="ug/mL",
    description="Largest natalizumab or anti-natalizumab antibody concentration accepted",
)
MAX_HOURS_AFTER_DOSE = fact(
    "plausibility.hours_after_dose_max",
    26 * 7 * 24.0,
    PLAUSIBILITY_POLICY,
    unit="h",
    description="Longest time between a dose and a drug-level sample accepted (26 weeks)",
)
MAX_LESION_COUNT = fact(
    "plausibility.lesion_count_max",
    1000,
    PLAUSIBILITY_POLICY,
    description="Largest count of new, enlarging or enhancing MRI lesions accepted",
)
MAX_WEIGHT_KG = fact(
    "plausibility.weight_max",
    400.0,
    PLAUSIBILITY_POLICY,
    unit="kg",
    description="Largest body weight accepted",
)
MAX_CROHNS_SCORE = fact(
    "plausibility.crohns_score_max",
    {"cdai": 1100.0, "hbi": 100.0},
    PLAUSIBILITY_POLICY,
    description="Largest Crohn's disease activity index accepted, per index (CDAI scores above "
    "about 600 are already extreme; the Harvey-Bradshaw index rarely exceeds 30)",
)
MAX_TEXT_LENGTH = fact(
    "plausibility.text_length_max",
    20_000,
    PLAUSIBILITY_POLICY,
    unit="characters",
    description="Longest text field accepted (an MRI report or a reason); ids have their own limit",
)
MAX_NESTING_DEPTH = fact(
    "plausibility.nesting_depth_max",
    32,
    PLAUSIBILITY_POLICY,
    description="Deepest nesting of arrays and objects accepted in free-form data",
)
