"""Precision dosing of natalizumab: model, simulation, Bayesian estimation, interval planning.

Pure functions over plain inputs (dose days, doses in mg, measured concentrations, covariates);
:mod:`alpha4.pk.from_timeline` adapts a :class:`alpha4.domain.Patient` to them.
"""

from .model import (
    AntibodyStatus,
    Covariates,
    Disease,
    Parameters,
    saturation_percent,
    typical_parameters,
)
from .simulate import (
    SimulationResult,
    concentrations,
    regular_dose_times,
    simulate_patient,
    troughs,
)

__all__ = [
    "AntibodyStatus",
    "Covariates",
    "Disease",
    "Parameters",
    "SimulationResult",
    "concentrations",
    "regular_dose_times",
    "saturation_percent",
    "simulate_patient",
    "troughs",
    "typical_parameters",
]
