"""Corpus detection: each seeded bug whose fuzz-expected properties the campaign finds
reliably is asserted found, with a fixed seed and a budget in calls (so runs repeat exactly);
each correct variant is asserted free of false alarms at a fixed budget.

Families cdp_engine, lending_market, erc20_escrow and multi_collateral_pool live here;
tests/e2e/test_fuzz_corpus_b.py holds the others and uses `assert_found`/`assert_clean`.
The budgets are a few times the calls seed 0 needed when they were set (see
benchmarks/fuzz_corpus.py for times); a variant missing here is one the fuzzer does not find
reliably yet (listed in MISSED with the reason).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from benchmarks.corpus_deploy import Builder
from benchmarks.groundtruth import CORPORA, Family, load_family
from solvency.analyzers.fuzz.api import Prepared, prepare_compiled, replay, run_campaign
from solvency.analyzers.fuzz.campaign import FuzzConfig
from solvency.analyzers.fuzz.recipe import load_recipe
from solvency.build import BuildOptions
from solvency.core.properties import Status
from solvency.ir import LoadedProject, analyse
from solvency.specs.api import check_spec


@cache
def family(name: str) -> Family:
    return load_family(CORPORA / name / "expected.toml")


# Slither runs once per family and compiler era (every variant file is in that one analysis).
_ANALYSED: dict[tuple[str, str], LoadedProject] = {}


def prepare(builder: Builder, family_name: str, vid: str) -> Prepared:
    fam = family(family_name)
    variant = next(v for v in fam.variants if v.id == vid)
    project = builder.variant_project(fam, variant)
    key = (fam.name, variant.style)
    if key not in _ANALYSED:
        _ANALYSED[key] = analyse(builder.era(fam, variant.style))
    # By file: the family's Slither run holds one contract of this name per variant file.
    (model,) = [
        c
        for c in _ANALYSED[key].model.contracts
        if c.name == fam.contract and Path(c.file).name == variant.file.name
    ]
    spec = check_spec(fam.folder / f"{fam.contract}.spec", model)
    return prepare_compiled(project, spec, load_recipe(fam.recipe), builder.helper)


def _config(calls: int, seed: int) -> FuzzConfig:
    return FuzzConfig(budget_seconds=None, budget_calls=calls, seed=seed, shrink_calls=1_000)


def assert_found(builder: Builder, family_name: str, vid: str, calls: int, seed: int = 0) -> None:
    """Every property expected.toml says the fuzzer breaks on `vid` is VIOLATED within
    `calls` calls, and each counterexample replays on a fresh deployment."""
    variant = next(v for v in family(family_name).variants if v.id == vid)
    assert variant.expected is not None and variant.expected.fuzz
    prepared = prepare(builder, family_name, vid)
    outcome = run_campaign(prepared, _config(calls, seed))
    results = {r.name: r for r in outcome.results}
    missed = [p for p in variant.expected.fuzz if results[p].status is not Status.VIOLATED]
    assert not missed, f"{family_name}/{vid}: not broken within {calls} calls: {missed}"
    for name in variant.expected.fuzz:
        cex = results[name].counterexample
        assert cex is not None and cex.confirmed
        assert replay(prepared, cex).counterexample.confirmed, f"{name} does not replay"


def assert_clean(builder: Builder, family_name: str, vid: str, calls: int, seed: int = 0) -> None:
    """A correct variant: nothing VIOLATED, nothing claimed proved."""
    outcome = run_campaign(prepare(builder, family_name, vid), _config(calls, seed))
    broken = [r.name for r in outcome.results if r.status is Status.VIOLATED]
    assert not broken, f"{family_name}/{vid}: false alarms {broken}"
    assert not any(r.status.is_proof for r in outcome.results)


@pytest.fixture(scope="module")
def builder(solcjs_cache: Path) -> Builder:
    return Builder(BuildOptions(cache_dir=solcjs_cache))


# (family, variant, calls, seed): found with this seed within this many calls, about twice
# the calls seed 0 needed when set (open_setter 402, oracle 168, art_total 63, penalty 723,
# fee_on_transfer 10, self_transfer 22, unchecked_transfer 44, rounding 92, missing_accrual 54,
# bad_debt_dust 1,385, b11 1,214, b1 160, b3 381, b15 1,168); each new one was also found at
# seed 1 or 2 (with more calls for some). A campaign is a function of (seed, budget) whatever
# ran before it in the process (tests/e2e/test_fuzz_find_order.py).
FOUND = [
    ("cdp_engine", "open_setter", 800, 0),
    ("cdp_engine", "oracle", 400, 0),
    ("cdp_engine", "art_total", 300, 0),
    ("cdp_engine", "penalty", 1500, 0),
    ("erc20_escrow", "fee_on_transfer", 300, 0),
    ("erc20_escrow", "self_transfer", 300, 0),
    ("erc20_escrow", "unchecked_transfer", 300, 0),
    ("lending_market", "rounding", 300, 0),
    ("lending_market", "missing_accrual", 300, 0),
    ("lending_market", "bad_debt_dust", 2800, 0),
    # a self-liquidation just past the lltv: seed 2 after 1,039 calls, seed 1 after 4,259
    ("lending_market", "incentive", 2100, 2),
    ("multi_collateral_pool", "b11_unchecked_token_call", 2500, 0),
    ("multi_collateral_pool", "b1_disable_without_health_check", 400, 0),
    ("multi_collateral_pool", "b3_uint8_mask", 800, 0),
    ("multi_collateral_pool", "b15_self_transfer", 2400, 0),
]

# Not asserted (not found reliably within a few seconds yet), with the reason:
MISSED = {
    "cdp_engine/v06_art_total": "same bug and budget as art_total (kept out for time: a "
    "Slither run of its own)",
    "cdp_engine/v06_oracle": "same bug and budget as oracle (kept out for time)",
}

# Correct variants and the budget each is fuzzed with for false alarms.
CLEAN = [
    ("cdp_engine", "correct", 1500),
    ("erc20_escrow", "correct", 1500),
    ("lending_market", "correct", 1500),
    ("multi_collateral_pool", "correct", 600),
]


@pytest.mark.parametrize(("family_name", "vid", "calls", "seed"), FOUND)
def test_bug_is_found(builder: Builder, family_name: str, vid: str, calls: int, seed: int) -> None:
    assert_found(builder, family_name, vid, calls, seed)


@pytest.mark.parametrize(("family_name", "vid", "calls"), CLEAN)
def test_correct_variant_has_no_false_alarm(
    builder: Builder, family_name: str, vid: str, calls: int
) -> None:
    assert_clean(builder, family_name, vid, calls)


def test_same_seed_and_call_budget_give_the_same_campaign(builder: Builder) -> None:
    """A campaign is a function of (seed, call budget): shrinking is bounded in calls, and
    what one campaign learnt does not carry over to the next on the same deployment."""
    prepared = prepare(builder, "erc20_escrow", "self_transfer")
    runs = [run_campaign(prepared, _config(1500, 3)) for _ in range(2)]
    first = [[(b.property, b.calls) for b in r.stats.first_breaks] for r in runs]
    assert first[0] and first[0] == first[1]
    cexes = [[r.counterexample for r in run.results if r.counterexample] for run in runs]
    assert cexes[0] == cexes[1]
    assert runs[0].stats.calls == runs[1].stats.calls
