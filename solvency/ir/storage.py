"""Solidity storage layout as pure functions: where a value lives and how it is packed.

Follows the Solidity documentation ("Layout of State Variables in Storage"): value types
pack into 32-byte slots in declaration order; structs and arrays start a fresh slot and
so does whatever follows them; a mapping's value for key k lives at
keccak256(h(k) . p); a dynamic array's data starts at keccak256(p).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from Crypto.Hash import keccak as _keccak

from solvency.ir.types import (
    ArrayType,
    ContractType,
    ElementaryType,
    EnumType,
    MappingType,
    StructType,
    Type,
)

WORD = 1 << 256


@dataclass(frozen=True, slots=True)
class Key:
    """`[value]` into a mapping; `value` is the key as an integer (addresses, bytesN too)."""

    value: int


@dataclass(frozen=True, slots=True)
class Field:
    name: str


@dataclass(frozen=True, slots=True)
class Index:
    index: int


@dataclass(frozen=True, slots=True)
class Length:
    """The length word of a dynamic array."""


Access = Key | Field | Index | Length


@dataclass(frozen=True, slots=True)
class StorageLocation:
    slot: int
    offset: int  # bytes from the low-order end of the word
    type: Type


class LayoutError(ValueError):
    """An access that does not fit the type (a bug in the caller, or an index out of range)."""


def keccak(data: bytes) -> int:
    return int.from_bytes(_keccak.new(digest_bits=256, data=data).digest(), "big")


def value_size(t: Type) -> int | None:
    """Bytes a value type takes in storage; None for mappings, arrays, structs, strings."""
    if isinstance(t, ElementaryType):
        if t.name in ("string", "bytes"):
            return None
        return t.bits // 8
    if isinstance(t, ContractType):
        return 20
    if isinstance(t, EnumType):
        return 1 if len(t.values) <= 256 else 2
    return None


def slots_of(t: Type) -> int:
    """Slots a type occupies where it is declared (a mapping or dynamic array: one)."""
    if value_size(t) is not None or isinstance(t, MappingType | ElementaryType):
        return 1
    if isinstance(t, StructType):
        return _struct_layout(t)[1]
    if isinstance(t, ArrayType):
        if t.length is None:
            return 1
        size = value_size(t.element)
        if size is not None and size <= 16:
            per = 32 // size
            return -(-t.length // per)
        return t.length * slots_of(t.element)
    raise LayoutError(f"no storage size for {t}")


def struct_offsets(s: StructType) -> dict[str, tuple[int, int]]:
    """Field name → (slot from the struct's first slot, byte offset)."""
    return _struct_layout(s)[0]


@cache
def _struct_layout(s: StructType) -> tuple[dict[str, tuple[int, int]], int]:
    out: dict[str, tuple[int, int]] = {}
    slot, offset = 0, 0
    for f in s.fields:
        size = value_size(f.type)
        if size is None:  # structs, arrays, mappings, strings: own slots, fresh start
            if offset:
                slot, offset = slot + 1, 0
            out[f.name] = (slot, 0)
            slot += slots_of(f.type)
            continue
        if offset + size > 32:
            slot, offset = slot + 1, 0
        out[f.name] = (slot, offset)
        offset += size
    return out, slot + (1 if offset else 0)


def encode_key(value: int, t: Type) -> bytes:
    """h(k) for a value-type key: 32 bytes, ABI-style (bytesN left-aligned)."""
    if isinstance(t, ElementaryType) and t.name.startswith("bytes") and t.name != "bytes":
        n = int(t.name[5:])
        return (value % (1 << (8 * n))).to_bytes(n, "big") + b"\x00" * (32 - n)
    if isinstance(t, ElementaryType) and t.name in ("string", "bytes"):
        raise LayoutError(f"keys of type {t.name} are hashed from their bytes, not supported")
    return (value % WORD).to_bytes(32, "big")  # signed keys: two's complement, 256 bits


@lru_cache(maxsize=1 << 16)  # the fuzzer re-reads the same entries after every call
def mapping_slot(base: int, key: int, key_type: Type) -> int:
    return keccak(encode_key(key, key_type) + base.to_bytes(32, "big"))


def locate(slot: int, offset: int, t: Type, accesses: Sequence[Access]) -> StorageLocation:
    """Follow `accesses` from a variable at (slot, offset) of type t."""
    loc = StorageLocation(slot, offset, t)
    for a in accesses:
        loc = _step(loc, a)
    return loc


def _step(loc: StorageLocation, a: Access) -> StorageLocation:
    t = loc.type
    match a:
        case Key(value=k) if isinstance(t, MappingType):
            return StorageLocation(mapping_slot(loc.slot, k, t.key), 0, t.value)
        case Field(name=n) if isinstance(t, StructType):
            if n not in struct_offsets(t):
                raise LayoutError(f"struct {t.name} has no field {n}")
            ds, off = struct_offsets(t)[n]
            ft = t.field(n)
            assert ft is not None
            return StorageLocation(loc.slot + ds, off, ft.type)
        case Index(index=i) if isinstance(t, ArrayType):
            if i < 0 or (t.length is not None and i >= t.length):
                raise LayoutError(f"index {i} out of range for {t}")
            base = loc.slot if t.length is not None else keccak(loc.slot.to_bytes(32, "big"))
            return _element(base, t.element, i)
        case Length() if isinstance(t, ArrayType) and t.length is None:
            return StorageLocation(loc.slot, 0, ElementaryType("uint256"))
    raise LayoutError(f"cannot apply {a} to {t}")


def _element(base: int, element: Type, i: int) -> StorageLocation:
    size = value_size(element)
    if size is not None and size <= 16:
        per = 32 // size
        return StorageLocation(base + i // per, (i % per) * size, element)
    return StorageLocation(base + i * slots_of(element), 0, element)


def decode(word: int, offset: int, t: Type) -> int:
    """The value of type t at byte `offset` of a storage word (signed ints sign-extended)."""
    size = value_size(t)
    if size is None:
        raise LayoutError(f"{t} is not a value type")
    raw = (word >> (8 * offset)) & ((1 << (8 * size)) - 1)
    if isinstance(t, ElementaryType) and t.is_signed and raw >> (8 * size - 1):
        return raw - (1 << (8 * size))
    if isinstance(t, ElementaryType) and t.name == "bool":
        return 1 if raw else 0
    return raw


def encode(word: int, offset: int, t: Type, value: int) -> int:
    """`word` with the value of type t written at byte `offset` (the inverse of decode)."""
    size = value_size(t)
    if size is None:
        raise LayoutError(f"{t} is not a value type")
    mask = ((1 << (8 * size)) - 1) << (8 * offset)
    return (word & ~mask & (WORD - 1)) | ((value << (8 * offset)) & mask)
