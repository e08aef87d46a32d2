"""One Solidity operator on Z3 bit-vectors, with the conditions under which Solidity
reverts instead of returning the wrapped value (built from the primitives in `evm`)."""

from __future__ import annotations

from dataclasses import dataclass

import z3

from solvency.smt.evm import (
    INVALID_OPCODE,
    PANIC_ARITHMETIC,
    PANIC_DIV_ZERO,
    add,
    add_overflows,
    and_,
    div,
    div_by_zero,
    eq,
    exp,
    exp_overflows,
    ge,
    gt,
    le,
    lt,
    mod,
    mul,
    mul_overflows,
    neg,
    neg_overflows,
    or_,
    sar,
    sdiv,
    sdiv_overflows,
    sge,
    sgt,
    shl,
    shr,
    sle,
    slt,
    smod,
    sub,
    sub_overflows,
    xor,
)
from solvency.smt.terms import Term


def _bits(t: Term) -> int:
    return int(t.size())


# ── one Solidity binary operation, with its revert conditions ────────────────────────────


@dataclass(frozen=True, slots=True)
class Outcome:
    """The wrapped value of an operation and the conditions under which Solidity reverts
    instead, each with its Panic code (INVALID_OPCODE for solc < 0.8's x/0)."""

    value: Term
    reverts: tuple[tuple[Term, int], ...]

    def any_revert(self) -> Term:
        return z3.Or(*[c for c, _ in self.reverts]) if self.reverts else z3.BoolVal(False)


_WRAP = {"+": add, "-": sub, "*": mul, "&": and_, "|": or_, "^": xor}
_OVF = {"+": add_overflows, "-": sub_overflows, "*": mul_overflows}


def binary(
    op: str, a: Term, b: Term, *, signed: bool, checked: bool, legacy: bool = False
) -> Outcome:
    """Solidity's `a op b` on intN (`signed`) or uintN. `checked`: >= 0.8 outside
    `unchecked`; `legacy`: solc < 0.8 (x/0 hits INVALID instead of Panic 0x12).
    Shifts and `**` take an unsigned right operand of any width."""
    n = _bits(a)
    if op in _WRAP:
        value = _WRAP[op](a, b)
        if checked and op in _OVF:
            return Outcome(value, ((_OVF[op](a, b, n, signed), PANIC_ARITHMETIC),))
        return Outcome(value, ())
    if op in ("/", "%"):
        zero = (div_by_zero(b), INVALID_OPCODE if legacy else PANIC_DIV_ZERO)
        if op == "%":
            return Outcome(smod(a, b) if signed else mod(a, b), (zero,))
        if signed:
            ovf = ((sdiv_overflows(a, b, n), PANIC_ARITHMETIC),) if checked else ()
            return Outcome(sdiv(a, b), (zero, *ovf))
        return Outcome(div(a, b), (zero,))
    if op == "**":
        ovf = ((exp_overflows(a, b, n, signed), PANIC_ARITHMETIC),) if checked else ()
        return Outcome(exp(a, b), ovf)
    if op == "<<":
        return Outcome(shl(a, b), ())
    if op == ">>":
        return Outcome(sar(a, b) if signed else shr(a, b), ())
    raise ValueError(f"not a Solidity arithmetic operator: {op!r}")


def negate(a: Term, *, checked: bool) -> Outcome:
    """Unary minus on intN (checked: Panic 0x11 for the minimum)."""
    ovf = ((neg_overflows(a, _bits(a)), PANIC_ARITHMETIC),) if checked else ()
    return Outcome(neg(a), ovf)


def compare(op: str, a: Term, b: Term, *, signed: bool) -> Term:
    """Solidity's `<`, `<=`, `>`, `>=`, `==`, `!=` on intN (`signed`) or uintN."""
    table = {
        "<": slt if signed else lt,
        "<=": sle if signed else le,
        ">": sgt if signed else gt,
        ">=": sge if signed else ge,
        "==": eq,
    }
    if op == "!=":
        return z3.Not(eq(a, b))
    if op not in table:
        raise ValueError(f"not a comparison operator: {op!r}")
    return table[op](a, b)
