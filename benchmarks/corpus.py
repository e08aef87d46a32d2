#!/usr/bin/env python3
"""Detection benchmark over corpora/: plain Slither and `solvency lint`, variant by variant.

    python3 benchmarks/corpus.py [--family NAME ...] [--engine slither|lint ...] [--jobs N]

Engines. `slither`: the plain Slither CLI with all its own detectors (not Solvency's plugin),
on the variant's standard-JSON input with the same solc (crytic-compile's solc-json platform,
as benchmarks/lint_speed.py does); it compiles every time. `lint`: `python -m solvency lint
FILE --format json`, whose compile cache is warm (the benchmark compiled the file first).
Times are whole processes, start-up included.

What counts as a catch. A finding *touches* a bug when one of its locations is in the variant's
file and either overlaps the manifest's bug lines or lies in a function that contains a bug line
(bugs that remove a statement are listed at the neighbouring line, so the function matters).
Touching is not enough: Slither reports naming, timestamps and low-level calls in most
functions, so a catch is a touching finding *of a rule that addresses the bug class*:
  - slither: the Slither detectors of CLASS_DETECTORS[class] below (classes without one are
    not expected of Slither and show "-");
  - lint: those same detectors (lint runs them) plus the manifest's `static` rule ids. Ids that
    lint cannot emit yet (Solvency's rule pack, solvency/rules, is counted when present and
    only for the rules it has) are shown as "n/a" and never count as misses.
Recall = caught / variants with at least one available expected rule. False positives: findings
of any rule of the table (or of the manifest's rules) in the correct versions. A compile
failure or an engine crash marks that row's engine ERROR; the run goes on.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.groundtruth import Family, Variant, families  # noqa: E402
from benchmarks.solidity_spans import enclosing_function  # noqa: E402
from solvency.build import BuildOptions, CompiledProject, compile_target  # noqa: E402
from solvency.build import standard_json as sj  # noqa: E402
from solvency.build.compilers import resolve_compiler  # noqa: E402
from solvency.reports.json_report import report_from_json  # noqa: E402

# Slither detectors that address each bug class (the baseline's fair chance).
CLASS_DETECTORS: dict[str, tuple[str, ...]] = {
    "B8": ("reentrancy-eth", "reentrancy-no-eth", "reentrancy-benign"),
    "B9": ("unused-return",),  # latestRoundData's round fields thrown away
    "B11": ("unchecked-transfer", "unchecked-lowlevel", "unchecked-send"),
    "B13": ("divide-before-multiply",),
    "B16": ("msg-value-loop",),
}
RELEVANT = frozenset(d for ids in CLASS_DETECTORS.values() for d in ids)
ENGINES = ("slither", "lint")


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    file: str  # relative to the project root
    lines: frozenset[int]
    functions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # caught, missed, -, n/a, clean, FP, ERROR
    expected: tuple[str, ...] = ()
    unavailable: tuple[str, ...] = ()
    found: tuple[str, ...] = ()
    seconds: float = 0.0
    error: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    family: str
    variant: str
    bug_class: str  # "correct" for correct versions
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def slither_rule_ids() -> frozenset[str]:
    from solvency.ir.detectors import slither_detectors

    return frozenset(str(d.ARGUMENT) for d in slither_detectors())


def available_rules() -> frozenset[str]:
    """Rule ids `solvency lint` can emit today: Slither's detectors plus Solvency's rule pack."""
    ids = set(slither_rule_ids())
    try:
        from solvency.rules import RULE_IDS  # the rule pack, once it exists
    except ImportError:
        return frozenset(ids)
    return frozenset(ids | set(RULE_IDS))


def slither_hits(project: CompiledProject, timeout: float) -> list[Hit]:
    assert project.sources is not None
    solc_input = sj.build_input(project.sources, project.solc_version, BuildOptions().settings)
    compiler = resolve_compiler(project.solc_version, BuildOptions().cache_dir)
    launcher = BuildOptions().cache_dir / "solcjs" / "bin" / f"solc-{project.solc_version}"
    solc = str(launcher) if compiler.kind == "solcjs" else compiler.command[0]
    with tempfile.TemporaryDirectory() as tmp:
        input_file = Path(tmp) / "input.json"
        input_file.write_text(json.dumps(solc_input))
        cmd = [shutil.which("slither") or "slither", str(input_file), "--json", "-"]
        cmd += ["--compile-force-framework", "solc-json", "--solc", solc]
        cmd += ["--solc-working-dir", str(project.root)]
        # Only Slither's own detectors: with Solvency installed, Slither also loads Solvency's
        # rules as a plugin, which would make the baseline not plain.
        cmd += ["--detect", ",".join(sorted(slither_rule_ids()))]
        proc = subprocess.run(
            cmd, cwd=project.root, capture_output=True, text=True, timeout=timeout, check=False
        )
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"slither exited {proc.returncode}: {proc.stderr[-300:]}") from None
    if not data.get("success"):
        raise RuntimeError(f"slither failed: {str(data.get('error'))[:300]}")
    hits = []
    for result in data.get("results", {}).get("detectors", []):
        for element in result.get("elements", []):
            mapping = element.get("source_mapping") or {}
            parent = (element.get("type_specific_fields") or {}).get("parent") or {}
            function = element.get("name") if element.get("type") == "function" else None
            function = function or (
                parent.get("name") if parent.get("type") == "function" else None
            )
            hits.append(
                Hit(
                    rule=str(result["check"]),
                    file=str(mapping.get("filename_relative", "")),
                    lines=frozenset(mapping.get("lines") or ()),
                    functions=frozenset({function} if function else ()),
                )
            )
    return hits


def lint_hits(project: CompiledProject, timeout: float) -> list[Hit]:
    cmd = [sys.executable, "-m", "solvency", "lint", str(project.target)]
    cmd += ["--format", "json", "--fail-on", "none"]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"solvency lint exited {proc.returncode}: {proc.stderr[-300:]}")
    report = report_from_json(proc.stdout)
    if report.errors:
        raise RuntimeError("; ".join(f"{e.stage}: {e.message[:200]}" for e in report.errors))
    root = project.root
    return [
        Hit(
            rule=f.rule_id,
            file=_relative(loc.file, root),
            lines=frozenset(range(loc.start_line, loc.end_line + 1)),
            functions=frozenset({loc.function} if loc.function else ()),
        )
        for f in report.findings
        if not getattr(f, "suppressed", False)
        for loc in f.locations
    ]


def _relative(file: str, root: Path) -> str:
    path = Path(file)
    if path.is_absolute() and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    if not path.is_absolute() and (ROOT / path).exists():
        return (ROOT / path).resolve().relative_to(root).as_posix()
    return file


def judge(
    variant: Variant,
    unit: str,
    hits: list[Hit],
    *,
    expected: set[str],
    available: frozenset[str],
    seconds: float,
) -> Outcome:
    """Compare one engine's hits on one variant file with what it is expected to report."""
    mine = [h for h in hits if h.file == unit]
    if variant.correct:
        found = sorted({h.rule for h in mine if h.rule in expected})
        return Outcome("FP" if found else "clean", found=tuple(found), seconds=seconds)
    spans = [enclosing_function(variant.file, n) for n in variant.lines]
    names = {s.name for s in spans if s is not None}
    touching = [h for h in mine if h.lines & set(variant.lines) or h.functions & names]
    usable = tuple(sorted(expected & available))
    missing = tuple(sorted(expected - available))
    found = tuple(sorted({h.rule for h in touching if h.rule in expected}))
    status = ("caught" if found else "missed") if usable else ("n/a" if missing else "-")
    return Outcome(status, usable, missing, found, seconds)


def run_variant(family: Family, variant: Variant, engines: tuple[str, ...], timeout: float) -> Row:
    """Every engine on one variant; any failure becomes that engine's ERROR outcome."""
    row = Row(family.name, variant.id, "correct" if variant.correct else str(variant.bug_class))
    avail = available_rules()
    try:
        project = compile_target(variant.file, BuildOptions())
    except Exception as exc:  # the benchmark keeps going whatever breaks
        for engine in engines:
            row.outcomes[engine] = Outcome("ERROR", error=f"compile: {exc}"[:300])
        return row
    unit = variant.file.resolve().relative_to(project.root).as_posix()
    class_rules = set(CLASS_DETECTORS.get(str(variant.bug_class), ()))
    for engine in engines:
        if variant.correct:
            expected = set(RELEVANT) | (set(_all_static()) if engine == "lint" else set())
        else:
            static = set(variant.expected.static) if engine == "lint" else set()
            expected = class_rules | static
        started = time.perf_counter()
        try:
            hits = (slither_hits if engine == "slither" else lint_hits)(project, timeout)
        except Exception as exc:
            timed_out = isinstance(exc, subprocess.TimeoutExpired)
            error = f"timed out after {timeout:g}s" if timed_out else str(exc)[:300]
            row.outcomes[engine] = Outcome(
                "ERROR", seconds=time.perf_counter() - started, error=error
            )
            continue
        seconds = time.perf_counter() - started
        engine_avail = avail if engine == "lint" else frozenset(RELEVANT)
        row.outcomes[engine] = judge(
            variant, unit, hits, expected=expected, available=engine_avail, seconds=seconds
        )
    return row


def _all_static() -> set[str]:
    return {r for f in families() for v in f.variants for r in v.expected.static}


def render(rows: list[Row], engines: tuple[str, ...]) -> str:
    head = f"{'family':<22}{'variant':<34}{'class':<8}"
    for engine in engines:
        head += f"| {engine + ' expected':<34}{'found':<26}{'result':<8}{'time':>6} "
    out = [head, "-" * len(head)]
    for row in rows:
        line = f"{row.family:<22}{row.variant:<34}{row.bug_class:<8}"
        for engine in engines:
            o = row.outcomes.get(engine, Outcome("ERROR", error="not run"))
            expected = ", ".join(o.expected) or "-"
            if o.unavailable:
                expected += f" [n/a: {', '.join(o.unavailable)}]"
            line += (
                f"| {expected[:33]:<34}{', '.join(o.found)[:25] or '-':<26}{o.status:<8}"
                f"{o.seconds:>5.1f}s "
            )
        out.append(line)
    out.append("")
    out.extend(totals(rows, engines))
    errors = [(r, e, o) for r in rows for e, o in r.outcomes.items() if o.status == "ERROR"]
    for row, engine, outcome in errors:
        out.append(f"ERROR {row.family}/{row.variant} [{engine}]: {outcome.error}")
    return "\n".join(out)


def totals(rows: list[Row], engines: tuple[str, ...]) -> list[str]:
    bugged = [r for r in rows if r.bug_class != "correct"]
    correct = [r for r in rows if r.bug_class == "correct"]
    out = ["totals (recall counts only variants with an available expected rule):"]
    for engine in engines:
        outs = [r.outcomes[engine] for r in bugged if engine in r.outcomes]
        expected = [o for o in outs if o.status in ("caught", "missed")]
        caught = sum(o.status == "caught" for o in expected)
        na = sum(o.status == "n/a" for o in outs)
        fps = [r.outcomes[engine] for r in correct if r.outcomes.get(engine, Outcome("")).found]
        fp_findings = sum(len(o.found) for o in fps)
        errors = sum(o.status == "ERROR" for r in rows for o in [r.outcomes.get(engine)] if o)
        seconds = sum(o.seconds for r in rows for o in [r.outcomes.get(engine)] if o)
        recall = f"{caught}/{len(expected)} = {caught / len(expected):.0%}" if expected else "n/a"
        out.append(
            f"  {engine:<8} recall {recall:<14} caught {caught}/{len(bugged)} bugged variants; "
            f"{na} expect only rules not yet available; false positives: {fp_findings} rule(s) "
            f"in {len(fps)}/{len(correct)} correct versions; errors {errors}; time {seconds:.0f}s"
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", action="append", help="only this family (repeatable)")
    parser.add_argument("--engine", action="append", choices=ENGINES, help="default: both")
    parser.add_argument("--jobs", type=int, default=1, help="variants run in parallel")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per engine run")
    args = parser.parse_args()
    engines = tuple(args.engine or ENGINES)
    chosen = [f for f in families() if not args.family or f.name in args.family]
    if not chosen:
        parser.error(f"no family named {args.family}; see corpora/")
    work = [(f, v) for f in chosen for v in f.variants]
    started = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_variant, f, v, engines, args.timeout) for f, v in work]
        rows = []
        for (f, v), future in zip(work, futures, strict=True):
            try:
                rows.append(future.result())
            except Exception as exc:  # a worker that died still leaves a row
                row = Row(f.name, v.id, "correct" if v.correct else str(v.bug_class))
                row.outcomes.update({e: Outcome("ERROR", error=str(exc)[:300]) for e in engines})
                rows.append(row)
            print(f"  {f.name}/{v.id} done", file=sys.stderr, flush=True)
    print(render(rows, engines))
    print(f"(wall time {time.perf_counter() - started:.0f}s with --jobs {args.jobs})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
