"""Benchmark: population simulation of 10,000 virtual natalizumab patients.

Run: ``.venv/bin/python scripts/bench_pk.py [--n 10000] [--repeat 3]``

Times :func:`alpha4.pk.population.compare_regimens` for every 4 and every 6 weeks
(13 doses each; steady-state troughs plus saturation on a half-day grid over the last interval).
"""

from __future__ import annotations

import argparse
import time

from alpha4.pk.model import Covariates
from alpha4.pk.population import compare_regimens, steady_state_troughs, virtual_patients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    best_compare = float("inf")
    best_troughs = float("inf")
    summaries = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        summaries = compare_regimens(args.n, [4, 6])
        best_compare = min(best_compare, time.perf_counter() - start)
        params = virtual_patients(args.n, Covariates())
        start = time.perf_counter()
        steady_state_troughs(params, 4)
        best_troughs = min(best_troughs, time.perf_counter() - start)

    print(f"patients: {args.n}")
    print(f"compare_regimens(q4w, q6w; troughs + saturation time course): {best_compare:.3f} s")
    print(f"steady_state_troughs(q4w, 13 doses): {best_troughs:.3f} s")
    for s in summaries:
        p = s.trough_percentiles_ug_per_ml
        print(
            f"every {s.interval_weeks:g} weeks: median trough {p['p50']:.1f} µg/mL "
            f"(5-95%: {p['p5']:.1f}-{p['p95']:.1f}); below {s.target_ug_per_ml:g} µg/mL: "
            f"{100 * s.fraction_below_target:.1f}%; time below {s.saturation_threshold_percent:g}% "
            f"saturation: {100 * s.mean_fraction_of_interval_below_saturation:.1f}%"
        )


if __name__ == "__main__":
    main()
