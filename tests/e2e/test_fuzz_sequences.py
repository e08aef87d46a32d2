"""An assert reachable only after three specific calls in order (first, second with the
magic key mined from the source, third, with no `add` in between, which resets the steps)
is found with a fixed seed and call budget, shrunk to exactly those three calls."""

from __future__ import annotations

from pathlib import Path

from solvency.analyzers.fuzz.api import prepare, replay, run_campaign
from solvency.analyzers.fuzz.campaign import FuzzConfig
from solvency.build import BuildOptions
from solvency.core.properties import Status

COMBO = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Combo {
    uint256 public stage;
    uint256 public key;
    uint256 public total;

    function first() external {
        stage = 1;
    }

    function second(uint256 key_) external {
        require(stage == 1, "wrong step");
        key = key_;
        stage = 2;
    }

    function third() external {
        require(stage == 2, "wrong step");
        stage = 3;
        assert(key != 0x5eed);
    }

    function add(uint256 x) external {
        require(x < 10, "too much");
        total += x;
        stage = 0;
    }
}
"""

SPEC = """\
spec Combo {
    invariant small: total < 2**128;
}
"""


def test_assert_after_three_specific_calls_is_found(tmp_path: Path, solcjs_cache: Path) -> None:
    (tmp_path / "Combo.sol").write_text(COMBO)
    (tmp_path / "Combo.spec").write_text(SPEC)
    prepared = prepare(
        tmp_path / "Combo.sol", tmp_path / "Combo.spec", BuildOptions(cache_dir=solcjs_cache)
    )
    # seed 2 first breaks it after 3,650 calls (seed 0 after 6,730)
    config = FuzzConfig(budget_seconds=None, budget_calls=7000, seed=2, shrink_seconds=2.0)
    outcome = run_campaign(prepared, config)
    result = next(r for r in outcome.results if r.name == "assert")
    assert result.status is Status.VIOLATED
    cex = result.counterexample
    assert cex is not None
    assert [c.function for c in cex.calls] == ["first()", "second(uint256)", "third()"]
    assert cex.calls[1].args == (0x5EED,)
    assert replay(prepared, cex).counterexample.confirmed
    small = next(r for r in outcome.results if r.name == "small")
    assert small.status is Status.HELD
