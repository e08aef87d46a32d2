"""Fuzz detection over the corpus: each seeded bug's fuzz-expected properties, found or not,
and false alarms on the correct variants.

    python benchmarks/fuzz_corpus.py [--budget SECONDS | --calls N] [--seed N] [family ...]

A row per variant: properties expected broken (expected.toml's `fuzz`), those the campaign
broke, those it missed, the calls until the last of them broke, and calls/s. A correct
variant's row lists anything it broke: each is a false alarm (or a spec that does not hold).
A table at the end: per family, bugged variants whose every expected property was found,
and false alarms. `--calls` makes the run a function of the seed (no wall-clock limits).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_deploy import Builder  # noqa: E402
from benchmarks.groundtruth import Family, Variant, specced_families  # noqa: E402
from benchmarks.prove_corpus import variant_model  # noqa: E402
from solvency.analyzers.fuzz.api import prepare_compiled, run_campaign  # noqa: E402
from solvency.analyzers.fuzz.campaign import FuzzConfig  # noqa: E402
from solvency.analyzers.fuzz.recipe import load_recipe  # noqa: E402
from solvency.build import BuildOptions  # noqa: E402
from solvency.core.errors import SolvencyError  # noqa: E402
from solvency.core.properties import Status  # noqa: E402
from solvency.specs.api import check_spec  # noqa: E402


def run_variant(
    builder: Builder, family: Family, variant: Variant, config: FuzzConfig
) -> tuple[str, bool]:
    """The row, and whether the variant counts as detected (correct: no false alarm)."""
    spec_path = family.folder / f"{family.contract}.spec"
    project = builder.variant_project(family, variant)
    model = variant_model(project, family, variant)  # by file: every variant has the name
    spec = check_spec(spec_path, model)
    prepared = prepare_compiled(project, spec, load_recipe(family.recipe), builder.helper)
    outcome = run_campaign(prepared, config)
    broken = {r.name for r in outcome.results if r.status is Status.VIOLATED}
    rate = f"{outcome.stats.calls_per_second:,.0f}/s"
    if variant.correct:
        return f"correct  false alarms: {sorted(broken) or '-'}  {rate}", not broken
    expected = set(variant.expected.fuzz)
    found, missed = sorted(expected & broken), sorted(expected - broken)
    firsts = {b.property: b.calls for b in outcome.stats.first_breaks}
    after = f"after {max(firsts[p] for p in found):,} calls" if found and not missed else ""
    row = f"{variant.bug_class or '?'}  found {found or '-'}  missed {missed or '-'}  {after}"
    return f"{row}  {rate}", bool(expected) and not missed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("families", nargs="*")
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--calls", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    builder = Builder(BuildOptions())
    if args.calls is not None:
        config = FuzzConfig(budget_seconds=None, budget_calls=args.calls, seed=args.seed)
    else:
        config = FuzzConfig(budget_seconds=args.budget, seed=args.seed)
    table: dict[str, list[int]] = {}  # family → [bugged found, bugged, false alarms, correct]
    for family in specced_families(args.families):
        for variant in family.variants:
            started = time.perf_counter()
            try:
                row, ok = run_variant(builder, family, variant, config)
            except SolvencyError as exc:
                row, ok = f"error: {exc}", False
            counts = table.setdefault(family.name, [0, 0, 0, 0])
            if variant.correct:
                counts[2] += not ok
                counts[3] += 1
            else:
                counts[0] += ok
                counts[1] += 1
            print(f"{family.name}/{variant.id:<32} {row}  ({time.perf_counter() - started:.0f}s)")
            sys.stdout.flush()
    print(f"\n{'family':<24} {'bugged found':>12} {'false alarms':>13}")
    for name, (found, bugged, alarms, correct) in table.items():
        print(f"{name:<24} {f'{found}/{bugged}':>12} {f'{alarms}/{correct}':>13}")
    totals = [sum(c[i] for c in table.values()) for i in range(4)]
    print(f"{'total':<24} {f'{totals[0]}/{totals[1]}':>12} {f'{totals[2]}/{totals[3]}':>13}")


if __name__ == "__main__":
    main()
