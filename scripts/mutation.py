"""Mutation testing of the clinical core: do the clinical cases notice when a rule changes?

    .venv/bin/python scripts/mutation.py                    # every target file, 2 workers
    .venv/bin/python scripts/mutation.py src/alpha4/rules/liver.py --workers 1
    .venv/bin/python scripts/mutation.py --list             # the mutants, without running them

Each mutant changes one thing in one file and is run in a fresh interpreter against the whole
clinical answer of every case file (``tests/cases/clinical/*.yaml``) and every shipped example's
pinned gate (``tests/cases/examples.json``): a mutant is *killed* when any answer changes. Mutations:

- comparisons (``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``), ``and`` <-> ``or``, ``not x`` -> ``x``;
- numeric constants (an int n -> n + 1, a float x -> x * 1.1), including every numeric fact value in
  ``knowledge/`` (mutmut 3 skips module-level constants, which is where alpha4 keeps its facts, so this
  script is written for this tree);
- decisions: ``return []`` at the top of a function that returns findings; a ``found.append(...)`` /
  ``found += ...`` statement removed (a finding no longer emitted).

Not part of CI (minutes, not seconds). It prints the score per file and every surviving mutant
(``file:line: what``); each survivor must be killed by a new case or explained as equivalent in
``docs/mutation.md``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = [
    "src/alpha4/rules/pml.py",
    "src/alpha4/rules/gate.py",
    "src/alpha4/rules/antibodies.py",
    "src/alpha4/rules/labs.py",
    "src/alpha4/rules/liver.py",
    "src/alpha4/rules/platelets.py",
    "src/alpha4/rules/schedule.py",
    "src/alpha4/rules/eligibility.py",
    "src/alpha4/rules/administration.py",
    "src/alpha4/knowledge/label.py",
]

CHECK = r'''
import json, sys, datetime as dt
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from tests.clinical_case import CASES, answer, load_case, run_case
from alpha4.domain import load_patient
from alpha4.knowledge import EU, US
from alpha4.rules import assess
root = Path(sys.argv[1])
for path in sorted(CASES.glob("*.yaml")):
    case = load_case(path)
    try:
        got = answer(run_case(case))
    except Exception as error:  # a crash is a kill too
        print("killed-by", path.name, type(error).__name__); sys.exit(1)
    if got != case["expected"]:
        print("killed-by", path.name); sys.exit(1)
cases = json.loads((root / "tests/cases/examples.json").read_text())
for name, c in cases.items():
    p = load_patient((root / "examples" / f"{name}.json").read_text())
    day = dt.date.fromisoformat(c["as_of"])
    for prof, key in ((US, "us"), (EU, "eu")):
        g = assess(p, day, prof).gate
        if [g.decision.value, list(g.reasons)] != [c[key]["gate"], c[key]["reasons"]]:
            print("killed-by", name, key); sys.exit(1)
print("survived")
'''

_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
}


@dataclass(frozen=True)
class Mutant:
    file: str
    line: int
    what: str
    source: str


class _Finder(ast.NodeVisitor):
    """Collects mutation sites as (node path index, description) by walking in a fixed order."""

    def __init__(self) -> None:
        self.sites: list[tuple[int, str]] = []
        self.counter = -1

    def generic_visit(self, node: ast.AST) -> None:
        self.counter += 1
        here = self.counter
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _SWAP:
            self.sites.append((here, f"{type(node.ops[0]).__name__} -> {_SWAP[type(node.ops[0])].__name__}"))
        elif isinstance(node, ast.BoolOp):
            self.sites.append((here, f"{type(node.op).__name__} -> {'Or' if isinstance(node.op, ast.And) else 'And'}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.sites.append((here, "not x -> x"))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
            self.sites.append((here, f"{node.value!r} -> {_bump(node.value)!r}"))
        elif isinstance(node, ast.FunctionDef) and node.returns is not None and "Finding" in ast.unparse(node.returns):
            self.sites.append((here, f"{node.name}: return [] first"))
        elif isinstance(node, ast.Expr) and _is_emission(node.value):
            self.sites.append((here, "finding not emitted"))
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name) and node.target.id == "found":
            self.sites.append((here, "findings not added"))
        super().generic_visit(node)


def _is_emission(call: ast.AST) -> bool:
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("append", "extend")
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "found"
    )


def _bump(value: float) -> float:
    if isinstance(value, int):
        return value + 1
    return round(value * 1.1, 6) if value else 0.1


class _Mutator(ast.NodeTransformer):
    def __init__(self, target: int) -> None:
        self.target = target
        self.counter = -1

    def generic_visit(self, node: ast.AST) -> ast.AST:  # type: ignore[override]
        self.counter += 1
        if self.counter == self.target:
            return _mutate(node)
        return super().generic_visit(node)


def _mutate(node: ast.AST) -> ast.AST:
    if isinstance(node, ast.Compare):
        node.ops = [_SWAP[type(node.ops[0])]()]
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.UnaryOp):
        return node.operand
    elif isinstance(node, ast.Constant):
        node.value = _bump(node.value)
    elif isinstance(node, ast.FunctionDef):
        node.body = [*_docstring(node), ast.Return(ast.List(elts=[], ctx=ast.Load())), *node.body]
    elif isinstance(node, ast.Expr | ast.AugAssign):
        return ast.Pass()
    return node


def _docstring(node: ast.FunctionDef) -> list[ast.stmt]:
    first = node.body[0]
    return [first] if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else []


def mutants(path: Path) -> Iterator[Mutant]:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    finder = _Finder()
    finder.visit(tree)
    index = {id(n): n for n in ast.walk(tree)}
    del index
    for site, what in finder.sites:
        mutated = _Mutator(site).visit(copy.deepcopy(tree))
        ast.fix_missing_locations(mutated)
        line = _line_of(tree, site)
        if _in_docstring_or_text(tree, site):
            continue
        yield Mutant(str(path.relative_to(ROOT)), line, what, ast.unparse(mutated))


def _nodes(tree: ast.AST) -> list[ast.AST]:
    order: list[ast.AST] = []

    class Walker(ast.NodeVisitor):
        def generic_visit(self, node: ast.AST) -> None:
            order.append(node)
            super().generic_visit(node)

    Walker().visit(tree)
    return order


def _line_of(tree: ast.AST, site: int) -> int:
    return getattr(_nodes(tree)[site], "lineno", 0)


def _in_docstring_or_text(tree: ast.AST, site: int) -> bool:
    """Skip numbers inside f-strings (wording, not logic)."""
    node = _nodes(tree)[site]
    for parent in ast.walk(tree):
        if isinstance(parent, ast.JoinedStr) and any(child is node for child in ast.walk(parent)):
            return True
    return False


def run(m: Mutant) -> tuple[Mutant, bool]:
    with tempfile.TemporaryDirectory(prefix="alpha4-mut-") as tmp:
        tree = Path(tmp)
        for part in ("src", "tests", "examples"):
            os.symlink(ROOT / part, tree / part) if part != "src" else None
        src = tree / "src"
        subprocess.run(["cp", "-r", str(ROOT / "src"), str(src)], check=True)
        (tree / m.file).write_text(m.source, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run(
            [sys.executable, "-c", CHECK, str(tree)], capture_output=True, text=True, env=env, timeout=600
        )
        return m, "survived" not in result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", default=TARGETS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    all_mutants = [m for f in args.files for m in mutants(ROOT / f)]
    if args.list:
        for m in all_mutants:
            print(f"{m.file}:{m.line}: {m.what}")
        print(f"{len(all_mutants)} mutants")
        return 0
    killed: dict[str, list[bool]] = {}
    survivors: list[Mutant] = []
    with ThreadPoolExecutor(args.workers) as pool:
        for n, (m, dead) in enumerate(pool.map(run, all_mutants), 1):
            killed.setdefault(m.file, []).append(dead)
            if not dead:
                survivors.append(m)
            if n % 25 == 0:
                print(f"  {n}/{len(all_mutants)} mutants run", file=sys.stderr, flush=True)
    print("file                                         killed / mutants   score")
    for f, results in killed.items():
        print(f"{f:45s} {sum(results):6d} / {len(results):<7d} {100 * sum(results) / len(results):5.1f}%")
    total = [r for rs in killed.values() for r in rs]
    print(f"{'total':45s} {sum(total):6d} / {len(total):<7d} {100 * sum(total) / max(1, len(total)):5.1f}%")
    print("\nsurvivors:")
    for m in survivors:
        print(f"  {m.file}:{m.line}: {m.what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
