"""Value types of spec expressions, and how contract (ir) types map onto them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from solvency.ir import types as irt


class Kind(Enum):
    UINT = "uint"
    INT = "int"
    MATHINT = "mathint"  # unbounded: all spec arithmetic happens here unless cast
    ADDRESS = "address"
    BOOL = "bool"
    BYTES = "bytes"  # bytesN, as an N*8-bit big-endian number


@dataclass(frozen=True, slots=True)
class SType:
    kind: Kind
    bits: int = 0

    @property
    def is_integer(self) -> bool:
        return self.kind in (Kind.UINT, Kind.INT, Kind.MATHINT)

    @property
    def is_fixed_int(self) -> bool:
        return self.kind in (Kind.UINT, Kind.INT)

    def range(self) -> tuple[int, int] | None:
        """Inclusive value range, None for mathint and bool."""
        if self.kind is Kind.INT:
            return -(1 << (self.bits - 1)), (1 << (self.bits - 1)) - 1
        if self.kind in (Kind.UINT, Kind.ADDRESS, Kind.BYTES):
            return 0, (1 << self.bits) - 1
        return None

    def __str__(self) -> str:
        match self.kind:
            case Kind.UINT:
                return f"uint{self.bits}"
            case Kind.INT:
                return f"int{self.bits}"
            case Kind.BYTES:
                return f"bytes{self.bits // 8}"
            case _:
                return str(self.kind.value)


MATHINT = SType(Kind.MATHINT)
BOOL = SType(Kind.BOOL, 1)
ADDRESS = SType(Kind.ADDRESS, 160)
UINT256 = SType(Kind.UINT, 256)
INT256 = SType(Kind.INT, 256)
BYTES32 = SType(Kind.BYTES, 256)


def uint(bits: int) -> SType:
    return SType(Kind.UINT, bits)


def sint(bits: int) -> SType:
    return SType(Kind.INT, bits)


_INT_RE = re.compile(r"(u?)int(\d*)")
_BYTES_RE = re.compile(r"bytes(\d+)")


def parse_type_name(name: str) -> SType | None:
    """`uint256`, `int8`, `uint` (=256), `address`, `bool`, `bytes32`, `mathint`."""
    if name == "mathint":
        return MATHINT
    if name in ("address", "address payable"):
        return ADDRESS
    if name == "bool":
        return BOOL
    if m := _INT_RE.fullmatch(name):
        bits = int(m.group(2) or 256)
        if bits % 8 or not 8 <= bits <= 256:
            return None
        return uint(bits) if m.group(1) else sint(bits)
    if m := _BYTES_RE.fullmatch(name):
        n = int(m.group(1))
        return SType(Kind.BYTES, 8 * n) if 1 <= n <= 32 else None
    return None


def from_ir(t: irt.Type) -> SType | None:
    """The spec value type of a contract value type; None for mappings, arrays, structs, …"""
    if isinstance(t, irt.ElementaryType):
        return parse_type_name(t.name)
    if isinstance(t, irt.ContractType):
        return ADDRESS
    if isinstance(t, irt.EnumType):
        return uint(8)
    return None


def fits(value: int | bool, t: SType) -> bool:
    """Whether a constant is a value of `t` (used for literals and folded constants)."""
    if t.kind is Kind.BOOL:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    r = t.range()
    return r is None or r[0] <= value <= r[1]


def implicitly_converts(src: SType, dst: SType) -> bool:
    """Widening only: uint8 → uint256/int16/mathint, never narrowing or across kinds."""
    if src == dst or (dst.kind is Kind.MATHINT and src.is_integer):
        return True
    if src.kind is Kind.UINT and dst.kind is Kind.UINT:
        return src.bits <= dst.bits
    if src.kind is Kind.INT and dst.kind is Kind.INT:
        return src.bits <= dst.bits
    if src.kind is Kind.UINT and dst.kind is Kind.INT:
        return src.bits < dst.bits
    return False


def wrap(value: int, t: SType) -> int:
    """Two's complement wrap into `t`'s range: the meaning of an explicit cast."""
    if t.kind is Kind.MATHINT:
        return value
    if t.kind is Kind.BOOL:
        raise ValueError("bool is not an integer type")
    masked = value & ((1 << t.bits) - 1)
    if t.kind is Kind.INT and masked >= 1 << (t.bits - 1):
        return masked - (1 << t.bits)
    return masked
