"""ABI values decoded from bytes Hypothesis draws, biased toward mined constants.

Each call of a sequence is one fixed-size chunk of bytes; this module turns a chunk into
argument values. Hypothesis shrinks chunks toward zero bytes, and a zero byte always means
the simplest choice (the value 0, the first actor, an empty array), so shrunk sequences
read well. Keeping generation in one bytes draw per call is what makes long sequences
cheap: Hypothesis's per-draw cost is paid once per call, not once per argument.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from solvency.analyzers.fuzz.keys import split_tuple

_NUMBER = re.compile(r"\b(0x[0-9a-fA-F]+|\d[\d_]*(?:e\d+)?)\b")
_POWER = re.compile(r"\b10\s*\*\*\s*(\d+)\b")
MAX_POOL = 256
MAX_RECENT = 32
SEED_BITS = 64
# Hypothesis (>= 6.131) answers about one integer draw in twenty with an integer literal
# from the source of the process's local modules, and which modules are loaded depends on
# what ran before (and on any edit to a literal of ours): segment seeds are drawn far above
# any literal, where that pool is empty, so a campaign is a function of (seed, budget) alone.
_SEED_FLOOR = 1 << 512


class ByteSource:
    """Reads integers from a chunk; past its end every read is 0."""

    __slots__ = ("data", "hint", "length", "pos", "recent", "repeat", "sender")

    def __init__(self, data: bytes, sender: str | None = None) -> None:
        self.data = data
        self.pos = 0
        self.length: int | None = None  # dynamic arrays of one call share a length
        self.repeat = False  # … and, when set, repeat their first element (the same lot twice)
        self.sender = sender  # the caller: `to == msg.sender` is where aliasing bugs live
        self.hint: list[str] = []  # addresses this parameter took in successful calls
        self.recent: list[str] = []  # … earlier in this sequence (the token just deposited)

    def byte(self) -> int:
        if self.pos >= len(self.data):
            return 0
        b = self.data[self.pos]
        self.pos += 1
        return b

    def uint(self, nbytes: int) -> int:
        chunk = self.data[self.pos : self.pos + nbytes]
        self.pos += nbytes
        return int.from_bytes(chunk, "big") if chunk else 0


@dataclass
class Pool:
    """Interesting values: source literals, actor and contract addresses, storage values."""

    integers: list[int] = field(default_factory=lambda: [0, 1])
    addresses: list[str] = field(default_factory=list)
    by_name: dict[str, list[str]] = field(default_factory=dict)  # parameter name → addresses
    numbers: dict[str, list[int]] = field(default_factory=dict)  # … → constructor/setup values
    # Sequence-local (cleared when the world rewinds): the integers earlier successful calls
    # of this sequence took and returned (an amount deposited is the amount to withdraw, an
    # id returned is the id to settle), and the integer keys the target now holds entries
    # under (ids, array indices). Decoding stays a function of the sequence so far.
    recent: list[int] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    named: dict[str, list[str]] = field(default_factory=dict)  # parameter name → addresses
    last_sender: str | None = None  # of the last successful call: the same user goes on
    users: list[str] = field(default_factory=list)  # senders of successful calls: positions

    def remember(self, value: int) -> None:
        if value in self.recent:
            self.recent.remove(value)
        elif len(self.recent) >= MAX_RECENT:
            del self.recent[0]
        self.recent.append(value)

    def remember_address(self, name: str, address: str) -> None:
        known = self.named.setdefault(name, [])
        if address in known:
            known.remove(address)
        known.append(address)
        del known[:-4]

    def forget(self) -> None:
        self.recent.clear()
        self.ids.clear()
        self.named.clear()
        self.last_sender = None
        self.users.clear()

    def learn(self, name: str, address: str) -> None:
        known = self.by_name.setdefault(name, [])
        if address not in known and len(known) < 8:
            known.append(address)

    def add_integers(self, values: Iterable[int]) -> None:
        seen = set(self.integers)
        for v in values:
            if v >= 0 and v not in seen and len(self.integers) < MAX_POOL:
                self.integers.append(v)
                seen.add(v)


def segment_seeds() -> st.SearchStrategy[int]:
    """Seeds of call segments, 0 … 2**64 - 1, immune to Hypothesis's local-constant pool."""
    top = _SEED_FLOOR + (1 << SEED_BITS) - 1
    return st.integers(_SEED_FLOOR, top).map(_below_floor)


def _below_floor(value: int) -> int:
    return value - _SEED_FLOOR


def mine_literals(source: str) -> list[int]:
    """Integer literals of Solidity source (`1e18`, `0x10`, `10**6`, `5_000`)."""
    out: list[int] = []
    for m in _NUMBER.finditer(source):
        text = m.group(1).replace("_", "")
        if text.startswith("0x"):
            value = int(text, 16)
        elif "e" in text:
            base, exp = text.split("e")
            value = int(base) * 10 ** int(exp)
        else:
            value = int(text)
        if value < 1 << 256:
            out.append(value)
    out.extend(10 ** int(e) for e in _POWER.findall(source) if int(e) < 78)
    return out


_WARPS = (0, 0, 0, 1, 12, 60, 3_600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400)


def draw_warp(src: ByteSource) -> int:
    """Seconds to move time forward before a call: rarely (about one call in ten), since a
    warp can make an oracle stale and every later call revert until its next update."""
    b = src.byte()
    return _WARPS[b % len(_WARPS)] if b >= 232 else 0


def draw_value(abi_type: str, src: ByteSource, pool: Pool) -> Any:
    """A value of `abi_type` in the form eth_abi encodes (tuples as tuples, arrays as lists)."""
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        size = abi_type[abi_type.rindex("[") + 1 : -1]
        n = int(size) if size else array_length(src)  # dynamic: parallel arrays share it
        return draw_list(n, src, lambda: draw_value(inner, src, pool))
    if abi_type.startswith("("):
        return tuple(draw_value(t, src, pool) for t in split_tuple(abi_type))
    if abi_type == "address":
        return draw_address(src, pool)
    if abi_type == "bool":
        return bool(src.byte() & 1)
    if abi_type.startswith("uint"):
        return draw_uint(int(abi_type[4:] or 256), src, pool)
    if abi_type.startswith("int"):
        bits = int(abi_type[3:] or 256)
        raw = draw_uint(bits, src, pool)
        return raw - (1 << bits) if raw >= 1 << (bits - 1) else raw
    if abi_type == "string":
        return bytes(src.byte() for _ in range(src.byte() % 8)).decode("latin-1")
    if abi_type == "bytes":
        return bytes(src.byte() for _ in range(src.byte() % 40))
    if abi_type.startswith("bytes"):
        n = int(abi_type[5:])
        return (draw_uint(8 * n, src, pool) % (1 << (8 * n))).to_bytes(n, "big")
    raise ValueError(f"no generator for ABI type {abi_type}")


def array_length(src: ByteSource) -> int:
    """The length every dynamic array of this call shares; drawn at the first one, which also
    decides whether each array repeats its first element: a batch of one lot several times
    is valid whenever one lot is, and it is where per-item checks of a batch total
    (msg.value in a loop, a limit checked per element) go wrong."""
    if src.length is None:
        src.length = src.byte() % 4
        src.repeat = src.byte() < 96
    return src.length


def draw_list(n: int, src: ByteSource, draw: Callable[[], Any]) -> list[Any]:
    if not n:
        return []
    first = draw()
    return [first, *(first if src.repeat else draw() for _ in range(n - 1))]


def draw_uint(bits: int, src: ByteSource, pool: Pool) -> int:
    top = (1 << bits) - 1
    mode, b = src.byte(), src.byte()
    match mode % 8:
        case 0:  # small numbers: counts, ids, indices (most arrays are short)
            value = b % 16
        case 1:
            value = b
        case 2 | 3:  # a mined constant, sometimes one off or scaled down
            value = pool.integers[b % len(pool.integers)]
            tweak = mode // 8 % 4
            value = (value, value - 1, value + 1, value // 2)[tweak]
        case 4:  # boundaries
            value = (0, 1, top, top - 1, 1 << (bits - 1), 10**18, 10**6, 10**27)[b % 8]
        case 5:  # any value of the width
            value = src.uint(min(bits // 8, 1 + b % 32))
        case 6:  # what this sequence used or got back: the amount deposited, the id returned
            known = pool.recent or pool.ids or pool.integers
            value = known[-1 - b % len(known)]  # the latest first
            tweak = mode // 8 % 4
            value = (value, value - 1, value + 1, value // 2)[tweak]
        case _:  # a share of a known amount: part of a balance, a price a few % lower
            known = pool.recent or pool.integers
            value = known[-1 - b % len(known)] * (1 + mode // 8 % 32) // 16
    return value & top


def draw_id(bits: int, src: ByteSource, pool: Pool) -> int:
    """An id or index parameter: mostly an integer key the target holds an entry under."""
    b = src.byte()
    if b < 160 and pool.ids:
        return pool.ids[-1 - b % len(pool.ids)] & ((1 << bits) - 1)
    if b < 200:
        return b % 8
    return draw_uint(bits, src, pool)


def draw_address(src: ByteSource, pool: Pool) -> str:
    b = src.byte()
    if b < 64 and src.recent:  # this parameter earlier in the sequence (the token deposited)
        return src.recent[-1 - b % len(src.recent)]
    # With hints (the allowed tokens, learnt from calls that worked) they take most draws.
    hinted = 176 if src.hint else 64
    if b < hinted and src.hint:
        return src.hint[b % len(src.hint)]
    if b < hinted + 40 and src.sender is not None:  # `to == msg.sender`: aliasing bugs
        return src.sender
    users = 80 if src.hint else 112
    if b < hinted + users and pool.users:  # someone with a position (the borrower to
        return pool.users[-1 - (b % 2) * (b % len(pool.users))]  # liquidate), often the latest
    if b < 232 and pool.addresses:
        return pool.addresses[b % len(pool.addresses)]
    if b < 248:
        return "0x" + "00" * 20
    return f"0x{src.uint(20):040x}"
