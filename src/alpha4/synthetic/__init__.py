"""Synthetic patients: a seeded generator of realistic timelines covering every scenario the rules know.

Used for ``alpha4 demo``, the shipped examples and benchmarks. Nothing here is real patient data.
"""

from .cohort import SCENARIOS, generate_cohort, scenario_patient

__all__ = ["SCENARIOS", "generate_cohort", "scenario_patient"]
