"""B7: an exchange rate from balanceOf(this) and totalSupply with no virtual shares or assets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    binaries,
    direct_callees,
    expression_text,
    is_constant,
    name_matches,
)

_SELF_BALANCE = re.compile(r"balanceOf\(address\(this\)\)")
_SUPPLY = re.compile(r"^_?totalSupply$")
_MULDIV = re.compile(r"muldiv|div", re.IGNORECASE)


def _self_balance(function: Any) -> bool:
    return any(_SELF_BALANCE.search(expression_text(n)) for n in function.nodes)


def _reads_supply(node: Any) -> bool:
    """Reads totalSupply itself, not through a helper (the helper is analysed on its own)."""
    return (
        any(name_matches(v, _SUPPLY) for v in node.state_variables_read)
        or any(name_matches(f, _SUPPLY) for f in direct_callees(node))
        or any(
            str(getattr(op, "function_name", "")) == "totalSupply" for op in node.high_level_calls
        )
    )


def _has_offset(function: Any) -> bool:
    """Some `x + c` with a constant c, or `x + 10 ** k`: a virtual share/asset offset."""
    powers = {op.lvalue for n in function.nodes for op in binaries(n, "POWER")}
    for node in function.nodes:
        for op in binaries(node, "ADDITION"):
            for side in (op.variable_left, op.variable_right):
                if (is_constant(side) and str(side) != "0") or side in powers:
                    return True
    return False


class VaultShareInflation(SolvencyDetector):
    meta = RuleMeta(
        id="vault-share-inflation",
        title="Share price from balanceOf(this) without virtual shares",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        description=(
            "Shares are converted at totalSupply / balanceOf(address(this)) with no virtual "
            "offset, so a direct token donation moves the exchange rate of an empty or small vault."
        ),
        exploit_scenario=(
            "The first depositor mints 1 share, then donates 10,000 tokens straight to the "
            "vault. The next deposit of 19,999 tokens mints 1 * 19,999 / 10,001 = 1 share; "
            "the attacker redeems for half of everything (Hundred 2023, Sonne 2024)."
        ),
        recommendation=(
            "Use virtual shares and assets: shares = assets * (totalSupply + 10**offset) / "
            "(totalAssets() + 1), as OpenZeppelin's ERC4626 does, or track assets internally."
        ),
        bug_classes=("B7",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        functions = analysable(contract)
        balance_fns = [f for f in functions if _self_balance(f)]
        if not balance_fns:
            return
        for function in functions:
            if not any(_reads_supply(n) for n in function.nodes):
                continue
            nodes = [
                n
                for n in function.nodes
                if (
                    any(c in balance_fns for c in direct_callees(n))
                    or _SELF_BALANCE.search(expression_text(n))
                )
                and (
                    any(binaries(n, "DIVISION"))
                    or any(name_matches(c, _MULDIV) for c in direct_callees(n))
                )
            ]
            if nodes and not _has_offset(function):
                yield Hit(
                    function,
                    nodes[0],
                    "converts at totalSupply / balanceOf(this) with no virtual offset",
                )
