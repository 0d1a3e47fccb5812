"""Write one example patient record per synthetic scenario into examples/ (deterministic).

    .venv/bin/python scripts/make_examples.py

Each record is current on EXAMPLES_AS_OF; examples/README.md lists the gate each one gets.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.synthetic import SCENARIOS, scenario_patient

EXAMPLES_AS_OF = dt.date(2026, 11, 24)
ROOT = Path(__file__).resolve().parent.parent / "examples"


def main() -> None:
    ROOT.mkdir(exist_ok=True)
    lines = [
        "# Example patient records",
        "",
        f"One synthetic patient per scenario, current on {EXAMPLES_AS_OF} (assess them with",
        f"`alpha4 assess examples/NAME.json --as-of {EXAMPLES_AS_OF}`). Regenerate with",
        "`.venv/bin/python scripts/make_examples.py`. No real patient data.",
        "",
        "| file | US gate | reasons |",
        "|---|---|---|",
    ]
    for name in SCENARIOS:
        patient = scenario_patient(name, EXAMPLES_AS_OF)
        (ROOT / f"{name}.json").write_text(patient.to_json() + "\n", encoding="utf-8")
        a = assess(patient, EXAMPLES_AS_OF, US)
        lines.append(f"| `{name}.json` | {a.gate.decision.value} | {', '.join(a.gate.reasons) or '-'} |")
    (ROOT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
