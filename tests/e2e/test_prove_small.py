"""The prover end to end on a small contract: real solc-js, Slither, Z3 and pyrevm.

One contract covers each verdict: an invariant PROVED, one VIOLATED with a replay that
confirms it, a vacuous rule, a loop (PROVED_BOUNDED with its bound), inline assembly
(UNKNOWN naming the operation and its line), satisfy targets (reachable only when the
witness replays on revm; unreachable ones VIOLATED), and a Solidity assert checked with a
spec that states nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.analyzers.symbolic.api import ProveOptions, ProveOutcome, prove
from solvency.build import BuildOptions
from solvency.core.properties import PropertyKind, PropertyResult, Status

BANK = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Bank {
    mapping(address => uint256) public balances;
    uint256 public total;
    uint256 public count;

    function deposit() external payable {
        balances[msg.sender] += msg.value;
        total += msg.value;
    }

    function withdraw(uint256 amount) external {
        require(balances[msg.sender] >= amount, "low");
        balances[msg.sender] -= amount;
        total -= amount;
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "send");
    }

    function gift(address to, uint256 amount) external {
        balances[to] += amount;
    }

    function bump(uint256 n) external {
        for (uint256 i = 0; i < n; i++) {
            count += 1;
        }
    }

    function weird() external {
        assembly {
            sstore(1, 7)
        }
    }

    function check(uint256 x) external pure returns (uint256) {
        assert(x != 42);
        return x;
    }
}
"""

SPEC = """spec Bank {
    invariant solvent: balance(this) >= total except [weird, bump];
    invariant totals: total == sum(balances) except [weird];
    rule bump_counts(uint256 n) {
        call bump(n);
        ensures count >= old(count);
    }
    rule never(uint256 a) {
        requires a > 5 && a < 3;
        call withdraw(a);
        ensures total == 0;
    }
    rule weird_keeps_total() {
        call weird();
        ensures total == old(total);
    }
    satisfy can_empty { call withdraw(1); ensures total == 0; }
    satisfy impossible { call gift(address(0), 1); ensures total == 5 && total == 6; }
}
"""


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory, solcjs_cache: Path) -> Path:
    root = tmp_path_factory.mktemp("bank")
    (root / "Bank.sol").write_text(BANK)
    (root / "Bank.spec").write_text(SPEC)
    (root / "Asserts.spec").write_text("spec Bank { }\n")
    return root


@pytest.fixture(scope="module")
def build(solcjs_cache: Path) -> BuildOptions:
    return BuildOptions(cache_dir=solcjs_cache)


@pytest.fixture(scope="module")
def outcome(bank: Path, build: BuildOptions) -> ProveOutcome:
    return prove(bank / "Bank.sol", bank / "Bank.spec", build, ProveOptions(timeout_ms=10_000))


def _result(outcome: ProveOutcome, name: str) -> PropertyResult:
    (found,) = [r for r in outcome.results if r.name == name]
    return found


def test_every_property_gets_exactly_its_verdict(outcome: ProveOutcome) -> None:
    got = {r.name: r.status for r in outcome.results}
    assert got == {
        "solvent": Status.PROVED,
        "totals": Status.VIOLATED,
        "bump_counts": Status.PROVED_BOUNDED,
        "never": Status.VACUOUS,
        "weird_keeps_total": Status.UNKNOWN,
        "can_empty": Status.PROVED,
        "impossible": Status.VIOLATED,
        "assert": Status.VIOLATED,
    }
    assert all(r.engine == "prover" and r.contract == "Bank" for r in outcome.results)


def test_proved_invariant_lists_the_reentrancy_assumption(outcome: ProveOutcome) -> None:
    r = _result(outcome, "solvent")
    assert r.kind is PropertyKind.INVARIANT and r.bound is None
    described = [a.description for a in r.assumptions if a.kind == "no-reentrancy"]
    assert described == ["no reentrancy through the call at Bank.sol:18"]


def test_violated_invariant_has_a_confirmed_replay_with_layout_slots(outcome: ProveOutcome) -> None:
    r = _result(outcome, "totals")
    assert r.function == "gift"
    cex = r.counterexample
    assert cex is not None and cex.confirmed, cex
    (call,) = cex.calls
    assert call.contract == "Bank" and call.function == "gift(address,uint256)"
    slots = {a.variable: a.slot for a in cex.initial_state}
    assert slots.get("total") == 1  # balances is slot 0, total slot 1
    assert any(v.startswith("balances[0x") for v in slots)


def test_loop_is_proved_only_to_its_bound(outcome: ProveOutcome) -> None:
    r = _result(outcome, "bump_counts")
    assert r.bound == 3 and "unrolled 3 times" in r.reason


def test_unsupported_operation_is_named_with_its_line(outcome: ProveOutcome) -> None:
    r = _result(outcome, "weird_keeps_total")
    assert "inline assembly at Bank.sol:33" in r.reason


def test_contradictory_requires_is_vacuous_not_proved(outcome: ProveOutcome) -> None:
    r = _result(outcome, "never")
    assert "vacuous" in r.reason and r.counterexample is None


def test_satisfy_is_proved_only_by_a_witness_replayed_on_the_evm(outcome: ProveOutcome) -> None:
    r = _result(outcome, "can_empty")
    assert r.kind is PropertyKind.SATISFY and r.function == "withdraw"
    assert r.counterexample is not None and r.counterexample.confirmed
    assert r.counterexample.replay_note == "witnessed on revm"
    assert "no execution" in _result(outcome, "impossible").reason


def test_solidity_assert_is_a_property_without_any_spec(bank: Path, build: BuildOptions) -> None:
    out = prove(bank / "Bank.sol", bank / "Asserts.spec", build)
    (r,) = out.results
    assert (r.name, r.kind, r.status, r.function) == (
        "assert",
        PropertyKind.ASSERT,
        Status.VIOLATED,
        "check",
    )
    assert r.counterexample is not None and r.counterexample.confirmed
    assert r.counterexample.calls[0].args == (42,)
