"""B14: debt or balance storage written on a path that does not first accrue interest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    callees,
    entry_points,
    int_bits,
    is_constant,
    is_mapping_or_array,
    line_of,
    name_matches,
    node_callees,
    state_written,
)
from solvency.ir.slithir_flow import (
    dominates,
    inputs_read,
    writes_timestamp,
)
from solvency.rules._vocab import ACCRUAL


def accrual_functions(contract: Any) -> list[Any]:
    """Functions that bring a time-based index up to date: they stamp block.timestamp into
    storage and update something else with it (or are named so: accrue*, drip, updateFunding)."""
    found = []
    for function in analysable(contract):
        if function.view or function.pure or function.is_constructor:
            continue
        stamp = writes_timestamp(function)
        written = function.all_state_variables_written()
        stamps_and_updates = stamp is not None and any(v is not stamp for v in written)
        if stamps_and_updates or (name_matches(function, ACCRUAL) and written):
            found.append(function)
    return found


class MissingAccrual(SolvencyDetector):
    meta = RuleMeta(
        id="missing-accrual",
        title="Debt or balance storage written before interest is accrued",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        description=(
            "The contract has an interest/funding accrual function, and an entry point writes "
            "storage that the accrual reads (a total, a rate, an index) without the accrual "
            "call dominating the write."
        ),
        exploit_scenario=(
            "repay() skips accrueInterest(): the shares burnt are priced at the stale index, "
            "so a borrower repays right before a large accrual and owes less than the interest "
            "lenders are credited with moments later."
        ),
        recommendation=(
            "Call the accrual function (directly or through a modifier) at the start of every "
            "entry point that changes debt, supply or positions."
        ),
        bug_classes=("B14",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        accruals = accrual_functions(contract)
        if not accruals:
            return
        # The accrual's inputs (totals, rates, indexes): changing one before accruing
        # re-prices the elapsed period. Its outputs alone (a fee receiver's balance) are not.
        dependent: set[Any] = set()
        for accrual in accruals:
            dependent.update(inputs_read(accrual))
        for function in entry_points(contract):
            if function in accruals or _accrues_in_modifier(function, accruals):
                continue
            if writes_timestamp(function, scalar=False) is not None:
                continue  # it stamps its own clock (a market's creation): nothing to accrue
            hit = self._unaccrued_write(function, accruals, dependent)
            if hit is not None:
                yield hit

    @staticmethod
    def _unaccrued_write(function: Any, accruals: list[Any], dependent: set[Any]) -> Hit | None:
        calls = [n for n in function.nodes if any(c in accruals for c in node_callees(n))]
        for node in sorted(function.nodes, key=line_of):
            written = [v for v in state_written(node) if v in dependent and _amount(v)]
            if not written or any(c in accruals for c in node_callees(node)):
                continue
            if not any(dominates(c, node) for c in calls):
                names = ", ".join(sorted({v.name for v in written}))
                return Hit(function, node, f"writes {names} without accruing interest first")
        return None


def _amount(var: Any) -> bool:
    """Debt, balance, total or rate storage; an address or a flag is not re-priced by time."""
    return not is_constant(var) and (is_mapping_or_array(var) or int_bits(var) is not None)


def _accrues_in_modifier(function: Any, accruals: list[Any]) -> bool:
    return any(m in accruals or any(c in accruals for c in callees(m)) for m in function.modifiers)
