"""A function's control flow and operations as Solvency's own values (the "op model").

The symbolic executor works on these, never on Slither objects: `program_build` converts a
function's CFG and (non-SSA) SlithIR into `Program`s, resolving internal calls, library
calls and modifiers to the callee's program. Whatever it cannot convert becomes an
`UnsupportedOp` carrying the SlithIR text and location, so nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from solvency.core.location import Location
from solvency.ir.types import Type


class VarKind(Enum):
    STATE = "state"
    LOCAL = "local"  # parameters, return variables and declared locals
    TEMP = "temp"
    REF = "ref"  # a reference produced by Index/Member/Length; assignments write through
    TUPLE = "tuple"
    CONST = "const"
    SOLIDITY = "solidity"  # msg.sender, msg.value, block.timestamp, block.number, this …
    CONTRACT = "contract"  # a contract or library name used as a call destination
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Operand:
    """A SlithIR variable: its kind, name and Solvency type (None when it has none)."""

    kind: VarKind
    name: str
    type: Type | None = None
    value: int | bool | str | None = None  # constants (and state constants we could fold)
    storage_pointer: bool = False  # a local declared `storage`: assignments alias
    immutable: bool = False
    constant: bool = False  # a state/file-level constant (value in `value` when folded)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Op:
    text: str
    location: Location | None


@dataclass(frozen=True, slots=True)
class Assign(Op):
    lvalue: Operand
    rvalue: Operand


@dataclass(frozen=True, slots=True)
class BinaryOp(Op):
    lvalue: Operand
    op: str  # the Solidity operator: + - * / % ** << >> & | ^ < > <= >= == != && ||
    left: Operand
    right: Operand
    checked: bool  # inside checked arithmetic (scope is_checked); version applied later


@dataclass(frozen=True, slots=True)
class UnaryOp(Op):
    lvalue: Operand
    op: str  # "!" or "~"
    operand: Operand


@dataclass(frozen=True, slots=True)
class IndexOp(Op):
    lvalue: Operand
    base: Operand
    index: Operand


@dataclass(frozen=True, slots=True)
class MemberOp(Op):
    lvalue: Operand
    base: Operand
    member: str


@dataclass(frozen=True, slots=True)
class LengthOp(Op):
    lvalue: Operand
    base: Operand


@dataclass(frozen=True, slots=True)
class ConvertOp(Op):
    lvalue: Operand
    value: Operand
    to: Type


@dataclass(frozen=True, slots=True)
class ConditionOp(Op):
    value: Operand


@dataclass(frozen=True, slots=True)
class ReturnOp(Op):
    values: tuple[Operand, ...]


class CallKind(Enum):
    INTERNAL = "internal"
    LIBRARY = "library"
    MODIFIER = "modifier"
    BASE_CONSTRUCTOR = "base-constructor"


@dataclass(frozen=True, slots=True)
class CallOp(Op):
    """An inlined call: internal, library (internal code), or a modifier invocation."""

    kind: CallKind
    lvalue: Operand | None
    callee: str  # key into Programs.functions
    args: tuple[Operand, ...]


class ExternalKind(Enum):
    HIGH_LEVEL = "high-level"
    LOW_LEVEL = "low-level"
    TRANSFER = "transfer"
    SEND = "send"


@dataclass(frozen=True, slots=True)
class ExternalCallOp(Op):
    kind: ExternalKind
    lvalue: Operand | None
    destination: Operand
    function_name: str
    args: tuple[Operand, ...]
    value: Operand | None  # ETH sent with the call
    return_types: tuple[Type, ...]
    view: bool  # the callee is declared view/pure (cannot change state)


@dataclass(frozen=True, slots=True)
class SolidityCallOp(Op):
    """require/assert/revert/keccak256/abi.encode/… by their Solidity name."""

    lvalue: Operand | None
    name: str  # e.g. "require(bool,string)", "revert Bad(uint256)", "keccak256(bytes)"
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class NewStructOp(Op):
    lvalue: Operand
    type: Type
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class NewArrayOp(Op):
    lvalue: Operand
    type: Type
    args: tuple[Operand, ...]  # the length


@dataclass(frozen=True, slots=True)
class InitArrayOp(Op):
    lvalue: Operand
    values: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class DeleteOp(Op):
    target: Operand


@dataclass(frozen=True, slots=True)
class UnpackOp(Op):
    lvalue: Operand
    tuple: Operand
    index: int


@dataclass(frozen=True, slots=True)
class EventOp(Op):
    """An emitted event: no effect on state, kept so nothing is dropped silently."""


@dataclass(frozen=True, slots=True)
class UnsupportedOp(Op):
    what: str


class NodeKind(Enum):
    ENTRYPOINT = "ENTRYPOINT"
    EXPRESSION = "EXPRESSION"
    RETURN = "RETURN"
    IF = "IF"
    VARIABLE = "VARIABLE"
    ASSEMBLY = "ASSEMBLY"
    ENDASSEMBLY = "ENDASSEMBLY"
    IFLOOP = "IFLOOP"
    STARTLOOP = "STARTLOOP"
    ENDLOOP = "ENDLOOP"
    ENDIF = "ENDIF"
    CONTINUE = "CONTINUE"
    BREAK = "BREAK"
    THROW = "THROW"
    PLACEHOLDER = "PLACEHOLDER"
    TRY = "TRY"
    CATCH = "CATCH"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class PNode:
    node_id: int
    kind: NodeKind
    ops: tuple[Op, ...]
    sons: tuple[int, ...]
    son_true: int | None
    son_false: int | None
    location: Location | None
    checked: bool  # the node's scope is checked arithmetic (no `unchecked` block)
    # `T x;` without initialiser declares x afresh (zero) each time it runs, e.g. per iteration
    declares: Param | None = None
    # `(a, b) = (b, a)`: SlithIR assigns one by one, Solidity reads every right-hand value
    # first; the executor evaluates the node's trailing assignments in parallel.
    parallel: bool = False


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: Type
    storage_pointer: bool = False  # declared `storage`: the argument is aliased, not copied


@dataclass(frozen=True, slots=True)
class Program:
    """One function or modifier: its CFG with converted operations."""

    key: str  # unique: `Contract.name(types)` of the declaring contract
    name: str
    contract: str
    params: tuple[Param, ...]
    returns: tuple[Param, ...]
    nodes: Mapping[int, PNode]
    entry: int | None  # None for a function without a body
    payable: bool
    is_modifier: bool
    location: Location | None
    unsupported: tuple[UnsupportedOp, ...] = ()  # function-level problems (no body …)


@dataclass(frozen=True, slots=True)
class Programs:
    """The entry function's program and every program it can reach by inlining."""

    entry: str
    functions: Mapping[str, Program]
    solc_version: tuple[int, int, int]
    state_variables: Mapping[str, Operand] = field(default_factory=dict)

    @property
    def checked_by_default(self) -> bool:
        """Solidity ≥ 0.8 reverts on arithmetic overflow outside `unchecked` blocks."""
        return self.solc_version >= (0, 8, 0)

    def program(self, key: str) -> Program:
        return self.functions[key]
