"""Typed spec expressions evaluated on a concrete state (Python ints), for the fuzzer.

Values: bool for bool, int for everything else (intN negative, addresses and bytesN as
unsigned numbers), exactly the meaning `lower_smt` gives the same nodes. `sum` and the
quantifiers range over the keys the state tracks (the fuzzer records every address and
id it used); entries outside them are zero because nothing ever wrote them.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from solvency.core.errors import InternalError
from solvency.ir import storage
from solvency.specs import typed
from solvency.specs.ast import BinOp, UnOp
from solvency.specs.fold import ARITH, COMPARE, arith, compare, logic
from solvency.specs.types import Kind, SType, wrap

Value = int | bool


class ConcreteState(Protocol):
    """What the evaluator reads from one EVM state of the target."""

    @property
    def this_address(self) -> int: ...

    def storage_word(self, slot: int) -> int:
        """The 32-byte word at `slot` of the target, as an unsigned int."""
        ...

    def balance(self, address: int) -> int: ...

    def keys(self, t: SType) -> Iterable[int]:
        """Keys of type t to range `sum`/`forall`/`exists` over (tracked addresses, ids …)."""
        ...

    def call_view(self, signature: str, args: tuple[Value, ...]) -> tuple[Value, ...]:
        """Call a view function of the target in this state; ABI-decoded results."""
        ...

    def input(self, name: str) -> int:
        """The current value of a declared external input (e.g. the oracle's price)."""
        ...

    def external_call(
        self, receiver: int, signature: str, args: tuple[Value, ...], outputs: tuple[str, ...]
    ) -> tuple[Value, ...]:
        """Call `signature` on another contract in this state (an eth_call); the results
        ABI-decoded as `outputs`."""
        ...

    def immutable(self, name: str) -> int: ...


@dataclass(frozen=True, slots=True)
class ConcreteEnv:
    sender: int = 0
    value: int = 0
    timestamp: int = 0
    number: int = 0


class GhostStore:
    """Ghost values of one state: name → keys → value, defaulting to the declared start."""

    def __init__(self, ghosts: Iterable[typed.Ghost]) -> None:
        self.decls = {g.name: g for g in ghosts}
        self.values: dict[str, dict[tuple[Value, ...], Value]] = {n: {} for n in self.decls}

    def get(self, name: str, keys: tuple[Value, ...]) -> Value:
        g = self.decls[name]
        return self.values[name].get(keys, g.init)

    def set(self, name: str, keys: tuple[Value, ...], value: Value) -> None:
        self.values[name][keys] = value

    def copy(self) -> GhostStore:
        c = GhostStore(self.decls.values())
        c.values = {n: dict(v) for n, v in self.values.items()}
        return c


@dataclass(frozen=True)
class ConcreteFrame:
    state: ConcreteState
    env: ConcreteEnv = field(default_factory=ConcreteEnv)
    ghosts: GhostStore | None = None
    old: ConcreteState | None = None
    old_ghosts: GhostStore | None = None
    bindings: Mapping[str, Value] = field(default_factory=dict)
    # Values of sums, quantifiers and calls already evaluated in this frame's states, keyed by
    # node, state and the variables the node reads: one invariant checked for many parameter
    # values re-evaluates its parameter-free parts (sum(debtOf)) once. None: no caching. A
    # memo must not outlive the states it was filled from (the fuzzer makes one per check).
    memo: dict[tuple[object, ...], Value] | None = field(default=None, compare=False)

    def bind(self, name: str, value: Value) -> ConcreteFrame:
        # The constructor, not dataclasses.replace: sums bind once per key, and replace's
        # field introspection was a tenth of the fuzzer's checking time.
        return ConcreteFrame(
            self.state,
            self.env,
            self.ghosts,
            self.old,
            self.old_ghosts,
            {**self.bindings, name: value},
            self.memo,
        )


def normalize(v: Value, t: SType) -> Value:
    """A raw value (storage word part, ABI result) as a value of t."""
    if t.kind is Kind.BOOL:
        return bool(v)
    return wrap(int(v), t)


def evaluate(e: typed.TExpr, f: ConcreteFrame) -> Value:
    match e:
        case typed.Const(value=v):
            return v
        case typed.Var(name=n):
            if n not in f.bindings:
                raise InternalError(f"unbound spec variable {n}")
            return f.bindings[n]
        case typed.StorageRead():
            return _storage(e, f)
        case typed.Immutable(var=v, type=t):
            return normalize(f.state.immutable(v.name), t)
        case typed.GhostRead(name=n, keys=ks):
            if f.ghosts is None:
                raise InternalError("ghost read without ghost values")
            return f.ghosts.get(n, tuple(evaluate(k, f) for k in ks))
        case typed.InputRead(name=n, type=t):
            return normalize(f.state.input(n), t)
        case typed.EnvRead(which=w):
            return _env(w, f)
        case typed.Balance(addr=a):
            return f.state.balance(int(evaluate(a, f)))
        case typed.Unary(op=op, operand=o):
            v = evaluate(o, f)
            return (not v) if op is UnOp.NOT else -int(v)
        case typed.Binary():
            return _binary(e, f)
        case typed.Cond(cond=c, then=a, orelse=b):
            return evaluate(a, f) if evaluate(c, f) else evaluate(b, f)
        case typed.Cast(operand=o, type=t):
            return wrap(int(evaluate(o, f)), t)
        case typed.Old(operand=o):
            if f.old is None:
                raise InternalError("old() evaluated without an earlier state")
            return evaluate(o, replace(f, state=f.old, old=None, ghosts=f.old_ghosts))
        case typed.Sum() | typed.Quant() | typed.ViewCall() | typed.ExternalRead():
            return _compound(e, f) if f.memo is None else _memoized(e, f, f.memo)
        case typed.Let(name=n, value=v, body=b):
            return evaluate(b, f.bind(n, evaluate(v, f)))
    raise InternalError(f"cannot evaluate {type(e).__name__}")


def _compound(e: typed.TExpr, f: ConcreteFrame) -> Value:
    """Sums, quantifiers and calls: the nodes worth caching."""
    match e:
        case typed.Sum(var=n, var_type=t, body=b):
            return sum(int(evaluate(b, f.bind(n, k))) for k in _unique(f.state.keys(t)))
        case typed.Quant(universal=u, var=n, var_type=t, body=b):
            results = (bool(evaluate(b, f.bind(n, k))) for k in _unique(f.state.keys(t)))
            return all(results) if u else any(results)
        case typed.ViewCall(function=fn, args=args, type=t):
            out = f.state.call_view(fn.signature, tuple(evaluate(a, f) for a in args))
            if len(out) != 1:
                raise InternalError(f"{fn.signature} returned {len(out)} values")
            return normalize(out[0], t)
        case typed.ExternalRead(receiver=r, signature=sig, args=args, index=i, type=t):
            out = f.state.external_call(
                int(evaluate(r, f)), sig, tuple(evaluate(a, f) for a in args), e.output_abi()
            )
            if len(out) != len(e.outputs):
                raise InternalError(f"{sig} returned {len(out)} values, not {len(e.outputs)}")
            return normalize(out[i], t)
    raise InternalError(f"cannot evaluate {type(e).__name__}")


def _memoized(e: typed.TExpr, f: ConcreteFrame, memo: dict[tuple[object, ...], Value]) -> Value:
    names = _reads(e)
    if names is None:  # reads ghosts, which hooks change between evaluations
        return _compound(e, f)
    key = (id(e), id(f.state), id(f.old), f.env, tuple(f.bindings.get(n) for n in names))
    found = memo.get(key)
    if found is None:
        found = memo[key] = _compound(e, f)
    return found


_READS: dict[int, tuple[typed.TExpr, tuple[str, ...] | None]] = {}


def _reads(e: typed.TExpr) -> tuple[str, ...] | None:
    """The variable names a node reads (bound inside or not: a superset is a safe key), or
    None when it reads a ghost. Cached per node object (kept alive by the cache)."""
    hit = _READS.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    names: set[str] = set()
    ghost = False
    todo: list[object] = [e]
    while todo:
        node = todo.pop()
        if isinstance(node, typed.GhostRead):
            ghost = True
            break
        if isinstance(node, typed.Var):
            names.add(node.name)
        if isinstance(node, typed.StorageRead):
            todo.extend(node.key_exprs())
        for slot in getattr(node, "__slots__", ()):
            value = getattr(node, slot, None)
            if isinstance(value, tuple):
                todo.extend(v for v in value if isinstance(v, _NODE_TYPES))
            elif isinstance(value, _NODE_TYPES):
                todo.append(value)
    result = None if ghost else tuple(sorted(names))
    _READS[id(e)] = (e, result)
    return result


def _unique(keys: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(keys))


def accesses(s: typed.StorageRead, f: ConcreteFrame) -> list[storage.Access]:
    return _accesses(s, _step_values(s, f))


def _step_values(s: typed.StorageRead, f: ConcreteFrame) -> tuple[int | None, ...]:
    """The evaluated mapping keys and array indices of a read (None for fields, lengths)."""
    out: list[int | None] = []
    for step in s.steps:
        match step:
            case typed.KeyStep(key=k):
                out.append(int(evaluate(k, f)))
            case typed.IndexStep(index=i):
                out.append(int(evaluate(i, f)))
            case _:
                out.append(None)
    return tuple(out)


def _accesses(s: typed.StorageRead, values: tuple[int | None, ...]) -> list[storage.Access]:
    out: list[storage.Access] = []
    for step, v in zip(s.steps, values, strict=True):
        match step:
            case typed.KeyStep():
                assert v is not None
                out.append(storage.Key(v))
            case typed.IndexStep():
                assert v is not None
                out.append(storage.Index(v))
            case typed.FieldStep(name=n):
                out.append(storage.Field(n))
            case typed.LengthStep():
                out.append(storage.Length())
    return out


# (read node, keys) → where it is stored: sums re-read the same entries after every call and
# each location costs a keccak per mapping step. The node is kept to tell a reused id apart.
_LOCATIONS: dict[tuple[int, tuple[int | None, ...]], tuple[object, storage.StorageLocation | None]]
_LOCATIONS = {}
_MAX_LOCATIONS = 1 << 17


def _storage(s: typed.StorageRead, f: ConcreteFrame) -> Value:
    if s.var.slot is None:
        raise InternalError(f"{s.var.name} has no storage slot")
    values = _step_values(s, f)
    hit = _LOCATIONS.get((id(s), values))
    if hit is not None and hit[0] is s:
        loc = hit[1]
    else:
        try:
            loc = storage.locate(s.var.slot, s.var.offset, s.var.type, _accesses(s, values))
        except storage.LayoutError:
            loc = None  # out of a fixed array's bounds: nothing is stored there
        if len(_LOCATIONS) >= _MAX_LOCATIONS:
            _LOCATIONS.clear()
        _LOCATIONS[(id(s), values)] = (s, loc)
    if loc is None:
        return normalize(0, s.type)
    return normalize(storage.decode(f.state.storage_word(loc.slot), loc.offset, loc.type), s.type)


def _env(w: typed.EnvVar, f: ConcreteFrame) -> int:
    match w:
        case typed.EnvVar.SENDER:
            return f.env.sender
        case typed.EnvVar.VALUE:
            return f.env.value
        case typed.EnvVar.TIMESTAMP:
            return f.env.timestamp
        case typed.EnvVar.NUMBER:
            return f.env.number
        case typed.EnvVar.THIS:
            return f.state.this_address
    raise InternalError(f"unknown environment value {w}")


def _binary(e: typed.Binary, f: ConcreteFrame) -> Value:
    op = e.op
    if op in ARITH:
        return arith(op, int(evaluate(e.left, f)), int(evaluate(e.right, f)))
    if op in COMPARE:
        return compare(op, evaluate(e.left, f), evaluate(e.right, f))
    a = bool(evaluate(e.left, f))
    # Short-circuit like the SMT terms' meaning allows: skipping cannot change a value.
    if op is BinOp.AND and not a:
        return False
    if op is BinOp.OR and a:
        return True
    if op is BinOp.IMPLIES and not a:
        return True
    return logic(op, a, bool(evaluate(e.right, f)))


def apply_hook(hook: typed.Hook, f: ConcreteFrame) -> None:
    """Run a hook's assignments in order on `f.ghosts` (the post-call ghost values)."""
    if f.ghosts is None:
        raise InternalError("hook applied without ghost values")
    for a in hook.body:
        keys = tuple(evaluate(k, f) for k in a.keys)
        f.ghosts.set(a.ghost, keys, evaluate(a.value, f))


_NODE_TYPES = typing.get_args(typed.TExpr)
