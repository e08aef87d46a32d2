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
    """An N-bit pattern: small numbers, amounts, times near the block's, edges, anything."""
    options = [st.integers(0, 3), st.integers(0, 20), st.integers(0, 10**21)]
    options.append(st.sampled_from(_edges(bits)))
    options.append(st.integers(0, (1 << bits) - 1))
    if bits >= 32:
        options.append(st.integers(START - 10**6, START + 3 * 10**6))
    return st.one_of(*options).map(lambda v: v % (1 << bits))


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


def _zero_beyond_length(target: Target, entries: dict[str, dict[tuple[int, ...], int]]) -> None:
    """Reachable states hold zeros past a dynamic array's length (pop and delete clear
    what they drop), so the drawn pre-state does too."""
    for path in target.paths:
        if not path.id.endswith(".length"):
            continue
        base = path.id[: -len(".length")] + "[]"
        depth = len(path.key_sorts)  # the array's own index follows the length's keys
        for other in target.paths:
            if not other.id.startswith(base) or len(other.key_sorts) <= depth:
                continue
            for keys in entries.get(other.id, {}):
                length = entries[path.id].get(keys[:depth], 0)
                if keys[depth] >= length:
                    entries[other.id][keys] = 0


def _is_address(t: irt.Type) -> bool:
    if isinstance(t, irt.ContractType):
        return True
    return isinstance(t, irt.ElementaryType) and t.name.startswith("address")


@st.composite
def cases(draw: st.DrawFn, target: Target, fn: Function) -> Case:
    args = {p.name: draw(abi_arg(p.type, target)) for p in fn.parameters}
    extra = [_abi_int(v) for v in args.values() if not isinstance(v, list)]
    entries: dict[str, dict[tuple[int, ...], int]] = {}
    roles: set[int] = set()  # actors stored in address-valued variables (owner, arbiter …)
    actors = {int(a, 16) for a in ACTORS}
    for path in target.paths:
        got: dict[tuple[int, ...], int] = {}
        strat = stored(path.leaf, target)
        if path.id.endswith(".length"):
            strat = st.integers(0, 3)
        for keys in combos(path, target, extra):
            initial = target.initial.get((path.id, keys), 0)
            keep = initial != 0 and draw(st.integers(0, 2)) != 2
            # zeros too: they overwrite what the constructor set
            got[keys] = initial if keep else draw(strat)
            if _is_address(path.leaf) and got[keys] in actors:
                roles.add(got[keys])
        entries[path.id] = got
    _zero_beyond_length(target, entries)
    # The sender is often one of the stored roles, so guarded paths run too.
    if roles and draw(st.integers(0, 1)):
        sender = f"0x{draw(st.sampled_from(sorted(roles))):040x}"
    else:
        sender = draw(st.sampled_from(ACTORS))
    payable = fn.mutability == "payable"
    value = draw(st.integers(1, 10**18)) if payable and draw(st.integers(0, 4)) != 4 else 0
    if not payable and draw(st.integers(0, 9)) == 0:
        value = 1  # a non-payable function must revert when sent ETH
    timestamp = START + draw(st.integers(0, 10**6))
    balances = {a: draw(st.sampled_from([0, 10**18, 5 * 10**18])) for a in target.addresses()}
    sender_int = int(sender, 16)
    balances[sender_int] = balances[sender_int] + value + 10**18
    return Case(args, sender, value, timestamp, balances, entries)
