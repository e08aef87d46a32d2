"""B8: accounting storage written after an untrusted external call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    callees,
    entry_points,
    has_modifier,
    int_bits,
    is_constant,
    is_mapping_or_array,
    line_of,
    name_matches,
    node_callees,
    state_written,
    untrusted_call,
)
from solvency.ir.slithir_flow import (
    after,
    dominates,
)
from solvency.rules._vocab import ACCOUNTING, CONTROL_TRANSFER, REENTRANCY_GUARD


def is_accounting(var: Any) -> bool:
    """Balances, debts, shares, totals: integer storage named for what users own or owe."""
    if is_constant(var) or not name_matches(var, ACCOUNTING):
        return False
    return is_mapping_or_array(var) or int_bits(var) is not None


def _calls_out(node: Any) -> bool:
    return untrusted_call(node, CONTROL_TRANSFER) or any(
        untrusted_call(n, CONTROL_TRANSFER) for fn in node_callees(node) for n in fn.nodes
    )


def _guarded(function: Any, contract: Any) -> bool:
    """Under a reentrancy lock, itself or (for internal code) in every entry point reaching it."""
    if has_modifier(function, REENTRANCY_GUARD):
        return True
    if function.visibility in ("public", "external"):
        return False
    callers = [e for e in entry_points(contract) if function in callees(e)]
    return all(has_modifier(e, REENTRANCY_GUARD) for e in callers)


class AccountingAfterCall(SolvencyDetector):
    meta = RuleMeta(
        id="accounting-after-call",
        title="Accounting storage written after an untrusted external call",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        description=(
            "A balance, debt, share or total is written after a call that hands control to "
            "another contract (a token transfer, an ETH send, a callback), and no reentrancy "
            "lock covers the path."
        ),
        exploit_scenario=(
            "withdraw() sends ETH, then lowers deposits[msg.sender]. The receiver re-enters "
            "withdraw() from its fallback and is paid again against the same, not yet lowered, "
            "balance until the escrow is empty."
        ),
        recommendation=(
            "Write every balance, debt and total before the external call "
            "(checks-effects-interactions), or put the entry points under one reentrancy lock."
        ),
        bug_classes=("B8",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in analysable(contract):
            if function.view or function.pure:
                continue
            hits = list(self._in(function))
            if hits and not _guarded(function, contract):
                yield from hits

    def _in(self, function: Any) -> Iterator[Hit]:
        for call in sorted(filter(_calls_out, function.nodes), key=line_of):
            # A write that also runs before the call in the same loop iteration is
            # effects-then-interaction per iteration: only the loop's next turn reaches it.
            writes = [
                (line_of(n), n, [v for v in state_written(n) if is_accounting(v)])
                for n in after(call)
                if n is not call and not dominates(n, call)
            ]
            hits = sorted((w for w in writes if w[2]), key=lambda w: w[0])
            if hits:
                _, node, variables = hits[0]
                names = ", ".join(sorted({v.name for v in variables}))
                yield Hit(
                    function,
                    node,
                    f"writes {names} after the external call at line {line_of(call)}",
                )
                return
