"""Walks over typed spec expressions and statements: what a property reads.

The checks need to know which sums a property uses (to relate their totals across a call),
which storage it reads (for counterexamples) and whether it uses something the prover does
not model (ghosts), before anything is sent to Z3.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator

from solvency.specs import typed

_EXPR_TYPES = typing.get_args(typed.TExpr)


def nodes(root: typed.TExpr) -> Iterator[typed.TExpr]:
    """Every expression node under `root` (storage keys included), parents first."""
    todo = [root]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(children(node))


def children(node: typed.TExpr) -> list[typed.TExpr]:
    out: list[typed.TExpr] = []
    if isinstance(node, typed.StorageRead):
        return list(node.key_exprs())
    for name in node.__slots__:
        value = getattr(node, name, None)
        if isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, _EXPR_TYPES))
        elif isinstance(value, _EXPR_TYPES):
            out.append(value)
    return out


def stmt_exprs(stmts: Iterable[typed.Stmt]) -> Iterator[typed.TExpr]:
    """The expressions a statement list reads (requires, ensures, call arguments …)."""
    for s in stmts:
        match s:
            case (
                typed.Requires(cond=c)
                | typed.Ensures(cond=c)
                | typed.Reverts(cond=c)
                | typed.Succeeds(cond=c)
            ):
                yield c
            case typed.LetStmt(value=v):
                yield v
            case typed.RequiresInvariant(ref=r):
                yield from r.args
            case typed.CallStmt(args=args, env=env):
                yield from (a for a in args if a is not None)
                yield from (e for _, e in env)


def all_nodes(exprs: Iterable[typed.TExpr]) -> Iterator[typed.TExpr]:
    for e in exprs:
        yield from nodes(e)


def sums(exprs: Iterable[typed.TExpr]) -> dict[str, typed.Sum]:
    return {n.sum_id: n for n in all_nodes(exprs) if isinstance(n, typed.Sum)}


def storage_reads(exprs: Iterable[typed.TExpr]) -> list[typed.StorageRead]:
    return [n for n in all_nodes(exprs) if isinstance(n, typed.StorageRead)]


def unmodelled(exprs: Iterable[typed.TExpr]) -> list[str]:
    """What the prover cannot evaluate in these expressions, as reasons."""
    out: list[str] = []
    for n in all_nodes(exprs):
        if isinstance(n, typed.GhostRead) and f"ghost {n.name}" not in out:
            out.append(f"ghost {n.name}")
    return [f"reads {w}: ghost state and hooks are not modelled by the prover" for w in out]


def invariant_exprs(inv: typed.Invariant) -> list[typed.TExpr]:
    out = [inv.expr]
    for p in inv.preserved:
        out.extend(stmt_exprs(p.body))
    return out


def rule_exprs(rule: typed.Rule) -> list[typed.TExpr]:
    return list(stmt_exprs(rule.body))
