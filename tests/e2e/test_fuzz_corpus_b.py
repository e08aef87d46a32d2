"""Corpus detection for the families whose recipes fuzz-b keeps: eth_escrow, isolated_margin,
option_vault, liquidation_auction, erc4626_vault and perp_engine.

Each seeded bug the campaign finds reliably is asserted found (the listed properties
VIOLATED, each counterexample replaying on a fresh deployment) with a fixed seed and a budget
in calls, so a run repeats exactly; each correct variant is fuzzed for false alarms. The
budgets are about twice the calls the seed needed when they were set. Slither runs once per
family and compiler era (every variant's contract is picked from that one analysis), which
is most of what keeps the module near a minute.

What is not asserted, and why, is in MISSED: a property the fuzzer cannot break by
construction (a `satisfy`, or one the spec language cannot state) or one it finds only on
some seeds. test_every_bug_is_accounted_for keeps the three lists in step with expected.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from benchmarks.corpus_deploy import Builder
from benchmarks.groundtruth import Family, Variant
from solvency.analyzers.fuzz.api import Prepared, prepare_compiled, replay, run_campaign
from solvency.analyzers.fuzz.campaign import FuzzConfig
from solvency.analyzers.fuzz.recipe import load_recipe
from solvency.build import BuildOptions
from solvency.core.properties import Status
from solvency.ir import LoadedProject, analyse
from solvency.ir.model import Contract
from solvency.specs.api import check_spec
from tests.e2e.test_fuzz_corpus import family

FAMILIES = (
    "eth_escrow",
    "isolated_margin",
    "option_vault",
    "liquidation_auction",
    "erc4626_vault",
    "perp_engine",
)
SEED = 0

# (family, variant, properties that must break, calls). Each was found with SEED and on at
# least two of seeds 0-2; the budget is about twice what SEED needed.
FOUND: list[tuple[str, str, tuple[str, ...], int]] = [
    ("eth_escrow", "total_release", ("totals_match", "solvent"), 1400),
    ("eth_escrow", "msgvalue_loop", ("value_conserved", "solvent"), 200),
    ("eth_escrow", "v06_msgvalue_loop", ("value_conserved", "solvent"), 200),
    # the re-entering receiver armed with the very call it makes: withdraw inside withdraw
    ("eth_escrow", "reentrancy", ("totals_match", "solvent"), 200),
    ("eth_escrow", "v06_reentrancy", ("totals_match", "solvent"), 200),
    ("isolated_margin", "withdraw_precheck", ("healthy_after_withdraw",), 400),
    ("isolated_margin", "pnl_precision", ("pnl_exact",), 2800),
    ("isolated_margin", "v07_no_health_check", ("liquidate_only_unhealthy",), 100),
    ("isolated_margin", "liq_threshold", ("liquidate_only_unhealthy",), 1300),
    # succeeds_if: a liquidation of an unhealthy position must go through
    ("isolated_margin", "post_check", ("unhealthy_liquidatable",), 700),
    ("option_vault", "b12_unguarded_settlement", ("settlement_authorised",), 300),
    ("option_vault", "b6_payout_rounds_up", ("payout_rounds_down",), 1000),
    # a batch repeating one lot, paid for with the least ETH it goes through with
    ("option_vault", "b16_batch_msg_value", ("premium_fully_paid", "eth_solvent"), 3500),
    ("option_vault", "b18_exercise_keeps_locked_total", ("accounting",), 2600),
    ("option_vault", "v07_b12_unguarded_settlement", ("settlement_authorised",), 300),
    ("option_vault", "v07_b16_batch_msg_value", ("premium_fully_paid", "eth_solvent"), 3500),
    ("liquidation_auction", "b3_kick_healthy", ("kick_only_unhealthy",), 200),
    ("liquidation_auction", "b2_kicker_tip_on_debt", ("no_self_liquidation_profit",), 1300),
    ("liquidation_auction", "b17_decay_second_segment", ("auction_price_schedule",), 200),
    # succeeds_if: a take of an active auction by a taker who can pay must go through
    ("liquidation_auction", "b4_take_requires_health", ("take_always_possible",), 100),
    (
        "erc4626_vault",
        "b7_no_virtual_offset",
        ("rounding_favours_vault", "share_price_non_decreasing"),
        300,
    ),
    (
        "erc4626_vault",
        "b6_withdraw_rounds_down",
        ("rounding_favours_vault", "share_price_non_decreasing", "no_round_trip_profit"),
        1000,
    ),
    # the re-entering hook token: HookToken asset, ReentrantReceiver paid by withdraw/redeem
    ("erc4626_vault", "b8_burn_after_transfer", ("share_price_non_decreasing",), 1700),
    ("perp_engine", "b9_unchecked_oracle", ("oracle_checked",), 100),
    ("perp_engine", "b14_open_without_funding", ("funding_settled",), 200),
    (
        "perp_engine",
        "b17_liquidation_reward_topup",
        ("liquidation_reward_exact", "solvent"),
        100,
    ),
    ("perp_engine", "b13_pnl_divide_first", ("pnl_exact",), 3000),
]

# Expected fuzz finds not asserted above: (family, variant) → {property: why}.
MISSED: dict[tuple[str, str], dict[str, str]] = {
    ("eth_escrow", "reentrancy"): {
        "no_overdraw": "a rule on withdraw; the re-entering withdraw is always proxied "
        "(receiver.execute) and rules are not checked around proxied calls (the rule states "
        "'pays exactly amount in the whole transaction', false for legit nested withdrawals: "
        "it needs restating per call frame before rules can be checked there)",
    },
    ("eth_escrow", "v06_reentrancy"): {
        "no_overdraw": "as for reentrancy: the only re-entering withdraw is proxied",
    },
    ("option_vault", "b6_payout_rounds_up"): {
        "solvent": "found at SEED only after 5,862 calls (several rounded-up claims): kept "
        "out for time",
    },
    ("erc4626_vault", "b7_no_virtual_offset"): {
        "no_inflation_profit": "not stated: a two-actor, multi-transaction scenario",
    },
    ("erc4626_vault", "b8_burn_after_transfer"): {
        "state_before_transfer": "not stated: the state seen during the asset transfer",
    },
}

# Correct variants and the calls each is fuzzed with for false alarms.
CLEAN: list[tuple[str, str, int]] = [
    ("eth_escrow", "correct", 1000),
    ("eth_escrow", "v06_correct", 500),
    ("isolated_margin", "correct", 1000),
    ("isolated_margin", "v07_correct", 500),
    ("option_vault", "correct", 1000),
    ("option_vault", "v07_correct", 500),
    ("liquidation_auction", "correct", 1000),
    ("erc4626_vault", "correct", 500),  # every check evaluates four previews per amount seen
    ("perp_engine", "correct", 1000),
]


@dataclass
class Corpus:
    """Compiles each (family, era) once and puts Slither on it once."""

    builder: Builder
    analysed: dict[tuple[str, str], LoadedProject] = field(default_factory=dict)

    def contract(self, fam: Family, variant: Variant) -> Contract:
        key = (fam.name, variant.style)
        if key not in self.analysed:
            self.analysed[key] = analyse(self.builder.era(fam, variant.style))
        found = [
            c
            for c in self.analysed[key].model.contracts
            if c.name == fam.contract and Path(c.file).name == variant.file.name
        ]
        assert len(found) == 1, f"{variant.key}: {len(found)} contracts {fam.contract}"
        return found[0]

    def prepare(self, family_name: str, vid: str) -> Prepared:
        fam = family(family_name)
        variant = next(v for v in fam.variants if v.id == vid)
        spec = check_spec(fam.folder / f"{fam.contract}.spec", self.contract(fam, variant))
        project = self.builder.variant_project(fam, variant)
        return prepare_compiled(project, spec, load_recipe(fam.recipe), self.builder.helper)


@pytest.fixture(scope="module")
def corpus(solcjs_cache: Path) -> Corpus:
    return Corpus(Builder(BuildOptions(cache_dir=solcjs_cache)))


def _config(calls: int) -> FuzzConfig:
    return FuzzConfig(budget_seconds=None, budget_calls=calls, seed=SEED, shrink_seconds=1.0)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("family_name", "vid", "properties", "calls"),
    FOUND,
    ids=[f"{f}/{v}" for f, v, _, _ in FOUND],
)
def test_bug_is_found_b(
    corpus: Corpus, family_name: str, vid: str, properties: tuple[str, ...], calls: int
) -> None:
    prepared = corpus.prepare(family_name, vid)
    outcome = run_campaign(prepared, _config(calls))
    results = {r.name: r for r in outcome.results}
    missed = [p for p in properties if results[p].status is not Status.VIOLATED]
    assert not missed, f"{family_name}/{vid}: not broken within {calls} calls: {missed}"
    for name in properties:
        cex = results[name].counterexample
        assert cex is not None and cex.confirmed
        # a break right after deployment has no calls: it replays on the deployed state
        assert replay(prepared, cex).counterexample.confirmed, f"{name} does not replay"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("family_name", "vid", "calls"), CLEAN, ids=[f"{f}/{v}" for f, v, _ in CLEAN]
)
def test_correct_variant_has_no_false_alarm_b(
    corpus: Corpus, family_name: str, vid: str, calls: int
) -> None:
    outcome = run_campaign(corpus.prepare(family_name, vid), _config(calls))
    broken = [r.name for r in outcome.results if r.status is Status.VIOLATED]
    assert not broken, f"{family_name}/{vid}: false alarms {broken}"
    assert not any(r.status.is_proof for r in outcome.results)
    checked = [r for r in outcome.results if r.status is Status.HELD]
    assert checked, "no property was ever checked: the campaign reached nothing"


@pytest.mark.parametrize("family_name", FAMILIES)
def test_every_bug_is_accounted_for(family_name: str) -> None:
    """Each expected fuzz find of each bugged variant is asserted in FOUND or explained in
    MISSED (never both), and each correct variant is in CLEAN: a new variant or a changed
    expected.toml entry fails here until someone decides about it."""
    fam = family(family_name)
    found = {(f, v): set(p) for f, v, p, _ in FOUND if f == family_name}
    clean = {(f, v) for f, v, _ in CLEAN if f == family_name}
    for variant in fam.variants:
        key = (family_name, variant.id)
        if variant.correct:
            assert key in clean, f"{key}: correct variant not fuzzed for false alarms"
            continue
        assert variant.expected is not None
        asserted, explained = found.get(key, set()), set(MISSED.get(key, {}))
        assert not asserted & explained, f"{key}: both asserted and explained"
        assert asserted | explained == set(variant.expected.fuzz), key
