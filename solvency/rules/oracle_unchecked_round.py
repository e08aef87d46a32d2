"""B9: a Chainlink-style `latestRoundData` answer used without positivity or freshness checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    call_name,
    external_calls,
    unpacked,
)
from solvency.ir.slithir_flow import (
    depends,
    is_condition,
    reads,
)

_ANSWER, _UPDATED_AT = 1, 3


def _checked(value: Any, functions: list[Any]) -> bool:
    """Some condition in `functions` depends on `value` (the function holding it first)."""
    for function in functions:
        for node in function.nodes:
            if is_condition(node) and any(depends(v, value, function) for v in reads(node)):
                return True
    return False


def _returned(value: Any, function: Any) -> bool:
    returned = list(getattr(function, "return_values", None) or []) + list(function.returns)
    return any(depends(r, value, function) for r in returned)


def _checked_by_callers(function: Any, callers: list[Any]) -> bool:
    """A caller tests what `function` returned (the check moved one level up)."""
    for caller in callers:
        results = [c.lvalue for c in caller.internal_calls if c.function is function and c.lvalue]
        results += [v for r in results for v in unpacked(caller.nodes, r).values()]
        if any(_checked(r, [caller]) for r in results):
            return True
    return False


class OracleUncheckedRound(SolvencyDetector):
    meta = RuleMeta(
        id="oracle-unchecked-round",
        title="latestRoundData used without a positivity and freshness check",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        description=(
            "The answer of a Chainlink-style latestRoundData call is used although no condition "
            "checks that it is positive and that updatedAt is recent."
        ),
        exploit_scenario=(
            "The feed stalls during a crash. draw() still values collateral at the last, "
            "hours-old price, so a borrower takes out more debt than the collateral is worth "
            "and leaves the protocol with bad debt."
        ),
        recommendation=(
            "require(answer > 0) and require(block.timestamp - updatedAt <= maxDelay) right "
            "after latestRoundData (and revert or fall back when either fails)."
        ),
        bug_classes=("B9",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in analysable(contract):
            callers = [
                f
                for f in analysable(contract)
                if function in [c.function for c in f.internal_calls]
            ]
            for node in function.nodes:
                for op in external_calls(node):
                    if call_name(op) != "latestRoundData" or op.lvalue is None:
                        continue
                    missing = self._missing(op, function, callers)
                    if missing:
                        yield Hit(function, node, f"uses latestRoundData without {missing}")

    @staticmethod
    def _missing(op: Any, function: Any, callers: list[Any]) -> str:
        parts = unpacked(function.nodes, op.lvalue)
        gaps = []
        for index, what in ((_ANSWER, "a positivity check"), (_UPDATED_AT, "a staleness check")):
            value = parts.get(index)
            if value is None:
                gaps.append(what)
                continue
            if _checked(value, [function]):
                continue
            if not (_returned(value, function) and _checked_by_callers(function, callers)):
                gaps.append(what)
        return " and ".join(gaps)
