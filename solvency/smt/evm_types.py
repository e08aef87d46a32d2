"""Solidity's elementary value types on Z3 bit-vectors: parsing type names, explicit
conversions, the 256-bit word a value occupies, and keccak of mapping keys as an injective
uninterpreted function. Split from `evm` (the arithmetic); `evm` re-exports every name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import z3

from solvency.smt.terms import Term, resize


def _bits(t: Term) -> int:
    return int(t.size())


def _check_bits(a: Term, bits: int) -> None:
    if _bits(a) != bits:
        raise ValueError(f"operand has {_bits(a)} bits, expected {bits}")


def _zero(bits: int) -> Term:
    return z3.BitVecVal(0, bits)


# ── types and casts ──────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class EvmType:
    """An elementary value type: kind is uint, int, bytes (fixed bytesN), address or bool;
    `bits` is its width (bytes4 → 32, address → 160, bool → 1)."""

    kind: str
    bits: int

    @property
    def signed(self) -> bool:
        return self.kind == "int"


def evm_type(name: str) -> EvmType:
    """Parse `uint8`, `int`, `bytes32`, `address`, `address payable`, `bool`, `byte`."""
    s = name.strip()
    if s in ("address", "address payable"):
        return EvmType("address", 160)
    if s == "bool":
        return EvmType("bool", 1)
    if s == "byte":
        return EvmType("bytes", 8)
    for kind, unit, top in (("uint", 1, 256), ("int", 1, 256), ("bytes", 8, 32)):
        if s.startswith(kind):
            rest = s[len(kind) :]
            if kind == "bytes" and not rest:
                break  # dynamic `bytes` is not a value type
            size = int(rest) if rest.isdigit() else (top if not rest else -1)
            ok = 1 <= size <= top and (kind == "bytes" or size % 8 == 0)
            if ok:
                return EvmType(kind, size * unit)
            break
    raise ValueError(f"not an elementary value type: {name!r}")


def cast(x: Term, src: EvmType, dst: EvmType) -> Term:
    """An explicit Solidity conversion `dst(x)` of a value of type `src`.

    Integers (and address) change width first, by truncation or by extension with the
    source's signedness, then are reinterpreted: `uint256(int8(-1))` is 2^256-1 as in
    solc < 0.8 (>= 0.8 only allows one step at a time, where the order does not matter).
    bytesN keeps its leftmost bytes and pads on the right. bytesN <-> uintM/address only
    for equal widths, as Solidity requires."""
    if src.kind == "bool" or dst.kind == "bool":
        if src == dst:
            return x
        raise ValueError(f"no conversion between {src.kind} and {dst.kind}")
    _check_bits(x, src.bits)
    if src.kind == "bytes" and dst.kind == "bytes":
        if dst.bits <= src.bits:
            return z3.Extract(src.bits - 1, src.bits - dst.bits, x)
        return z3.Concat(x, _zero(dst.bits - src.bits))
    if "bytes" in (src.kind, dst.kind) and src.bits != dst.bits:
        raise ValueError(f"bytesN converts only to a type of its width ({src} -> {dst})")
    return resize(x, dst.bits, src.signed)


def to_word(x: Term, t: EvmType) -> Term:
    """The 256-bit word the EVM holds for a value of type `t` (ABI encoding, hashing):
    integers/address extended by their signedness, bytesN left-aligned, bool 0/1."""
    if t.kind == "bool":
        return z3.If(x, z3.BitVecVal(1, 256), _zero(256))
    if t.kind == "bytes":
        return cast(x, t, EvmType("bytes", 256))
    return resize(x, 256, t.signed)


def from_word(w: Term, t: EvmType) -> Term:
    """A value of type `t` from a clean 256-bit word (inverse of `to_word`)."""
    _check_bits(w, 256)
    if t.kind == "bool":
        return w != 0
    if t.kind == "bytes":
        return z3.Extract(255, 256 - t.bits, w)
    return z3.Extract(t.bits - 1, 0, w)


# ── keccak of mapping keys ───────────────────────────────────────────────────────────────

_W = z3.BitVecSort(256)
_KECCAK2 = z3.Function("evm.keccak_key", _W, _W, _W)
_INV_KEY = z3.Function("evm.keccak_key.inv_key", _W, _W)
_INV_SLOT = z3.Function("evm.keccak_key.inv_slot", _W, _W)
_KECCAK1 = z3.Function("evm.keccak_slot", _W, _W)
_INV_1 = z3.Function("evm.keccak_slot.inv", _W, _W)


def keccak_key(key_word: Term, slot: Term) -> Term:
    """keccak256(key_word ++ slot), a mapping entry's slot, as an uninterpreted function.

    Only its injectivity is modelled (assert `keccak_axioms` for the applications you
    use, or the quantified `keccak_injective`): distinct (key, slot) pairs give distinct
    slots, which real keccak satisfies barring a collision nobody can find."""
    _check_bits(key_word, 256)
    _check_bits(slot, 256)
    return _KECCAK2(key_word, slot)


def keccak_slot(slot: Term) -> Term:
    """keccak256(slot), where a dynamic array's elements start, uninterpreted, injective."""
    _check_bits(slot, 256)
    return _KECCAK1(slot)


def keccak_axioms(hashes: Sequence[Term]) -> list[Term]:
    """Ground injectivity facts for terms built by `keccak_key`/`keccak_slot`: an inverse
    function recovers the arguments, so equal hashes force equal arguments."""
    facts: list[Term] = []
    for h in hashes:
        if z3.is_app_of(h, _KECCAK2.kind()) and h.decl() == _KECCAK2:
            facts += [_INV_KEY(h) == h.arg(0), _INV_SLOT(h) == h.arg(1)]
        elif h.decl() == _KECCAK1:
            facts.append(_INV_1(h) == h.arg(0))
        else:
            raise ValueError(f"not a keccak_key/keccak_slot term: {h}")
    return facts


def keccak_injective() -> list[Term]:
    """The same injectivity as quantified axioms, triggered on each application."""
    k, s = z3.BitVecs("evm.k evm.s", 256)
    h2, h1 = _KECCAK2(k, s), _KECCAK1(s)
    return [
        z3.ForAll([k, s], z3.And(_INV_KEY(h2) == k, _INV_SLOT(h2) == s), patterns=[h2]),
        z3.ForAll([s], _INV_1(h1) == s, patterns=[h1]),
    ]
