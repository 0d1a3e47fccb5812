"""The natalizumab population model: covariates, parameters, the exact solution, saturation.

One compartment with linear plus Michaelis-Menten elimination (see
:mod:`alpha4.knowledge.pk` for every value and where it comes from)::

    dC/dt = -(CL * C + Vmax * C / (Km + C)) / V

Between doses the equation separates, so the time to fall from ``C1`` to ``C2`` has a
closed form; the concentration after a given time is its inverse, found by Newton's method
on ``log C``, vectorised over patients and times at once (no ODE solver, no loop per patient).

Units: concentration µg/mL (= mg/L), time days, volume L, clearance L/day, Vmax mg/day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alpha4.knowledge import pk as kb

FloatArray = NDArray[np.float64]

ML_PER_H_TO_L_PER_DAY = 24.0 / 1000.0


class Disease(StrEnum):
    """The indication, as far as the model cares."""

    MULTIPLE_SCLEROSIS = "ms"
    CROHNS_DISEASE = "crohns"


class AntibodyStatus(StrEnum):
    """Anti-natalizumab antibody status (Calabresi 2007 definitions)."""

    NEGATIVE = "negative"
    TRANSIENT = "transient"
    PERSISTENT = "persistent"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Covariates:
    """What the model needs to know about a patient.

    ``profile`` chooses the antibody effect: ``"us"`` (~3-fold clearance) or ``"eu"`` (~2.45-fold).
    Only *persistent* antibodies change clearance; transient or unknown status does not.
    """

    weight_kg: float = kb.REFERENCE_WEIGHT_KG.value
    antibodies: AntibodyStatus = AntibodyStatus.NEGATIVE
    interferon_beta: bool = False
    disease: Disease = Disease.MULTIPLE_SCLEROSIS
    profile: str = "us"

    def __post_init__(self) -> None:
        if not self.weight_kg > 0:
            raise ValueError("weight_kg must be positive")
        if self.profile not in ("us", "eu"):
            raise ValueError("profile must be 'us' or 'eu'")


@dataclass(frozen=True, slots=True)
class Parameters:
    """Individual (or typical) parameters; each field is an array over patients."""

    clearance: FloatArray  # linear clearance, L/day
    vmax: FloatArray  # maximal rate of the saturable pathway, mg/day
    km: FloatArray  # Michaelis constant, mg/L
    volume: FloatArray  # L

    @property
    def n(self) -> int:
        return int(self.clearance.shape[0])

    def low_concentration_clearance(self) -> FloatArray:
        """Total clearance when C << Km (L/day): what the US label's 16 mL/h describes."""
        return self.clearance + self.vmax / self.km

    def clearance_at(self, concentration: float) -> FloatArray:
        """Total clearance at a given concentration (L/day)."""
        return self.clearance + self.vmax / (self.km + concentration)

    def take(self, index: ArrayLike) -> Parameters:
        """The parameters of a subset of patients."""
        i = np.asarray(index)
        return Parameters(self.clearance[i], self.vmax[i], self.km[i], self.volume[i])


def antibody_clearance_factor(profile: str) -> float:
    """The clearance multiplier for persistent antibodies under a label profile."""
    return float(
        kb.ANTIBODY_CLEARANCE_FACTOR_US.value if profile == "us" else kb.ANTIBODY_CLEARANCE_FACTOR_EU.value
    )


def clearance_factor(covariates: Covariates) -> float:
    """Product of all covariate effects on clearance (both pathways).

    >>> round(clearance_factor(Covariates(weight_kg=100.1)), 2)  # +43% weight
    1.32
    >>> clearance_factor(Covariates(antibodies=AntibodyStatus.PERSISTENT))
    3.0
    """
    factor = (covariates.weight_kg / kb.REFERENCE_WEIGHT_KG.value) ** kb.WEIGHT_CLEARANCE_EXPONENT.value
    if covariates.antibodies is AntibodyStatus.PERSISTENT:
        factor *= antibody_clearance_factor(covariates.profile)
    if covariates.interferon_beta:
        factor *= kb.INTERFERON_CLEARANCE_FACTOR.value
    if covariates.disease is Disease.CROHNS_DISEASE:
        factor *= kb.CROHNS_CLEARANCE_ML_PER_H.value / kb.LABEL_CLEARANCE_ML_PER_H.value[0]
    return float(factor)


def volume_factor(covariates: Covariates) -> float:
    """Covariate effect on volume (only Crohn's disease; no weight effect is stated)."""
    if covariates.disease is Disease.CROHNS_DISEASE:
        return float(kb.CROHNS_VOLUME_L.value / kb.LABEL_VOLUME_L.value[0])
    return 1.0


def typical_parameters(covariates: Covariates) -> Parameters:
    """The typical parameters of a patient with these covariates (one patient).

    >>> p = typical_parameters(Covariates())
    >>> round(float(p.low_concentration_clearance()[0]) / ML_PER_H_TO_L_PER_DAY, 1)  # mL/h
    16.0
    >>> round(float(p.volume[0]), 2)
    5.96
    """
    cl_factor = clearance_factor(covariates)
    linear = kb.LINEAR_CLEARANCE_ML_PER_H.value * ML_PER_H_TO_L_PER_DAY
    saturable = (
        kb.LOW_CONCENTRATION_CLEARANCE_ML_PER_H.value - kb.LINEAR_CLEARANCE_ML_PER_H.value
    ) * ML_PER_H_TO_L_PER_DAY
    km = kb.MICHAELIS_CONSTANT_UG_PER_ML.value
    return Parameters(
        clearance=np.array([linear * cl_factor]),
        vmax=np.array([saturable * km * cl_factor]),
        km=np.array([km]),
        volume=np.array([kb.VOLUME_L.value * volume_factor(covariates)]),
    )


def individual_parameters(typical: Parameters, eta_clearance: ArrayLike, eta_volume: ArrayLike) -> Parameters:
    """Apply log-normal random effects: one on clearance (both pathways), one on volume.

    ``typical`` may hold one patient (broadcast) or as many as the etas.
    """
    eta_cl = np.atleast_1d(np.asarray(eta_clearance, dtype=np.float64))
    eta_v = np.atleast_1d(np.asarray(eta_volume, dtype=np.float64))
    cl_scale = np.exp(eta_cl)
    return Parameters(
        clearance=typical.clearance * cl_scale,
        vmax=typical.vmax * cl_scale,
        km=np.broadcast_to(typical.km, cl_scale.shape).copy(),
        volume=typical.volume * np.exp(eta_v),
    )


def decay(c_start: ArrayLike, elapsed: ArrayLike, params: Parameters) -> FloatArray:
    """Concentration ``elapsed`` days after ``c_start``, with no dose in between.

    Shapes broadcast: ``c_start`` and ``elapsed`` of shape ``(n_patients, ...)`` against the
    parameters of shape ``(n_patients,)``. Exact to machine precision (Newton on log C).

    >>> p = typical_parameters(Covariates())
    >>> c = decay([[100.0, 1.0]], [[0.0, 0.0]], p)
    >>> [round(float(x), 9) for x in c[0]]
    [100.0, 1.0]
    >>> float(decay([[0.0]], [[10.0]], p)[0, 0])
    0.0
    """
    c1 = np.asarray(c_start, dtype=np.float64)
    dt = np.asarray(elapsed, dtype=np.float64)
    extra = max(c1.ndim, dt.ndim) - 1
    shape = (-1,) + (1,) * extra
    k_lin = (params.clearance / params.volume).reshape(shape)
    b = (params.vmax / params.volume).reshape(shape)
    km = params.km.reshape(shape)
    c1, dt = np.broadcast_arrays(c1, dt)
    positive = c1 > 0
    c1_safe = np.where(positive, c1, 1.0)
    # t(C1 -> C2) = A ln(C1/C2) + (B/a) ln((a C1 + c)/(a C2 + c)),  c = a Km + b
    c = k_lin * km + b
    a_coef = km / c
    b_over_c = b / c
    b_over_k = b_over_c / k_lin
    log_c1 = np.log(c1_safe)
    log_top = np.log(k_lin * c1_safe + c)
    # Start from the midpoint rule on log C (second order in the change of the elimination
    # rate), which leaves Newton two or three steps. The time as a function of log C2 is
    # decreasing and concave, so Newton converges from any start. The arithmetic is done in
    # place: on a population grid the arrays are large and allocation costs as much as maths.
    u = km + c1_safe
    np.divide(b, u, out=u)
    u += k_lin
    u *= dt
    u *= -0.5
    u += log_c1
    np.exp(u, out=u)  # the concentration half-way, at the initial rate
    u += km
    np.divide(b, u, out=u)
    u += k_lin  # the elimination rate half-way
    u *= dt
    np.subtract(log_c1, u, out=u)
    e_u, denom, minus_step, work = (np.empty_like(u) for _ in range(4))
    for _ in range(60):
        np.exp(u, out=e_u)
        np.multiply(k_lin, e_u, out=denom)
        denom += c
        # f(u) = t(C1 -> e^u) - dt
        np.subtract(log_c1, u, out=minus_step)
        minus_step *= a_coef
        np.log(denom, out=work)
        np.subtract(log_top, work, out=work)
        work *= b_over_k
        minus_step += work
        minus_step -= dt
        # -f'(u) = A + (b/c) e^u / (a e^u + c)
        np.divide(e_u, denom, out=work)
        work *= b_over_c
        work += a_coef
        minus_step /= work
        u += minus_step
        if float(np.max(np.abs(minus_step), initial=0.0)) < 1e-7:  # the next step would be < 1e-12
            break
    np.exp(u, out=u)
    return np.where(positive, u, 0.0)


def decay_one(c_start: float, elapsed: float, k_lin: float, b: float, km: float) -> float:
    """:func:`decay` for one patient and one interval, in plain floats.

    The same Newton iteration on log C, step for step: for a handful of patients (a MAP
    estimate's stencil of nine) numpy's cost per call dominates the arithmetic, and the loop over
    doses calls it 26 times a history. ``k_lin`` = CL/V, ``b`` = Vmax/V (per day), ``km`` in µg/mL.

    >>> p = typical_parameters(Covariates())
    >>> k, b = float(p.clearance[0] / p.volume[0]), float(p.vmax[0] / p.volume[0])
    >>> abs(decay_one(50.0, 28.0, k, b, float(p.km[0])) - float(decay([[50.0]], [[28.0]], p)[0, 0])) < 1e-9
    True
    """
    if c_start <= 0:
        return 0.0
    c = k_lin * km + b
    a_coef = km / c
    b_over_c = b / c
    b_over_k = b_over_c / k_lin
    log_c1 = math.log(c_start)
    log_top = math.log(k_lin * c_start + c)
    half = math.exp(log_c1 - 0.5 * elapsed * (k_lin + b / (km + c_start)))
    u = log_c1 - elapsed * (k_lin + b / (half + km))
    for _ in range(60):
        e_u = math.exp(u)
        denom = k_lin * e_u + c
        f = a_coef * (log_c1 - u) + b_over_k * (log_top - math.log(denom)) - elapsed
        step = f / (a_coef + b_over_c * e_u / denom)
        u += step
        if abs(step) < 1e-7:
            break
    return math.exp(u)


def saturation_percent(concentration: ArrayLike) -> FloatArray:
    """α4-integrin saturation (%) from concentration (µg/mL), sigmoid Emax.

    >>> [round(float(s), 1) for s in saturation_percent([0.0, 4.94, 35.7])]
    [0.0, 50.0, 87.4]
    """
    c = np.clip(np.asarray(concentration, dtype=np.float64), 0.0, None)
    hill = kb.SATURATION_HILL.value
    ratio = (c / kb.SATURATION_EC50_UG_PER_ML.value) ** hill
    return np.asarray(kb.SATURATION_MAX_PERCENT.value * ratio / (1.0 + ratio), dtype=np.float64)
