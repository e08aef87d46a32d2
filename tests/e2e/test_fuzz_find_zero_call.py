"""A property broken in the deployed state itself: the campaign reports it with no calls,
and that zero-call counterexample replays (stored and read back, as `fuzz --replay` does)."""

from __future__ import annotations

from pathlib import Path

from solvency.analyzers.fuzz.api import prepare, replay, run_campaign
from solvency.analyzers.fuzz.campaign import FuzzConfig
from solvency.analyzers.fuzz.store import CounterexampleStore
from solvency.build import BuildOptions
from solvency.core.counterexample import Counterexample
from solvency.core.properties import Status

BOOKS = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Books {
    mapping(address => uint256) public credit;
    uint256 public total;

    constructor() {
        total = 7; // a total with no credit behind it, from the start
    }

    function add(uint256 x) external {
        require(x < 1e30, "too much");
        credit[msg.sender] += x;
        total += x;
    }
}
"""

SPEC = """\
spec Books {
    invariant totals: total == sum(credit);
    invariant small: total < 2**128;
}
"""


def test_zero_call_counterexample_is_found_and_replays(tmp_path: Path, solcjs_cache: Path) -> None:
    (tmp_path / "Books.sol").write_text(BOOKS)
    (tmp_path / "Books.spec").write_text(SPEC)
    prepared = prepare(
        tmp_path / "Books.sol", tmp_path / "Books.spec", BuildOptions(cache_dir=solcjs_cache)
    )
    store = CounterexampleStore(tmp_path / ".solvency")
    config = FuzzConfig(budget_seconds=None, budget_calls=200, seed=0)
    results = {r.name: r for r in run_campaign(prepared, config, store=store).results}
    assert results["totals"].status is Status.VIOLATED
    assert results["small"].status is Status.HELD
    cex = results["totals"].counterexample
    assert cex is not None and cex.calls == ()
    (stored,) = store.load("Books")
    assert stored.property_name == "totals" and stored.calls == ()
    assert replay(prepared, stored).counterexample.confirmed
    # … and a property the deployed state does not break is not confirmed by it.
    other = replay(prepared, Counterexample(property_name="small", calls=()))
    assert not other.counterexample.confirmed
