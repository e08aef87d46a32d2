"""Fuzz detection over the corpus: each seeded bug's fuzz-expected properties, found or not,
and false alarms on the correct variants.

    python benchmarks/fuzz_corpus.py [--budget SECONDS] [--seed N] [family ...]

A row per variant: properties expected broken (expected.toml's `fuzz`), those the campaign
broke, those it missed, and calls/s. A correct variant's row lists anything it broke: each
is a false alarm (or a spec that does not hold).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_deploy import Builder  # noqa: E402
from benchmarks.groundtruth import Family, Variant, families  # noqa: E402
from solvency.analyzers.fuzz.api import prepare_compiled, run_campaign  # noqa: E402
from solvency.analyzers.fuzz.campaign import FuzzConfig  # noqa: E402
from solvency.analyzers.fuzz.recipe import load_recipe  # noqa: E402
from solvency.build import BuildOptions  # noqa: E402
from solvency.core.errors import SolvencyError  # noqa: E402
from solvency.core.properties import Status  # noqa: E402
from solvency.ir import analyse  # noqa: E402
from solvency.specs.api import check_spec  # noqa: E402


def run_variant(builder: Builder, family: Family, variant: Variant, config: FuzzConfig) -> str:
    spec_path = family.folder / f"{family.contract}.spec"
    project = builder.variant_project(family, variant)
    model = analyse(project).model.contract(family.contract)
    if model is None:
        return "no contract model"
    spec = check_spec(spec_path, model)
    prepared = prepare_compiled(project, spec, load_recipe(family.recipe), builder.helper)
    outcome = run_campaign(prepared, config)
    broken = {r.name for r in outcome.results if r.status is Status.VIOLATED}
    rate = f"{outcome.stats.calls_per_second:,.0f}/s"
    if variant.correct:
        return f"correct  false alarms: {sorted(broken) or '-'}  {rate}"
    expected = set(variant.expected.fuzz)
    found, missed = sorted(expected & broken), sorted(expected - broken)
    return f"{variant.bug_class or '?'}  found {found or '-'}  missed {missed or '-'}  {rate}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("families", nargs="*")
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    builder = Builder(BuildOptions())
    config = FuzzConfig(budget_seconds=args.budget, seed=args.seed)
    for family in families():
        if args.families and family.name not in args.families:
            continue
        if not (family.folder / f"{family.contract}.spec").is_file():
            print(f"{family.name}: no spec yet")
            continue
        for variant in family.variants:
            started = time.perf_counter()
            try:
                row = run_variant(builder, family, variant, config)
            except SolvencyError as exc:
                row = f"error: {exc}"
            print(f"{family.name}/{variant.id:<32} {row}  ({time.perf_counter() - started:.0f}s)")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
