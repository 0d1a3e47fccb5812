"""Clinical knowledge: every number, interval, threshold and table alpha4 applies, with its source.

Importing this package registers every fact in :data:`CATALOGUE`.
"""

from . import brands, codes, cohort_rates, lab_units, label, pk, plausibility, pml_tables, profiles, response
from .base import CATALOGUE, Evidence, Fact, Source, fact
from .profiles import EU, PROFILES, US, Profile, get_profile

__all__ = [
    "CATALOGUE",
    "EU",
    "PROFILES",
    "US",
    "Evidence",
    "Fact",
    "Profile",
    "Source",
    "brands",
    "codes",
    "cohort_rates",
    "fact",
    "get_profile",
    "lab_units",
    "label",
    "pk",
    "plausibility",
    "pml_tables",
    "profiles",
    "response",
]


def all_facts() -> list[Fact[object]]:
    """Every registered fact, in id order."""
    return [CATALOGUE[k] for k in sorted(CATALOGUE)]
