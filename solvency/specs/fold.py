"""Constant folding over typed expressions, with the same arithmetic as both lowerings."""

from __future__ import annotations

from solvency.specs import typed
from solvency.specs.ast import BinOp, UnOp
from solvency.specs.types import wrap


def tdiv(a: int, b: int) -> int:
    """Division truncating toward zero; x/0 = 0 as the EVM's DIV/SDIV."""
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def tmod(a: int, b: int) -> int:
    """Remainder with the dividend's sign; x%0 = 0 as the EVM's MOD/SMOD."""
    if b == 0:
        return 0
    return a - b * tdiv(a, b)


def arith(op: BinOp, a: int, b: int) -> int:
    match op:
        case BinOp.ADD:
            return a + b
        case BinOp.SUB:
            return a - b
        case BinOp.MUL:
            return a * b
        case BinOp.DIV:
            return tdiv(a, b)
        case BinOp.MOD:
            return tmod(a, b)
        case BinOp.POW:
            return int(a**b)
    raise ValueError(op)


def compare(op: BinOp, a: int | bool, b: int | bool) -> bool:
    match op:
        case BinOp.LT:
            return a < b
        case BinOp.LE:
            return a <= b
        case BinOp.GT:
            return a > b
        case BinOp.GE:
            return a >= b
        case BinOp.EQ:
            return a == b
        case BinOp.NE:
            return a != b
    raise ValueError(op)


def logic(op: BinOp, a: bool, b: bool) -> bool:
    match op:
        case BinOp.AND:
            return a and b
        case BinOp.OR:
            return a or b
        case BinOp.IMPLIES:
            return (not a) or b
        case BinOp.IFF:
            return a == b
    raise ValueError(op)


ARITH = frozenset({BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV, BinOp.MOD, BinOp.POW})
COMPARE = frozenset({BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE, BinOp.EQ, BinOp.NE})
LOGIC = frozenset({BinOp.AND, BinOp.OR, BinOp.IMPLIES, BinOp.IFF})

# Constants beyond this size are almost surely a mistake (e.g. 10**10**10) and would
# stall both Python and Z3; the checker reports them instead of folding.
MAX_CONST_BITS = 4096


def fold(e: typed.TExpr) -> int | bool | None:
    """The value of a constant expression, or None if it reads state or bound names."""
    match e:
        case typed.Const(value=v):
            return v
        case typed.Cast(operand=o, type=t):
            inner = fold(o)
            return None if inner is None or isinstance(inner, bool) else wrap(inner, t)
        case typed.Unary(op=op, operand=o):
            inner = fold(o)
            if inner is None:
                return None
            return (not inner) if op is UnOp.NOT else -int(inner)
        case typed.Binary(op=op, left=lhs, right=rhs):
            a, b = fold(lhs), fold(rhs)
            if a is None or b is None:
                return None
            if op in ARITH:
                if op is BinOp.POW and (b < 0 or abs(a).bit_length() * b > MAX_CONST_BITS):
                    return None
                return arith(op, int(a), int(b))
            if op in COMPARE:
                return compare(op, a, b)
            return logic(op, bool(a), bool(b))
        case typed.Cond(cond=c, then=t, orelse=o):
            cv = fold(c)
            return None if cv is None else fold(t if cv else o)
    return None
