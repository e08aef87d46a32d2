"""What the prover does with what one-step checks cannot settle. Real solc, Slither, Z3,
pyrevm and Hypothesis.

- ETH forced into the contract between transactions (selfdestruct, block rewards): an
  invariant reading balance(this) gets a forced-ETH step. `balance(this) == total` with a
  constructor that requires a zero balance came out PROVED before (a wrong proof);
  `balance(this) >= total` must still be PROVED.
- The bounded search from the deployed state (search.settle_by_search): an open property
  the fuzzer breaks in a call sequence becomes VIOLATED with that confirmed sequence; one
  it does not break stays UNKNOWN saying how many calls ran. It never proves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.analyzers.symbolic.api import ProveOptions, prove_compiled
from solvency.analyzers.symbolic.replay import Replayer
from solvency.analyzers.symbolic.search import settle_by_search
from solvency.build import BuildOptions, CompiledProject, compile_target
from solvency.core.counterexample import Call, Counterexample
from solvency.core.properties import PropertyKind, PropertyResult, Status
from solvency.ir.loader import analyse
from solvency.specs import typed
from solvency.specs.api import check_spec

HERE = Path(__file__).parent / "settle"
OPTIONS = ProveOptions(timeout_ms=10_000, search_calls=0)


@pytest.fixture(scope="module")
def project(solcjs_cache: Path) -> CompiledProject:
    return compile_target(HERE / "Settle08.sol", BuildOptions(cache_dir=solcjs_cache))


def _spec(project: CompiledProject, name: str) -> typed.CheckedSpec:
    return check_spec(HERE / name, analyse(project).model)


def _prove(project: CompiledProject, name: str) -> dict[str, PropertyResult]:
    outcome = prove_compiled(project, _spec(project, name), OPTIONS)
    return {r.name: r for r in outcome.results}


def test_forced_eth_breaks_an_exact_balance_invariant(project: CompiledProject) -> None:
    r = _prove(project, "Forced_exact.spec")["forced_exact_false"]
    assert r.status is Status.UNKNOWN, r.reason
    assert "forced ETH: ETH forced into the contract" in r.reason, r.reason
    assert "proved: constructor, deposit, withdraw" in r.reason  # only forcing breaks it


def test_forced_eth_keeps_a_balance_lower_bound(project: CompiledProject) -> None:
    r = _prove(project, "Forced_solvent.spec")["forced_solvent_true"]
    assert r.status is Status.PROVED, r.reason
    assert "proved: constructor, deposit, withdraw, forced ETH]" in r.reason, r.reason


def _open(name: str, calls: tuple[Call, ...]) -> PropertyResult:
    cex = Counterexample(name, calls, confirmed=False, replay_note="did not break")
    return PropertyResult(
        name,
        PropertyKind.INVARIANT,
        "prover",
        Status.UNKNOWN,
        "bump: Z3 found a counterexample but it did not replay",
        contract="Staged",
        counterexample=cex,
    )


def test_search_turns_a_sequence_bug_into_a_confirmed_violation(
    project: CompiledProject,
) -> None:
    spec = _spec(project, "Staged.spec")
    replayer = Replayer(project, spec, None, BuildOptions())
    bump = Call("Staged", "bump()", (), "0x" + "11" * 20)
    got = {
        r.name: r
        for r in settle_by_search(
            [_open("staged_credit_false", (bump,)), _open("staged_total_true", (bump,))],
            replayer,
            calls=2_000,
            seed=0,
        )
    }
    broken = got["staged_credit_false"]
    assert broken.status is Status.VIOLATED, broken.reason
    assert broken.counterexample is not None and broken.counterexample.confirmed
    names = [c.function for c in broken.counterexample.calls]
    assert "arm()" in names and names[-1] == "bump()", names
    assert broken.reason.startswith("found by a bounded search from the deployed state")
    held = got["staged_total_true"]
    assert held.status is Status.UNKNOWN  # no violation is no proof
    assert held.reason.startswith("counterexample from an unreachable pre-state? not confirmed")
    assert "no violation in" in held.reason and "calls from the deployed state" in held.reason


def test_search_leaves_proofs_and_violations_alone(project: CompiledProject) -> None:
    spec = _spec(project, "Staged.spec")
    replayer = Replayer(project, spec, None, BuildOptions())
    proved = PropertyResult("staged_credit_false", PropertyKind.INVARIANT, "prover", Status.PROVED)
    assert settle_by_search([proved], replayer, calls=2_000, seed=0) == [proved]
