"""The untyped syntax tree: what the parser produces and the printer prints.

Every node carries a `Span`; spans are excluded from equality so that
`parse(print(ast)) == ast` states exactly "the printer loses nothing but layout".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from solvency.core.location import Location


@dataclass(frozen=True, slots=True)
class Span:
    """1-based lines and columns; `end_column` is exclusive, as Lark reports it."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def location(self, contract: str | None = None) -> Location:
        return Location(self.file, self.line, self.end_line, self.column, self.end_column, contract)


NO_SPAN = Span("<none>", 0, 0, 0, 0)


# ── types as written ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class TypeName:
    name: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class MappingTypeName:
    key: TypeExpr
    value: TypeExpr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


TypeExpr = TypeName | MappingTypeName


# ── expressions ──────────────────────────────────────────────────────────────────────────


class BinOp(Enum):
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    MOD = "%"
    POW = "**"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "=="
    NE = "!="
    AND = "&&"
    OR = "||"
    IMPLIES = "=>"
    IFF = "<=>"


class UnOp(Enum):
    NEG = "-"
    NOT = "!"


@dataclass(frozen=True, slots=True)
class Number:
    value: int
    text: str = field(default="", compare=False)
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class BoolLit:
    value: bool
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Name:
    id: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Member:
    obj: Expr
    name: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Index:
    obj: Expr
    index: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Call:
    func: Expr
    args: tuple[Expr, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Unary:
    op: UnOp
    operand: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Binary:
    op: BinOp
    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Ternary:
    cond: Expr
    then: Expr
    orelse: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Quantifier:
    universal: bool
    var_type: TypeExpr
    var: str
    body: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Sum:
    """`sum(m)` (var is None) or `sum(T k: body)` (var_type optional)."""

    var_type: TypeExpr | None
    var: str | None
    body: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Let:
    name: str
    value: Expr
    body: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


Expr = (
    Number
    | BoolLit
    | Name
    | Member
    | Index
    | Call
    | Unary
    | Binary
    | Ternary
    | Quantifier
    | Sum
    | Let
)


# ── statements ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Param:
    type: TypeExpr
    name: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class FnRef:
    """`f` or `f(uint256,address)`; `types` is None when no parentheses were written."""

    name: str
    types: tuple[TypeExpr, ...] | None
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class InvRef:
    name: str
    args: tuple[Expr, ...] | None
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Requires:
    cond: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class RequiresInvariant:
    ref: InvRef
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Ensures:
    cond: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class RevertsIf:
    cond: Expr
    unless: bool  # True for `reverts_unless`
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class SucceedsIf:
    """`succeeds_if c`: c, read before the last call, ⇒ that call did not revert."""

    cond: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class LetStmt:
    name: str
    value: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class EnvItem:
    key: str
    value: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class CallStmt:
    """`call [lhs =] f(args) [with (…)]`, or `call any [except […]]` when `function` is None."""

    function: str | None
    args: tuple[Expr, ...]
    results: tuple[str, ...]
    excluded: tuple[FnRef, ...]
    env: tuple[EnvItem, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)
    name_span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


Stmt = Requires | RequiresInvariant | Ensures | RevertsIf | SucceedsIf | LetStmt | CallStmt


@dataclass(frozen=True, slots=True)
class Assign:
    target: str
    keys: tuple[Expr, ...]
    value: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


# ── declarations ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Import:
    path: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Def:
    name: str
    params: tuple[Param, ...] | None  # None: a constant, `def WAD = 1e18;`
    returns: TypeExpr | None
    body: Expr | None  # None: abstract, to be given by the spec that uses a group
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Preserved:
    function: str | None  # None: for every function
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Invariant:
    name: str
    params: tuple[Param, ...]
    expr: Expr
    only: tuple[FnRef, ...] | None
    excluded: tuple[FnRef, ...]
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
    type: TypeExpr
    name: str
    init: Expr | None
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Hook:
    function: str | None  # None: after every function
    params: tuple[Param, ...]
    body: tuple[Assign, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Input:
    """`input T name[(params)] = receiver.method(args) [in [low, high]] [summarized S];` —
    `type` is a tuple of named results for a function returning several values."""

    type: TypeExpr | tuple[Param, ...]
    name: str
    receiver: str
    method: str
    args: tuple[Expr, ...]
    low: Expr | None
    high: Expr | None
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)
    receiver_span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)
    params: tuple[Param, ...] | None = field(default=None, kw_only=True)
    # `summarized erc20`: the prover models the receivers as standard ERC20 tokens
    summary: str | None = field(default=None, kw_only=True)
    summary_span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Use:
    name: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class HarnessRef:
    path: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


Decl = Def | Invariant | Rule | Ghost | Hook | Input | Use | HarnessRef


@dataclass(frozen=True, slots=True)
class SpecBlock:
    """`spec C { … }` (group=False) or a reusable `properties G { … }` (group=True)."""

    name: str
    members: tuple[Decl, ...]
    group: bool = False
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


TopLevel = Import | Def | SpecBlock


@dataclass(frozen=True, slots=True)
class SpecFile:
    path: str
    items: tuple[TopLevel, ...]
    source: str = field(default="", compare=False, repr=False)
