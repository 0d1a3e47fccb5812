"""Label profiles: where the US label (with the TOUCH REMS) and the EU SmPC differ.

Rules take a :class:`Profile` and read its facts; no rule body asks which region
it runs in.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import label
from .base import Fact, fact
from .pml_tables import BERGER_FOX, HO_SMPC, PmlTable
from .sources import EU_SMPC_INDICATIONS, US_CROHNS_DOSING, US_INDICATIONS

US_MS_COURSES = fact(
    "indication.ms_courses",
    ("cis", "rrms", "active_spms"),
    US_INDICATIONS,
    profile="us",
    description="Relapsing forms of MS: clinically isolated syndrome, relapsing-remitting, active secondary progressive",
)
EU_MS_COURSES = fact(
    "indication.ms_courses",
    ("rrms",),
    EU_SMPC_INDICATIONS,
    profile="eu",
    description="Highly active relapsing-remitting MS (despite a full course of a DMT, or rapidly evolving severe)",
)
US_CROHNS_INDICATED = fact(
    "indication.crohns",
    True,
    US_INDICATIONS,
    US_CROHNS_DOSING,
    profile="us",
    description="Moderately to severely active Crohn's disease with inflammation, after conventional therapy and TNF-a inhibitors",
)
EU_CROHNS_INDICATED = fact(
    "indication.crohns",
    False,
    EU_SMPC_INDICATIONS,
    profile="eu",
    description="No Crohn's disease indication in the EU",
)
US_REQUIRES_HIGHLY_ACTIVE = fact("indication.requires_highly_active", False, US_INDICATIONS, profile="us")
EU_REQUIRES_HIGHLY_ACTIVE = fact("indication.requires_highly_active", True, EU_SMPC_INDICATIONS, profile="eu")
US_OPPORTUNISTIC_STOPS = fact(
    "infection.opportunistic.permanent_stop", False, label.OPPORTUNISTIC_INFECTION_US.sources[0], profile="us"
)
EU_OPPORTUNISTIC_STOPS = fact(
    "infection.opportunistic.permanent_stop",
    True,
    label.OPPORTUNISTIC_INFECTION_STOP.sources[0],
    profile="eu",
)


@dataclass(frozen=True, slots=True)
class Profile:
    """The facts that differ by label, bundled so rules can take one argument."""

    name: str
    title: str
    ms_courses: Fact[tuple[str, ...]]
    crohns_indicated: Fact[bool]
    requires_highly_active_ms: Fact[bool]
    opportunistic_infection_stops: Fact[bool]
    pml_table: Fact[PmlTable]
    additional_pml_tables: tuple[Fact[PmlTable], ...]
    rems_authorization: bool  # the TOUCH authorization cycle applies
    reassessment_interval_months: Fact[int]
    interferon_combination_gate: Fact[str]  # "hold" or "stop"
    immunosuppressant_combination_gate: Fact[str]
    malignancy_gate: Fact[str]
    immunocompromise_gate: Fact[str]
    observe_every_infusion: Fact[bool]
    routes: Fact[tuple[str, ...]]
    baseline_mri_months: Fact[int]
    lymphocytes_before_start: Fact[bool]


US = Profile(
    name="us",
    title="US prescribing information and TOUCH Prescribing Program (REMS)",
    ms_courses=US_MS_COURSES,
    crohns_indicated=US_CROHNS_INDICATED,
    requires_highly_active_ms=US_REQUIRES_HIGHLY_ACTIVE,
    opportunistic_infection_stops=US_OPPORTUNISTIC_STOPS,
    pml_table=BERGER_FOX,
    additional_pml_tables=(),
    rems_authorization=True,
    reassessment_interval_months=label.TOUCH_ASSESSMENT_INTERVAL_MONTHS,
    interferon_combination_gate=label.US_INTERFERON_EFFECT,
    immunosuppressant_combination_gate=label.US_COMBINATION_EFFECT,
    malignancy_gate=label.US_MALIGNANCY_EFFECT,
    immunocompromise_gate=label.US_IMMUNOCOMPROMISE_EFFECT,
    observe_every_infusion=label.US_OBSERVE_EVERY_INFUSION,
    routes=label.US_ROUTES,
    baseline_mri_months=label.US_BASELINE_MRI_MONTHS,
    lymphocytes_before_start=label.US_LYMPHOCYTES_BEFORE_START,
)

EU = Profile(
    name="eu",
    title="EU Summary of Product Characteristics and EMA/PRAC recommendations",
    ms_courses=EU_MS_COURSES,
    crohns_indicated=EU_CROHNS_INDICATED,
    requires_highly_active_ms=EU_REQUIRES_HIGHLY_ACTIVE,
    opportunistic_infection_stops=EU_OPPORTUNISTIC_STOPS,
    pml_table=BERGER_FOX,
    additional_pml_tables=(HO_SMPC,),
    rems_authorization=False,
    reassessment_interval_months=label.EU_REASSESSMENT_MONTHS,
    interferon_combination_gate=label.EU_INTERFERON_EFFECT,
    immunosuppressant_combination_gate=label.EU_COMBINATION_EFFECT,
    malignancy_gate=label.EU_MALIGNANCY_EFFECT,
    immunocompromise_gate=label.EU_IMMUNOCOMPROMISE_EFFECT,
    observe_every_infusion=label.EU_OBSERVE_EVERY_INFUSION,
    routes=label.EU_ROUTES,
    baseline_mri_months=label.EU_BASELINE_MRI_MONTHS,
    lymphocytes_before_start=label.EU_LYMPHOCYTES_BEFORE_START,
)

PROFILES: dict[str, Profile] = {"us": US, "eu": EU}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name.lower()]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}") from None
