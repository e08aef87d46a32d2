"""B13: an amount or a price divided, then multiplied: the division's remainder is lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    binaries,
    copies,
    expression_text,
)
from solvency.rules._vocab import AMOUNT_OR_PRICE


class DivideBeforeMultiplyAmount(SolvencyDetector):
    meta = RuleMeta(
        id="divide-before-multiply-amount",
        title="Amount or price divided before it is multiplied",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        description=(
            "The quotient of a division of an amount, size or price is multiplied afterwards, "
            "so the truncated remainder is scaled up with it."
        ),
        exploit_scenario=(
            "pnl = (size / WAD) * (price - entry): every position smaller than one unit has "
            "zero PnL, and larger ones lose up to (price - entry) per trade. A trader splits "
            "losing positions into sub-unit pieces and never pays for losses."
        ),
        recommendation="Multiply first and divide last: (size * (price - entry)) / WAD, or mulDiv.",
        bug_classes=("B13",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in analysable(contract):
            yield from self._in(function)

    def _in(self, function: Any) -> Iterator[Hit]:
        # x * y / WAD (± rounding) is a fixed-point product: its truncation is the scale's,
        # and chaining them is how WAD/RAY maths is written. Only a dividend that is not a
        # product loses a whole unit of precision.
        products = {op.lvalue for n in function.nodes for op in binaries(n, "MULTIPLICATION")}
        for node in function.nodes:
            for op in binaries(node, "ADDITION", "SUBTRACTION"):
                if op.variable_left in products or op.variable_right in products:
                    products.add(op.lvalue)
            products.update(dst for dst, src in copies(node) if src in products)
        divided: dict[Any, Any] = {}  # quotient (or a copy of it) -> its divisor
        for node in function.nodes:
            if not AMOUNT_OR_PRICE.search(expression_text(node)):
                continue
            for op in binaries(node, "DIVISION"):
                if op.variable_left not in products:
                    divided[op.lvalue] = op.variable_right
        changed = True
        while changed:
            changed = False
            for node in function.nodes:
                for dst, src in copies(node):
                    if src in divided and dst not in divided:
                        divided[dst] = divided[src]
                        changed = True
        for node in function.nodes:
            for op in binaries(node, "MULTIPLICATION"):
                for mine, other in (
                    (op.variable_left, op.variable_right),
                    (op.variable_right, op.variable_left),
                ):
                    if mine in divided and str(other) != str(divided[mine]):
                        yield Hit(function, node, "multiplies the result of a division")
                        return
