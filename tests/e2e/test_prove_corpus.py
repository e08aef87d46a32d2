"""The prover on the eth_escrow corpus family, obligation by obligation (a whole variant
takes minutes; these are the obligations that decide the expected verdicts).

What is measured today, asserted exactly, so a regression fails:
- the correct EthEscrow: totals_match and solvent are PROVED across the functions below,
  no_overdraw and value_conserved PROVED for withdraw and deposit, each relying on the
  recorded no-reentrancy assumption where an ETH transfer happens;
- total_release (B18): totals_match is VIOLATED by release and the replay on revm confirms it;
- reentrancy (B8): no_overdraw is PROVED only under "no reentrancy through the call at
  line 87" — the seeded bug lives exactly in that assumption, which the static rule and the
  fuzzer's re-entering receiver discharge or refute.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus_deploy import Builder
from benchmarks.groundtruth import Family, families
from benchmarks.prove_corpus import variant_model
from solvency.analyzers.symbolic import checks
from solvency.analyzers.symbolic.api import ProveOptions
from solvency.analyzers.symbolic.replay import Replayer
from solvency.analyzers.symbolic.results import FnVerdict
from solvency.build import BuildOptions
from solvency.core.properties import Status
from solvency.specs.api import check_spec


@pytest.fixture(scope="module")
def escrow(solcjs_cache: Path) -> tuple[Builder, Family]:
    (family,) = [f for f in families() if f.name == "eth_escrow"]
    return Builder(BuildOptions(cache_dir=solcjs_cache)), family


def _verdicts(
    escrow: tuple[Builder, Family], variant_id: str, wanted: dict[str, tuple[str, ...]]
) -> dict[tuple[str, str], FnVerdict]:
    builder, family = escrow
    (variant,) = [v for v in family.variants if v.id == variant_id]
    project = builder.variant_project(family, variant)
    spec = check_spec(
        family.folder / f"{family.contract}.spec", variant_model(project, family, variant)
    )
    replayer = Replayer(project, spec, family.recipe, builder.options)
    prover = checks.Prover(spec, ProveOptions(timeout_ms=10_000), replayer)
    out: dict[tuple[str, str], FnVerdict] = {}
    for plan in checks.plan(spec):
        for f, build in plan.targets:
            name = "constructor" if f is None else f.name
            if name in wanted.get(plan.name, ()):
                out[(plan.name, name)] = prover.obligation(plan, f, build)
    return out


def test_correct_escrow_obligations_are_proved(escrow: tuple[Builder, Family]) -> None:
    wanted = {
        "totals_match": ("constructor", "deposit", "withdraw", "release", "refund"),
        "solvent": ("constructor", "withdraw", "release", "sweepExcess"),
        "no_overdraw": ("withdraw",),
        "value_conserved": ("deposit",),
    }
    got = _verdicts(escrow, "correct", wanted)
    assert {k: v.status for k, v in got.items()} == {
        (p, f): Status.PROVED for p, fs in wanted.items() for f in fs
    }
    assert not any(v.vacuous for v in got.values())
    withdraw = got[("no_overdraw", "withdraw")]
    assert (
        "no-reentrancy",
        "no reentrancy through the call at corpora/eth_escrow/EthEscrow.sol:89",
    ) in {(a.kind, a.description) for a in withdraw.assumptions}


def test_total_release_bug_is_violated_and_confirmed(escrow: tuple[Builder, Family]) -> None:
    got = _verdicts(escrow, "total_release", {"totals_match": ("release", "refund")})
    release, refund = got[("totals_match", "release")], got[("totals_match", "refund")]
    assert refund.status is Status.PROVED
    assert release.status is Status.VIOLATED, release.reason
    cex = release.counterexample
    assert cex is not None and cex.confirmed, cex
    assert cex.calls[0].function == "release(uint256)"


def test_reentrancy_bug_hides_behind_the_recorded_assumption(
    escrow: tuple[Builder, Family],
) -> None:
    got = _verdicts(escrow, "reentrancy", {"no_overdraw": ("withdraw",)})
    v = got[("no_overdraw", "withdraw")]
    assert v.status is Status.PROVED
    assert [a.description for a in v.assumptions if a.kind == "no-reentrancy"] == [
        "no reentrancy through the call at corpora/eth_escrow/EthEscrow_reentrancy.sol:87"
    ]
