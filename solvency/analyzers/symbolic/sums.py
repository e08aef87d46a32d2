"""`sum(...)` across a call: the post-state total from the pre-state total and the writes.

The spec lowering gives each state an uninterpreted total per sum. For a call, the new
total is the old one plus, for each distinct summed key the call wrote under,
body(post, k) - body(pre, k):

    sum_post = sum_pre + Σ_i [k_i new among k_1..k_i] · (body(post, k_i) - body(pre, k_i))

This is exact when the body changes only at keys the call wrote under: every storage path
the body reads and the call writes is indexed by the summed variable itself, and the body
reads nothing else that the call changes (ETH balances, views, other sums). Listing a key
that did not change adds zero, so the candidates may over-approximate. Anything else keeps
the post total unconstrained (sound, but then the property cannot be proved) and says why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from solvency.analyzers.symbolic import walk
from solvency.analyzers.symbolic.transition import Write
from solvency.smt import terms as zt
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.smt.terms import Term
from solvency.specs import typed
from solvency.specs.lower_smt import SmtFrame, as_int, lower, sort_of

MAX_CANDIDATES = 64  # distinct-key terms grow quadratically; beyond this, give up


@dataclass(frozen=True)
class _Body:
    """A sum's body as a function of (state, key, outer values)."""

    node: typed.Sum
    env: SymbolicEnv

    def __call__(self, state: SymbolicState, key: Term, outer: Sequence[Term]) -> Term:
        bindings = {v.name: t for v, t in zip(self.node.outer, outer, strict=True)}
        bindings[self.node.var] = key
        frame = SmtFrame(state=state, env=self.env, bindings=bindings)
        return as_int(lower(self.node.body, frame), self.node.body.type)


def problem(node: typed.Sum, writes: Mapping[str, Sequence[Write]]) -> str | None:
    """Why the delta formula does not apply to this sum and these writes (None: it does)."""
    for n in walk.nodes(node.body):
        match n:
            case typed.Sum() | typed.Quant():
                return "a sum or quantifier nested inside a sum"
            case typed.Balance():
                return "a sum over ETH balances"
            case typed.ViewCall() | typed.ExternalRead() | typed.GhostRead():
                return "a sum whose body reads a view, another contract or a ghost"
            case typed.Old():
                return "old() inside a sum"
            case typed.StorageRead() as r:
                reason = _read_problem(r, node.var, writes)
                if reason:
                    return reason
    return None


def _read_problem(
    r: typed.StorageRead, var: str, writes: Mapping[str, Sequence[Write]]
) -> str | None:
    keys = r.key_exprs()
    at = [i for i, k in enumerate(keys) if _is_var(k, var)]
    for i, k in enumerate(keys):
        if i not in at and any(_is_var(n, var) for n in walk.nodes(k)):
            return f"the summed key is used inside an index expression of {r.path_id}"
    if writes.get(r.path_id) and not at:
        return f"the sum reads {r.path_id}, which the call writes, not at the summed key"
    if any(len(w.keys) < len(keys) for w in writes.get(r.path_id, ())):
        return f"the call replaces {r.path_id} as a whole (delete of an array)"
    return None


def _is_var(e: typed.TExpr, var: str) -> bool:
    return isinstance(e, typed.Var) and e.name == var


def candidates(node: typed.Sum, writes: Mapping[str, Sequence[Write]]) -> list[Term]:
    """Key terms under which the call may have changed the body."""
    out: list[Term] = []
    for r in walk.storage_reads([node.body]):
        positions = [i for i, k in enumerate(r.key_exprs()) if _is_var(k, node.var)]
        for w in writes.get(r.path_id, ()):
            for i in positions:
                # one term per key: a struct written field by field repeats it
                if i < len(w.keys) and not any(w.keys[i].eq(k) for k in out):
                    out.append(w.keys[i])
    return out


def post_total(
    pre: SymbolicState,
    post: SymbolicState,
    body: _Body,
    keys: Sequence[Term],
) -> Callable[..., Term]:
    """The post-state total as a function of the sum's outer values."""
    node = body.node
    sort = sort_of(node.var_type)

    def total(*outer: Term) -> Term:
        start = pre.sum(node.sum_id, list(outer), None, lambda _k: zt.int_val(0), sort)
        result = start
        for i, k in enumerate(keys):
            fresh = zt.and_(*(zt.not_(zt.eq(k, keys[j])) for j in range(i)))
            change = zt.sub(body(post, k, outer), body(pre, k, outer))
            result = zt.add(result, zt.ite(fresh, change, zt.int_val(0)))
        return result

    return total


def relate(
    pre: SymbolicState,
    post: SymbolicState,
    env: SymbolicEnv,
    sums: Mapping[str, typed.Sum],
    writes: Mapping[str, Sequence[Write]],
) -> dict[str, str]:
    """Install post-state totals for `sums`; sum_id → reason for each left unconstrained."""
    problems: dict[str, str] = {}
    for sum_id, node in sums.items():
        reason = problem(node, writes)
        keys = candidates(node, writes) if reason is None else []
        if reason is None and len(keys) > MAX_CANDIDATES:
            reason = f"the call writes under {len(keys)} keys (more than {MAX_CANDIDATES})"
        if reason is not None:
            problems[sum_id] = reason
            continue
        if any(k.sort() != sort_of(node.var_type) for k in keys):
            # a key of another width cannot be skipped (its change would go uncounted)
            problems[sum_id] = "a write key's width differs from the summed key's type"
            continue
        post.sums[sum_id] = post_total(pre, post, _Body(node, env), keys)
    return problems


def zero_totals(
    state: SymbolicState, env: SymbolicEnv, sums: Mapping[str, typed.Sum]
) -> dict[str, str]:
    """In the all-zero state before the constructor, each total is 0 when its body is 0 at
    every key (checked by simplification); sum_id → reason for those left unconstrained."""
    problems: dict[str, str] = {}
    for sum_id, node in sums.items():
        key = zt.fresh(node.var, sort_of(node.var_type))
        outer = [zt.fresh(v.name, sort_of(v.type)) for v in node.outer]
        try:
            value = zt.as_python(zt.simplify(_Body(node, env)(state, key, outer)))
        except ValueError:
            value = None
        if value == 0:
            state.sums[sum_id] = _zero
        else:
            problems[sum_id] = "its body is not zero on all-zero storage"
    return problems


def _zero(*_outer: Term) -> Term:
    return zt.int_val(0)
