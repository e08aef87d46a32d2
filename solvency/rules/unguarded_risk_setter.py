"""B12: anyone can set a value that price, LTV or health logic reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    callees,
    entry_points,
    internal_call_ops,
    is_constant,
    is_mapping_or_array,
    name_matches,
    written_fields,
)
from solvency.ir.slithir_flow import (
    depends,
    value_writes,
)
from solvency.rules._vocab import ACCOUNTING, RISK_LOGIC, RISK_PARAMETER

_GUARD_CALL = re.compile(r"^_?(only|check|auth|requires?auth|require(owner|role|admin|gov))", re.I)
_MAX_DEPTH = 4


def guarded(function: Any) -> bool:
    """msg.sender is tested, directly, through a modifier, or through a role/ownership helper."""
    if function.is_protected():
        return True
    return any(name_matches(c, _GUARD_CALL) for c in callees(function))


def _risk_reads(contract: Any, setter: Any) -> set[Any]:
    found: set[Any] = set()
    for function in analysable(contract):
        if function is not setter and name_matches(function, RISK_LOGIC):
            found.update(function.all_state_variables_read())
    return found


def _is_parameter_write(var: Any, fields: set[str]) -> bool:
    if is_constant(var):
        return False
    if is_mapping_or_array(var):
        return name_matches(var, RISK_PARAMETER) or any(RISK_PARAMETER.search(f) for f in fields)
    return name_matches(var, RISK_PARAMETER) or not name_matches(var, ACCOUNTING)


def tainted_writes(function: Any, tainted: list[Any], depth: int = 0) -> Iterator[tuple[Any, Any]]:
    """(node, state variable) written from a value that depends on a `tainted` parameter."""
    for node in function.nodes:
        if node.state_variables_written and any(
            depends(v, p, function)
            for _, sources in value_writes(node)
            for v in sources
            for p in tainted
        ):
            fields = written_fields(node)
            for var in node.state_variables_written:
                if _is_parameter_write(var, fields):
                    yield node, var
        if depth >= _MAX_DEPTH:
            continue
        for op in internal_call_ops(node):
            params = op.function.parameters
            inner = [
                params[i]
                for i, arg in enumerate(op.arguments)
                if i < len(params) and any(depends(arg, p, function) for p in tainted)
            ]
            if inner:
                for _, var in tainted_writes(op.function, inner, depth + 1):
                    yield node, var


class UnguardedRiskSetter(SolvencyDetector):
    meta = RuleMeta(
        id="unguarded-risk-setter",
        title="Unguarded setter of a value read by price, LTV or health logic",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        description=(
            "A state-changing external function with no msg.sender check writes a caller-chosen "
            "value into storage that the price, LTV, liquidation or health logic reads."
        ),
        exploit_scenario=(
            "setLiquidationRatio() lost its onlyOwner modifier. An attacker sets the ratio to "
            "1.0, borrows against the full value of their collateral and walks away with the "
            "difference (Rikkei 2022: a public setOracleData drained ~$1.1M)."
        ),
        recommendation=(
            "Restrict the function to the owner or a governance role (onlyOwner, AccessControl), "
            "and bound the value it accepts."
        ),
        bug_classes=("B12",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in entry_points(contract):
            if not function.parameters or guarded(function):
                continue
            risky = _risk_reads(contract, function)
            for node, var in tainted_writes(function, list(function.parameters)):
                if var in risky:
                    yield Hit(
                        function,
                        node,
                        f"lets any caller write {var.name}, which the risk logic reads",
                    )
                    break
