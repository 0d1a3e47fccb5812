"""Benchmark: whole-process wall time of the CLI's quick commands, and where their imports go.

    .venv/bin/python benchmarks/cli_startup.py [--runs 20] [--hyperfine]

Each command runs ``--runs`` times as a fresh process (after two warm-up runs); the script prints
the median, the minimum and the CPU time (user + system) of the children. The CPU time is the
figure to compare on a shared machine: wall time grows with other processes' load, CPU time much
less. Targets (issue 16, an idle machine): ``alpha4 --help`` < 0.25 s, ``alpha4 pml-risk ...``
< 0.4 s, ``alpha4 assess`` on one record < 0.6 s. ``--hyperfine`` also runs
`hyperfine <https://github.com/sharkdp/hyperfine>`_ (Debian package ``hyperfine``) when installed.
``--importtime`` prints the ten slowest imports of each command (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ms_jcv_positive_high_index.json"
ALPHA4 = str(Path(sys.executable).with_name("alpha4"))

COMMANDS: dict[str, tuple[list[str], float]] = {
    "help": (["--help"], 0.25),
    "pml-risk": (["pml-risk", "--jcv", "positive", "--index", "1.6", "--months", "30"], 0.4),
    "assess": (["assess", str(EXAMPLE), "--as-of", "2026-11-24"], 0.6),
    "assess --format json": (["assess", str(EXAMPLE), "--as-of", "2026-11-24", "--format", "json"], 0.6),
    "knowledge": (["knowledge"], 0.6),
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(args: list[str], runs: int) -> tuple[float, float, float]:
    """(median wall, minimum wall, median CPU) in seconds over ``runs`` fresh processes."""
    env = {**os.environ, "COLUMNS": "120"}
    for _ in range(2):
        subprocess.run([ALPHA4, *args], capture_output=True, env=env, check=True)
    walls, cpus = [], []
    for _ in range(runs):
        cpu = children_cpu()
        start = time.perf_counter()
        subprocess.run([ALPHA4, *args], capture_output=True, env=env, check=True)
        walls.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def slowest_imports(args: list[str], top: int = 10) -> list[tuple[int, str]]:
    """The ``top`` imports with the largest cumulative time (µs), from ``-X importtime``."""
    code = "import sys; from alpha4.cli import main; sys.argv = ['alpha4', *sys.argv[1:]]; main()"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args], capture_output=True, text=True, check=False
    )
    rows = []
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.removeprefix("import time:").split("|")
            if not name.startswith("  "):  # top-level imports only: their time includes their children
                rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--hyperfine", action="store_true", help="Also run hyperfine (when installed)")
    parser.add_argument("--importtime", action="store_true", help="Print the slowest imports")
    options = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'command':<22} {'median':>8} {'min':>8} {'CPU':>8} {'target':>8}")
    for name, (args, target) in COMMANDS.items():
        median, low, cpu = time_command(args, options.runs)
        verdict = "ok" if median < target else ("ok (CPU)" if cpu < target else "SLOW")
        print(f"{name:<22} {median:8.3f} {low:8.3f} {cpu:8.3f} {target:8.2f}  {verdict}")
    if options.importtime:
        for name, (args, _) in COMMANDS.items():
            print(f"\nslowest top-level imports of `alpha4 {name}` (cumulative ms):")
            for micros, module in slowest_imports(args):
                print(f"  {micros / 1000:8.1f}  {module}")
    if options.hyperfine:
        if shutil.which("hyperfine") is None:
            print("hyperfine is not installed (apt-get install hyperfine)")
            return
        quoted = [" ".join([ALPHA4, *args]) for args, _ in COMMANDS.values()]
        subprocess.run(
            ["hyperfine", "--warmup", "2", "--runs", str(options.runs), "-N", *quoted], check=False
        )


if __name__ == "__main__":
    main()
