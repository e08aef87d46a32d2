"""Checker state: the spec-wide namespace and the per-expression context."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from solvency.ir.model import Contract, Function, StateVariable
from solvency.specs import ast, typed
from solvency.specs.diagnostics import Diagnostics, did_you_mean
from solvency.specs.types import Kind, SType

# The type of an expression that already produced an error: every check accepts it
# silently, so one mistake yields one message rather than a cascade.
POISON_T = SType(Kind.MATHINT, -1)


def poison(span: ast.Span) -> typed.Const:
    return typed.Const(0, POISON_T, span=span)


def is_poison(t: SType) -> bool:
    return t.bits == -1


@dataclass(frozen=True, slots=True)
class Ctx:
    """What an expression may refer to at its position."""

    scope: dict[str, typed.Var] = field(default_factory=dict)
    allow_old: bool = False  # after a call (rules) and in hooks
    allow_msg: bool = False  # msg.sender/msg.value: rules, preserved blocks, hooks
    in_old: bool = False
    where: str = "here"  # for messages: "in an invariant", "in a def"

    def bind(self, name: str, var: typed.Var) -> Ctx:
        return replace(self, scope={**self.scope, name: var})


@dataclass
class SpecEnv:
    """The names a spec can use besides its local bindings (filled before checking bodies)."""

    contract: Contract
    diags: Diagnostics
    ghosts: dict[str, typed.Ghost] = field(default_factory=dict)
    inputs: dict[str, typed.Input] = field(default_factory=dict)
    externals: dict[str, typed.External] = field(default_factory=dict)
    defs: dict[str, ast.Def] = field(default_factory=dict)
    typed_defs: dict[str, typed.Def | None] = field(default_factory=dict)
    in_progress: list[str] = field(default_factory=list)

    def state_var(self, name: str) -> StateVariable | None:
        return self.contract.state_variable(name)

    def entry_points(self, name: str) -> tuple[Function, ...]:
        return tuple(f for f in self.contract.function(name) if f.is_entry_point)

    def value_names(self, ctx: Ctx) -> list[str]:
        """Every name an expression could mean, for did-you-mean hints."""
        return [
            *ctx.scope,
            *self.ghosts,
            *self.inputs,
            *self.externals,
            *self.defs,
            *(v.name for v in self.contract.state_variables),
            *(f.name for f in self.contract.functions if f.is_entry_point),
            "msg",
            "block",
            "this",
            "balance",
            "old",
            "min",
            "max",
        ]

    def unknown(self, name: str, span: ast.Span, ctx: Ctx, what: str = "name") -> None:
        hint = did_you_mean(name, self.value_names(ctx))
        self.diags.error(f"unknown {what} `{name}` in contract {self.contract.name}", span, hint)

    def function_names(self) -> list[str]:
        return [f.name for f in self.contract.functions if f.is_entry_point]
