"""Benchmark of the natalizumab PK module, printed in one run.

Run: ``.venv/bin/python scripts/bench_pk.py [--n 100000] [--workers 2] [--baseline 20] [--repeat 3]``

1. MAP estimation (:func:`alpha4.pk.estimate.estimate_individual`) for one patient with 1 to 5
   measured troughs after 2 years of 300 mg every 4 weeks (26 doses).
2. ``--n`` virtual patients (default 100,000) over 2 years of every-4-week dosing, concentration
   on a daily grid (731 days), with :func:`alpha4.pk.population.population_concentrations`.
3. The straightforward baseline: ``scipy.integrate.solve_ivp`` per patient, one call per dosing
   interval with daily ``t_eval`` (RK45, rtol 1e-6, atol 1e-9), on ``--baseline`` patients;
   its time per patient is extrapolated to ``--n`` and printed as a speed ratio, with the
   largest difference between the two results.
4. :func:`alpha4.pk.population.compare_regimens` for every 4 and every 6 weeks (10,000 patients).

Every figure is the best of ``--repeat`` runs (the machine is shared; the best is the least
disturbed). ``--workers`` is the number of threads of step 2; the script, not the library,
asks the machine how many CPUs it has.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
from scipy.integrate import solve_ivp

from alpha4.pk.estimate import Observation, estimate_individual
from alpha4.pk.model import Covariates, Parameters
from alpha4.pk.population import compare_regimens, population_concentrations, virtual_patients
from alpha4.pk.simulate import regular_dose_times

DOSE_MG = 300.0
DOSES = regular_dose_times(4, 26)  # two years of every 4 weeks
DAYS = np.arange(0.0, 731.0)  # daily, day 0 to day 730


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_map(repeat: int) -> None:
    print("MAP estimation, one patient, 26 doses of history (best / median of", 5 * repeat, "runs):")
    for k in range(1, 6):
        obs = [Observation(float(DOSES[-k + i]) - 0.01, 20.0 + i) for i in range(k)]
        times = []
        for _ in range(5 * repeat):
            start = time.perf_counter()
            estimate = estimate_individual(Covariates(), DOSES, obs)
            times.append(time.perf_counter() - start)
        assert estimate.converged
        print(
            f"  {k} concentration{'s' if k > 1 else ' '}: {1000 * min(times):6.1f} ms "
            f"/ {1000 * statistics.median(times):6.1f} ms"
        )


def solve_ivp_course(params: Parameters, i: int) -> np.ndarray:
    """One patient's daily course by numerical integration, interval by interval."""
    cl, vmax, km, v = (float(x[i]) for x in (params.clearance, params.vmax, params.km, params.volume))

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        return -(cl * y + vmax * y / (km + y)) / v

    out = np.empty(DAYS.size)
    c = 0.0
    ends = np.append(DOSES[1:], DAYS[-1] + 1.0)
    for start, end in zip(DOSES, ends, strict=True):
        c += DOSE_MG / v
        first, stop = np.searchsorted(DAYS, [start, end])  # the days in [start, end)
        sol = solve_ivp(rhs, (start, end), [c], t_eval=np.append(DAYS[first:stop], end), rtol=1e-6, atol=1e-9)
        out[first:stop] = sol.y[0, :-1]
        c = float(sol.y[0, -1])
    return out


def bench_population(n: int, workers: int, baseline: int, repeat: int) -> None:
    params = virtual_patients(n, Covariates(), seed=0)
    result = np.empty(0)

    def run() -> None:
        nonlocal result
        result = population_concentrations(params, DOSES, DAYS, workers=workers)

    cpu_start = time.process_time()
    fast = best_of(repeat, run)
    cpu = (time.process_time() - cpu_start) / repeat
    values = n * DAYS.size
    print(
        f"{n:,} virtual patients x {DOSES.size} doses (2 years, every 4 weeks) x {DAYS.size} daily times "
        f"({values / 1e6:.0f} M concentrations), {workers} thread(s): {fast:.2f} s wall "
        f"({1e9 * fast / values:.0f} ns per concentration); {cpu:.2f} s CPU per run "
        "(the wall time grows when other work shares the CPUs)"
    )
    subsample = np.linspace(0, n - 1, baseline).astype(int)
    start = time.perf_counter()
    slow = np.array([solve_ivp_course(params, int(i)) for i in subsample])
    per_patient = (time.perf_counter() - start) / baseline
    difference = np.max(np.abs(slow - result[subsample]) / np.maximum(result[subsample], 1e-3))
    print(
        f"baseline solve_ivp per patient ({baseline} patients): {1000 * per_patient:.0f} ms per patient, "
        f"extrapolated to {n:,}: {per_patient * n:,.0f} s; speed ratio {per_patient * n / fast:,.0f}x "
        f"(largest relative difference {difference:.1e})"
    )


def bench_regimens(repeat: int) -> None:
    summaries = compare_regimens(10_000, [4, 6])
    seconds = best_of(repeat, lambda: compare_regimens(10_000, [4, 6]))
    print(f"compare_regimens(10,000 patients; every 4 and 6 weeks, 13 doses): {seconds:.2f} s")
    for s in summaries:
        p = s.trough_percentiles_ug_per_ml
        print(
            f"  every {s.interval_weeks:g} weeks: median trough {p['p50']:.1f} µg/mL "
            f"(5-95%: {p['p5']:.1f}-{p['p95']:.1f}); below {s.target_ug_per_ml:g} µg/mL: "
            f"{100 * s.fraction_below_target:.1f}%; time below {s.saturation_threshold_percent:g}% "
            f"saturation: {100 * s.mean_fraction_of_interval_below_saturation:.1f}%"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"CPUs: {os.cpu_count()}")
    bench_map(args.repeat)
    bench_population(args.n, args.workers, args.baseline, args.repeat)
    bench_regimens(args.repeat)


if __name__ == "__main__":
    main()
