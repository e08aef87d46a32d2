"""What the prover will check: one Plan per property, each a list of (function, query
builder) obligations, or a reason it is skipped (unmodelled spec constructs, rules that
make several calls)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from solvency.analyzers.symbolic import obligations as ob
from solvency.analyzers.symbolic import tokens, walk
from solvency.analyzers.symbolic.forced import reads_balance
from solvency.core.properties import PropertyKind
from solvency.ir.model import Function
from solvency.specs import typed
from solvency.specs.ast import Span

Builder = Callable[[ob.Context], ob.Query]


@dataclass
class Plan:
    name: str
    kind: PropertyKind
    location: Span | None
    satisfy: bool = False
    skip: str | None = None
    targets: list[tuple[Function | None, Builder]] = field(default_factory=list)
    forced: Builder | None = None  # the forced-ETH step, for invariants reading balances
    # other accounts' token moves between calls, for invariants over summarized balances
    between: Builder | None = None


def plan(spec: typed.CheckedSpec) -> list[Plan]:
    out: list[Plan] = []
    for inv in spec.invariants:
        p = Plan(inv.name, PropertyKind.INVARIANT, inv.span)
        problems = walk.unmodelled(walk.invariant_exprs(inv))
        if problems:
            p.skip = "; ".join(problems)
        else:
            p.targets.append((None, _init_builder(inv)))
            p.targets.extend((f, _step_builder(inv)) for f in inv.functions if f.changes_state)
            if reads_balance(inv):
                p.forced = _forced_builder(inv)
            if tokens.reads_summary(inv):
                p.between = _forced_builder(inv)
        out.append(p)
    for rule in spec.rules:
        kind = PropertyKind.SATISFY if rule.satisfy else PropertyKind.RULE
        p = Plan(rule.name, kind, rule.span, satisfy=rule.satisfy)
        calls = [i for i, s in enumerate(rule.body) if isinstance(s, typed.CallStmt)]
        problems = walk.unmodelled(walk.rule_exprs(rule))
        if len(calls) != 1:
            p.skip = f"the rule makes {len(calls)} calls; the prover checks one-call rules"
        elif problems:
            p.skip = "; ".join(problems)
        else:
            call = rule.body[calls[0]]
            assert isinstance(call, typed.CallStmt)
            excluded = {f.signature for f in call.excluded}
            functions = (
                [call.function]
                if call.function is not None
                else [f for f in spec.contract.entry_points() if f.signature not in excluded]
            )
            p.targets.extend((f, _rule_builder(rule, calls[0])) for f in functions)
        out.append(p)
    return out


def _init_builder(inv: typed.Invariant) -> Builder:
    return lambda ctx: ob.invariant_init(ctx.spec, ctx.t, inv)


def _step_builder(inv: typed.Invariant) -> Builder:
    return lambda ctx: ob.invariant_step(ctx, inv)


def _forced_builder(inv: typed.Invariant) -> Builder:
    return lambda ctx: ob.invariant_step(ctx, inv, forced=True)


def _rule_builder(rule: typed.Rule, index: int) -> Builder:
    return lambda ctx: ob.rule_step(ctx, rule, index)
