"""Proof obligations as Z3 terms: one query per (property, function) over a Transition.

Each query is `hyps ∧ violation`: unsat means the property holds for that function;
`hyps ∧ vacuity` unsat means the check is vacuous (nothing gets through the assumptions).
For `satisfy`, `violation` is the witness condition instead: sat means reachable.

Soundness of the assumptions:
- An invariant is always assumed in its own pre-state (induction), and so are the other
  parameter-less invariants that are checked across every state-changing function: if each
  function preserves each invariant assuming all of them, and the constructor establishes
  each, all hold in every reachable state (simultaneous induction). The names assumed are
  returned in `deps`; the caller downgrades a proof whose dependencies are not proved.
- Invariants assumed in the pre-state are read at an earlier block (timestamp and number
  at most the call's), since they held after the previous call, not at this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from solvency.analyzers.symbolic.transition import Transition
from solvency.core.errors import InternalError
from solvency.core.properties import Assumption
from solvency.ir.model import Function
from solvency.smt import terms as zt
from solvency.smt.state import SymbolicEnv
from solvency.smt.terms import Term
from solvency.specs import typed
from solvency.specs.lower_smt import SmtFrame, convert, fresh_params, lower
from solvency.specs.types import from_ir


@dataclass
class Query:
    hyps: list[Term]
    violation: Term
    vacuity: Term
    deps: set[str] = field(default_factory=set)
    assumptions: list[Assumption] = field(default_factory=list)
    lowered: list[tuple[typed.TExpr, SmtFrame]] = field(default_factory=list)
    params: dict[str, Term] = field(default_factory=dict)


@dataclass
class Context:
    """What every query over one transition shares."""

    spec: typed.CheckedSpec
    t: Transition
    earlier: SymbolicEnv  # the block at which pre-state invariants were last checked
    assumable: tuple[typed.Invariant, ...]  # invariants every pre-state may assume

    @classmethod
    def make(cls, spec: typed.CheckedSpec, t: Transition, name: str) -> Context:
        earlier = SymbolicEnv.fresh(f"{name}.earlier")
        return cls(spec, t, earlier, assumable_invariants(spec))

    def env_facts(self) -> list[Term]:
        e, now = self.earlier, self.t.env
        return [zt.le(e.timestamp, now.timestamp, False), zt.le(e.number, now.number, False)]


CONDITIONAL = "!"  # dep prefix: an assumed invariant that is not one of the whole contract


def _whole_contract(spec: typed.CheckedSpec, inv: typed.Invariant) -> bool:
    """Checked across every state-changing function and without preserved requires: only
    then does it hold before every call (preserved blocks make its proof conditional)."""
    changing = {f.signature for f in spec.contract.entry_points() if f.changes_state}
    checked = {f.signature for f in inv.functions}
    return not inv.preserved and changing <= checked


def assumable_invariants(spec: typed.CheckedSpec) -> tuple[typed.Invariant, ...]:
    return tuple(i for i in spec.invariants if not i.params and _whole_contract(spec, i))


def _lower(q: Query, e: typed.TExpr, frame: SmtFrame) -> Term:
    q.lowered.append((e, frame))
    return lower(e, frame)


def _inv(q: Query, inv: typed.Invariant, frame: SmtFrame) -> Term:
    return _lower(q, inv.expr, frame)


def _assume_invariants(q: Query, ctx: Context, skip: str | None) -> None:
    frame = SmtFrame(ctx.t.pre, ctx.earlier)
    for inv in ctx.assumable:
        if inv.name == skip:
            continue
        q.hyps.append(_inv(q, inv, frame))
        q.deps.add(inv.name)


def _invariant_ref(q: Query, ctx: Context, ref: typed.InvRef, frame: SmtFrame) -> Term:
    inv = ctx.spec.invariant(ref.name)
    if inv is None:
        raise InternalError(f"unknown invariant {ref.name}")
    args = {p.name: lower(a, frame) for p, a in zip(inv.params, ref.args, strict=True)}
    q.deps.add(inv.name)
    if not _whole_contract(ctx.spec, inv):
        q.deps.add(CONDITIONAL + inv.name)  # settle() refuses a proof that relies on it
    return _inv(q, inv, SmtFrame(frame.state, ctx.earlier, bindings=args))


def _arg_bindings(f: Function, t: Transition, params: Iterable[typed.Param]) -> dict[str, Term]:
    out: dict[str, Term] = {}
    for p, fp in zip(params, f.parameters, strict=False):
        if fp.name in t.args:
            out[p.name] = t.args[fp.name]
    return out


def invariant_step(ctx: Context, inv: typed.Invariant, *, forced: bool = False) -> Query:
    """`inv` holds after a successful call of ctx.t's function if it held before; with
    `forced`, after ctx.t's forced-ETH step (no call: only the every-function preserved
    blocks apply)."""
    t = ctx.t
    params = fresh_params(inv.params, f"{inv.name}.{'forced' if forced else t.function.name}")
    q = Query([], zt.bool_val(False), t.success, params=params)
    q.hyps.extend(ctx.env_facts())
    q.hyps.append(_inv(q, inv, SmtFrame(t.pre, ctx.earlier, bindings=params)))
    q.deps.add(inv.name)
    if not forced:  # only balances move: the others rarely help, and their sums slow Z3
        _assume_invariants(q, ctx, inv.name)
    pre_frame = SmtFrame(t.pre, t.env, bindings=params)
    for ref in inv.assuming:
        q.hyps.append(_invariant_ref(q, ctx, ref, pre_frame))
    for block in inv.preserved:
        if block.function is not None and (
            forced or block.function.signature != t.function.signature
        ):
            continue
        bound = {**params, **_arg_bindings(t.function, t, block.params)}
        frame = SmtFrame(t.pre, t.env, bindings=bound)
        for stmt in block.body:
            match stmt:
                case typed.Requires(cond=c):
                    q.hyps.append(_lower(q, c, frame))
                case typed.RequiresInvariant(ref=ref):
                    q.hyps.append(_invariant_ref(q, ctx, ref, frame))
        where = "every function" if block.function is None else block.function.name
        q.assumptions.append(
            Assumption("preserved", f"the preserved block of {inv.name} for {where}")
        )
    post = _inv(q, inv, SmtFrame(t.post, t.env, old=t.pre, bindings=params))
    q.violation = zt.and_(t.success, zt.not_(post))
    return q


def invariant_init(spec: typed.CheckedSpec, t: Transition, inv: typed.Invariant) -> Query:
    """The constructor (from all-zero storage, any arguments) establishes `inv`."""
    params = fresh_params(inv.params, f"{inv.name}.init")
    q = Query([], zt.bool_val(False), t.success, params=params)
    post = _inv(q, inv, SmtFrame(t.post, t.env, old=t.pre, bindings=params))
    q.violation = zt.and_(t.success, zt.not_(post))
    return q


def rule_step(ctx: Context, rule: typed.Rule, call_index: int) -> Query:
    """A one-call rule (or satisfy) around ctx.t's function."""
    t = ctx.t
    params = fresh_params(rule.params, f"{rule.name}.{t.function.name}")
    q = Query([], zt.bool_val(False), zt.bool_val(True), params=params)
    if not rule.satisfy:
        _assume_invariants(q, ctx, None)
        q.hyps.extend(ctx.env_facts())
    frame = SmtFrame(t.pre, t.env, bindings=params)
    for stmt in rule.body[:call_index]:
        frame = _before(q, ctx, stmt, frame)
    call = rule.body[call_index]
    assert isinstance(call, typed.CallStmt)
    _pin_call(q, t, call, frame)
    for p, r in zip(call.results, t.returns, strict=False):
        frame = frame.bind(p.name, r)
    _after(q, t, rule, rule.body[call_index + 1 :], frame)
    return q


def _before(q: Query, ctx: Context, stmt: typed.Stmt, frame: SmtFrame) -> SmtFrame:
    match stmt:
        case typed.Requires(cond=c):
            q.hyps.append(_lower(q, c, frame))
        case typed.RequiresInvariant(ref=ref):
            q.hyps.append(_invariant_ref(q, ctx, ref, frame))
        case typed.LetStmt(name=n, value=v):
            return frame.bind(n, _lower(q, v, frame))
        case _:
            raise InternalError(f"{type(stmt).__name__} before a rule's call")
    return frame


def _pin_call(q: Query, t: Transition, call: typed.CallStmt, frame: SmtFrame) -> None:
    """The call's written arguments and environment equal the transition's."""
    for expr, fp in zip(call.args, t.function.parameters, strict=False):
        if expr is None:
            continue
        target = from_ir(fp.type)
        if target is None or fp.name not in t.args:
            raise InternalError(f"argument {fp.name} of {t.function.signature} is not a value")
        value = convert(_lower(q, expr, frame), expr.type, target)
        q.hyps.append(zt.eq(t.args[fp.name], value))
    env = t.env
    fields = {
        typed.EnvVar.SENDER: env.sender,
        typed.EnvVar.VALUE: env.value,
        typed.EnvVar.TIMESTAMP: env.timestamp,
        typed.EnvVar.NUMBER: env.number,
    }
    for which, expr in call.env:
        if which in fields:
            have = fields[which]
            value = _lower(q, expr, frame)
            if value.sort() != have.sort():
                value = zt.resize(value, zt.bits_of(have), False)
            q.hyps.append(zt.eq(have, value))


def _after(
    q: Query, t: Transition, rule: typed.Rule, stmts: tuple[typed.Stmt, ...], frame: SmtFrame
) -> None:
    """Sequential meaning, as the fuzzer checks it: revert conditions are read in the
    pre-state and checked whether or not the call reverted; a false `requires` after the
    call ends the check (nothing after it is checked); other statements only on success."""
    post = SmtFrame(t.post, t.env, old=t.pre, bindings=frame.bindings)
    gate: Term = zt.bool_val(True)  # the statements so far let the check continue
    bad: list[Term] = []
    ensures: list[Term] = []
    requires: list[Term] = []
    for stmt in stmts:
        match stmt:
            case typed.Reverts(cond=c, unless=unless):
                pre = SmtFrame(t.pre, t.env, bindings=post.bindings)
                holds = _lower(q, c, pre)
                must = zt.not_(holds) if unless else holds
                bad.append(zt.and_(gate, must, t.success))
            case typed.Succeeds(cond=c):
                pre = SmtFrame(t.pre, t.env, bindings=post.bindings)
                bad.append(zt.and_(gate, _lower(q, c, pre), t.reverts))
            case typed.Requires(cond=c):
                cond = _lower(q, c, post)
                requires.append(cond)
                gate = zt.and_(gate, zt.or_(t.reverts, cond))
            case typed.LetStmt(name=n, value=v):
                post = post.bind(n, _lower(q, v, post))
            case typed.Ensures(cond=c):
                cond = _lower(q, c, post)
                ensures.append(cond)
                bad.append(zt.and_(gate, t.success, zt.not_(cond)))
            case _:
                raise InternalError(f"{type(stmt).__name__} after a rule's call")
    if rule.satisfy:
        q.violation = zt.and_(t.success, *requires, *ensures)
        q.vacuity = zt.bool_val(True)
    else:
        q.violation = zt.or_(*bad)
        q.vacuity = zt.and_(t.success, *requires) if ensures or requires else zt.bool_val(True)


def assert_query(t: Transition) -> Query:
    """Some Solidity `assert` of the function fails (from any pre-state)."""
    return Query([], zt.or_(*(c for c, _ in t.asserts)), zt.bool_val(True))
