"""Pushing `bv2int` down through bit-vector terms before Z3 sees them.

Spec arithmetic is on mathint, so a spec over a transition reads `bv2int(x + y)`,
`bv2int(store(a, k, v)[j])`, `bv2int(ite(c, x, y))` … Z3 treats `bv2int` of a compound
term nearly as opaque and times out on trivial facts (measured: a one-line deposit()
against a solvency invariant ran past 20 s). Each rule below is an identity, so the
rewritten query is equivalent and the arithmetic becomes linear over `bv2int` of atoms:

    bv2int(a + b)          = bv2int(a) + bv2int(b) - 2^n·carry(a, b)
    bv2int(a - b)          = bv2int(a) - bv2int(b) + 2^n·(a <u b)
    bv2int(ite(c, x, y))   = ite(c, bv2int(x), bv2int(y))
    bv2int(store(A,i,v)[j]) = ite(i = j, bv2int(v), bv2int(A[j]))
    bv2int(zext(x))        = bv2int(x)

    bv2int(extract(h, l, x)) = (bv2int(x) div 2^l) mod 2^(h-l+1)

and unsigned comparisons (and equalities of arithmetic terms) become comparisons of the
integers, so Z3's arithmetic solver sees the executor's overflow checks and the spec's
facts together instead of bit-blasting 256-bit adders. Quantifier bodies are left as
they are.
This module imports z3 directly: it rewrites Z3 syntax, which smt/terms does not expose.
"""

from __future__ import annotations

from typing import Any

import z3

Term = Any


class MemoRewriter:
    """A term rewriter that rewrites each distinct subterm once (by Z3 id; the original is
    kept alive with its result so the id is not reused). Subclasses define `_term`."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[Term, Term]] = {}

    def __call__(self, e: Term) -> Term:
        key = e.get_id()
        hit = self._done.get(key)
        if hit is not None:
            return hit[1]
        out = self._term(e)
        self._done[key] = (e, out)
        return out

    def _term(self, e: Term) -> Term:
        raise NotImplementedError


class Rewriter(MemoRewriter):
    """A cache of rewritten terms (kept alive with their sources, so ids stay unique)."""

    def __init__(self) -> None:
        super().__init__()
        self._ints: dict[int, tuple[Term, Term]] = {}

    def _term(self, e: Term) -> Term:
        if not z3.is_app(e) or e.num_args() == 0:
            return e
        decl = e.decl()
        kind = decl.kind()
        if kind == z3.Z3_OP_BV2INT:
            return self.to_int(e.arg(0))
        if kind in _COMPARE and e.num_args() == 2:
            a, b = self.to_int(e.arg(0)), self.to_int(e.arg(1))
            return _COMPARE[kind](a, b)
        if kind == z3.Z3_OP_EQ and z3.is_bv(e.arg(0)) and (_arith(e.arg(0)) or _arith(e.arg(1))):
            return self.to_int(e.arg(0)) == self.to_int(e.arg(1))
        args = [self(a) for a in e.children()]
        if all(a.eq(b) for a, b in zip(args, e.children(), strict=True)):
            return e
        return decl(*args)

    def to_int(self, x: Term) -> Term:
        """The unsigned integer value of bit-vector `x`."""
        key = x.get_id()
        hit = self._ints.get(key)
        if hit is not None:
            return hit[1]
        out = self._to_int(x)
        self._ints[key] = (x, out)
        return out

    def _to_int(self, x: Term) -> Term:
        n = x.size()
        if z3.is_bv_value(x):
            return z3.IntVal(x.as_long())
        kind = x.decl().kind()
        wrap = z3.IntVal(1 << n)
        zero = z3.IntVal(0)
        if kind == z3.Z3_OP_BADD and x.num_args() == 2:
            a, b = self.to_int(x.arg(0)), self.to_int(x.arg(1))
            if _widened(x.arg(0)) and _widened(x.arg(1)):
                return a + b  # both zero-extended: the sum cannot wrap
            return a + b - z3.If(a + b >= wrap, wrap, zero)
        if kind == z3.Z3_OP_BSUB and x.num_args() == 2:
            a, b = self.to_int(x.arg(0)), self.to_int(x.arg(1))
            return a - b + z3.If(a < b, wrap, zero)
        if kind == z3.Z3_OP_EXTRACT:
            hi, lo = x.params()
            inner = self.to_int(x.arg(0))
            if hi == x.arg(0).size() - 1 and hi == lo:  # the top bit (a carry): a comparison
                return z3.If(inner >= z3.IntVal(1 << lo), z3.IntVal(1), z3.IntVal(0))
            if hi == x.arg(0).size() - 1:
                return inner / z3.IntVal(1 << lo)
            return (inner / z3.IntVal(1 << lo)) % z3.IntVal(1 << (hi - lo + 1))
        if kind == z3.Z3_OP_ITE:
            return z3.If(self(x.arg(0)), self.to_int(x.arg(1)), self.to_int(x.arg(2)))
        if kind == z3.Z3_OP_ZERO_EXT:
            return self.to_int(x.arg(0))
        if kind == z3.Z3_OP_SELECT:
            return self._select(x)
        return z3.BV2Int(self(x))

    def _select(self, x: Term) -> Term:
        arr = x.arg(0)
        keys = [x.arg(i) for i in range(1, x.num_args())]
        akind = arr.decl().kind() if z3.is_app(arr) else None
        if akind == z3.Z3_OP_STORE:
            inner, at, v = (
                arr.arg(0),
                [arr.arg(i) for i in range(1, arr.num_args() - 1)],
                arr.arg(arr.num_args() - 1),
            )
            same = z3.And(*[self(a) == self(k) for a, k in zip(at, keys, strict=True)])
            return z3.If(same, self.to_int(v), self.to_int(z3.Select(inner, *keys)))
        if akind == z3.Z3_OP_ITE:
            c, a1, a2 = arr.arg(0), arr.arg(1), arr.arg(2)
            return z3.If(
                self(c), self.to_int(z3.Select(a1, *keys)), self.to_int(z3.Select(a2, *keys))
            )
        if akind == z3.Z3_OP_CONST_ARRAY:
            return self.to_int(arr.arg(0))
        return z3.BV2Int(self(x))


_COMPARE = {
    z3.Z3_OP_ULT: lambda a, b: a < b,
    z3.Z3_OP_ULEQ: lambda a, b: a <= b,
    z3.Z3_OP_UGT: lambda a, b: a > b,
    z3.Z3_OP_UGEQ: lambda a, b: a >= b,
}
_ARITH = {z3.Z3_OP_BADD, z3.Z3_OP_BSUB, z3.Z3_OP_EXTRACT, z3.Z3_OP_ZERO_EXT}


def _arith(x: Term) -> bool:
    return bool(z3.is_app(x) and x.decl().kind() in _ARITH)


def _widened(x: Term) -> bool:
    return bool(z3.is_app(x) and x.decl().kind() == z3.Z3_OP_ZERO_EXT and x.params()[0] >= 1)
