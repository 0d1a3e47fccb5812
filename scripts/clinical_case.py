"""Review or (re)write the expected answer of clinical case files (never silently).

    .venv/bin/python scripts/clinical_case.py tests/cases/clinical/NAME.yaml          # show the diff
    .venv/bin/python scripts/clinical_case.py tests/cases/clinical/NAME.yaml --write  # accept it

A reviewer reads the printed answer against the label before accepting it.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.clinical_case import answer, dump, load_case, run_case


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("cases", nargs="+", type=Path)
    parser.add_argument("--write", action="store_true", help="replace the expected block with the actual one")
    args = parser.parse_args()
    changed = 0
    for path in args.cases:
        case = load_case(path)
        actual = answer(run_case(case))
        expected = case.get("expected")
        if actual == expected:
            continue
        changed += 1
        diff = difflib.unified_diff(
            dump({"expected": expected}).splitlines(),
            dump({"expected": actual}).splitlines(),
            "expected",
            "actual",
            lineterm="",
        )
        print(f"== {path}")
        print("\n".join(diff))
        if args.write:
            case["expected"] = actual
            path.write_text(dump(case), encoding="utf-8")
    print(f"{changed} of {len(args.cases)} case(s) differ" + (" (written)" if args.write and changed else ""))
    return 1 if changed and not args.write else 0


if __name__ == "__main__":
    raise SystemExit(main())
