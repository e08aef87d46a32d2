"""Z3 term helpers over the sorts Solvency uses: BitVec(N) for uintN/intN/address/bytesN,
Bool, and Int for unbounded `mathint`.

z3py's `/`, `%`, `<`, `>>` on bit-vectors are *signed*; every bit-vector operation here
says its signedness by name (ULT, SLT, UDiv, LShR …). Int arithmetic is exact, with
division truncating toward zero and x/0 = x%0 = 0, the EVM's convention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import z3

Term = Any  # z3.ExprRef; z3 ships no type information
Sort = Any  # z3.SortRef


def int_sort() -> Sort:
    return z3.IntSort()


def bool_sort() -> Sort:
    return z3.BoolSort()


def bv_sort(bits: int) -> Sort:
    return z3.BitVecSort(bits)


def is_bool(t: Term) -> bool:
    return bool(z3.is_bool(t))


def is_int(t: Term) -> bool:
    return bool(z3.is_int(t))


def bits_of(t: Term) -> int:
    return int(t.size())


def const(name: str, sort: Sort) -> Term:
    return z3.Const(name, sort)


def value(v: int | bool, sort: Sort) -> Term:
    """A literal of `sort`; integers are wrapped into a bit-vector sort's width."""
    if sort == z3.BoolSort():
        return z3.BoolVal(bool(v))
    if sort == z3.IntSort():
        return z3.IntVal(int(v))
    return z3.BitVecVal(int(v) % (1 << sort.size()), sort.size())


def int_val(v: int) -> Term:
    return z3.IntVal(v)


def bool_val(v: bool) -> Term:
    return z3.BoolVal(v)


# ── conversions ──────────────────────────────────────────────────────────────────────────


def bv_to_int(t: Term, signed: bool) -> Term:
    """The integer a bit-vector denotes: unsigned, or two's complement when `signed`."""
    return z3.BV2Int(t, is_signed=signed)


def int_to_bv(t: Term, bits: int) -> Term:
    """`t` mod 2^bits as a bit-vector (Z3's int2bv is modular, also for negatives)."""
    return z3.Int2BV(t, bits)


def resize(t: Term, bits: int, signed: bool) -> Term:
    """Truncate, or extend by zeros (`signed` False) or by the sign bit."""
    have = bits_of(t)
    if have == bits:
        return t
    if have > bits:
        return z3.Extract(bits - 1, 0, t)
    return z3.SignExt(bits - have, t) if signed else z3.ZeroExt(bits - have, t)


# ── arithmetic on Int (mathint) ──────────────────────────────────────────────────────────


def add(a: Term, b: Term) -> Term:
    return a + b


def sub(a: Term, b: Term) -> Term:
    return a - b


def mul(a: Term, b: Term) -> Term:
    return a * b


def neg(a: Term) -> Term:
    return -a


def _abs(a: Term) -> Term:
    return z3.If(a >= 0, a, -a)


def tdiv(a: Term, b: Term) -> Term:
    """Int division truncating toward zero (Solidity's), x/0 = 0. SMT-LIB `div` is
    Euclidean, so divide magnitudes (where both agree) and restore the sign."""
    q = _abs(a) / _abs(b)  # on Ints z3py's `/` is SMT-LIB div; magnitudes make it exact
    signed_q = z3.If((a >= 0) == (b >= 0), q, -q)
    return z3.If(b == 0, z3.IntVal(0), signed_q)


def tmod(a: Term, b: Term) -> Term:
    """Remainder with the dividend's sign (Solidity's `%`), x%0 = 0."""
    return z3.If(b == 0, z3.IntVal(0), a - b * tdiv(a, b))


def power(a: Term, n: int) -> Term:
    """a**n for a constant n ≥ 0, by squaring, so Z3 sees only multiplications."""
    result: Term = z3.IntVal(1)
    base = a
    while n:
        if n & 1:
            result = result * base
        n >>= 1
        if n:
            base = base * base
    return result


# ── comparisons ──────────────────────────────────────────────────────────────────────────


def lt(a: Term, b: Term, signed: bool | None) -> Term:
    """a < b; `signed` None for Ints, else the bit-vector signedness."""
    if signed is None:
        return a < b
    return z3.ULT(a, b) if not signed else a < b  # z3py's `<` on bit-vectors is signed


def le(a: Term, b: Term, signed: bool | None) -> Term:
    if signed is None:
        return a <= b
    return z3.ULE(a, b) if not signed else a <= b


def eq(a: Term, b: Term) -> Term:
    return a == b


# ── logic ────────────────────────────────────────────────────────────────────────────────


def and_(*xs: Term) -> Term:
    return z3.And(*xs) if xs else z3.BoolVal(True)


def or_(*xs: Term) -> Term:
    return z3.Or(*xs) if xs else z3.BoolVal(False)


def not_(a: Term) -> Term:
    return z3.Not(a)


def implies(a: Term, b: Term) -> Term:
    return z3.Implies(a, b)


def ite(c: Term, a: Term, b: Term) -> Term:
    return z3.If(c, a, b)


def forall(xs: Sequence[Term], body: Term) -> Term:
    return z3.ForAll(list(xs), body)


def exists(xs: Sequence[Term], body: Term) -> Term:
    return z3.Exists(list(xs), body)


def fresh(prefix: str, sort: Sort) -> Term:
    return z3.FreshConst(sort, prefix)


def substitute(t: Term, pairs: Sequence[tuple[Term, Term]]) -> Term:
    return z3.substitute(t, *pairs) if pairs else t


# ── arrays and functions ─────────────────────────────────────────────────────────────────


def array(name: str, key_sorts: Sequence[Sort], value_sort: Sort) -> Term:
    return z3.Array(name, *key_sorts, value_sort)


def const_array(key_sorts: Sequence[Sort], v: Term) -> Term:
    """An array holding `v` at every key (storage's untouched zero)."""
    dom = key_sorts[0] if len(key_sorts) == 1 else None
    if dom is not None:
        return z3.K(dom, v)
    return z3.Lambda([z3.FreshConst(s) for s in key_sorts], v)


def select(arr: Term, keys: Sequence[Term]) -> Term:
    return z3.Select(arr, *keys)


def store(arr: Term, keys: Sequence[Term], v: Term) -> Term:
    return z3.Store(arr, *keys, v)


def function(name: str, arg_sorts: Sequence[Sort], ret: Sort) -> Any:
    return z3.Function(name, *arg_sorts, ret)


def apply(f: Any, args: Sequence[Term]) -> Term:
    return f(*args)


def simplify(t: Term) -> Term:
    return z3.simplify(t)


def as_python(t: Term) -> int | bool:
    """A literal term as a Python value (bit-vectors unsigned); raises if not a literal."""
    if z3.is_true(t):
        return True
    if z3.is_false(t):
        return False
    if z3.is_int_value(t):
        return int(t.as_long())
    if z3.is_bv_value(t):
        return int(t.as_long())
    raise ValueError(f"not a literal: {t}")
