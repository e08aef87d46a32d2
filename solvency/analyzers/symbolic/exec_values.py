"""Values the executor handles: terms for value types, locations for references, and
memory aggregates (structs, value arrays, tuples) as plain Python values over terms.

Storage locations name the storage path exactly as the spec lowering does
(solvency.specs.typed.path_id: `position[].collateral`, `arr[]`, `arr.length`), so a
transition's post-state and a spec expression meet on the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

from solvency.ir.types import (
    ArrayType,
    ContractType,
    ElementaryType,
    EnumType,
    MappingType,
    StructType,
    Type,
)
from solvency.smt import terms as zt
from solvency.smt.evm import EvmType, evm_type
from solvency.smt.terms import Sort, Term


@dataclass(frozen=True)
class Step:
    """One step of a path: a mapping key or array index (with its term), a field, or
    the length word of an array."""

    kind: str  # "key" | "index" | "field" | "length"
    term: Term | None = None
    name: str = ""

    def same_shape(self, other: Step) -> bool:
        return self.kind == other.kind and self.name == other.name


@dataclass(frozen=True)
class StorageLoc:
    var: str
    steps: tuple[Step, ...]
    type: Type

    @property
    def path(self) -> str:
        return path_text(self.var, self.steps)

    @property
    def keys(self) -> tuple[Term, ...]:
        return tuple(s.term for s in self.steps if s.kind in ("key", "index"))

    def then(self, step: Step, t: Type) -> StorageLoc:
        return StorageLoc(self.var, (*self.steps, step), t)


@dataclass(frozen=True)
class MemLoc:
    """A place inside a local memory aggregate: the local's name and the steps into it."""

    root: str
    steps: tuple[Step, ...]
    type: Type

    def then(self, step: Step, t: Type) -> MemLoc:
        return MemLoc(self.root, (*self.steps, step), t)


@dataclass(frozen=True)
class MStruct:
    type: StructType
    fields: tuple[tuple[str, Value], ...]

    def get(self, name: str) -> Value | None:
        return next((v for n, v in self.fields if n == name), None)

    def set(self, name: str, value: Value) -> MStruct:
        return MStruct(self.type, tuple((n, value if n == name else v) for n, v in self.fields))


@dataclass(frozen=True)
class MArray:
    """A memory/calldata array of value-type elements: a length and an array term."""

    element: Type
    length: Term
    data: Term


@dataclass(frozen=True)
class TupleVal:
    items: tuple[Value, ...]


Value = Term | StorageLoc | MemLoc | MStruct | MArray | TupleVal


def path_text(var: str, steps: tuple[Step, ...]) -> str:
    parts = [var]
    for s in steps:
        if s.kind in ("key", "index"):
            parts.append("[]")
        elif s.kind == "field":
            parts.append(f".{s.name}")
        else:
            parts.append(".length")
    return "".join(parts)


OPAQUE_BITS = 256  # strings, dynamic bytes: an uninterpreted word standing for the value


def evm_of(t: Type | None) -> EvmType | None:
    """The elementary EVM type of a value type, None for reference and opaque types."""
    if isinstance(t, ContractType):
        return EvmType("address", 160)
    if isinstance(t, EnumType):
        return EvmType("uint", 8)
    if isinstance(t, ElementaryType):
        try:
            return evm_type(t.name)
        except ValueError:
            return None
    return None


def is_value_type(t: Type | None) -> bool:
    return evm_of(t) is not None


def is_opaque(t: Type | None) -> bool:
    return isinstance(t, ElementaryType) and evm_of(t) is None


def sort_of(t: Type | None) -> Sort | None:
    """Bool for bool, BitVec(width) for other value types and for opaque strings/bytes."""
    e = evm_of(t)
    if e is not None:
        return zt.bool_sort() if e.kind == "bool" else zt.bv_sort(e.bits)
    if is_opaque(t):
        return zt.bv_sort(OPAQUE_BITS)
    return None


def is_signed(t: Type | None) -> bool:
    e = evm_of(t)
    return e is not None and e.signed


def key_sort(t: Type) -> Sort:
    """The array index sort for a mapping key type (spec lowering's storage_key_sorts)."""
    s = sort_of(t)
    if s is None:
        return zt.bv_sort(256)
    return s


def zero_of(t: Type | None) -> Value:
    """The default value of a type (storage's zero, an uninitialised local)."""
    if isinstance(t, StructType):
        return MStruct(t, tuple((f.name, zero_of(f.type)) for f in t.fields))
    if isinstance(t, ArrayType):
        es = word_sort(t.element)
        length = zt.value(t.length or 0, zt.bv_sort(256))
        return MArray(t.element, length, zt.const_array([zt.bv_sort(256)], zero_term(es)))
    s = sort_of(t)
    if s is None:
        return zt.value(0, zt.bv_sort(256))
    return zero_term(s)


def zero_term(s: Sort) -> Term:
    return zt.value(False, s) if s == zt.bool_sort() else zt.value(0, s)


def storage_paths(var: str, t: Type) -> list[tuple[str, list[Sort], Sort]]:
    """Every (path, key sorts, value sort) under a state variable, for pre-populating a
    post-state so untouched storage is shared with the pre-state."""
    out: list[tuple[str, list[Sort], Sort]] = []

    def walk(path: str, keys: list[Sort], t: Type, depth: int) -> None:
        if depth > 8:
            return
        if isinstance(t, MappingType):
            walk(path + "[]", [*keys, key_sort(t.key)], t.value, depth + 1)
        elif isinstance(t, ArrayType):
            if t.length is None:
                out.append((path + ".length", keys, zt.bv_sort(256)))
            walk(path + "[]", [*keys, zt.bv_sort(256)], t.element, depth + 1)
        elif isinstance(t, StructType):
            for f in t.fields:
                walk(f"{path}.{f.name}", keys, f.type, depth + 1)
        else:
            s = sort_of(t)
            if s is not None:
                out.append((path, keys, s))

    walk(var, [], t, 0)
    return out


def word_sort(t: Type | None) -> Sort:
    """`sort_of(t)`, or a 256-bit word for types without one (z3 sorts have no truth value,
    so `sort_of(t) or …` cannot be used)."""
    s = sort_of(t)
    return s if s is not None else zt.bv_sort(256)
