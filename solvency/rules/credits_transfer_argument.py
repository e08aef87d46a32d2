"""B10: a deposit of a caller-chosen token credits the amount argument, not what arrived."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    call_name,
    entry_points,
    expression_text,
    external_calls,
    is_address_like,
    line_of,
    low_level_calls,
    name_matches,
    node_callees,
)
from solvency.ir.slithir_flow import (
    depends,
    reads,
)
from solvency.rules.accounting_after_call import is_accounting

_PULL = re.compile(r"transferFrom|pull", re.IGNORECASE)
_SELF_BALANCE = re.compile(r"balanceOf\(address\(this\)\)")


def _pulls(node: Any) -> bool:
    """Moves tokens from someone to this contract (directly or through a helper)."""
    to_self = "address(this)" in expression_text(node)
    if to_self and any(_PULL.search(call_name(op)) for op in external_calls(node)):
        return True
    for fn in node_callees(node):
        inner = [n for n in fn.nodes if external_calls(n) or low_level_calls(n)]
        if not inner:
            continue
        if name_matches(fn, _PULL) and (to_self or any(_pulls(n) for n in inner)):
            return True
        if any(
            "address(this)" in expression_text(n) and _PULL.search(expression_text(n))
            for n in inner
        ):
            return True
    return False


class CreditsTransferArgument(SolvencyDetector):
    meta = RuleMeta(
        id="credits-transfer-argument",
        title="Deposit credits the transfer argument instead of the balance received",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        description=(
            "An entry point pulls a caller-chosen token with transferFrom and credits the amount "
            "argument, not the increase of balanceOf(address(this)), so fee-on-transfer and "
            "rebasing tokens are over-credited."
        ),
        exploit_scenario=(
            "A token takes a 1% fee on transfer. Each deposit of 100 credits 100 while the "
            "escrow receives 99; repeated deposits and withdrawals drain the other users' "
            "tokens (Balancer/STA 2020)."
        ),
        recommendation=(
            "Measure balanceOf(address(this)) before and after the transfer and credit the "
            "difference (under a reentrancy lock), or reject such tokens explicitly."
        ),
        bug_classes=("B10",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in entry_points(contract):
            tokens = [p for p in function.parameters if is_address_like(p)]
            if not tokens or any(
                _SELF_BALANCE.search(expression_text(n)) for n in function.all_nodes()
            ):
                continue
            pulls = [
                n
                for n in function.nodes
                if _pulls(n) and any(depends(v, t, function) for v in reads(n) for t in tokens)
            ]
            if not pulls:
                continue
            amounts = [
                p
                for p in function.parameters
                if p not in tokens and any(depends(v, p, function) for n in pulls for v in reads(n))
            ]
            credits = sorted(
                (
                    n
                    for n in function.nodes
                    if any(is_accounting(v) for v in n.state_variables_written)
                    and any(depends(v, a, function) for v in reads(n) for a in amounts)
                ),
                key=line_of,
            )
            if credits:
                yield Hit(function, credits[0], "credits the amount argument of transferFrom")
