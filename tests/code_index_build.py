"""Derive, from the source, which functions emit each finding code and which facts they read.

Used by ``scripts/code_index.py`` to write ``src/alpha4/rules/code_index.py`` and by
``tests/rules/test_code_index.py`` to prove that file is current. A function *emits* a code when a
string literal equal to a registered code appears in its body, or when it reads a module-level table
whose values are codes (e.g. ``OVERDUE_CODES``). It *reads* a fact when it names one
(``label.X``, ``terms.X``, ``kb.X``) or a profile field (``ctx.profile.X`` / ``p.X``; both profiles'
facts are listed).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from alpha4.knowledge import profiles
from alpha4.knowledge.base import Fact
from alpha4.rules.codes import CODES

SRC = Path(__file__).resolve().parent.parent / "src" / "alpha4"
MODULES = sorted([*(SRC / "rules").glob("*.py"), SRC / "pk" / "planner.py"])
SKIP = {"codes.py", "response_codes.py", "pk_codes.py", "codespec.py", "code_index.py", "__init__.py"}
FACT_MODULES = {"label", "terms", "kb", "response", "pk"}


def _module_name(path: Path) -> str:
    return "alpha4." + ".".join(path.relative_to(SRC).with_suffix("").parts)


def _code_tables(tree: ast.Module) -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target if isinstance(node, ast.AnnAssign) else None
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(target, ast.Name) and value is not None:
            codes = {c.value for c in ast.walk(value) if isinstance(c, ast.Constant) and c.value in CODES}
            if codes:
                tables[target.id] = codes
    return tables


def _facts_in(node: ast.AST, module: object) -> set[str]:
    keys: set[str] = set()
    for n in ast.walk(node):
        if not isinstance(n, ast.Attribute):
            continue
        base = n.value
        if isinstance(base, ast.Name) and base.id in FACT_MODULES:
            target = getattr(module, base.id, None)
            fact = getattr(target, n.attr, None)
            if isinstance(fact, Fact):
                keys.add(fact.key)
        profile_owner = (isinstance(base, ast.Name) and base.id == "p") or (
            isinstance(base, ast.Attribute) and base.attr == "profile"
        )
        if profile_owner:
            for prof in profiles.PROFILES.values():
                fact = getattr(prof, n.attr, None)
                if isinstance(fact, Fact):
                    keys.add(fact.key)
    return keys


def build() -> dict[str, dict[str, tuple[str, ...]]]:
    emitters: dict[str, set[str]] = {}
    facts: dict[str, set[str]] = {}
    for path in MODULES:
        if path.name in SKIP:
            continue
        name = _module_name(path)
        module = importlib.import_module(name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tables = _code_tables(tree)
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            codes = {c.value for c in ast.walk(fn) if isinstance(c, ast.Constant) and c.value in CODES}
            codes |= {code for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id in tables for code in tables[n.id]}
            if not codes:
                continue
            read = _facts_in(fn, module)
            for code in codes:
                emitters.setdefault(code, set()).add(f"{name}.{fn.name}")
                facts.setdefault(code, set()).update(read)
    return {
        code: {"emitted_by": tuple(sorted(emitters[code])), "facts": tuple(sorted(facts[code]))}
        for code in sorted(emitters)
    }


def render(index: dict[str, dict[str, tuple[str, ...]]]) -> str:
    lines = [
        '"""Where each finding code comes from: the functions that emit it and the facts they read.',
        "",
        "Generated from the source by ``scripts/code_index.py --write``; ``tests/rules/test_code_index.py``",
        "fails when it is stale. ``alpha4 knowledge --code CODE`` prints it with the facts' sources.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "EMITTED_BY: dict[str, tuple[str, ...]] = {",
    ]
    for code, entry in index.items():
        lines.append(f"    {code!r}: {entry['emitted_by']!r},")
    lines += ["}", "", "FACTS_READ: dict[str, tuple[str, ...]] = {"]
    for code, entry in index.items():
        lines.append(f"    {code!r}: {entry['facts']!r},")
    lines += ["}", ""]
    return "\n".join(lines)
