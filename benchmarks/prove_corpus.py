"""The prover over the corpus: verdict counts per variant, expected-vs-got, time per obligation.

    python benchmarks/prove_corpus.py [--timeout SECONDS] [--loop-bound K]
        [--family-budget SECONDS] [--search-calls N] [family ...]

A row per variant: how many properties came out PROVED, PROVED_BOUNDED, VIOLATED (and how
many of those replays confirmed), UNKNOWN, VACUOUS, ERROR; for a bugged variant, the
properties expected.toml's `prover` list expects violated, which were (`found`) and which
were not (`missed`); for a correct variant, any VIOLATED is a false alarm. Time per
obligation is measured between progress callbacks (encoding included): median and max.
`--family-budget` caps the prover run of each variant at its share of the family's budget
(what is not reached is UNKNOWN: budget exhausted). After the table: per family the four
counts with median/max time per obligation, then every correct-variant property that is
not PROVED/PROVED_BOUNDED and every expected bug not VIOLATED-and-confirmed, with the reason.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_deploy import Builder  # noqa: E402
from benchmarks.groundtruth import Family, Variant, specced_families  # noqa: E402
from solvency.analyzers.symbolic.api import (  # noqa: E402
    ProveOptions,
    ProveOutcome,
    ProveProgress,
    prove_compiled,
)
from solvency.build import BuildOptions, CompiledProject  # noqa: E402
from solvency.core.errors import SolvencyError  # noqa: E402
from solvency.core.properties import PropertyKind, Status  # noqa: E402
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


@dataclass
class FamilyTally:
    """One family's totals: verdict counts over every variant and the obligation times."""

    counts: dict[Status, int] = field(default_factory=lambda: {s: 0 for s in Status})
    times: list[float] = field(default_factory=list)

    def line(self, name: str) -> str:
        c = self.counts
        timing = f"{statistics.median(self.times):.1f}/{max(self.times):.1f}" if self.times else "-"
        return (
            f"{name:<24} {c[Status.PROVED]:>4} {c[Status.PROVED_BOUNDED]:>4} "
            f"{c[Status.VIOLATED]:>4} {c[Status.UNKNOWN]:>4} {len(self.times):>5} {timing:>11}"
        )


def open_items(variant: Variant, outcome: ProveOutcome) -> list[str]:
    """What the acceptance still wants: correct-variant properties not proved, expected
    bugs not VIOLATED-and-confirmed, each with the prover's reason."""
    by_name = {r.name: r for r in outcome.results}
    out: list[str] = []
    if variant.correct:
        for r in outcome.results:
            if r.kind is PropertyKind.ASSERT or r.status.is_proof:
                continue
            out.append(f"{r.name}: {r.status.value}: {r.reason[:300]}")
        return out
    for name in variant.expected.prover:
        r = by_name.get(name)
        if r is None:
            out.append(f"{name}: not in the results")
        elif r.status is not Status.VIOLATED or not (
            r.counterexample and r.counterexample.confirmed
        ):
            out.append(f"{name}: {r.status.value}: {r.reason[:300]}")
    return out


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
    parser.add_argument(
        "--family-budget", type=float, default=None, help="seconds of prover time per family"
    )
    parser.add_argument(
        "--search-calls", type=int, default=2_000, help="bounded search calls (0: off)"
    )
    args = parser.parse_args()
    base = ProveOptions(
        timeout_ms=int(args.timeout * 1000),
        loop_bound=args.loop_bound,
        search_calls=args.search_calls,
    )
    builder = Builder(BuildOptions())
    all_times: list[float] = []
    tallies: dict[str, FamilyTally] = {}
    pending: list[str] = []
    print(HEADER)
    for family in specced_families(args.families):
        variants = [v for v in family.variants if not args.variant or v.id in args.variant]
        tally = tallies.setdefault(family.name, FamilyTally())
        share = args.family_budget / len(variants) if args.family_budget and variants else None
        options = dataclasses.replace(base, deadline_seconds=share)
        for variant in variants:
            name = f"{family.name}/{variant.id}"
            started = time.perf_counter()
            try:
                outcome, times = prove_variant(builder, family, variant, options)
            except SolvencyError as exc:
                print(f"{name:<40} error: {exc}")
                continue
            all_times.extend(times)
            tally.times.extend(times)
            for r in outcome.results:
                tally.counts[r.status] += 1
            pending.extend(f"{name}: {item}" for item in open_items(variant, outcome))
            took = time.perf_counter() - started
            print(f"{name:<40} {row(variant, outcome, times)}  ({took:.0f}s)")
            if args.verbose:
                for r in outcome.results:
                    print(f"    {r.status.value:<15} {r.name}: {r.reason[:160]}")
            sys.stdout.flush()
    if tallies:
        print(
            f"\n{'family':<24} {'P':>4} {'PB':>4} {'V':>4} {'U':>4} {'oblig':>5} {'med/max s':>11}"
        )
        for fam, tally in tallies.items():
            print(tally.line(fam))
    if pending:
        print("\nnot settled as the acceptance asks (correct: not proved; bugged: not confirmed):")
        for item in pending:
            print(f"  {item}")
    if all_times:
        print(
            f"\n{len(all_times)} obligations: median {statistics.median(all_times):.2f}s, "
            f"max {max(all_times):.2f}s"
        )


if __name__ == "__main__":
    main()
