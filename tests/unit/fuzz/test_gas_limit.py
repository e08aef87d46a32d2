"""A call that loops on a drawn count halts OutOfGas at the block gas limit (pyrevm's default
limit, 2**64-1, let such a call run for minutes and grow the process by gigabytes), and the
campaign goes on past it."""

from __future__ import annotations

import time
from pathlib import Path

from solvency.analyzers.fuzz.api import prepare, run_campaign
from solvency.analyzers.fuzz.campaign import FuzzConfig
from solvency.analyzers.fuzz.chain import CALL_GAS, Chain, address_of
from solvency.build import BuildOptions, compile_target
from solvency.core.properties import Status

PUSHER = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Pusher {
    uint256[] public arr;
    uint256 public total;

    function grow(uint256 n) external {
        for (uint256 i = 0; i < n; i++) {
            arr.push(i);
        }
    }

    function add(uint256 x) external {
        require(x < 1e30, "too much");
        total += x;
    }
}
"""

BIG_CONSTRUCTOR = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Filled {
    uint256[] public arr;

    constructor(uint256 n) {
        for (uint256 i = 0; i < n; i++) {
            arr.push(i);
        }
    }
}
"""

SPEC = """\
spec Pusher {
    invariant small: total < 2**128;
}
"""


def test_a_gas_burning_call_halts_out_of_gas_and_the_campaign_goes_on(
    tmp_path: Path, solcjs_cache: Path
) -> None:
    (tmp_path / "Pusher.sol").write_text(PUSHER)
    (tmp_path / "Pusher.spec").write_text(SPEC)
    prepared = prepare(
        tmp_path / "Pusher.sol", tmp_path / "Pusher.spec", BuildOptions(cache_dir=solcjs_cache)
    )
    world = prepared.world
    grow = world.entries[("Pusher", "grow(uint256)")]
    sender = world.deployment.actors[0]
    started = time.process_time()
    result = world.chain.call(sender, world.target, grow, [2**200])
    spent = time.process_time() - started
    assert not result.success and result.reason == "Halt(OutOfGas)"
    # A bound far above the ~10 ms the halt takes, far below the minutes without a limit.
    assert spent < 5, spent
    assert world.chain.call(sender, world.target, grow, [3]).success  # small n still runs
    # 30M gas pays for about 1,300 pushes: the array grew by that many at most.
    assert world.chain.storage(world.target, 0) < CALL_GAS // 20_000

    config = FuzzConfig(budget_seconds=None, budget_calls=300, seed=0)
    started = time.process_time()
    outcome = run_campaign(prepared, config)
    assert outcome.stats.calls == 300
    grows = {f.function: f for f in outcome.stats.functions}["grow(uint256)"]
    assert grows.reverts > 0  # drawn counts too large for the gas: halted, not waited for
    assert time.process_time() - started < 60
    assert {r.name: r.status for r in outcome.results}["small"] is Status.HELD


def test_a_deploy_may_use_more_gas_than_a_call(tmp_path: Path, solcjs_cache: Path) -> None:
    """Deploys come from the harness, not from drawn bytes: a constructor that needs more
    than a call's 30M gas (3,000 new storage words, ~66M) still deploys."""
    (tmp_path / "Filled.sol").write_text(BIG_CONSTRUCTOR)
    project = compile_target(tmp_path / "Filled.sol", BuildOptions(cache_dir=solcjs_cache))
    artifact = project.contract("Filled")
    constructor = next(e for e in artifact.abi if e.kind == "constructor")
    chain = Chain()
    deployed = chain.deploy(address_of(0), artifact.creation_bytecode, constructor, [3_000])
    assert chain.storage(deployed, 0) == 3_000
