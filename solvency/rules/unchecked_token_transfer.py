"""B11: an ignored ERC20 transfer result, or a low-level token call without a code check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    call_name,
    expression_text,
    external_calls,
    low_level_calls,
    returns_bool,
    unpacked,
    variables_read_in,
)
from solvency.rules._vocab import TOKEN_MOVE

_CODE_CHECK = re.compile(r"\.code\.length|extcodesize|isContract", re.IGNORECASE)
_TOKEN_CALLS = ("transfer", "transferFrom", "approve")


class UncheckedTokenTransfer(SolvencyDetector):
    meta = RuleMeta(
        id="unchecked-token-transfer",
        title="Token transfer result unchecked, or low-level token call without a code check",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        description=(
            "An ERC20 transfer/transferFrom/approve returns a bool that is never read, or a "
            "low-level call moves tokens without first checking that the token has code "
            "(a call to an address without code succeeds and returns nothing)."
        ),
        exploit_scenario=(
            "The escrow deletes a pending withdrawal and calls token.transfer, which returns "
            "false instead of reverting. The user is never paid, the escrow's books say they "
            "were. With a low-level call, a not-yet-deployed token address credits deposits "
            "for tokens that never moved."
        ),
        recommendation=(
            "Use a safe-transfer helper: require(token.code.length > 0), make the call, and "
            "require(ok && (data.length == 0 || abi.decode(data, (bool))))."
        ),
        bug_classes=("B11",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in analysable(contract):
            read = variables_read_in(function)
            code_checked = any(_CODE_CHECK.search(expression_text(n)) for n in function.nodes)
            for node in function.nodes:
                for op in external_calls(node):
                    if call_name(op) not in _TOKEN_CALLS or not returns_bool(op):
                        continue
                    if op.lvalue is None or op.lvalue not in read:
                        yield Hit(function, node, f"ignores the bool returned by {call_name(op)}")
                for op in low_level_calls(node):
                    if not TOKEN_MOVE.search(expression_text(node)):
                        continue
                    gaps = []
                    if not code_checked:
                        gaps.append("without checking that the token has code")
                    data = unpacked(function.nodes, op.lvalue).get(1)
                    if data is None or data not in read:
                        gaps.append("ignoring the returned data")
                    if gaps:
                        yield Hit(
                            function, node, "moves tokens by a low-level call " + " and ".join(gaps)
                        )
