"""Hypothesis strategies for differential cases: arguments, environment and pre-state."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from solvency.ir import types as irt
from solvency.ir.model import Function
from tests.e2e.differential.harness import ACTORS, Case, Target, _abi_int, combos

START = 1_700_000_000


def _edges(bits: int) -> list[int]:
    return [0, 1, 2, (1 << (bits - 1)) - 1, 1 << (bits - 1), (1 << bits) - 1, (1 << bits) - 2]


def pattern(bits: int) -> st.SearchStrategy[int]:
    """An N-bit pattern: small numbers, edges, anything."""
    return st.one_of(
        st.integers(0, 20), st.sampled_from(_edges(bits)), st.integers(0, (1 << bits) - 1)
    )


def stored(t: irt.Type, target: Target) -> st.SearchStrategy[int]:
    """A storage value of type t as its bit pattern (zero often)."""
    if isinstance(t, irt.EnumType):
        return st.integers(0, len(t.values) - 1)
    if isinstance(t, irt.ContractType):
        return st.sampled_from(target.addresses())
    assert isinstance(t, irt.ElementaryType), t
    if t.name == "bool":
        return st.integers(0, 1)
    if t.name.startswith("address"):
        return st.sampled_from(target.addresses())
    return st.one_of(st.just(0), pattern(t.bits))


def abi_arg(t: irt.Type, target: Target) -> st.SearchStrategy[Any]:
    """An ABI argument value of type t."""
    if isinstance(t, irt.ArrayType):
        return st.lists(abi_arg(t.element, target), min_size=0, max_size=3)
    if isinstance(t, irt.EnumType):
        return st.integers(0, len(t.values) - 1)
    if isinstance(t, irt.ContractType):
        return st.sampled_from([f"0x{a:040x}" for a in target.addresses()])
    assert isinstance(t, irt.ElementaryType), t
    if t.name == "bool":
        return st.booleans()
    if t.name.startswith("address"):
        return st.sampled_from([f"0x{a:040x}" for a in target.addresses()])
    if t.name.startswith("bytes"):
        n = t.bits // 8
        return pattern(t.bits).map(lambda v: v.to_bytes(n, "big"))
    if t.is_signed:
        half = 1 << (t.bits - 1)
        return pattern(t.bits).map(lambda v: v - 2 * half if v >= half else v)
    return pattern(t.bits)


@st.composite
def cases(draw: st.DrawFn, target: Target, fn: Function) -> Case:
    args = {p.name: draw(abi_arg(p.type, target)) for p in fn.parameters}
    sender = draw(st.sampled_from(ACTORS))
    payable = fn.mutability == "payable"
    value = draw(st.one_of(st.just(0), st.integers(1, 10**18))) if payable else 0
    if not payable and draw(st.integers(0, 9)) == 0:
        value = 1  # a non-payable function must revert when sent ETH
    timestamp = START + draw(st.integers(0, 10**6))
    balances = {a: draw(st.sampled_from([0, 10**18, 5 * 10**18])) for a in target.addresses()}
    sender_int = int(sender, 16)
    balances[sender_int] = balances[sender_int] + value + 10**18
    extra = [_abi_int(v) for v in args.values() if not isinstance(v, list)]
    entries: dict[str, dict[tuple[int, ...], int]] = {}
    for path in target.paths:
        got: dict[tuple[int, ...], int] = {}
        strat = stored(path.leaf, target)
        if path.id.endswith(".length"):
            strat = st.integers(0, 3)
        for keys in combos(path, target, extra):
            got[keys] = draw(strat)  # zeros too: they overwrite what the constructor set
        entries[path.id] = got
    return Case(args, sender, value, timestamp, balances, entries)
