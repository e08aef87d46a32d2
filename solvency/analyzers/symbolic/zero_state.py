"""The state before the constructor runs: every storage word is zero.

A subclass of `SymbolicState`, so the symbolic executor and the spec lowering read zeros
from it through the same `storage_term`/`read` calls they use on any state. ETH balances
stay arbitrary (an address may hold ETH before a contract is deployed there).
"""

from __future__ import annotations

from collections.abc import Sequence

from solvency.smt import terms as zt
from solvency.smt.state import SymbolicState
from solvency.smt.terms import Sort, Term


class ZeroState(SymbolicState):
    """All storage zero (false for bools), created lazily per path like any state."""

    def storage_term(self, path: str, key_sorts: Sequence[Sort], value_sort: Sort) -> Term:
        if path not in self.storage:
            zero = zt.value(0, value_sort)
            self.storage[path] = zt.const_array(key_sorts, zero) if key_sorts else zero
        return self.storage[path]
