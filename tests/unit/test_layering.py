"""The package layout of ARCHITECTURE.md, enforced: dependencies point one way.

cli → reports, analyzers, rules → specs → smt, ir → build → core. Only ir/ imports slither,
only smt/ imports z3, reports/ never imports either, core/ imports nothing of ours.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "solvency"

# package → packages of ours it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": ("build", "ir", "smt", "specs", "analyzers", "rules", "reports", "cli"),
    "build": ("ir", "smt", "specs", "analyzers", "rules", "reports", "cli"),
    "ir": ("smt", "specs", "analyzers", "rules", "reports", "cli"),
    "smt": ("build", "ir", "specs", "analyzers", "rules", "reports", "cli"),
    "specs": ("analyzers", "rules", "reports", "cli"),
    "analyzers": ("reports", "cli"),
    "rules": ("analyzers", "reports", "cli"),
    "reports": ("analyzers", "rules", "specs", "smt", "ir", "build", "cli"),
}
THIRD_PARTY_OWNER = {"slither": "ir", "crytic_compile": "build", "z3": "smt"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _package_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_respects_the_layers(path: Path) -> None:
    package = _package_of(path)
    problems = []
    for name in _imports(path):
        parts = name.split(".")
        ours = parts[0] == "solvency" and len(parts) > 1
        if ours and parts[1] in FORBIDDEN.get(package, ()):
            problems.append(f"{package}/ imports solvency.{parts[1]}")
        owner = THIRD_PARTY_OWNER.get(parts[0])
        if owner is not None and package != owner:
            problems.append(f"{package}/ imports {parts[0]} (only {owner}/ may)")
    assert problems == []


def test_the_layer_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import z3\nfrom solvency.reports import render\n", encoding="utf-8")
    assert {"z3", "solvency.reports"} <= _imports(bad)
