"""Virtual-patient study of the interval planner's accuracy, beside a published result.

    .venv/bin/python benchmarks/planner_accuracy.py [--patients 1000] [--seed 1]

**This is a simulation, not a clinical validation.** The virtual patients are drawn from
alpha4's own PK model (its sourced typical values, between-subject variability and residual
error, :mod:`alpha4.knowledge.pk`), so the study measures how well the planner recovers a
patient *that obeys the model*; it cannot show the model is right about real patients. A model
that predicts its own simulations well is necessary, not sufficient.

Each virtual patient: a body weight (normal, mean 75 kg, SD 15, within 45-130 kg: the study's
design, not clinical knowledge), random effects on clearance and volume drawn with the model's
SDs, one year of 300 mg every 4 weeks (13 doses), and two measured troughs (just before doses
12 and 13) with the model's proportional and additive residual error. The planner
(:func:`alpha4.pk.planner.plan_interval`, no disease activity) sees the weight and the two
measured troughs, estimates the patient (MAP) and chooses an interval. The truth is the virtual
patient continuing on that interval. Printed:

* the prediction error of the steady-state trough on the chosen interval (predicted minus true,
  relative: MPE, and absolute: RMSE in µg/mL), against van den Berg et al. 2025 (MPE 4.8%,
  RMSE 2.3 µg/mL for model-informed dosing; decision tree 24%, 4.0 µg/mL; target 10 µg/mL);
* the share of patients whose true next trough, and true lowest trough over a year on the
  chosen interval, stay at or above the 10 µg/mL target;
* the chosen intervals.

The published MPE is of the troughs reached on the intervals the model chose, from real
patients' measured levels; here it is the same quantity against simulated truth.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np

from alpha4.knowledge import pk as kb
from alpha4.pk.estimate import Observation, estimate_individual
from alpha4.pk.model import Covariates, individual_parameters, typical_parameters
from alpha4.pk.planner import PlanInputs, plan_interval
from alpha4.pk.simulate import DAYS_PER_WEEK, regular_dose_times, troughs

HISTORY = regular_dose_times(4, 13)
FUTURE_DOSES = 13


def study(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    weights = np.clip(rng.normal(75.0, 15.0, n), 45.0, 130.0)
    eta_cl = rng.normal(0.0, kb.BSV_CLEARANCE.value, n)
    eta_v = rng.normal(0.0, kb.BSV_VOLUME.value, n)
    target = kb.TROUGH_TARGET_UG_PER_ML.value
    predicted, true_steady, true_next, true_lowest, chosen = [], [], [], [], []
    start = time.perf_counter()
    for i in range(n):
        covariates = Covariates(weight_kg=float(weights[i]))
        truth = individual_parameters(typical_parameters(covariates), eta_cl[i], eta_v[i])
        history_troughs = troughs(truth, HISTORY)[0]
        measured = []
        for dose_index in (11, 12):  # the troughs before doses 12 and 13 (index 10 and 11 of troughs)
            level = float(history_troughs[dose_index - 1])
            noisy = level * (1 + kb.RESIDUAL_PROPORTIONAL.value * rng.normal()) + (
                kb.RESIDUAL_ADDITIVE_UG_PER_ML.value * rng.normal()
            )
            measured.append(Observation(float(HISTORY[dose_index]) - 0.01, max(noisy, 0.05)))
        estimate = estimate_individual(covariates, HISTORY, measured)
        plan = plan_interval(PlanInputs(covariates, disease_activity=False), estimate)
        weeks = plan.recommended_interval_weeks
        prediction = next(p for p in plan.predictions if p.interval_weeks == weeks)
        tau = DAYS_PER_WEEK * weeks
        future = float(HISTORY[-1]) + tau * np.arange(1, FUTURE_DOSES + 1)
        course = troughs(truth, np.concatenate([HISTORY, future]), last_interval_days=tau)[0]
        on_new = course[HISTORY.size - 1 :]  # the trough of the last old dose, then every new one
        predicted.append(prediction.predicted_trough_ug_per_ml)
        true_steady.append(float(on_new[-1]))
        true_next.append(float(on_new[0]))
        true_lowest.append(float(on_new.min()))
        chosen.append(weeks)
    seconds = time.perf_counter() - start
    pred, steady = np.array(predicted), np.array(true_steady)
    mpe = 100 * float(np.mean((pred - steady) / steady))
    mape = 100 * float(np.mean(np.abs(pred - steady) / steady))
    rmse = float(np.sqrt(np.mean((pred - steady) ** 2)))
    published = kb.PUBLISHED_MIPD_ACCURACY.value
    print("SIMULATION, not a clinical validation: virtual patients drawn from alpha4's own PK model.")
    print(f"{n:,} virtual patients, seed {seed}, {seconds:.1f} s ({1000 * seconds / n:.0f} ms a patient)")
    print(
        f"steady-state trough on the chosen interval, predicted vs simulated truth (target {target:g} µg/mL):"
    )
    print(
        f"  MPE {mpe:+.1f}%  (mean absolute {mape:.1f}%)   RMSE {rmse:.2f} µg/mL   "
        f"published MIPD: MPE {published['mipd_mean_prediction_error_percent']:g}%, "
        f"RMSE {published['mipd_rmse_ug_per_ml']:g} µg/mL; decision tree "
        f"{published['decision_tree_mean_prediction_error_percent']:g}%, "
        f"{published['decision_tree_rmse_ug_per_ml']:g} µg/mL"
    )
    print(f"  ({kb.VAN_DEN_BERG_2025.describe()})")
    extended = np.array(chosen) > kb.LABEL_INTERVAL_WEEKS.value
    if extended.any():
        e_mpe = 100 * float(np.mean((pred[extended] - steady[extended]) / steady[extended]))
        e_rmse = float(np.sqrt(np.mean((pred[extended] - steady[extended]) ** 2)))
        print(
            f"  patients given a longer interval ({int(extended.sum()):,}; troughs near the target, as in "
            f"the paper's comparison): MPE {e_mpe:+.1f}%   RMSE {e_rmse:.2f} µg/mL"
        )
    for label, values in (("next trough", true_next), ("lowest trough over a year", true_lowest)):
        above = np.array(values) >= target
        print(
            f"  true {label} >= {target:g} µg/mL: {100 * float(np.mean(above)):.1f}% of patients"
            + (f" ({100 * float(np.mean(above[extended])):.1f}% of those extended)" if extended.any() else "")
        )
    counts = Counter(chosen)
    print(
        "  chosen intervals: "
        + ", ".join(f"every {w:g} weeks {100 * c / n:.0f}%" for w, c in sorted(counts.items()))
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    study(args.patients, args.seed)


if __name__ == "__main__":
    main()
