"""Typed spec expressions evaluated on a concrete state (Python ints), for the fuzzer.

Values: bool for bool, int for everything else (intN negative, addresses and bytesN as
unsigned numbers), exactly the meaning `lower_smt` gives the same nodes. `sum` and the
quantifiers range over the keys the state tracks (the fuzzer records every address and
id it used); entries outside them are zero because nothing ever wrote them.
`evaluate` runs each node's compiled closure (concrete_compile.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from solvency.core.errors import InternalError
from solvency.specs import typed
from solvency.specs.concrete_compile import evaluate
from solvency.specs.types import Kind, SType, wrap

__all__ = [
    "ConcreteEnv",
    "ConcreteFrame",
    "ConcreteState",
    "GhostStore",
    "Value",
    "apply_hook",
    "evaluate",
    "normalize",
]

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


# Not frozen: evaluation makes a frame per `let` and per call checked, and a frozen
# dataclass's __init__ (object.__setattr__ per field) was a twentieth of the fuzzer's time.
# Nothing mutates a frame; `bind` makes a new one.
@dataclass(slots=True, eq=False)
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

    def earlier(self) -> ConcreteFrame:
        """The frame `old(…)` evaluates in: the earlier state and its ghosts."""
        if self.old is None:
            raise InternalError("old() evaluated without an earlier state")
        return ConcreteFrame(
            self.old, self.env, self.old_ghosts, None, self.old_ghosts, self.bindings, self.memo
        )

    def rebound(self, bindings: Mapping[str, Value]) -> ConcreteFrame:
        """This frame with other bindings (a sum's frame, its variable moved in place)."""
        return ConcreteFrame(
            self.state, self.env, self.ghosts, self.old, self.old_ghosts, bindings, self.memo
        )

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


def apply_hook(hook: typed.Hook, f: ConcreteFrame) -> None:
    """Run a hook's assignments in order on `f.ghosts` (the post-call ghost values)."""
    if f.ghosts is None:
        raise InternalError("hook applied without ghost values")
    for a in hook.body:
        keys = tuple(evaluate(k, f) for k in a.keys)
        f.ghosts.set(a.ghost, keys, evaluate(a.value, f))
