#!/usr/bin/env python3
"""The rule pack (solvency/rules) measured: detection on the corpus, findings on real code,
and the time it adds to plain Slither.

    python3 benchmarks/rules.py [--skip-npm] [--family NAME ...]

Corpus. Every variant of every corpora/<family>/expected.toml is compiled and analysed by the
twelve rules. A finding is a true positive when its rule is in the variant's `static` list
and it lies at a bug line or in a function holding one; every other finding in the variant's
own file is a false positive (so every finding on a correct version is one). Recall per rule
is over the variants whose manifest names it.

Real code. @openzeppelin/contracts and @morpho-org/morpho-blue are installed with npm into
<cache>/bench-npm at run time (never copied into the repository) and analysed whole. Each
finding is printed with the explanation in EXPLAINED below, or flagged UNEXPLAINED.

Time. On each target: Slither's IR build plus all its own detectors ("slither"), then the
twelve rules, one at a time, on the same Slither object ("rules", and per rule on the
largest target); the ratio is (slither + rules) / slither.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.groundtruth import Variant, families  # noqa: E402
from benchmarks.solidity_spans import enclosing_function  # noqa: E402
from solvency.build import BuildOptions, compile_target, default_cache_dir  # noqa: E402
from solvency.core.errors import InternalError, UserError  # noqa: E402
from solvency.ir import analyse  # noqa: E402
from solvency.ir.detectors import DetectorResult, run_detectors, slither_detectors  # noqa: E402
from solvency.rules import ALL_RULES  # noqa: E402

NPM_PACKAGES = ("@openzeppelin/contracts@5", "@morpho-org/morpho-blue@1")
# OpenZeppelin 5.x: P256/RSA/WebAuthn need via-IR ("stack too deep" otherwise) and are not
# collateral code; everything that imports them (account abstraction, signers) goes too.
OZ_EXCLUDE = (
    "account/*",
    "account/*/*",
    "account/*/*/*",
    "utils/cryptography/P256.sol",
    "utils/cryptography/RSA.sol",
    "utils/cryptography/WebAuthn.sol",
    "utils/cryptography/signers/*",
    "utils/cryptography/signers/*/*",
    "utils/cryptography/verifiers/*",
)
# (rule, file suffix, function) → why the finding on real code is not a defect to fix.
EXPLAINED: dict[tuple[str, str, str], str] = {
    (
        "unchecked-token-transfer",
        "mocks/FlashBorrowerMock.sol",
        "onMorphoFlashLoan",
    ): "test mock shipped in the npm package (src/mocks), approves a known ERC20Mock; "
    "not part of the deployed protocol. True to the rule's letter, kept.",
    (
        "accounting-after-call",
        "token/ERC721/extensions/ERC721Wrapper.sol",
        "depositFor",
    ): "pull-then-mint of the wrapped NFT: the wrapper must own tokenId before minting it; "
    "the plain ERC721 transferFrom runs no receiver hook and a second mint of the same "
    "tokenId reverts, so a re-entry cannot credit twice. Kept: a hook-running underlying "
    "would re-enter here.",
    (
        "accounting-after-call",
        "token/ERC20/extensions/ERC20FlashMint.sol",
        "flashLoan",
    ): "a flash loan by design: mint, call the borrower back, burn value + fee; the burn "
    "reverts unless the borrower repaid, so re-entry cannot leave the supply short.",
}


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    expected: int = 0
    caught: int = 0
    fp_where: list[str] = field(default_factory=list)


def rule_ids() -> list[str]:
    return sorted(r.meta.id for r in ALL_RULES)


def _own(results: list[DetectorResult], file: Path) -> list[DetectorResult]:
    return [r for r in results if r.locations and r.locations[0].file.endswith(file.name)]


def _at_bug(result: DetectorResult, variant: Variant) -> bool:
    loc = result.locations[0]
    if any(loc.start_line <= line <= loc.end_line for line in variant.lines):
        return True
    spans = [enclosing_function(variant.file, line) for line in variant.lines]
    return any(s is not None and s.name == loc.function for s in spans)


def corpus(options: BuildOptions, only: set[str]) -> tuple[dict[str, Tally], list[str]]:
    tallies = {rid: Tally() for rid in rule_ids()}
    errors: list[str] = []
    for family in families():
        if only and family.name not in only:
            continue
        for variant in family.variants:
            try:
                project = analyse(compile_target(variant.file, options))
                results = _own(run_detectors(project, list(ALL_RULES)), variant.file)
            except (UserError, InternalError) as exc:
                errors.append(f"{variant.key}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            caught: set[str] = set()
            for r in results:
                if r.check in variant.expected.static and _at_bug(r, variant):
                    tallies[r.check].tp += 1
                    caught.add(r.check)
                else:
                    tallies[r.check].fp += 1
                    loc = r.locations[0]
                    tallies[r.check].fp_where.append(f"{variant.key}:{loc.start_line}")
            for rid in variant.expected.static:
                tallies[rid].expected += 1
                tallies[rid].caught += rid in caught
    return tallies, errors


def install_npm(cache: Path) -> Path:
    """npm-install the real targets into the cache (once); returns node_modules."""
    folder = cache / "bench-npm"
    modules = folder / "node_modules"
    if all((modules / p.rsplit("@", 1)[0]).exists() for p in NPM_PACKAGES):
        return modules
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "package.json").exists():
        (folder / "package.json").write_text('{"name": "solvency-bench", "private": true}\n')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", *NPM_PACKAGES],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return modules


@dataclass
class RealRun:
    name: str
    results: list[DetectorResult]
    slither_seconds: float
    per_rule: dict[str, float]
    contracts: int

    @property
    def rules_seconds(self) -> float:
        return sum(self.per_rule.values())


def timed_run(name: str, target: Path, options: BuildOptions) -> RealRun:
    compiled = compile_target(target, options)
    started = time.perf_counter()
    project = analyse(compiled)
    run_detectors(project, slither_detectors())
    slither_seconds = time.perf_counter() - started
    results: list[DetectorResult] = []
    per_rule: dict[str, float] = {}
    for rule in ALL_RULES:
        started = time.perf_counter()
        results.extend(run_detectors(project, [rule]))
        per_rule[rule.meta.id] = time.perf_counter() - started
    return RealRun(name, results, slither_seconds, per_rule, len(project.model.contracts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-npm", action="store_true", help="corpus only")
    parser.add_argument("--family", action="append", default=[])
    args = parser.parse_args()
    cache = default_cache_dir()
    options = BuildOptions(cache_dir=cache)

    tallies, errors = corpus(options, set(args.family))
    runs: list[RealRun] = []
    for name, target in (
        ("corpus lending_market", ROOT / "corpora" / "lending_market" / "LendingMarket.sol"),
        ("corpus perp_engine", ROOT / "corpora" / "perp_engine" / "PerpEngine.sol"),
    ):
        runs.append(timed_run(name, target, options))
    if not args.skip_npm:
        modules = install_npm(cache)
        morpho = modules / "@morpho-org" / "morpho-blue" / "src"
        runs.append(timed_run("morpho-blue", morpho, options))
        oz = modules / "@openzeppelin" / "contracts"
        runs.append(
            timed_run("openzeppelin", oz, BuildOptions(cache_dir=cache, exclude=OZ_EXCLUDE))
        )
    print_tables(tallies, errors, runs)
    unexplained = sum(1 for run in runs[2:] for r in run.results if explain(r) is None)
    return 1 if unexplained else 0


def explain(result: DetectorResult) -> str | None:
    loc = result.locations[0]
    for (rule, suffix, function), why in EXPLAINED.items():
        if result.check == rule and loc.file.endswith(suffix) and loc.function == function:
            return why
    return None


def print_tables(tallies: dict[str, Tally], errors: list[str], runs: list[RealRun]) -> None:
    real = {run.name: Counter(r.check for r in run.results) for run in runs[2:]}
    biggest = max(runs, key=lambda r: r.contracts)
    header = f"{'rule':<34} {'TP':>4} {'FP':>4} {'recall':>8}"
    header += "".join(f" {name:>13}" for name in real)
    header += f" {'s on ' + biggest.name:>18}"
    print(header)
    print("-" * len(header))
    for rid, t in tallies.items():
        recall = f"{t.caught}/{t.expected}" if t.expected else "-"
        row = f"{rid:<34} {t.tp:>4} {t.fp:>4} {recall:>8}"
        row += "".join(f" {counts[rid]:>13}" for counts in real.values())
        row += f" {biggest.per_rule.get(rid, 0.0):>17.2f}s"
        print(row)
    total_tp = sum(t.tp for t in tallies.values())
    total_fp = sum(t.fp for t in tallies.values())
    print(f"{'all rules':<34} {total_tp:>4} {total_fp:>4}")
    for rid, t in tallies.items():
        if t.fp_where:
            print(f"  corpus FP {rid}: {', '.join(t.fp_where)}")
    for line in errors:
        print(f"  corpus ERROR {line}")
    print()
    for run in runs[2:]:
        print(f"{run.name}: {len(run.results)} findings")
        for r in run.results:
            loc = r.locations[0]
            why = explain(r)
            where = f"{loc.file}:{loc.start_line} {loc.contract}.{loc.function}"
            print(f"  {r.check:<32} {where}")
            print(f"    {'UNEXPLAINED' if why is None else why}")
    print()
    head = f"{'target':<24} {'contracts':>9} {'slither':>9} {'rules':>8} {'ratio':>7}"
    print(head)
    print("-" * len(head))
    for run in runs:
        ratio = (run.slither_seconds + run.rules_seconds) / run.slither_seconds
        print(
            f"{run.name:<24} {run.contracts:>9} {run.slither_seconds:>8.2f}s "
            f"{run.rules_seconds:>7.2f}s {ratio:>7.3f}"
        )
    print("slither = IR build + all Slither detectors; ratio = (slither + rules) / slither")


if __name__ == "__main__":
    raise SystemExit(main())
