"""Proofs, over *every* operand value at small widths, that solvency.smt.evm's predicates
and results equal a reference computed in a bit-vector wide enough never to wrap.

Z3 proves each equivalence (the negation is unsat), so this covers all 2^16 (or 2^32)
operand pairs, not a sample; the Hypothesis tests cover the wide widths.
"""

from __future__ import annotations

from typing import Any

import pytest
import z3

from solvency.smt import evm


def _proved(claim: Any) -> bool:
    s = z3.Solver()
    s.set("timeout", 20_000)
    s.add(z3.Not(claim))
    r = s.check()
    assert r != z3.unknown, s.reason_unknown()
    return bool(r == z3.unsat)


def _wide(x: Any, bits: int, signed: bool) -> Any:
    return evm.resize(x, bits, signed)


def _fits(r: Any, n: int, signed: bool) -> Any:
    """The wide value r is representable in n bits with this signedness."""
    return evm.resize(z3.Extract(n - 1, 0, r), r.size(), signed) == r


CASES = [(n, s) for n in (8, 16) for s in (False, True)]


@pytest.mark.parametrize(("n", "signed"), CASES)
def test_add_sub_overflow_predicates_are_exact(n: int, signed: bool) -> None:
    a, b = z3.BitVecs("a b", n)
    wa, wb = _wide(a, n + 1, signed), _wide(b, n + 1, signed)
    assert _proved(evm.add_overflows(a, b, n, signed) == z3.Not(_fits(wa + wb, n, signed)))
    assert _proved(evm.sub_overflows(a, b, n, signed) == z3.Not(_fits(wa - wb, n, signed)))


@pytest.mark.parametrize(("n", "signed"), [(8, False), (8, True)])
def test_mul_overflow_predicate_is_exact(n: int, signed: bool) -> None:
    a, b = z3.BitVecs("a b", n)
    wide = _wide(a, 2 * n, signed) * _wide(b, 2 * n, signed)
    assert _proved(evm.mul_overflows(a, b, n, signed) == z3.Not(_fits(wide, n, signed)))
    assert _proved(evm.mul(a, b) == z3.Extract(n - 1, 0, wide))


@pytest.mark.parametrize("n", [8])
def test_signed_division_and_remainder(n: int) -> None:
    a, b = z3.BitVecs("a b", n)
    wa, wb = _wide(a, n + 1, True), _wide(b, n + 1, True)
    q = wa / wb  # no overflow in n+1 bits; bvsdiv truncates toward zero
    nonzero = b != 0
    assert _proved(z3.Implies(nonzero, evm.sdiv(a, b) == z3.Extract(n - 1, 0, q)))
    ovf = z3.And(nonzero, z3.Not(_fits(q, n, True)))
    assert _proved(evm.sdiv_overflows(a, b, n) == ovf)
    rem = wa - wb * q
    assert _proved(z3.Implies(nonzero, evm.smod(a, b) == z3.Extract(n - 1, 0, rem)))
    # the remainder takes the dividend's sign and is smaller in magnitude than the divisor
    r = evm.smod(a, b)
    assert _proved(z3.Implies(z3.And(nonzero, r != 0), (r < 0) == (a < 0)))
    assert _proved(
        z3.And(evm.sdiv(a, z3.BitVecVal(0, n)) == 0, evm.smod(a, z3.BitVecVal(0, n)) == 0)
    )


def _powers(b: Any, upto: int, width: int, signed: bool) -> list[Any]:
    wb = _wide(b, width, signed)
    out = [z3.BitVecVal(1, width)]
    for _ in range(upto):
        out.append(out[-1] * wb)
    return out


@pytest.mark.parametrize("signed", [False, True])
def test_exp_symbolic_base_and_exponent_at_8_bits(signed: bool) -> None:
    n, k = 8, 10
    b, e = z3.BitVec("b", n), z3.BitVec("e", n)
    pw = _powers(b, k, n * (k + 1), signed)  # wide enough for b^k without wrapping
    value_ref = z3.BitVecVal(0, n)
    ovf_ref: Any = z3.BoolVal(False)
    for i in range(k, -1, -1):
        value_ref = z3.If(e == i, z3.Extract(n - 1, 0, pw[i]), value_ref)
        ovf_ref = z3.If(e == i, z3.Not(_fits(pw[i], n, signed)), ovf_ref)
    unit = z3.Or(b == 0, b == 1, *([b == evm.val(-1, n)] if signed else []))
    big_ovf = z3.And(z3.UGT(e, k), z3.Not(unit))  # |b| >= 2 and e > 10 >= 8
    claim_ovf = evm.exp_overflows(b, e, n, signed) == z3.If(z3.UGT(e, k), big_ovf, ovf_ref)
    assert _proved(claim_ovf)
    assert _proved(z3.Implies(z3.ULE(e, k), evm.exp(b, e) == value_ref))
    # exact beyond the unrolled exponents too: even bases give 0, ±1 stay units
    assert _proved(z3.Implies(z3.And(z3.UGT(e, k), b % 2 == 0), evm.exp(b, e) == 0))


def test_exp_uninterpreted_part_only_where_it_must_overflow() -> None:
    b, e = z3.BitVecs("b e", 256)
    assert _proved(z3.Implies(z3.Not(evm.exp_exact(b, e)), evm.exp_overflows(b, e, 256, False)))
    assert _proved(z3.Implies(z3.Not(evm.exp_exact(b, e)), evm.exp_overflows(b, e, 256, True)))


@pytest.mark.parametrize("n", [8, 16])
def test_casts_round_trip_and_extend(n: int) -> None:
    x = z3.BitVec("x", n)
    u, i = evm.EvmType("uint", n), evm.EvmType("int", n)
    u256, i256 = evm.evm_type("uint256"), evm.evm_type("int256")
    assert _proved(evm.cast(evm.cast(x, u, u256), u256, u) == x)
    assert _proved(evm.cast(evm.cast(x, i, i256), i256, i) == x)
    signed_val = z3.BV2Int(x, is_signed=True)
    assert _proved(z3.BV2Int(evm.cast(x, i, i256), is_signed=True) == signed_val)
    assert _proved(z3.BV2Int(evm.cast(x, u, u256), is_signed=False) == z3.BV2Int(x))


def test_keccak_axioms_make_distinct_keys_distinct_slots() -> None:
    k1, k2, s = z3.BitVecs("k1 k2 s", 256)
    h1, h2 = evm.keccak_key(k1, s), evm.keccak_key(k2, s)
    ground = z3.And(*evm.keccak_axioms([h1, h2]))
    assert _proved(z3.Implies(z3.And(ground, k1 != k2), h1 != h2))
    assert not _proved(z3.Implies(k1 != k2, h1 != h2))  # without the axioms it is just a UF
    slv = z3.Solver()
    slv.add(*evm.keccak_injective(), k1 != k2, h1 == h2)
    assert slv.check() == z3.unsat
