"""`solvency audit` on each corpus family's correct version: wall time per stage.

    python benchmarks/audit_corpus.py [--fuzz-budget 10s] [--prove-timeout 10] [--no-prove]
                                      [--no-fuzz] [family ...]

One row per family (the 0.8 correct contract with its spec): compile (cold compile cache:
solc runs; the solc-js install itself is shared), static pass, prover, fuzzer, total, and
what the merged report says (properties by status, findings, errors). "compile" includes
building Slither's IR; "compile warm" is that stage again with the compile cache filled.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.groundtruth import Family, families  # noqa: E402
from solvency.analyzers.audit import AuditOptions, AuditResult, audit  # noqa: E402
from solvency.build import BuildOptions, default_cache_dir  # noqa: E402
from solvency.config import parse_budget  # noqa: E402
from solvency.reports import merge_report  # noqa: E402

STAGES = ("compile", "static", "spec", "prove", "fuzz")


def correct_file(family: Family) -> Path | None:
    for v in family.variants:
        if v.correct and v.style == "0.8":
            return family.folder / v.file.name
    return None


def run(target: Path, spec: Path, options: AuditOptions) -> tuple[AuditResult, float]:
    started = time.perf_counter()
    result = audit([target], dataclasses.replace(options, specs=(spec,)))
    return result, time.perf_counter() - started


def summary(result: AuditResult) -> str:
    report = merge_report(result.raw, static_ran=result.static_ran)
    counts = Counter(p.status.value for p in report.properties)
    props = " ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "-"
    errors = f"  ERRORS: {'; '.join(e.stage for e in report.errors)}" if report.errors else ""
    return f"{props}; {len(report.active_findings())} findings{errors}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("families", nargs="*")
    parser.add_argument("--fuzz-budget", default="10s")
    parser.add_argument("--prove-timeout", type=float, default=10.0)
    parser.add_argument("--no-prove", action="store_true")
    parser.add_argument("--no-fuzz", action="store_true")
    args = parser.parse_args()
    budget = parse_budget(args.fuzz_budget)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        (default_cache_dir() / "solcjs").mkdir(parents=True, exist_ok=True)
        (cache / "solcjs").symlink_to(default_cache_dir() / "solcjs")
        options = AuditOptions(
            build=BuildOptions(cache_dir=cache),
            prove=not args.no_prove,
            fuzz=not args.no_fuzz,
            fuzz_seconds=budget.seconds,
            fuzz_calls=budget.calls,
            prove_timeout_ms=int(args.prove_timeout * 1000),
        )
        fuzz = "fuzzer off" if args.no_fuzz else f"fuzz budget {budget.describe()} per spec"
        prove = "prover off" if args.no_prove else f"prover timeout {args.prove_timeout:g}s/query"
        print(f"solvency audit per corpus family (correct 0.8 version + spec); {fuzz}, {prove}")
        header = f"{'family':<22}" + "".join(f"{s:>9}" for s in STAGES)
        print(f"{header}{'total':>9}{'compile warm':>14}  report")
        totals = dict.fromkeys(STAGES, 0.0)
        for family in families():
            if args.families and family.name not in args.families:
                continue
            target = correct_file(family)
            spec = family.folder / f"{family.contract}.spec"
            if target is None or not spec.is_file():
                print(f"{family.name:<22} (no correct 0.8 version with a spec)")
                continue
            result, total = run(target, spec, options)
            warm_options = dataclasses.replace(options, prove=False, fuzz=False, static=False)
            warm_result, _ = run(target, spec, warm_options)
            warm = sum(t.seconds for t in warm_result.timings if t.stage == "compile")
            per = dict.fromkeys(STAGES, 0.0)
            for t in result.timings:
                per[t.stage] = per.get(t.stage, 0.0) + t.seconds
            for s in STAGES:
                totals[s] += per[s]
            cells = "".join(f"{per[s]:>8.1f}s" for s in STAGES)
            print(f"{family.name:<22}{cells}{total:>8.1f}s{warm:>13.1f}s  {summary(result)}")
        cells = "".join(f"{totals[s]:>8.1f}s" for s in STAGES)
        print(f"{'all (cold)':<22}{cells}")


if __name__ == "__main__":
    main()
