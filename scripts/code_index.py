"""Write src/alpha4/rules/code_index.py: for every finding code, the functions that emit it and the
facts they read (issue 15: a finding code leads to its rule in one hop).

    .venv/bin/python scripts/code_index.py          # check: exit 1 if the index is stale
    .venv/bin/python scripts/code_index.py --write  # rewrite it

The index is derived from the source (a string literal equal to a registered code inside a function,
or a module-level table of codes the function reads), so it cannot drift: tests/rules/test_code_index.py
recomputes it and compares.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.code_index_build import build, render

TARGET = Path(__file__).resolve().parent.parent / "src" / "alpha4" / "rules" / "code_index.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    index = build()
    if args.write:
        TARGET.write_text(render(index), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(TARGET)], check=False)
        print(f"wrote {TARGET}")
        return 0
    from alpha4.rules.code_index import EMITTED_BY, FACTS_READ

    if {c: e["emitted_by"] for c, e in index.items()} != EMITTED_BY or {
        c: e["facts"] for c, e in index.items()
    } != FACTS_READ:
        print("src/alpha4/rules/code_index.py is stale: run with --write")
        return 1
    print("code index up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
