"""B3/B1: a liquidation entry point that never checks the health of the position it takes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    callees,
    entry_points,
    expression_text,
    name_matches,
    ops,
)
from solvency.ir.slithir_flow import (
    depends,
    is_condition,
    reads,
)
from solvency.rules._vocab import HEALTH_CHECK, LIQUIDATION


def _health_results(function: Any) -> list[Any]:
    """Values returned by calls to health predicates (isHealthy, _safe, isLiquidatable …)."""
    found = []
    for node in function.nodes:
        for op in ops(node):
            target = getattr(op, "function", None)
            name = str(getattr(op, "function_name", "") or getattr(target, "name", ""))
            if getattr(op, "lvalue", None) is not None and HEALTH_CHECK.search(name):
                found.append(op.lvalue)
    return found


def checks_health(function: Any) -> bool:
    for fn in [function, *callees(function)]:
        results = _health_results(fn)
        for node in fn.nodes:
            if not is_condition(node):
                continue
            if HEALTH_CHECK.search(expression_text(node)):
                return True
            if any(depends(v, r, fn) for v in reads(node) for r in results):
                return True
    return False


class LiquidationWithoutHealthCheck(SolvencyDetector):
    meta = RuleMeta(
        id="liquidation-without-health-check",
        title="Liquidation without a health check on the liquidated position",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        description=(
            "A liquidation entry point (liquidate, kick, seize, absorb …) takes an account but no "
            "condition on its path tests that account's health, so healthy positions can be "
            "liquidated."
        ),
        exploit_scenario=(
            "liquidate(account, size) lost its require(isLiquidatable(account)). A keeper "
            "liquidates every healthy account for the liquidation fee, taking collateral from "
            "users who were never at risk."
        ),
        recommendation=(
            "require(!isHealthy(account)) (after accruing interest and reading the price) at the "
            "start of every liquidation entry point."
        ),
        bug_classes=("B3", "B1"),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in entry_points(contract):
            if not name_matches(function, LIQUIDATION) or not function.parameters:
                continue
            if not checks_health(function):
                yield Hit(function, None, "liquidates without checking the position's health")
