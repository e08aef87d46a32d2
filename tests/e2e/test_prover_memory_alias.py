"""Memory aliasing is never proved over: the executor models memory structs and arrays as
values, so every way Solidity gives one memory object two names must come out UNKNOWN
naming the alias (each property here is false on the EVM). A memory local used without an
alias is still PROVED, so the guard is not a blanket refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.analyzers.symbolic.api import ProveOptions, ProveOutcome, prove
from solvency.build import BuildOptions
from solvency.core.properties import Status

ALIAS = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Alias {
    struct P { uint256 x; uint256 y; }
    uint256 public a0;
    uint256 public a1;
    uint256 public a2;
    uint256 public a3;
    uint256 public a4;
    uint256 public a5;

    function local() external {
        uint256[] memory b = new uint256[](1);
        uint256[] memory a = b;
        a[0] = 5;
        a0 = b[0];
    }

    function strct() external {
        P memory b = P(0, 0);
        P memory a = b;
        a.x = 7;
        a1 = b.x;
    }

    function twice() external {
        P memory b = P(0, 0);
        _both(b, b);
        a2 = b.y;
    }

    function _both(P memory from, P memory to) internal pure {
        from.x = 5;
        to.y = to.x;
    }

    function returned() external {
        P memory b = P(0, 0);
        P memory c = _same(b);
        c.x = 3;
        a3 = b.x;
    }

    function _same(P memory q) internal pure returns (P memory) {
        return q;
    }

    function param(P memory b) external {
        b.y = 0;
        P memory c = b;
        c.y = 1;
        a4 = b.y;
    }

    function plain() external {
        P memory b = P(0, 0);
        b.x = 9;
        _bump(b);
        a5 = b.x - b.y;
    }

    function _bump(P memory q) internal pure {
        q.y = 9;
    }
}
"""

SPEC = """\
spec Alias {
    invariant local_false: a0 == 0 only [local];
    invariant strct_false: a1 == 0 only [strct];
    invariant twice_false: a2 == 0 only [twice];
    invariant returned_false: a3 == 0 only [returned];
    invariant param_false: a4 == 0 only [param];
    invariant plain_true: a5 == 0 only [plain];
}
"""


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory, solcjs_cache: Path) -> ProveOutcome:
    root = tmp_path_factory.mktemp("alias")
    (root / "Alias.sol").write_text(ALIAS)
    (root / "Alias.spec").write_text(SPEC)
    options = ProveOptions(timeout_ms=10_000, search_calls=0)
    return prove(
        root / "Alias.sol", root / "Alias.spec", BuildOptions(cache_dir=solcjs_cache), options
    )


@pytest.mark.parametrize(
    ("prop", "alias"),
    [
        ("local_false", "memory alias a = b"),
        ("strct_false", "memory alias a = b"),
        ("twice_false", "b passed twice"),
        ("returned_false", "returns its parameter q"),
        ("param_false", "memory alias c = b"),
    ],
)
def test_alias_is_unknown_naming_it(outcome: ProveOutcome, prop: str, alias: str) -> None:
    (r,) = [r for r in outcome.results if r.name == prop]
    assert r.status is Status.UNKNOWN, r
    assert alias in r.reason


def test_memory_without_alias_is_still_proved(outcome: ProveOutcome) -> None:
    (r,) = [r for r in outcome.results if r.name == "plain_true"]
    assert r.status is Status.PROVED, r
