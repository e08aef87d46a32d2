"""B16: msg.value read inside a loop, so one payment is counted once per iteration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    MSG_VALUE,
    analysable,
    line_of,
    node_callees,
)
from solvency.ir.slithir_flow import (
    loop_nodes,
)


def _reads_value(node: Any) -> bool:
    if MSG_VALUE in node.solidity_variables_read:
        return True
    return any(MSG_VALUE in fn.solidity_variables_read for fn in node_callees(node))


class MsgValueInLoop(SolvencyDetector):
    meta = RuleMeta(
        id="msg-value-in-loop",
        title="msg.value used inside a loop",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        description=(
            "msg.value is read in a loop body (directly or in a function the loop calls), so "
            "the same ETH is checked or credited once per iteration."
        ),
        exploit_scenario=(
            "batchDeposit(users, amounts) checks amounts[i] <= msg.value in the loop. Sending "
            "1 ETH with ten amounts of 1 ETH credits 10 ETH (Opyn 2020, ~$371K)."
        ),
        recommendation=(
            "Sum the per-iteration amounts in the loop and compare the sum with msg.value "
            "once, after the loop."
        ),
        bug_classes=("B16",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in analysable(contract):
            if not function.payable and function.visibility in ("public", "external"):
                continue
            inside = sorted((n for n in loop_nodes(function) if _reads_value(n)), key=line_of)
            if inside:
                yield Hit(function, inside[0], "reads msg.value inside a loop")
