"""Mapping keys for `sum`/`forall`/`exists`: the addresses and integers the target has seen.

Nothing ever wrote a mapping entry under a key the target never saw, so ranging over
these keys is exact as long as every key reached the target through a call argument, a
caller, a result, a known contract address or a counter in storage (a `nextId`).

Addresses are few (actors, contracts, the odd drawn one) and all kept. Integers are many
(every amount is one), and a sum costs storage reads per key, so an integer becomes a key
only once some integer-keyed mapping of the target holds something under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from solvency.ir import storage
from solvency.ir import types as irt
from solvency.ir.model import StateVariable
from solvency.specs.types import Kind, SType, fits

MAX_INTEGER_KEYS = 64
MAX_SAMPLES = 16
PROBE_WORDS = 4  # words of an entry to look at (a struct's first fields)
MAX_COUNTER = 1 << 64  # storage values below this may be ids (`nextDealId`)
SMALL_KEY = 1 << 32  # unprobed integer keys: ids and indices are small, amounts are not


@dataclass(frozen=True, slots=True)
class Probe:
    """An integer-keyed mapping: where to look for entries. `paired` is None for a
    top-level `mapping(int => V)`; for `mapping(address => mapping(int => V))` it is
    "inner" and for `mapping(int => mapping(address => V))` "outer": the address key
    ranges over the tracked addresses."""

    slot: int
    key_type: irt.Type
    words: int
    paired: str | None = None


@dataclass(frozen=True, slots=True)
class KeyLayout:
    """What the target's storage says about its keys, computed once per contract."""

    probes: tuple[Probe, ...] = ()
    accept_all: bool = True  # an integer key we cannot probe for (nested): keep every integer
    counters: tuple[StateVariable, ...] = ()  # integer scalars that may hold the next id
    arrays: tuple[StateVariable, ...] = ()  # dynamic arrays: their indices are keys too


def key_layout(variables: Iterable[StateVariable]) -> KeyLayout:
    probes: list[Probe] = []
    counters: list[StateVariable] = []
    arrays: list[StateVariable] = []
    accept_all = False
    for v in variables:
        if v.slot is None:
            continue
        t = v.type
        if isinstance(t, irt.ElementaryType) and t.is_integer:
            counters.append(v)
        if isinstance(t, irt.ArrayType) and t.length is None:
            arrays.append(v)
        if not isinstance(t, irt.MappingType):
            continue
        inner = t.value if isinstance(t.value, irt.MappingType) else None
        if inner is not None and _int_key(t.key) and _address_leaf(inner, inner.key):
            probes.append(Probe(v.slot, t.key, _words(inner.value), "outer"))
        elif inner is not None and _address_leaf(inner, t.key) and _int_key(inner.key):
            probes.append(Probe(v.slot, inner.key, _words(inner.value), "inner"))
        elif _int_key(t.key) and inner is None:
            probes.append(Probe(v.slot, t.key, _words(t.value)))
        elif _int_key(t.key) or _nested_int_key(t.value):
            accept_all = True  # deeper nesting: no cheap probe, keep plausible integers
    return KeyLayout(tuple(probes), accept_all, tuple(counters), tuple(arrays))


def _words(t: irt.Type) -> int:
    return min(max(storage.slots_of(t), 1), PROBE_WORDS)


def _address_leaf(m: irt.MappingType, other_key: irt.Type) -> bool:
    """`m` maps to a value (not another mapping) and `other_key` is an address."""
    is_address = isinstance(other_key, irt.ContractType) or (
        isinstance(other_key, irt.ElementaryType) and other_key.name == "address"
    )
    return is_address and not isinstance(m.value, irt.MappingType)


def _int_key(t: irt.Type) -> bool:
    return isinstance(t, irt.ElementaryType | irt.EnumType) and (
        not isinstance(t, irt.ElementaryType) or t.name not in ("address", "bool", "string")
    )


def _nested_int_key(t: irt.Type) -> bool:
    if isinstance(t, irt.MappingType):
        return _int_key(t.key) or _nested_int_key(t.value)
    if isinstance(t, irt.StructType):
        return any(_nested_int_key(f.type) for f in t.fields)
    if isinstance(t, irt.ArrayType):
        return _nested_int_key(t.element)
    return False


@dataclass
class KeyTracker:
    layout: KeyLayout = field(default_factory=KeyLayout)
    addresses: dict[int, None] = field(default_factory=dict)
    integers: dict[int, None] = field(default_factory=dict)
    pending: set[int] = field(default_factory=set)
    hashed: set[int] = field(default_factory=set)
    # Integers the calls passed or got back, most recent last: values for an integer
    # parameter of a property that no storage key gives (`invariant p(uint256 x)` on a
    # contract without integer-keyed mappings). `seen` counts them, so a check knows.
    recent: list[int] = field(default_factory=lambda: [1, 10**18])
    seen: int = 0

    def add_address(self, value: int) -> None:
        self.addresses.setdefault(value % (1 << 160))

    def add_integer(self, value: int, hashed: bool = False) -> None:
        """`hashed`: a bytesN value (an id like keccak(params)); large, and still a key."""
        if value not in self.integers:
            self.pending.add(value)
            if hashed:
                self.hashed.add(value)
        if value not in self.recent:
            self.recent.append(value)
            del self.recent[2 : -MAX_SAMPLES or None]  # keep 1 and 1e18
            self.seen += 1

    def add_abi_value(self, abi_type: str, value: Any) -> None:
        """Track an ABI value of `abi_type` (arrays and tuples included)."""
        if abi_type.endswith("]"):
            inner = abi_type[: abi_type.rindex("[")]
            for item in value:
                self.add_abi_value(inner, item)
        elif abi_type.startswith("("):
            for t, v in zip(split_tuple(abi_type), value, strict=False):
                self.add_abi_value(t, v)
        elif abi_type == "address":
            self.add_address(int(value, 16) if isinstance(value, str) else int(value))
        elif abi_type.startswith(("uint", "int")):
            self.add_integer(int(value))
        elif abi_type.startswith("bytes") and abi_type != "bytes" and isinstance(value, bytes):
            self.add_integer(int.from_bytes(value, "big"), hashed=True)

    def settle(self, word: Callable[[int], int]) -> None:
        """After a call: keep the pending integers some mapping now holds an entry under."""
        layout = self.layout
        if not (layout.probes or layout.arrays or layout.accept_all):
            self.pending.clear()  # nothing could take an integer key: skip the counters' reads
            return
        for v in self.layout.counters:
            if v.slot is None:
                continue
            value = storage.decode(word(v.slot), v.offset, v.type)
            if 0 < value < MAX_COUNTER:
                self.pending.update((value, value - 1))
        for a in self.layout.arrays:
            if a.slot is not None:
                length = word(a.slot)
                self.integers.update(dict.fromkeys(range(min(length, MAX_INTEGER_KEYS // 2))))
        for value in self.pending:
            if len(self.integers) >= MAX_INTEGER_KEYS:
                break
            if value not in self.integers and (
                self._used(value, word) if not self.layout.accept_all else self._plausible(value)
            ):
                self.integers[value] = None
        self.pending.clear()

    def _plausible(self, value: int) -> bool:
        """Without a probe (nested mappings), take ids and indices, not every amount."""
        return 0 <= value < SMALL_KEY or value in self.hashed

    def _used(self, value: int, word: Callable[[int], int]) -> bool:
        address_type = irt.ElementaryType("address")
        for p in self.layout.probes:
            try:
                if p.paired is None:
                    bases = [storage.mapping_slot(p.slot, value, p.key_type)]
                elif p.paired == "outer":
                    outer = storage.mapping_slot(p.slot, value, p.key_type)
                    bases = [storage.mapping_slot(outer, a, address_type) for a in self.addresses]
                else:
                    bases = [
                        storage.mapping_slot(
                            storage.mapping_slot(p.slot, a, address_type), value, p.key_type
                        )
                        for a in self.addresses
                    ]
            except storage.LayoutError:
                continue
            if any(word(b + i) for b in bases for i in range(p.words)):
                return True
        return False

    def keys(self, t: SType) -> list[int]:
        if t.kind is Kind.ADDRESS:
            return list(self.addresses)
        if t.kind is Kind.BOOL:
            return [0, 1]
        if t.kind in (Kind.UINT, Kind.INT, Kind.BYTES):
            return [k for k in self.integers if fits(k, t)]
        return []

    def samples(self, t: SType) -> list[int]:
        """Values for an integer parameter of type t that no key gives."""
        if t.kind in (Kind.UINT, Kind.INT):
            return [k for k in self.recent if fits(k, t)]
        return []

    def sizes(self) -> tuple[int, int, int]:
        """Changes whenever a key or sample is added (keys are never removed in a sequence)."""
        return len(self.addresses), len(self.integers), self.seen

    def copy(self) -> KeyTracker:
        return KeyTracker(
            self.layout,
            dict(self.addresses),
            dict(self.integers),
            set(),
            set(self.hashed),
            list(self.recent),
            self.seen,
        )


def split_tuple(abi_type: str) -> list[str]:
    """`(uint256,(address,bool)[])` → [`uint256`, `(address,bool)[]`]."""
    inner, parts, depth, start = abi_type[1:-1], [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    if inner:
        parts.append(inner[start:])
    return parts
