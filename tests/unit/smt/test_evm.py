"""solvency.smt.evm on concrete values against Python reference semantics.

Every operand is a literal, so Z3's simplifier folds each term to a literal and the test
compares numbers; widths range over 8..256 with the edge values of each width drawn often.
"""

from __future__ import annotations

from typing import Any

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from solvency.smt import evm, evm_ops
from tests.unit.smt import reference as ref

WIDTHS = st.sampled_from([8, 16, 24, 32, 64, 128, 160, 248, 256])
SETTINGS = settings(max_examples=150, derandomize=True, deadline=None)


def _word(bits: int) -> st.SearchStrategy[int]:
    edges = [0, 1, 2, 3, (1 << (bits - 1)) - 1, 1 << (bits - 1), (1 << (bits - 1)) + 1]
    edges += [(1 << bits) - 1, (1 << bits) - 2]
    return st.one_of(st.sampled_from(edges), st.integers(0, (1 << bits) - 1))


@st.composite
def pair(draw: st.DrawFn) -> tuple[int, int, int]:
    bits = draw(WIDTHS)
    return bits, draw(_word(bits)), draw(_word(bits))


def ev(t: Any) -> int | bool:
    s = z3.simplify(t)
    if z3.is_bv_value(s):
        return int(s.as_long())
    if z3.is_true(s) or z3.is_false(s):
        return bool(z3.is_true(s))
    raise AssertionError(f"did not fold to a literal: {s}")


def bv(x: int, bits: int) -> Any:
    return evm.val(x, bits)


@SETTINGS
@given(pair(), st.booleans())
def test_add_sub_mul_wrap_and_overflow(p: tuple[int, int, int], signed: bool) -> None:
    bits, a, b = p
    x, y = ref.num(a, bits, signed), ref.num(b, bits, signed)
    ta, tb = bv(a, bits), bv(b, bits)
    for op, exact, wrapped, ovf in (
        ("+", x + y, evm.add(ta, tb), evm.add_overflows(ta, tb, bits, signed)),
        ("-", x - y, evm.sub(ta, tb), evm.sub_overflows(ta, tb, bits, signed)),
        ("*", x * y, evm.mul(ta, tb), evm.mul_overflows(ta, tb, bits, signed)),
    ):
        assert ev(wrapped) == ref.wrap(exact, bits), op
        assert ev(ovf) == (not ref.fits(exact, bits, signed)), op


@SETTINGS
@given(pair())
def test_unsigned_division_and_modulo(p: tuple[int, int, int]) -> None:
    bits, a, b = p
    ta, tb = bv(a, bits), bv(b, bits)
    assert ev(evm.div(ta, tb)) == (a // b if b else 0)
    assert ev(evm.mod(ta, tb)) == (a % b if b else 0)
    assert ev(evm.div_by_zero(tb)) == (b == 0)
    assert ev(evm.div_overflows(ta, tb, bits, False)) is False


@SETTINGS
@given(pair())
def test_signed_division_truncates_toward_zero(p: tuple[int, int, int]) -> None:
    bits, a, b = p
    x, y = ref.to_signed(a, bits), ref.to_signed(b, bits)
    ta, tb = bv(a, bits), bv(b, bits)
    q = ref.tdiv(x, y) if y else 0
    assert ev(evm.sdiv(ta, tb)) == ref.wrap(q, bits)
    assert ev(evm.smod(ta, tb)) == ref.wrap(ref.trem(x, y) if y else 0, bits)
    assert ev(evm.sdiv_overflows(ta, tb, bits)) == (y != 0 and not ref.fits(q, bits, True))


@SETTINGS
@given(WIDTHS.flatmap(lambda n: st.tuples(st.just(n), _word(n))))
def test_negation(p: tuple[int, int]) -> None:
    bits, a = p
    x = ref.to_signed(a, bits)
    assert ev(evm.neg(bv(a, bits))) == ref.wrap(-x, bits)
    assert ev(evm.neg_overflows(bv(a, bits), bits)) == (not ref.fits(-x, bits, True))
    assert ev(evm.not_(bv(a, bits))) == ref.wrap(~a, bits)


@st.composite
def power_case(draw: st.DrawFn) -> tuple[int, int, int, int]:
    bits = draw(WIDTHS)
    ebits = draw(st.sampled_from([8, 16, 256]))
    small = st.integers(0, 2 * bits + 2)
    e = draw(st.one_of(small, _word(ebits)))
    base = draw(
        st.one_of(st.sampled_from([0, 1, 2, 3, 10, (1 << bits) - 1, (1 << bits) - 2]), _word(bits))
    )
    return bits, base, ebits, e % (1 << ebits)


@SETTINGS
@given(power_case(), st.booleans())
def test_exp_literal_and_symbolic_exponent(c: tuple[int, int, int, int], signed: bool) -> None:
    bits, base, ebits, e = c
    want, overflow = ref.power(base, e, bits, signed)
    tb, te = bv(base, bits), bv(e, ebits)
    assert ev(evm.exp(tb, te)) == want
    assert ev(evm.exp_overflows(tb, te, bits, signed)) == overflow
    # The symbolic-exponent encoding, instantiated at the same exponent.
    sym = z3.BitVec("e", ebits)
    fix = [(sym, te)]
    assert ev(z3.substitute(evm.exp_overflows(tb, sym, bits, signed), *fix)) == overflow
    exact = ev(z3.substitute(evm.exp_exact(tb, sym), *fix))
    if exact:
        assert ev(z3.substitute(evm.exp(tb, sym), *fix)) == want
    else:  # only an odd base other than ±1 with a huge exponent, which always overflows
        assert base % 2 == 1 and base not in (1, (1 << bits) - 1) and overflow


@pytest.mark.parametrize("bits", [8, 16, 256])
def test_exp_edge_table(bits: int) -> None:
    h = bits - 1
    cases = [  # (base, exponent, signed, overflows)
        (2, h, False, False),
        (2, bits, False, True),
        (2, h, True, True),
        (-2, h, True, False),
        (-2, bits, True, True),
        (-1, (1 << 16) - 1, True, False),
        (0, 0, False, False),
        (3, 0, True, False),
        ((1 << bits) - 1, 1, False, False),
        ((1 << bits) - 1, 2, False, True),
        (-(1 << h), 1, True, False),
        (-(1 << h), 2, True, True),
    ]
    for base, e, signed, overflows in cases:
        for exponent in (bv(e, 16), z3.BitVec("e", 16)):
            fix = [(z3.BitVec("e", 16), bv(e, 16))]
            got = z3.substitute(evm.exp_overflows(bv(base, bits), exponent, bits, signed), *fix)
            assert ev(got) == overflows, (base, e, signed)
            assert ev(z3.substitute(evm.exp(bv(base, bits), exponent), *fix)) == ref.wrap(
                base**e, bits
            )


def test_exp_symbolic_exact_region_is_as_documented() -> None:
    b, e = z3.BitVecs("b e", 256)
    inexact = z3.Not(evm.exp_exact(b, e))
    s = z3.Solver()
    s.add(inexact, z3.Or(z3.ULT(e, 512), b % 2 == 0, b == 1, b == evm.max_unsigned(256)))
    assert s.check() == z3.unsat


@st.composite
def shift_case(draw: st.DrawFn) -> tuple[int, int, int, int]:
    bits = draw(WIDTHS)
    sbits = draw(st.sampled_from([8, 16, bits, 256]))
    edges = [0, 1, bits - 1, bits, bits + 1, 255, 256, 300, (1 << sbits) - 1]
    s = draw(st.one_of(st.sampled_from(edges), st.integers(0, (1 << sbits) - 1)))
    return bits, draw(_word(bits)), sbits, s % (1 << sbits)


@SETTINGS
@given(shift_case())
def test_shifts_of_every_amount(c: tuple[int, int, int, int]) -> None:
    bits, a, sbits, s = c
    ta, ts = bv(a, bits), bv(s, sbits)
    assert ev(evm.shl(ta, ts)) == ref.shift_left(a, s, bits)
    assert ev(evm.shr(ta, ts)) == ref.shift_right(a, s, bits, False)
    assert ev(evm.sar(ta, ts)) == ref.shift_right(a, s, bits, True)
    for op, signed, want in (
        ("<<", True, ref.shift_left(a, s, bits)),
        (">>", True, ref.shift_right(a, s, bits, True)),
        (">>", False, ref.shift_right(a, s, bits, False)),
    ):
        out = evm_ops.binary(op, ta, ts, signed=signed, checked=True)
        assert ev(out.value) == want and out.reverts == ()


@SETTINGS
@given(pair())
def test_bitwise_and_comparisons(p: tuple[int, int, int]) -> None:
    bits, a, b = p
    ta, tb = bv(a, bits), bv(b, bits)
    assert ev(evm.and_(ta, tb)) == a & b
    assert ev(evm.or_(ta, tb)) == a | b
    assert ev(evm.xor(ta, tb)) == a ^ b
    x, y = ref.to_signed(a, bits), ref.to_signed(b, bits)
    for op, u, s in (
        ("<", a < b, x < y),
        ("<=", a <= b, x <= y),
        (">", a > b, x > y),
        (">=", a >= b, x >= y),
        ("==", a == b, a == b),
        ("!=", a != b, a != b),
    ):
        assert ev(evm_ops.compare(op, ta, tb, signed=False)) == u, op
        assert ev(evm_ops.compare(op, ta, tb, signed=True)) == s, op


@SETTINGS
@given(pair(), st.integers(0, 2**256 - 1))
def test_addmod_mulmod_do_not_wrap(p: tuple[int, int, int], k: int) -> None:
    bits, a, b = p
    k %= 1 << bits
    ta, tb, tk = bv(a, bits), bv(b, bits), bv(k, bits)
    assert ev(evm.addmod(ta, tb, tk)) == ((a + b) % k if k else 0)
    assert ev(evm.mulmod(ta, tb, tk)) == ((a * b) % k if k else 0)


@SETTINGS
@given(pair(), st.sampled_from(["+", "-", "*", "/", "%", "**"]), st.booleans(), st.booleans())
def test_binary_reverts_exactly_when_solidity_does(
    p: tuple[int, int, int], op: str, signed: bool, checked: bool
) -> None:
    bits, a, b = p
    if op == "**":
        b %= 2 * bits + 2
    x, y = ref.num(a, bits, signed), ref.num(b, bits, signed)
    out = evm_ops.binary(op, bv(a, bits), bv(b, bits), signed=signed, checked=checked)
    codes = [code for cond, code in out.reverts if ev(cond)]
    if op in "/%" and y == 0:
        assert codes == [evm.PANIC_DIV_ZERO]
        return
    exact = {
        "+": x + y,
        "-": x - y,
        "*": x * y,
        "/": ref.tdiv(x, y) if y else 0,
        "%": ref.trem(x, y) if y else 0,
    }.get(op)
    if op == "**":
        want, overflow = ref.power(a, b, bits, signed)
    else:
        assert exact is not None
        want, overflow = ref.wrap(exact, bits), not ref.fits(exact, bits, signed)
    assert codes == ([evm.PANIC_ARITHMETIC] if checked and overflow else [])
    assert ev(out.value) == want
    assert ev(out.any_revert()) == bool(codes)


def test_legacy_division_by_zero_hits_invalid() -> None:
    out = evm_ops.binary("/", bv(1, 256), bv(0, 256), signed=False, checked=False, legacy=True)
    assert [code for cond, code in out.reverts if ev(cond)] == [evm.INVALID_OPCODE]


def test_mismatched_widths_and_unknown_operators_are_rejected() -> None:
    with pytest.raises(ValueError, match="widths differ"):
        evm.add(bv(1, 8), bv(1, 16))
    with pytest.raises(ValueError, match="expected 16"):
        evm.add_overflows(bv(1, 8), bv(1, 8), 16, False)
    with pytest.raises(ValueError, match="operator"):
        evm_ops.binary("//", bv(1, 8), bv(1, 8), signed=False, checked=True)
