"""The prover over the corpus: verdict counts per variant, expected-vs-got, time per obligation.

    python benchmarks/prove_corpus.py [--timeout SECONDS] [--loop-bound K] [family ...]

A row per variant: how many properties came out PROVED, PROVED_BOUNDED, VIOLATED (and how
many of those replays confirmed), UNKNOWN, VACUOUS, ERROR; for a bugged variant, the
properties expected.toml's `prover` list expects violated, which were (`found`) and which
were not (`missed`); for a correct variant, any VIOLATED is a false alarm. Time per
obligation is measured between progress callbacks (encoding included): median and max.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_deploy import Builder  # noqa: E402
from benchmarks.groundtruth import Family, Variant, families  # noqa: E402
from solvency.analyzers.symbolic.api import (  # noqa: E402
    ProveOptions,
    ProveOutcome,
    ProveProgress,
    prove_compiled,
)
from solvency.build import BuildOptions, CompiledProject  # noqa: E402
from solvency.core.errors import SolvencyError  # noqa: E402
from solvency.core.properties import Status  # noqa: E402
from solvency.ir import analyse  # noqa: E402
from solvency.ir.model import Contract  # noqa: E402
from solvency.specs.api import check_spec  # noqa: E402

HEADER = (
    f"{'variant':<40} {'P':>3} {'PB':>3} {'V(c)':>6} {'U':>3} {'VAC':>3} {'E':>3}  "
    f"{'med/max s':>11}  expected vs got"
)


def variant_model(project: CompiledProject, family: Family, variant: Variant) -> Contract:
    """The variant's own contract: the era's Slither run sees every file of the family, each
    defining a contract of the same name, so pick it by file."""
    found = [
        c
        for c in analyse(project).model.contracts
        if c.name == family.contract and Path(c.file).name == variant.file.name
    ]
    if len(found) != 1:
        raise SolvencyError(f"no single contract {family.contract} in {variant.file.name}")
    return found[0]


def prove_variant(
    builder: Builder, family: Family, variant: Variant, options: ProveOptions
) -> tuple[ProveOutcome, list[float]]:
    project = builder.variant_project(family, variant)
    model = variant_model(project, family, variant)
    spec = check_spec(family.folder / f"{family.contract}.spec", model)
    times: list[float] = []
    last = [time.perf_counter()]

    def tick(_: ProveProgress) -> None:
        now = time.perf_counter()
        times.append(now - last[0])
        last[0] = now

    recipe = family.recipe if family.recipe.is_file() else None
    outcome = prove_compiled(project, spec, options, tick, recipe, build=builder.options)
    return outcome, times


def row(variant: Variant, outcome: ProveOutcome, times: list[float]) -> str:
    c = {s: 0 for s in Status}
    for r in outcome.results:
        c[r.status] += 1
    violated = {r.name for r in outcome.results if r.status is Status.VIOLATED}
    confirmed = sum(
        1
        for r in outcome.results
        if r.status is Status.VIOLATED and r.counterexample and r.counterexample.confirmed
    )
    if variant.correct:
        verdict = f"correct: false alarms {sorted(violated) or '-'}"
    else:
        expected = set(variant.expected.prover)
        found, missed = sorted(expected & violated), sorted(expected - violated)
        extra = sorted(violated - expected)
        verdict = f"found {found or '-'} missed {missed or '-'}" + (
            f" also {extra}" if extra else ""
        )
    timing = f"{statistics.median(times):.1f}/{max(times):.1f}" if times else "-"
    return (
        f"{c[Status.PROVED]:>3} {c[Status.PROVED_BOUNDED]:>3} "
        f"{c[Status.VIOLATED]:>3}({confirmed}) {c[Status.UNKNOWN]:>3} {c[Status.VACUOUS]:>3} "
        f"{c[Status.ERROR]:>3}  {timing:>11}  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("families", nargs="*")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per Z3 query")
    parser.add_argument("--loop-bound", type=int, default=3)
    parser.add_argument("--variant", action="append", default=[], help="only these ids")
    parser.add_argument("--verbose", action="store_true", help="print each property")
    args = parser.parse_args()
    options = ProveOptions(timeout_ms=int(args.timeout * 1000), loop_bound=args.loop_bound)
    builder = Builder(BuildOptions())
    all_times: list[float] = []
    print(HEADER)
    for family in families():
        if args.families and family.name not in args.families:
            continue
        if not (family.folder / f"{family.contract}.spec").is_file():
            print(f"{family.name}: no spec yet")
            continue
        for variant in family.variants:
            if args.variant and variant.id not in args.variant:
                continue
            name = f"{family.name}/{variant.id}"
            started = time.perf_counter()
            try:
                outcome, times = prove_variant(builder, family, variant, options)
            except SolvencyError as exc:
                print(f"{name:<40} error: {exc}")
                continue
            all_times.extend(times)
            took = time.perf_counter() - started
            print(f"{name:<40} {row(variant, outcome, times)}  ({took:.0f}s)")
            if args.verbose:
                for r in outcome.results:
                    print(f"    {r.status.value:<15} {r.name}: {r.reason[:160]}")
            sys.stdout.flush()
    if all_times:
        print(
            f"\n{len(all_times)} obligations: median {statistics.median(all_times):.2f}s, "
            f"max {max(all_times):.2f}s"
        )


if __name__ == "__main__":
    main()
