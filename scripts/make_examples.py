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
    lines += [
        "",
        "The expected US and EU gates and reasons of every example are pinned in `tests/cases/examples.json`.",
        "",
        "Gates changed by the label-complete rules of issue 12 (see `docs/decisions.md`):",
        "",
        "- `ms_thrombocytopenia`: go -> hold (`LAB_THROMBOCYTOPENIA`): the label says discontinue if "
        "thrombocytopenia is suspected, so a low count holds for the prescriber.",
        "- `ms_interferon`: go -> hold in the US profile (monotherapy; SENTINEL evidence shown) and stop in the EU "
        "profile (SmPC 4.3: combination with other disease-modifying therapies is contraindicated).",
        "- `ms_immunosuppressant`: EU hold -> stop (SmPC 4.3: current immunosuppressive therapy).",
        "- New: `ms_hypersensitivity_mild` (grade 1 urticaria: stop), `ms_herpes_encephalitis` (stop, also once "
        "resolved), `ms_herpes_zoster` (hold while active), `ms_immune_thrombocytopenia` (stop), `ms_jaundice` "
        "(stop whatever the seriousness flag), `ms_pml_excluded` (go, hold released), `ms_active_malignancy` (US "
        "hold, EU stop), `ms_product_switch` (go, switch said), `crohns_week12_unscored` (hold: benefit unknown).",
    ]
    (ROOT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
