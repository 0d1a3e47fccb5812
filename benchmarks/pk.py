"""Benchmark of the natalizumab PK module, printed in one run.

Run: ``.venv/bin/python benchmarks/pk.py [--n 100000] [--workers 2] [--block 10000] [--repeat 3]``

1. MAP estimation (:func:`alpha4.pk.estimate.estimate_individual`) for one patient with 1 to 5
   measured troughs after 2 years of 300 mg every 4 weeks (26 doses); aim < 20 ms.
2. The fair comparison: ``--n`` virtual patients (default 100,000) over the same two years,
   (a) the 26 troughs of each patient and (b) the concentration on a daily grid (731 days),
   by alpha4 (exact between doses: Newton on the closed-form time of the Michaelis-Menten
   elimination) against the two competitors an engineer would write, each at its cheapest
   setting whose troughs are within 1e-6 (relative) of the exact ones on a 2,000-patient sample:
   ``scipy.integrate.solve_ivp`` (RK45) vectorised over blocks of ``--block`` patients, and a
   plain numpy RK4 over all patients at a fixed step. Prints the ratio of the best competitor's
   time to alpha4's (aim >= 3).
3. :func:`alpha4.pk.population.compare_regimens` for every 4 and every 6 weeks (10,000 patients).

Times are medians of ``--repeat`` runs (solve_ivp: of half as many, it is slow); the machine is
shared and noisy, and the load average is printed. ``--workers`` is the number of threads of
alpha4's daily grid; the script, not the library, asks the machine how many CPUs it has.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator

import numpy as np
from scipy.integrate import solve_ivp

from alpha4.pk.estimate import Observation, estimate_individual
from alpha4.pk.model import Covariates, Parameters
from alpha4.pk.population import compare_regimens, population_concentrations, virtual_patients
from alpha4.pk.simulate import concentrations, regular_dose_times, troughs

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


def _rates(params: Parameters, block: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = params.volume[block]
    return params.clearance[block] / v, params.vmax[block] / v, params.km[block]


def _segments(grid: np.ndarray, before_dose: bool) -> Iterator[tuple[float, float, np.ndarray]]:
    """Each dosing interval (start, end) with the columns of ``grid`` it fills.

    ``before_dose``: a grid time at a dose takes the level just before it (a trough); otherwise
    just after it (as :func:`alpha4.pk.simulate.concentrations` does).
    """
    ends = np.append(DOSES[1:], max(float(grid[-1]), float(DOSES[-1]) + 28.0))
    for j, (start, end) in enumerate(zip(DOSES, ends, strict=True)):
        last = j == DOSES.size - 1
        if before_dose:
            mask = (grid > start) & (grid <= end)
        else:
            mask = (grid >= start) & ((grid <= end) if last else (grid < end))
        yield float(start), float(end), np.flatnonzero(mask)


def rk4_course(params: Parameters, steps_per_day: float, grid: np.ndarray, before_dose: bool) -> np.ndarray:
    """Plain numpy RK4 over all patients at once with a fixed step of about ``1/steps_per_day`` days."""
    k, b, km = _rates(params, slice(None))

    def rhs(c: np.ndarray) -> np.ndarray:
        return -(k * c + b * c / (km + c))

    def march(c: np.ndarray, span: float) -> np.ndarray:
        n = max(1, round(span * steps_per_day))
        h = span / n
        for _ in range(n):
            k1 = rhs(c)
            k2 = rhs(c + 0.5 * h * k1)
            k3 = rhs(c + 0.5 * h * k2)
            k4 = rhs(c + h * k3)
            c = c + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        return c

    out = np.empty((params.n, grid.size))
    c = np.zeros(params.n)
    for start, end, cols in _segments(grid, before_dose):
        c = c + DOSE_MG / params.volume
        t = start
        for col in cols:
            if grid[col] > t:
                c = march(c, float(grid[col]) - t)
                t = float(grid[col])
            out[:, col] = c
        if end > t:
            c = march(c, end - t)
    return out


def solve_ivp_course(
    params: Parameters, rtol: float, grid: np.ndarray, before_dose: bool, block: int
) -> np.ndarray:
    """``scipy.integrate.solve_ivp`` (RK45) vectorised over blocks of ``block`` patients.

    One call per dosing interval and block, the state the vector of the block's concentrations
    (the system is diagonal), values at ``grid`` via ``t_eval``; ``atol`` 1e-12 so ``rtol`` rules.
    """
    out = np.empty((params.n, grid.size))
    for lo in range(0, params.n, block):
        sl = slice(lo, min(lo + block, params.n))
        k, b, km = _rates(params, sl)

        def rhs(
            _t: float, c: np.ndarray, k: np.ndarray = k, b: np.ndarray = b, km: np.ndarray = km
        ) -> np.ndarray:
            return -(k * c + b * c / (km + c))

        c = np.zeros(sl.stop - sl.start)
        for start, end, cols in _segments(grid, before_dose):
            c = c + DOSE_MG / params.volume[sl]
            t_eval = np.unique(np.append(grid[cols], end))
            sol = solve_ivp(rhs, (start, end), c, t_eval=t_eval, rtol=rtol, atol=1e-12)
            out[sl, cols] = sol.y[:, np.searchsorted(t_eval, grid[cols])]
            c = sol.y[:, -1]
    return out


OURS_TOLERANCE = 1e-8  # Newton's stopping rule on the grid: about 1e-11 from the exact solution
TROUGH_DAYS = np.append(DOSES[1:], DOSES[-1] + 28.0)  # just before each next dose, and 28 days after the last


def _rel(a: np.ndarray, exact: np.ndarray) -> float:
    return float(np.max(np.abs(a - exact) / np.abs(exact)))


def _calibrate(
    name: str, candidates: list[float], run: Callable[[float], np.ndarray], exact: np.ndarray, goal: float
) -> float:
    """The cheapest setting whose troughs are within ``goal`` (relative) of the exact ones."""
    for setting in candidates:
        difference = _rel(run(setting), exact)
        if difference <= goal:
            print(
                f"  {name}: setting {setting:g} gives a relative difference of {difference:.1e} on the troughs"
            )
            return setting
    raise SystemExit(f"{name}: no setting reached {goal:g}")


def bench_fair(n: int, workers: int, block: int, repeat: int, goal: float = 1e-6) -> None:
    """Ours against solve_ivp (vectorised over blocks) and numpy RK4, at equal accuracy on the troughs."""
    params = virtual_patients(n, Covariates(), seed=0)
    # Calibrate on the hardest patients (the fastest elimination at low concentration), so the
    # setting chosen holds for the whole population, plus a spread of the others.
    rate = params.low_concentration_clearance() / params.volume
    order = np.argsort(rate)
    chosen = np.unique(np.concatenate([order[-1000:], order[:: max(1, n // 1000)]]))
    sample = params.take(chosen)
    exact_sample = troughs(sample, DOSES, last_interval_days=28.0)
    print(f"Calibration on {sample.n:,} patients: the cheapest setting within {goal:g} of the exact troughs")
    rk4_steps = _calibrate(
        "numpy RK4 (steps a day)",
        [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0],
        lambda s: rk4_course(sample, s, TROUGH_DAYS, True),
        exact_sample,
        goal,
    )
    ivp_rtol = _calibrate(
        "solve_ivp RK45 (rtol)",
        [1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 3e-8, 1e-8, 1e-9],
        lambda r: solve_ivp_course(sample, r, TROUGH_DAYS, True, block),
        exact_sample,
        goal,
    )
    for label, grid in (("troughs (26 a patient)", TROUGH_DAYS), ("daily grid (731 days)", DAYS)):
        print(f"{n:,} patients x {DOSES.size} doses, {label}, median of {repeat}:")

        def ours_run(g: np.ndarray = grid) -> np.ndarray:
            if g is TROUGH_DAYS:
                return troughs(params, DOSES, last_interval_days=28.0)
            # at the competitors' accuracy (their cheapest setting within 1e-6); 1e-14 is exact
            return population_concentrations(params, DOSES, DAYS, workers=workers, tolerance=OURS_TOLERANCE)

        ours_time, ours = median_of(repeat, ours_run)
        one_time = ours_time
        if grid is DAYS and workers > 1:
            one_time, _ = median_of(repeat, lambda: population_concentrations(params, DOSES, DAYS, workers=1))
        rk4_time, rk4 = median_of(repeat, lambda g=grid: rk4_course(params, rk4_steps, g, g is TROUGH_DAYS))
        ivp_time, ivp = median_of(
            max(1, repeat // 2), lambda g=grid: solve_ivp_course(params, ivp_rtol, g, g is TROUGH_DAYS, block)
        )
        best = min(rk4_time, ivp_time)
        exact = concentrations(sample, DOSES, grid) if grid is DAYS else exact_sample
        print(
            f"  alpha4 (exact between doses, {workers} thread(s)): {ours_time:7.2f} s"
            f"  (rel. diff from the exact solution {_rel(ours[chosen], exact):.1e})"
        )
        if one_time is not ours_time:
            print(f"  alpha4, 1 thread (as the competitors):  {one_time:7.2f} s")
        print(
            f"  numpy RK4, {rk4_steps:g} steps a day:          {rk4_time:7.2f} s  (rel. diff {_rel(rk4, ours):.1e})"
        )
        print(
            f"  solve_ivp RK45 rtol {ivp_rtol:g}, blocks of {block:,}: {ivp_time:7.2f} s  (rel. diff {_rel(ivp, ours):.1e})"
        )
        print(
            f"  ratio: best competitor / alpha4 = {best / ours_time:.2f}x"
            + (f" ({best / one_time:.2f}x on one thread each)" if one_time is not ours_time else "")
            + "  (aim >= 3)"
        )


def median_of(repeat: int, run: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    times, result = [], np.empty(0)
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


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
    parser.add_argument("--block", type=int, default=10_000, help="patients per solve_ivp call")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"CPUs: {os.cpu_count()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    bench_map(args.repeat)
    bench_fair(args.n, args.workers, args.block, args.repeat)
    bench_regimens(args.repeat)


if __name__ == "__main__":
    main()
