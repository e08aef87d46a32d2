"""`succeeds_if`: a call that must go through, checked by the prover and the fuzzer.

`exit` lets anyone owed leave (PROVED); `exitCapped` blocks exits of 100 or more while the
pool is small, so an owed exit reverts (VIOLATED, and the counterexample replays on revm);
without `with (value: 0)` the non-payable `exit` reverts when sent ETH (VIOLATED). The
fuzzer finds the capped exit by calls alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.analyzers.fuzz.api import prepare, replay, run_campaign
from solvency.analyzers.fuzz.campaign import FuzzConfig
from solvency.analyzers.symbolic.api import ProveOptions, prove
from solvency.build import BuildOptions
from solvency.core.properties import Status

LEDGER = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Ledger {
    mapping(address => uint256) public credit;
    uint256 public total;

    function add(uint256 x) external {
        require(x <= 1e30, "too much");
        credit[msg.sender] += x;
        total += x;
    }

    function exit(uint256 x) external {
        require(credit[msg.sender] >= x, "low");
        credit[msg.sender] -= x;
        total -= x;
    }

    function exitCapped(uint256 x) external {
        require(credit[msg.sender] >= x, "low");
        require(x < 100 || total > 5000, "capped");
        credit[msg.sender] -= x;
        total -= x;
    }
}
"""

SPEC = """\
spec Ledger {
    rule can_exit(uint256 x) {
        call exit(x) with (value: 0);
        succeeds_if credit[msg.sender] >= x && total >= x;
    }
    rule can_exit_capped(uint256 x) {
        call exitCapped(x) with (value: 0);
        succeeds_if credit[msg.sender] >= x && total >= x;
    }
    rule forgot_value(uint256 x) {
        call exit(x);
        succeeds_if credit[msg.sender] >= x && total >= x;
    }
}
"""


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ledger")
    (root / "Ledger.sol").write_text(LEDGER)
    (root / "Ledger.spec").write_text(SPEC)
    return root


def test_prover_proves_and_refutes_succeeds_if(ledger: Path, solcjs_cache: Path) -> None:
    outcome = prove(
        ledger / "Ledger.sol",
        ledger / "Ledger.spec",
        BuildOptions(cache_dir=solcjs_cache),
        ProveOptions(timeout_ms=10_000),
    )
    got = {r.name: r for r in outcome.results if r.name != "assert"}
    assert {n: r.status for n, r in got.items()} == {
        "can_exit": Status.PROVED,
        "can_exit_capped": Status.VIOLATED,
        "forgot_value": Status.VIOLATED,
    }
    capped = got["can_exit_capped"].counterexample
    assert capped is not None and capped.confirmed
    (call,) = capped.calls
    assert call.function == "exitCapped(uint256)" and call.args[0] >= 100
    forgot = got["forgot_value"].counterexample
    assert forgot is not None and forgot.calls[0].value > 0


def test_fuzzer_finds_the_blocked_exit(ledger: Path, solcjs_cache: Path) -> None:
    prepared = prepare(
        ledger / "Ledger.sol", ledger / "Ledger.spec", BuildOptions(cache_dir=solcjs_cache)
    )
    config = FuzzConfig(budget_seconds=None, budget_calls=20_000, seed=1, shrink_seconds=2.0)
    outcome = run_campaign(prepared, config)
    status = {r.name: r.status for r in outcome.results}
    assert status["can_exit"] is Status.HELD
    assert status["can_exit_capped"] is Status.VIOLATED
    cex = next(r for r in outcome.results if r.name == "can_exit_capped").counterexample
    assert cex is not None
    names = [c.function for c in cex.calls]  # credit first, then the blocked exit
    assert names[0] == "add(uint256)" and names[-1] == "exitCapped(uint256)"
    assert len(names) <= 3 and cex.calls[-1].args[0] >= 100
    assert replay(prepared, cex).counterexample.confirmed
