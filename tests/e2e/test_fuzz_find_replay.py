"""Counterexamples through `receive()` and `fallback()` (as the prover writes them) replay."""

from __future__ import annotations

from pathlib import Path

from solvency.analyzers.fuzz.api import prepare, replay
from solvency.build import BuildOptions
from solvency.core.counterexample import Call, Counterexample

RECV = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Recv {
    uint256 public total;
    uint256 public hits;
    bytes public last;

    function deposit() external payable {
        total += msg.value;
    }

    receive() external payable {
        hits += 1;
    }

    fallback() external payable {
        total += 1;
        last = msg.data;
    }
}
"""

RECV_SPEC = """\
spec Recv {
    invariant solvent: balance(this) >= total;
    invariant no_hits: hits == 0;
}
"""


def test_receive_and_fallback_calls_replay(tmp_path: Path, solcjs_cache: Path) -> None:
    """The prover names plain ETH transfers `receive()` and unmatched calldata `fallback()`
    (optionally with the raw calldata as one bytes argument): both replay on revm."""
    (tmp_path / "Recv.sol").write_text(RECV)
    (tmp_path / "Recv.spec").write_text(RECV_SPEC)
    prepared = prepare(
        tmp_path / "Recv.sol", tmp_path / "Recv.spec", BuildOptions(cache_dir=solcjs_cache)
    )
    actor = prepared.world.deployment.actors[0]

    def call(function: str, args: tuple[bytes, ...] = (), value: int = 0) -> Call:
        return Call("Recv", function, args, actor, value)

    hit = Counterexample("no_hits", (call("receive()", value=5),))
    assert replay(prepared, hit).counterexample.confirmed
    for fallback in (call("fallback()"), call("fallback()", (b"\x12\x34\x56\x78\x9a",))):
        assert replay(prepared, Counterexample("solvent", (fallback,))).counterexample.confirmed
    raw = replay(prepared, Counterexample("solvent", (call("fallback()", (b"\xab\xcd",)),)))
    assert raw.counterexample.confirmed
    assert prepared.world.chain.view(
        prepared.world.target, prepared.world.artifact.function("last()"), []
    ) == (b"\xab\xcd",)
    # … and a deposit is neither: it breaks nothing.
    paid = Counterexample("solvent", (call("deposit()", value=3),))
    assert not replay(prepared, paid).counterexample.confirmed
