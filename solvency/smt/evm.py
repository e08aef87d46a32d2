"""Solidity/EVM integer semantics on Z3 bit-vectors: a uintN/intN value is a BitVec(N).

Every operation names its signedness (`div` vs `sdiv`, `lt` vs `slt`) because z3py's
`/`, `%`, `<`, `>>` on bit-vectors are signed and its `%` is SMT-LIB's `bvsmod` (sign of
the divisor), not Solidity's remainder. Results wrap modulo 2^N, as in `unchecked` blocks
and in code compiled by solc < 0.8; checked arithmetic (solc >= 0.8) is the wrapped result
plus an `*_overflows` predicate under which the call reverts with Panic(0x11).

Division and modulo by zero follow the EVM opcodes (x/0 = x%0 = 0) in the value; Solidity
never lets that value escape: it reverts first (Panic(0x12) in >= 0.8, also inside
`unchecked`; the INVALID opcode in < 0.8). `div_by_zero` is that condition.

Exponentiation with a symbolic exponent is exact except for an odd base other than ±1
raised to a power of at least 2^bit_length(N) (e.g. >= 512 for 256 bits). That case is an
uninterpreted function of (base, exponent): a sound over-approximation (every real result
is one of its interpretations), so proofs stay valid but a counterexample through it may
not replay; `exp_exact` says when the value is exact. Such a power always overflows, so
under checked arithmetic the call reverts and the value is never used.
"""

from __future__ import annotations

import z3

from solvency.smt import evm_types, terms
from solvency.smt.terms import Term

# Width changes are the same in every layer; the executor reaches them through this module.
resize = terms.resize
# Types, casts and keccak live in evm_types; reached through this module as well.
EvmType = evm_types.EvmType
evm_type = evm_types.evm_type
cast = evm_types.cast
to_word = evm_types.to_word
from_word = evm_types.from_word
keccak_key = evm_types.keccak_key
keccak_slot = evm_types.keccak_slot
keccak_axioms = evm_types.keccak_axioms
keccak_injective = evm_types.keccak_injective

# Solidity's Panic(uint256) codes.
PANIC_GENERIC = 0x00
PANIC_ASSERT = 0x01
PANIC_ARITHMETIC = 0x11
PANIC_DIV_ZERO = 0x12
PANIC_ENUM_CONVERSION = 0x21
PANIC_STORAGE_ENCODING = 0x22
PANIC_POP_EMPTY = 0x31
PANIC_INDEX_OUT_OF_BOUNDS = 0x32
PANIC_OUT_OF_MEMORY = 0x41
PANIC_ZERO_FUNCTION = 0x51
# Not a Panic: solc < 0.8 reverts on x/0, x%0 and failed asserts with the INVALID opcode.
INVALID_OPCODE = -1


def _bits(t: Term) -> int:
    return int(t.size())


def _same(a: Term, b: Term) -> int:
    n, m = _bits(a), _bits(b)
    if n != m:
        raise ValueError(f"operand widths differ: {n} and {m} bits")
    return n


def _check_bits(a: Term, bits: int) -> None:
    if _bits(a) != bits:
        raise ValueError(f"operand has {_bits(a)} bits, expected {bits}")


def val(v: int, bits: int) -> Term:
    """A BitVec(bits) literal of `v` modulo 2^bits (negative numbers in two's complement)."""
    return z3.BitVecVal(v % (1 << bits), bits)


def min_signed(bits: int) -> Term:
    return val(-(1 << (bits - 1)), bits)


def max_signed(bits: int) -> Term:
    return val((1 << (bits - 1)) - 1, bits)


def max_unsigned(bits: int) -> Term:
    return val(-1, bits)


def _zero(bits: int) -> Term:
    return z3.BitVecVal(0, bits)


# ── wrapping arithmetic ──────────────────────────────────────────────────────────────────


def add(a: Term, b: Term) -> Term:
    """a + b mod 2^N (the same bits for uintN and intN)."""
    _same(a, b)
    return a + b


def sub(a: Term, b: Term) -> Term:
    """a - b mod 2^N."""
    _same(a, b)
    return a - b


def mul(a: Term, b: Term) -> Term:
    """a * b mod 2^N."""
    _same(a, b)
    return a * b


def neg(a: Term) -> Term:
    """-a mod 2^N (the signed minimum maps to itself)."""
    return -a


def div(a: Term, b: Term) -> Term:
    """Unsigned a / b, rounding down; 0 when b == 0 (EVM DIV; Solidity reverts first)."""
    n = _same(a, b)
    return z3.If(b == 0, _zero(n), z3.UDiv(a, b))


def mod(a: Term, b: Term) -> Term:
    """Unsigned a % b; 0 when b == 0 (EVM MOD)."""
    n = _same(a, b)
    return z3.If(b == 0, _zero(n), z3.URem(a, b))


def sdiv(a: Term, b: Term) -> Term:
    """Signed a / b truncated toward zero; min / -1 wraps to min; 0 when b == 0 (EVM SDIV)."""
    n = _same(a, b)
    return z3.If(b == 0, _zero(n), a / b)  # bvsdiv truncates toward zero


def smod(a: Term, b: Term) -> Term:
    """Signed remainder with the dividend's sign (bvsrem, not z3py's `%`); 0 when b == 0."""
    n = _same(a, b)
    return z3.If(b == 0, _zero(n), z3.SRem(a, b))


def addmod(a: Term, b: Term, k: Term) -> Term:
    """(a + b) % k without wrapping the sum (Solidity's addmod); 0 when k == 0."""
    n = _same(a, b)
    _same(a, k)
    wide = z3.URem(z3.ZeroExt(1, a) + z3.ZeroExt(1, b), z3.ZeroExt(1, k))
    return z3.If(k == 0, _zero(n), z3.Extract(n - 1, 0, wide))


def mulmod(a: Term, b: Term, k: Term) -> Term:
    """(a * b) % k without wrapping the product (Solidity's mulmod); 0 when k == 0."""
    n = _same(a, b)
    _same(a, k)
    wide = z3.URem(z3.ZeroExt(n, a) * z3.ZeroExt(n, b), z3.ZeroExt(n, k))
    return z3.If(k == 0, _zero(n), z3.Extract(n - 1, 0, wide))


# ── checked-arithmetic predicates (Panic 0x11 in >= 0.8 outside `unchecked`) ─────────────


def add_overflows(a: Term, b: Term, bits: int, signed: bool) -> Term:
    """The mathematical a + b lies outside uintN/intN."""
    _check_bits(a, bits)
    _same(a, b)
    return z3.Not(z3.BVAddNoOverflow(a, b, signed)) if not signed else _sadd_ovf(a, b)


def _sadd_ovf(a: Term, b: Term) -> Term:
    r = a + b
    return z3.Or(
        z3.And(a >= 0, b >= 0, r < 0),  # z3py's comparisons on bit-vectors are signed
        z3.And(a < 0, b < 0, r >= 0),
    )


def sub_overflows(a: Term, b: Term, bits: int, signed: bool) -> Term:
    """The mathematical a - b lies outside uintN/intN."""
    _check_bits(a, bits)
    _same(a, b)
    if not signed:
        return z3.ULT(a, b)
    r = a - b
    return z3.Or(z3.And(a >= 0, b < 0, r < 0), z3.And(a < 0, b >= 0, r >= 0))


def mul_overflows(a: Term, b: Term, bits: int, signed: bool) -> Term:
    """The mathematical a * b lies outside uintN/intN."""
    _check_bits(a, bits)
    _same(a, b)
    if not signed:
        return z3.Not(z3.BVMulNoOverflow(a, b, False))
    return z3.Or(z3.Not(z3.BVMulNoOverflow(a, b, True)), z3.Not(z3.BVMulNoUnderflow(a, b)))


def neg_overflows(a: Term, bits: int) -> Term:
    """-a overflows intN: a is the signed minimum (unary minus on uintN does not compile)."""
    _check_bits(a, bits)
    return a == min_signed(bits)


def sdiv_overflows(a: Term, b: Term, bits: int) -> Term:
    """Signed min / -1, the one signed division whose quotient does not fit."""
    _check_bits(a, bits)
    _same(a, b)
    return z3.And(a == min_signed(bits), b == val(-1, bits))


def div_overflows(a: Term, b: Term, bits: int, signed: bool) -> Term:
    """Checked division overflow: only signed min / -1."""
    return sdiv_overflows(a, b, bits) if signed else z3.BoolVal(False)


def div_by_zero(b: Term) -> Term:
    """x / b and x % b revert (Panic 0x12 in >= 0.8, even unchecked; INVALID in < 0.8)."""
    return b == 0


# ── exponentiation ───────────────────────────────────────────────────────────────────────


def _literal(t: Term) -> int | None:
    s = z3.simplify(t)
    return int(s.as_long()) if z3.is_bv_value(s) else None


def _steps(base: Term, e: Term) -> int:
    """Exponent bits worth unrolling: from 2^bit_length(N) > N on, an even base gives 0
    and any base >= 2 overflows."""
    return min(_bits(e), _bits(base).bit_length())


def _uexp_chain(base: Term, e: Term, steps: int) -> tuple[Term, Term]:
    """base^(e mod 2^steps) wrapped, and whether the exact power >= 2^N, for base >= 2.

    Square-and-multiply; an operation's overflow counts only when the exponent needs it,
    so every counted product divides the true power (hence the predicate is exact)."""
    n = _bits(base)
    one = val(1, n)
    acc, power, ovf = one, base, z3.BoolVal(False)
    for i in range(steps):
        bit = z3.Extract(i, i, e) == 1
        ovf = z3.Or(ovf, z3.And(bit, z3.Not(z3.BVMulNoOverflow(acc, power, False))))
        acc = z3.If(bit, acc * power, acc)
        if i + 1 < steps:
            needed = z3.UGE(e, z3.BitVecVal(1 << (i + 1), _bits(e)))
            ovf = z3.Or(ovf, z3.And(needed, z3.Not(z3.BVMulNoOverflow(power, power, False))))
            power = power * power
    return acc, ovf


def _high_zero(e: Term, steps: int) -> Term:
    m = _bits(e)
    return z3.BoolVal(True) if steps >= m else z3.Extract(m - 1, steps, e) == 0


def _exp_uf(n: int, m: int) -> z3.FuncDeclRef:
    return z3.Function(f"evm.exp{n}_{m}", z3.BitVecSort(n), z3.BitVecSort(m), z3.BitVecSort(n))


def exp(base: Term, e: Term) -> Term:
    """base ** e mod 2^N (N = base's width; e is unsigned, of any width). Exact when the
    exponent is a literal; otherwise see the module docstring (`exp_exact`)."""
    n, m = _bits(base), _bits(e)
    lit = _literal(e)
    if lit is not None:
        acc, power, k = val(1, n), base, lit
        while k:
            if k & 1:
                acc = acc * power
            k >>= 1
            if k:
                power = power * power
        return acc
    steps = _steps(base, e)
    small, _ = _uexp_chain(base, e, steps)
    odd = z3.Extract(0, 0, base) == 1
    minus_one = z3.If(z3.Extract(0, 0, e) == 1, max_unsigned(n), val(1, n))
    big = z3.If(
        z3.Not(odd),
        _zero(n),
        z3.If(
            base == 1,
            val(1, n),
            z3.If(base == max_unsigned(n), minus_one, _exp_uf(n, m)(base, e)),
        ),
    )
    return z3.If(_high_zero(e, steps), small, big)


def exp_exact(base: Term, e: Term) -> Term:
    """When `exp(base, e)` is the exact wrapped power (True unless the uninterpreted case)."""
    if _literal(e) is not None:
        return z3.BoolVal(True)
    odd = z3.Extract(0, 0, base) == 1
    unit = z3.Or(base == 1, base == max_unsigned(_bits(base)))
    return z3.Or(_high_zero(e, _steps(base, e)), z3.Not(odd), unit)


def exp_overflows(base: Term, e: Term, bits: int, signed: bool) -> Term:
    """The mathematical base ** e lies outside uintN/intN (exact, literal or symbolic e)."""
    _check_bits(base, bits)
    mag = z3.If(base < 0, -base, base) if signed else base  # |min| = 2^(N-1) fits unsigned
    lit = _literal(e)
    steps = max(1, lit.bit_length()) if lit is not None else _steps(base, e)
    ee = val(lit, steps) if lit is not None else e
    r, ovf = _uexp_chain(mag, ee, steps)
    small = z3.ULE(mag, 1)
    if lit is None:
        # mag >= 2 and e >= 2^steps >= N: the power is at least 2^N.
        ovf = z3.Or(ovf, z3.Not(_high_zero(e, steps)))
    if signed:
        negative = z3.And(base < 0, z3.Extract(0, 0, ee) == 1)
        limit = z3.If(negative, val(1 << (bits - 1), bits), max_signed(bits))
        ovf = z3.Or(ovf, z3.UGT(r, limit))
    return z3.And(z3.Not(small), ovf)


# ── shifts and bitwise operations ────────────────────────────────────────────────────────


def _shift(x: Term, amount: Term, op: str) -> Term:
    n, m = _bits(x), _bits(amount)
    if m == n:
        amt, big = amount, None
    elif m < n:
        amt, big = z3.ZeroExt(n - m, amount), None
    else:
        amt = z3.Extract(n - 1, 0, amount)
        big = z3.UGE(amount, z3.BitVecVal(n, m))
    if op == "shl":
        r, over = x << amt, _zero(n)
    elif op == "shr":
        r, over = z3.LShR(x, amt), _zero(n)
    else:
        r, over = x >> amt, z3.If(x < 0, max_unsigned(n), _zero(n))  # `>>` is bvashr
    return r if big is None else z3.If(big, over, r)


def shl(x: Term, amount: Term) -> Term:
    """x << amount in x's width; 0 once amount >= N (amount unsigned, any width)."""
    return _shift(x, amount, "shl")


def shr(x: Term, amount: Term) -> Term:
    """Logical x >> amount (uintN `>>`, EVM SHR); 0 once amount >= N."""
    return _shift(x, amount, "shr")


def sar(x: Term, amount: Term) -> Term:
    """Arithmetic x >> amount (intN `>>`, rounding toward -infinity, EVM SAR)."""
    return _shift(x, amount, "sar")


def and_(a: Term, b: Term) -> Term:
    _same(a, b)
    return a & b


def or_(a: Term, b: Term) -> Term:
    _same(a, b)
    return a | b


def xor(a: Term, b: Term) -> Term:
    _same(a, b)
    return a ^ b


def not_(a: Term) -> Term:
    """Bitwise complement (~a), for uintN and intN alike."""
    return ~a


# ── comparisons ──────────────────────────────────────────────────────────────────────────


def lt(a: Term, b: Term) -> Term:
    _same(a, b)
    return z3.ULT(a, b)


def gt(a: Term, b: Term) -> Term:
    _same(a, b)
    return z3.UGT(a, b)


def le(a: Term, b: Term) -> Term:
    _same(a, b)
    return z3.ULE(a, b)


def ge(a: Term, b: Term) -> Term:
    _same(a, b)
    return z3.UGE(a, b)


def slt(a: Term, b: Term) -> Term:
    _same(a, b)
    return a < b


def sgt(a: Term, b: Term) -> Term:
    _same(a, b)
    return a > b


def sle(a: Term, b: Term) -> Term:
    _same(a, b)
    return a <= b


def sge(a: Term, b: Term) -> Term:
    _same(a, b)
    return a >= b


def eq(a: Term, b: Term) -> Term:
    _same(a, b)
    return a == b


def is_zero(a: Term) -> Term:
    return a == 0
