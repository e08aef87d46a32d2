"""Python reference semantics of Solidity integer operations, written from the language
documentation independently of solvency.smt.evm, to test it against."""

from __future__ import annotations


def to_signed(x: int, bits: int) -> int:
    x %= 1 << bits
    return x - (1 << bits) if x >> (bits - 1) else x


def wrap(x: int, bits: int) -> int:
    return x % (1 << bits)


def fits(x: int, bits: int, signed: bool) -> bool:
    if signed:
        return -(1 << (bits - 1)) <= x < (1 << (bits - 1))
    return 0 <= x < (1 << bits)


def num(x: int, bits: int, signed: bool) -> int:
    """The number an N-bit pattern denotes."""
    return to_signed(x, bits) if signed else x


def tdiv(a: int, b: int) -> int:
    """Division truncating toward zero (b != 0)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def trem(a: int, b: int) -> int:
    """Remainder with the dividend's sign (b != 0)."""
    return a - b * tdiv(a, b)


def power(a: int, e: int, bits: int, signed: bool) -> tuple[int, bool]:
    """(a ** e mod 2^bits, overflows) without computing astronomically large powers."""
    x = num(a, bits, signed)
    if x in (0, 1) or e == 0:
        return wrap(x**e, bits), False
    if x == -1:
        return wrap((-1) ** e, bits), False
    overflow = e >= bits or not fits(x**e, bits, signed)  # |x| >= 2: |x|^bits >= 2^bits
    return pow(a, e, 1 << bits), overflow


def shift_left(a: int, s: int, bits: int) -> int:
    return 0 if s >= bits else wrap(a << s, bits)


def shift_right(a: int, s: int, bits: int, signed: bool) -> int:
    x = num(a, bits, signed)
    if s >= bits:
        return wrap(-1 if x < 0 else 0, bits)
    return wrap(x >> s, bits)  # Python's >> on negatives rounds toward -infinity, like SAR
