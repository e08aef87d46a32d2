"""B3: a collateral bitmap narrowed to a small integer type before it is masked or shifted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    binaries,
    conversions,
    copies,
    int_bits,
    is_constant,
    name_matches,
)

_BITMAP = re.compile(r"mask|bitmap|flags|bits|enabled|config", re.IGNORECASE)
_NARROW = 128
_MESSAGE = "tests a bit chosen at run time in a bitmap narrowed to a small type"


class NarrowBitmask(SolvencyDetector):
    meta = RuleMeta(
        id="narrow-bitmask",
        title="Collateral bitmap masked or shifted in a narrow integer type",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        description=(
            "A bitmap is converted to (or stored as) an integer narrower than 128 bits and then "
            "tested with a variable mask or shift, so the bits above the narrow width are lost."
        ),
        exploit_scenario=(
            "The liquidation value reads uint8(collateralMask[user]): collateral at asset "
            "index 8 or above no longer counts, so a healthy account looks underwater and is "
            "liquidated (Compound III's narrow-mask critical)."
        ),
        recommendation=(
            "Keep bitmaps in uint256 end to end and bound the index by the bitmap width "
            "(require(index < 256))."
        ),
        bug_classes=("B3",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in analysable(contract):
            hit = self._in(function)
            if hit is not None:
                yield hit

    @staticmethod
    def _in(function: Any) -> Hit | None:
        narrow: dict[Any, Any] = {}  # narrow value -> node where it was narrowed
        for node in function.nodes:
            for op in conversions(node):
                bits, source_bits = int_bits(op.lvalue), int_bits(op.variable)
                if bits and bits < _NARROW and (source_bits or 256) > bits:
                    narrow[op.lvalue] = node
            for var in node.state_variables_read:
                bits = int_bits(var)
                if bits and bits < _NARROW and name_matches(var, _BITMAP):
                    narrow[var] = node
        changed = True
        while changed:
            changed = False
            for node in function.nodes:
                for dst, src in copies(node):
                    if src in narrow and dst not in narrow:
                        narrow[dst] = narrow[src]
                        changed = True
        # A bit picked by a run-time index: `x & (1 << i)` or `x >> i`. Masks with constants
        # (timestamps packed in uint48, a decimals byte) are not bitmap tests.
        dynamic_bits = {
            op.lvalue
            for node in function.nodes
            for op in binaries(node, "LEFT_SHIFT", "RIGHT_SHIFT")
            if not is_constant(op.variable_right)
        }
        for node in function.nodes:
            for op in binaries(node, "LEFT_SHIFT", "RIGHT_SHIFT"):
                if op.variable_left in narrow and op.lvalue in dynamic_bits:
                    return Hit(function, narrow[op.variable_left], _MESSAGE)
            for op in binaries(node, "AND", "OR", "CARET"):
                for mine, other in (
                    (op.variable_left, op.variable_right),
                    (op.variable_right, op.variable_left),
                ):
                    if mine in narrow and other in dynamic_bits:
                        return Hit(function, narrow[mine], _MESSAGE)
        return None
