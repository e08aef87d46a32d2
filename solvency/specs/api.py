"""Entry points for the CLI and the engines: load, bind and type-check spec files."""

from __future__ import annotations

import json
from pathlib import Path

from solvency.core.errors import UserError
from solvency.ir.model import Contract, ProjectModel
from solvency.specs import ast, typed
from solvency.specs.checker import check_block
from solvency.specs.diagnostics import Diagnostic, Diagnostics, SpecError, did_you_mean
from solvency.specs.harness import HarnessError, load_harness
from solvency.specs.loader import LoadedSpec, load_file, load_text

Target = Contract | ProjectModel


def check_spec(spec_path: str | Path, target: Target) -> typed.CheckedSpec:
    """Type-check the one `spec` block of a file against its contract in `target`."""
    checked = check_specs(spec_path, target)
    if len(checked) != 1:
        raise UserError(
            f"{spec_path} has {len(checked)} spec blocks; expected exactly one",
            hint="use solvency.specs.api.check_specs for files with several",
        )
    return checked[0]


def check_specs(spec_path: str | Path, target: Target) -> tuple[typed.CheckedSpec, ...]:
    """Type-check every `spec` block of a file; all errors of all blocks are raised together."""
    return check_loaded(load_file(spec_path), target)


def check_source(text: str, target: Target, path: str = "<spec>") -> tuple[typed.CheckedSpec, ...]:
    """As `check_specs`, for spec text held in memory (tests, editors)."""
    return check_loaded(load_text(text, path), target)


def check_loaded(loaded: LoadedSpec, target: Target) -> tuple[typed.CheckedSpec, ...]:
    diags = Diagnostics()
    if not loaded.specs:
        diags.error(
            "no `spec` block in this file",
            ast.Span(loaded.main.path, 1, 1, 1, 2),
            "write `spec ContractName { … }`",
        )
    out: list[typed.CheckedSpec] = []
    for block in loaded.specs:
        contract = _bind(block, target, diags)
        if contract is None:
            continue
        harness = _harness(block, loaded.main.path, diags)
        out.append(check_block(block, contract, loaded, diags, harness))
    diags.raise_if_any(loaded.sources)
    return tuple(out)


def _bind(block: ast.SpecBlock, target: Target, diags: Diagnostics) -> Contract | None:
    if isinstance(target, Contract):
        if target.name == block.name:
            return target
        diags.error(
            f"spec `{block.name}` does not match contract {target.name}",
            block.span,
            f"write `spec {target.name} {{ … }}`",
        )
        return None
    found = target.contract(block.name)
    if found is None:
        names = target.names()
        diags.error(
            f"no contract `{block.name}` in the target",
            block.span,
            did_you_mean(block.name, names) or "contracts: " + ", ".join(names),
        )
    return found


def _harness(block: ast.SpecBlock, spec_path: str, diags: Diagnostics) -> Path | None:
    """The block's `harness "…";` file, else a `deploy.toml` beside the spec, else None."""
    base = Path(spec_path).parent
    refs = [m for m in block.members if isinstance(m, ast.HarnessRef)]
    for extra in refs[1:]:
        diags.error("a spec has at most one harness", extra.span)
    if refs:
        path = base / refs[0].path
        if not path.is_file():
            diags.error(f"harness file {path} does not exist", refs[0].span)
            return None

        try:
            load_harness(path)
        except HarnessError as exc:
            diags.error(f"harness {path}: {exc}", refs[0].span)
        return path
    default = base / "deploy.toml"
    return default if default.is_file() else None


def format_property_list(checked: typed.CheckedSpec | tuple[typed.CheckedSpec, ...]) -> list[str]:
    """One line per property, for `solvency spec check`: kind, name, parameters, scope."""
    specs = checked if isinstance(checked, tuple) else (checked,)
    lines: list[str] = []
    for s in specs:
        total = len(s.invariants) + len(s.rules)
        lines.append(
            f"spec {s.name} → contract {s.contract.name} ({s.contract.file}): "
            f"{total} propert{'y' if total == 1 else 'ies'}"
        )
        for inv in s.invariants:
            scope = f"across {len(inv.functions)} function(s)"
            if inv.assuming:
                scope += ", assuming " + ", ".join(r.name for r in inv.assuming)
            lines.append(f"  invariant {inv.name}{_params(inv.params)}  [{scope}]")
        for r in s.rules:
            calls = [st for st in r.body if isinstance(st, typed.CallStmt)]
            what = ", ".join("any" if c.function is None else c.function.name for c in calls)
            kind = "satisfy" if r.satisfy else "rule"
            lines.append(f"  {kind} {r.name}{_params(r.params)}  [calls: {what or 'none'}]")
        for g in s.ghosts:
            lines.append(f"  ghost {g.name}")
        for i in s.inputs:
            lines.append(
                f"  input {i.name} = {i.receiver.name}.{i.signature} in [{i.low}, {i.high}]"
            )
    return lines


def _params(ps: tuple[typed.Param, ...]) -> str:
    if not ps:
        return ""
    return "(" + ", ".join(f"{p.type} {p.name}" for p in ps) + ")"


def to_json(checked: tuple[typed.CheckedSpec, ...]) -> str:
    """`solvency spec check --format json`: every spec's properties, ghosts and inputs."""
    return json.dumps({"specs": [_spec_json(s) for s in checked]}, indent=2) + "\n"


def errors_to_json(error: SpecError) -> str:
    """The diagnostics of a failed check, one object each, in source order."""
    return json.dumps({"errors": [_diag_json(d) for d in error.diagnostics]}, indent=2) + "\n"


def _spec_json(s: typed.CheckedSpec) -> dict[str, object]:
    def params(ps: tuple[typed.Param, ...]) -> list[dict[str, str]]:
        return [{"name": p.name, "type": str(p.type)} for p in ps]

    return {
        "name": s.name,
        "contract": s.contract.name,
        "contract_file": s.contract.file,
        "spec_file": str(s.file),
        "harness": None if s.harness is None else str(s.harness),
        "invariants": [
            {
                "name": i.name,
                "line": i.span.line,
                "params": params(i.params),
                "functions": [f.signature for f in i.functions],
                "assuming": [r.name for r in i.assuming],
            }
            for i in s.invariants
        ],
        "rules": [
            {
                "name": r.name,
                "kind": "satisfy" if r.satisfy else "rule",
                "line": r.span.line,
                "params": params(r.params),
                "calls": [
                    "any" if c.function is None else c.function.signature
                    for c in r.body
                    if isinstance(c, typed.CallStmt)
                ],
            }
            for r in s.rules
        ],
        "ghosts": [g.name for g in s.ghosts],
        "inputs": [
            {
                "name": i.name,
                "source": f"{i.receiver.name}.{i.signature}",
                "low": str(i.low),
                "high": str(i.high),
            }
            for i in s.inputs
        ],
    }


def _diag_json(d: Diagnostic) -> dict[str, object]:
    sp = d.span
    return {
        "file": sp.file,
        "line": sp.line,
        "column": sp.column,
        "end_line": sp.end_line,
        "end_column": sp.end_column,
        "message": d.message,
        "hint": d.hint,
    }
