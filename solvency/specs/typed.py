"""The typed spec: what the checker produces and every engine consumes.

Names are resolved (state variables carry their `ir.model.StateVariable`, functions their
`ir.model.Function`), every expression has its `SType`, sugar is gone (`sum(m)` is
`sum(k: m[k])`, `min`/`max` are conditionals, def calls carry their body). Both lowerings
(`lower_smt`, `lower_concrete`) walk exactly these nodes, so they cannot disagree about
what a spec means, only about arithmetic — which the differential tests pin down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from solvency.ir import types as irt
from solvency.ir.model import Contract, Function, StateVariable
from solvency.specs import typed_ext
from solvency.specs.ast import NO_SPAN, BinOp, Span, UnOp
from solvency.specs.types import BOOL, MATHINT, UINT256, SType

# Reads of other contracts live in typed_ext (this module is long enough); re-exported here.
External = typed_ext.External
ExternalRead = typed_ext.ExternalRead


class EnvVar(Enum):
    SENDER = "msg.sender"
    VALUE = "msg.value"
    TIMESTAMP = "block.timestamp"
    NUMBER = "block.number"
    THIS = "this"


# ── expressions ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Const:
    value: int | bool
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Var:
    """A bound name: rule/invariant/def parameter, let, quantifier, sum key, call result."""

    name: str
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class KeyStep:
    """`[key]` into a mapping whose key type is `key_type` (needed for slot hashing)."""

    key: TExpr
    key_type: irt.Type


@dataclass(frozen=True, slots=True)
class IndexStep:
    """`[i]` into an array (fixed or dynamic)."""

    index: TExpr
    array: irt.ArrayType


@dataclass(frozen=True, slots=True)
class FieldStep:
    name: str
    struct: irt.StructType


@dataclass(frozen=True, slots=True)
class LengthStep:
    """`.length` of a dynamic array; always the last step."""


Step = KeyStep | IndexStep | FieldStep | LengthStep


def path_id(var: str, steps: tuple[Step, ...]) -> str:
    """The storage location up to its keys, e.g. `position[].collateral` — one SMT array each."""
    parts = [var]
    for s in steps:
        match s:
            case KeyStep() | IndexStep():
                parts.append("[]")
            case FieldStep(name=n):
                parts.append(f".{n}")
            case LengthStep():
                parts.append(".length")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class StorageRead:
    var: StateVariable
    steps: tuple[Step, ...]
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)

    @property
    def path_id(self) -> str:
        return path_id(self.var.name, self.steps)

    def key_exprs(self) -> tuple[TExpr, ...]:
        out: list[TExpr] = []
        for s in self.steps:
            if isinstance(s, KeyStep):
                out.append(s.key)
            elif isinstance(s, IndexStep):
                out.append(s.index)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Immutable:
    """An immutable, or a constant whose value the model could not compute."""

    var: StateVariable
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class GhostRead:
    name: str
    keys: tuple[TExpr, ...]
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class InputRead:
    """A declared external input; its bounds travel with it so every use is self-contained."""

    name: str
    type: SType
    low: int
    high: int
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class EnvRead:
    which: EnvVar
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Balance:
    addr: TExpr
    type: SType = UINT256
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Unary:
    op: UnOp
    operand: TExpr
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic is on mathint (exact); `/` and `%` truncate toward zero, and x/0 = x%0 = 0
    as on the EVM. `**` has a constant exponent."""

    op: BinOp
    left: TExpr
    right: TExpr
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Cond:
    cond: TExpr
    then: TExpr
    orelse: TExpr
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Cast:
    """`uint128(x)`: two's complement wrap into the target type (Solidity's explicit cast)."""

    operand: TExpr
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Old:
    """`old(e)`: e in the state before the call (rule: before its first call)."""

    operand: TExpr
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Sum:
    """Σ over every key `var` of `body`. `sum_id` names the sum (for the prover's ghost
    total), `outer` the free variables it depends on besides `var`."""

    var: str
    var_type: SType
    body: TExpr
    sum_id: str
    outer: tuple[Var, ...]
    type: SType = MATHINT
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Quant:
    universal: bool
    var: str
    var_type: SType
    body: TExpr
    type: SType = BOOL
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class ViewCall:
    function: Function
    args: tuple[TExpr, ...]
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Let:
    """`let name = value in body`; also a def call, whose `def_name` says which def."""

    name: str
    value: TExpr
    body: TExpr
    type: SType
    def_name: str | None = None
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


TExpr = (
    Const
    | Var
    | StorageRead
    | Immutable
    | GhostRead
    | InputRead
    | EnvRead
    | Balance
    | Unary
    | Binary
    | Cond
    | Cast
    | Old
    | Sum
    | Quant
    | ViewCall
    | ExternalRead
    | Let
)


# ── statements ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: SType
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class InvRef:
    name: str
    args: tuple[TExpr, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Requires:
    cond: TExpr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class RequiresInvariant:
    ref: InvRef
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Ensures:
    cond: TExpr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Reverts:
    """`reverts_if c` (unless=False): c ⇒ the last call reverted; `reverts_unless c`:
    ¬c ⇒ it reverted. `c` is read in the state before that call."""

    cond: TExpr
    unless: bool
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Succeeds:
    """`succeeds_if c`: c ⇒ the last call did not revert. `c` is read in the state before
    that call. The converse of `reverts_if`, for liveness: exits and liquidations that
    must go through."""

    cond: TExpr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class LetStmt:
    name: str
    value: TExpr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class CallStmt:
    """One call. `function` None: any entry point but `excluded`; an arg None: arbitrary."""

    function: Function | None
    args: tuple[TExpr | None, ...]
    results: tuple[Param, ...]
    excluded: tuple[Function, ...]
    env: tuple[tuple[EnvVar, TExpr], ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


Stmt = Requires | RequiresInvariant | Ensures | Reverts | Succeeds | LetStmt | CallStmt


@dataclass(frozen=True, slots=True)
class Assign:
    ghost: str
    keys: tuple[TExpr, ...]
    value: TExpr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


# ── declarations ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Preserved:
    function: Function | None
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Invariant:
    name: str
    params: tuple[Param, ...]
    expr: TExpr
    functions: tuple[Function, ...]  # the entry points it is checked across (after filters)
    assuming: tuple[InvRef, ...]
    preserved: tuple[Preserved, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    satisfy: bool = False
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Ghost:
    name: str
    key_types: tuple[SType, ...]
    type: SType
    init: int | bool
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Hook:
    function: Function | None
    params: tuple[Param, ...]
    body: tuple[Assign, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Input:
    """An external value the contract reads (`receiver.signature(args)`), kept in bounds."""

    name: str
    type: SType
    receiver: StateVariable
    signature: str
    args: tuple[TExpr, ...]
    low: int
    high: int
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Def:
    name: str
    params: tuple[Param, ...]
    body: TExpr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class CheckedSpec:
    """One `spec C { … }` bound to contract C."""

    name: str
    contract: Contract
    file: Path
    invariants: tuple[Invariant, ...]
    rules: tuple[Rule, ...]
    ghosts: tuple[Ghost, ...]
    hooks: tuple[Hook, ...]
    inputs: tuple[Input, ...]
    defs: tuple[Def, ...]
    harness: Path | None
    externals: tuple[External, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)

    def ghost(self, name: str) -> Ghost | None:
        return next((g for g in self.ghosts if g.name == name), None)

    def invariant(self, name: str) -> Invariant | None:
        return next((i for i in self.invariants if i.name == name), None)
