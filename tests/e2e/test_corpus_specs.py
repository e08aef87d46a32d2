"""The corpus specs (corpora/<family>/<Contract>.spec) against the real build layer.

Each family is compiled once per compiler era (solc-js) and analysed once by Slither; every
variant's contract is then bound to the family's spec. The names a spec states must be the
ground truth's (expected.toml), so engine results can be matched to it. On the correct
variants, freshly deployed on pyrevm from deploy.toml, every invariant must hold, and seeded
concrete calls must not break any rule; on the bugged variants, only the properties their
manifest entry lists may break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from benchmarks.corpus_deploy import Builder, deploy_variant
from benchmarks.groundtruth import Family, Variant, families
from solvency.analyzers.fuzz.recipe import load_recipe
from solvency.build import BuildOptions
from solvency.ir import LoadedProject, analyse
from solvency.ir.model import Contract
from solvency.specs import typed
from solvency.specs.api import check_spec
from tests.e2e.chain_state import ChainState
from tests.e2e.rule_runner import RuleRunner, Step, broken_invariants

FAMILIES = {f.name: f for f in families()}
RULE_TRIES = 30  # seeded calls per rule in test_rules_hold_on_concrete_calls
# More where a bug needs two arguments to line up (a FalseReturnToken paid to address zero).
RULE_TRIES_FOR = {"erc20_escrow": 300}
WARM_UP_STEPS = 100  # random calls, price moves and time warps before those

# States random calls rarely reach, set up before the rules run: an unhealthy position (after
# a price drop) and a keeper that can pay for its liquidation. Parameters the warm-up may have
# moved (the owner's setters are called at random too) are reset first.
PRELUDES: dict[str, tuple[Step, ...]] = {
    # pending withdrawals of every token, due after the longest delay the owner can set
    "erc20_escrow": (
        *(
            step
            for token in ("@token", "@fot", "@frt")
            for actor in ("@actor0", "@actor1", "@actor2")
            for step in (
                ("@target", "deposit(address,uint256)", (token, "1e21"), actor),
                ("@target", "requestWithdrawal(address,uint256)", (token, "1e20"), actor),
            )
        ),
        ("@clock", "warp(uint256)", (31 * 86_400,), ""),
    ),
    "lending_market": (
        ("@oracle", "setPrice(uint256)", ("1e18",), "@deployer"),
        ("@target", "supplyCollateral(uint256,address)", ("1000e18", "@actor1"), "@actor1"),
        ("@target", "borrow(uint256,address)", ("790e18", "@actor1"), "@actor1"),
        ("@oracle", "setPrice(uint256)", ("0.9e18",), "@deployer"),
    ),
    "perp_engine": (
        ("@feed", "setAnswer(int256)", (200000000000,), "@deployer"),
        (
            "@target",
            "setRiskParameters(uint256,uint256,uint256,uint256)",
            (10, 1000, 500, 100),
            "@deployer",
        ),
        ("@target", "deposit(uint256)", ("1000e18",), "@actor1"),
        ("@target", "openPosition(bool,uint256)", (True, "4e18"), "@actor1"),
        ("@target", "deposit(uint256)", ("1000e18",), "@actor2"),
        ("@target", "openPosition(bool,uint256)", (False, "1e18"), "@actor2"),
        ("@feed", "setAnswer(int256)", (180000000000,), "@deployer"),
    ),
    "cdp_engine": (
        ("@feed", "setAnswer(int256)", (200000000000,), "@deployer"),
        ("@target", "setFeed(address,uint256)", ("@feed", 3600), "@deployer"),
        ("@target", "setDebtCeiling(uint256)", ("1e27",), "@deployer"),
        ("@target", "setLiquidationRatio(uint256)", ("1.5e27",), "@deployer"),
        ("@target", "lock(uint256)", ("100e18",), "@actor0"),
        ("@target", "draw(uint256)", ("50000e18",), "@actor0"),
        ("@target", "lock(uint256)", ("10e18",), "@actor1"),
        ("@target", "draw(uint256)", ("13000e18",), "@actor1"),
        ("@feed", "setAnswer(int256)", (190000000000,), "@deployer"),
    ),
}

# Helpers that rule arguments must be able to name (tokens; the zero address, which
# FalseReturnToken refuses to pay), beyond the actors and the target.
EXTRA_ADDRESSES: dict[str, tuple[str, ...]] = {
    "erc20_escrow": ("@token", "@fot", "@frt", "0x" + "0" * 40),
}

# Ground-truth properties that spec language v1 cannot state (each spec's header says why).
NOT_EXPRESSIBLE: dict[str, set[str]] = {
    # a multi-transaction, two-actor scenario; the state seen *during* a call
    "erc4626_vault": {"no_inflation_profit", "state_before_transfer"},
}
# Variants whose contract has another storage shape than the family's correct one: none
# today (Vault4626_B7 only drops the constant DECIMALS_OFFSET, which no spec reads). A spec
# binds by names and types, so listing one here documents a deliberate change.
SHAPE_CHANGES: set[str] = set()


def spec_path(family: Family) -> Path:
    return family.folder / f"{family.contract}.spec"


def ground_truth(family: Family) -> set[str]:
    names: set[str] = set()
    for v in family.variants:
        names.update(v.properties if v.correct else (*v.expected.prover, *v.expected.fuzz))
    return names


@dataclass
class Corpus:
    """Compiles each (family, era) once and puts Slither on it once."""

    builder: Builder
    analysed: dict[tuple[str, str], LoadedProject] = field(default_factory=dict)

    def project(self, family: Family, style: str) -> LoadedProject:
        key = (family.name, style)
        if key not in self.analysed:
            self.analysed[key] = analyse(self.builder.era(family, style))
        return self.analysed[key]

    def contract(self, family: Family, variant: Variant) -> Contract:
        model = self.project(family, variant.style).model
        found = [
            c
            for c in model.contracts
            if c.name == family.contract and Path(c.file).name == variant.file.name
        ]
        assert len(found) == 1, f"{variant.key}: {len(found)} contracts {family.contract}"
        return found[0]


@pytest.fixture(scope="module")
def corpus(solcjs_cache: Path) -> Corpus:
    # The persistent compile cache: the corpus does not change between runs.
    return Corpus(Builder(BuildOptions(cache_dir=solcjs_cache)))


def storage_shape(c: Contract) -> list[tuple[str, int, int, str]]:
    """Name, slot, offset and type of every variable in storage (constants are not)."""
    return [
        (v.name, v.slot, v.offset, str(v.type)) for v in c.state_variables if v.slot is not None
    ]


def names_of(spec: typed.CheckedSpec) -> set[str]:
    return {i.name for i in spec.invariants} | {r.name for r in spec.rules}


def test_every_family_has_a_spec() -> None:
    assert len(FAMILIES) == 10
    assert [f.name for f in FAMILIES.values() if not spec_path(f).is_file()] == []
    assert set(NOT_EXPRESSIBLE) <= set(FAMILIES)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_spec_states_the_ground_truth_properties(corpus: Corpus, name: str) -> None:
    family = FAMILIES[name]
    correct = next(v for v in family.variants if v.id == "correct")
    spec = check_spec(spec_path(family), corpus.contract(family, correct))
    expected = ground_truth(family)
    missing = NOT_EXPRESSIBLE.get(name, set())
    assert missing <= expected, "NOT_EXPRESSIBLE names a property the ground truth lacks"
    assert names_of(spec) == expected - missing
    assert names_of(spec) <= {n for n, _ in family.property_docs}
    assert spec.harness == family.recipe


VARIANTS = [(f.name, v.id) for f in FAMILIES.values() for v in f.variants]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "variant_id"), VARIANTS, ids=[f"{n}/{v}" for n, v in VARIANTS])
def test_spec_binds_to_every_variant(corpus: Corpus, name: str, variant_id: str) -> None:
    """Same state variables and functions in every variant, old compiler eras included."""
    family = FAMILIES[name]
    variant = next(v for v in family.variants if v.id == variant_id)
    contract = corpus.contract(family, variant)
    spec = check_spec(spec_path(family), contract)
    assert names_of(spec) == ground_truth(family) - NOT_EXPRESSIBLE.get(name, set())
    reference = corpus.contract(family, next(v for v in family.variants if v.id == "correct"))
    same_shape = storage_shape(contract) == storage_shape(reference)
    assert same_shape is (variant.key not in SHAPE_CHANGES)


CORRECT = [(f.name, v.id) for f in FAMILIES.values() for v in f.variants if v.correct]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "variant_id"), CORRECT, ids=[f"{n}/{v}" for n, v in CORRECT])
def test_invariants_hold_after_deployment(corpus: Corpus, name: str, variant_id: str) -> None:
    """Deploy + setup from deploy.toml on pyrevm, then evaluate every invariant, for every
    value of its parameters drawn from the deployment's addresses and small integers."""
    family = FAMILIES[name]
    variant = next(v for v in family.variants if v.id == variant_id)
    contract = corpus.contract(family, variant)
    artifact = corpus.builder.variant_project(family, variant).contract(family.contract)
    # The model's slots must be this variant's (Slither saw every variant of the era at once).
    layout = {e.label: (e.slot, e.offset) for e in artifact.storage_layout or ()}
    assert layout == {
        v.name: (v.slot, v.offset) for v in contract.state_variables if v.slot is not None
    }
    spec = check_spec(spec_path(family), contract)
    state = ChainState(deploy_variant(family, variant, corpus.builder), artifact, spec)
    assert spec.invariants
    assert broken_invariants(spec, state) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_rules_hold_on_concrete_calls(corpus: Corpus, name: str) -> None:
    """Seeded random calls on the deployed correct contract never break a rule of its spec.

    Weaker than fuzzing (one call after a random warm-up, small argument pools; liquidation
    paths are rarely reached), but it runs
    every rule's `requires`/`let`/`ensures`/`reverts_*` through the concrete lowering on real
    EVM states, so a rule that misstates the contract fails here first.
    """
    family = FAMILIES[name]
    variant = next(v for v in family.variants if v.id == "correct")
    contract = corpus.contract(family, variant)
    artifact = corpus.builder.variant_project(family, variant).contract(family.contract)
    spec = check_spec(spec_path(family), contract)
    pre = deploy_variant(family, variant, corpus.builder)
    post = deploy_variant(family, variant, corpus.builder)
    moves = load_recipe(family.recipe).environment
    runner = RuleRunner(
        spec,
        artifact,
        pre,
        post,
        moves=moves,
        seed=len(name),
        extra_addresses=EXTRA_ADDRESSES.get(name, ()),
    )
    assert runner.warm_up(WARM_UP_STEPS) > 0
    assert runner.prelude(PRELUDES.get(name, ())) == []
    assert broken_invariants(spec, runner.post) == []  # the invariants survive the warm-up
    violations: list[str] = []
    succeeded = 0
    for rule in spec.rules:
        if rule.satisfy:
            continue
        outcome = runner.run(rule, tries=RULE_TRIES_FOR.get(name, RULE_TRIES))
        violations += outcome.violations
        succeeded += outcome.succeeded
    assert violations == []
    assert succeeded > 0, "no call succeeded: the rules were never exercised"


# What the seeded concrete check (deployment, warm-up, one call per try) already catches on
# the bugged variants; the engines should catch at least as much.
CAUGHT_CONCRETELY: dict[str, set[str]] = {
    "erc4626_vault/b7_no_virtual_offset": {"rounding_favours_vault"},
    "erc4626_vault/b6_withdraw_rounds_down": {"rounding_favours_vault", "no_round_trip_profit"},
    "erc20_escrow/fee_on_transfer": {"deposit_credits_received", "solvent"},
    "erc20_escrow/unchecked_transfer": {"withdrawal_pays"},
    "eth_escrow/total_release": {"totals_match"},
    "eth_escrow/msgvalue_loop": {"value_conserved"},
    "eth_escrow/v06_msgvalue_loop": {"value_conserved"},
    "isolated_margin/v07_no_health_check": {"liquidate_only_unhealthy"},
    "lending_market/rounding": {"share_price_non_decreasing"},
    "liquidation_auction/b17_decay_second_segment": {"auction_price_schedule"},
    "option_vault/b16_batch_msg_value": {"premium_fully_paid"},
    "option_vault/v07_b16_batch_msg_value": {"premium_fully_paid"},
    "perp_engine/b14_open_without_funding": {"funding_settled"},
}
BUGGED = [(f.name, v.id) for f in FAMILIES.values() for v in f.variants if not v.correct]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "variant_id"), BUGGED, ids=[f"{n}/{v}" for n, v in BUGGED])
def test_bugged_variants_break_only_their_expected_properties(
    corpus: Corpus, name: str, variant_id: str
) -> None:
    """No false alarms: what breaks on a bugged variant is in its expected.toml entry."""
    family = FAMILIES[name]
    variant = next(v for v in family.variants if v.id == variant_id)
    contract = corpus.contract(family, variant)
    artifact = corpus.builder.variant_project(family, variant).contract(family.contract)
    spec = check_spec(spec_path(family), contract)
    pre = deploy_variant(family, variant, corpus.builder)
    post = deploy_variant(family, variant, corpus.builder)
    moves = load_recipe(family.recipe).environment
    runner = RuleRunner(
        spec,
        artifact,
        pre,
        post,
        moves=moves,
        seed=len(name),
        extra_addresses=EXTRA_ADDRESSES.get(name, ()),
    )
    broken = {b.split("(")[0] for b in broken_invariants(spec, runner.post)}
    runner.warm_up(WARM_UP_STEPS)
    runner.prelude(PRELUDES.get(name, ()))  # best effort: a bug may make a step revert
    broken |= {b.split("(")[0] for b in broken_invariants(spec, runner.post)}
    for rule in spec.rules:
        if (
            not rule.satisfy
            and runner.run(rule, tries=RULE_TRIES_FOR.get(name, RULE_TRIES)).violations
        ):
            broken.add(rule.name)
    expected = set(variant.expected.prover) | set(variant.expected.fuzz)
    assert broken <= expected
    assert broken >= CAUGHT_CONCRETELY.get(variant.key, set())
