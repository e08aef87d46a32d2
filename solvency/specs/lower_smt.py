"""Typed spec expressions → Z3 terms over a `SymbolicState` (through smt/, never z3).

Each expression becomes a term of its type's sort: BitVec(N) for fixed-width values, Bool,
Int for mathint. Arithmetic converts operands to Int, so it is exact; comparisons of two
values of one fixed type stay on bit-vectors (cheaper), named by signedness.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from solvency.core.errors import InternalError
from solvency.smt import terms as zt
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.smt.terms import Sort, Term
from solvency.specs import typed
from solvency.specs.ast import BinOp, UnOp
from solvency.specs.fold import ARITH, COMPARE
from solvency.specs.types import Kind, SType, from_ir


@dataclass(frozen=True)
class SmtFrame:
    """Where an expression is evaluated: the state, the earlier state for `old`, the call
    environment, and values of bound names (parameters, lets, call results)."""

    state: SymbolicState
    env: SymbolicEnv
    old: SymbolicState | None = None
    bindings: Mapping[str, Term] = field(default_factory=dict)

    def bind(self, name: str, value: Term) -> SmtFrame:
        return replace(self, bindings={**self.bindings, name: value})


def sort_of(t: SType) -> Sort:
    if t.kind is Kind.BOOL:
        return zt.bool_sort()
    if t.kind is Kind.MATHINT:
        return zt.int_sort()
    return zt.bv_sort(t.bits)


def fresh_params(params: tuple[typed.Param, ...], prefix: str) -> dict[str, Term]:
    """One free constant per parameter: rules and invariants hold for all of them."""
    return {p.name: zt.const(f"{prefix}.{p.name}", sort_of(p.type)) for p in params}


def as_int(term: Term, t: SType) -> Term:
    """The mathematical integer a value of type `t` denotes."""
    if t.kind is Kind.MATHINT:
        return term
    if t.kind is Kind.BOOL:
        raise InternalError("a bool reached integer arithmetic; the checker should forbid it")
    return zt.bv_to_int(term, t.kind is Kind.INT)


def convert(term: Term, src: SType, dst: SType) -> Term:
    """The cast `dst(term)`: exact into mathint, two's complement wrap into fixed widths."""
    if src == dst:
        return term
    if dst.kind is Kind.MATHINT:
        return as_int(term, src)
    if dst.kind is Kind.BOOL or src.kind is Kind.BOOL:
        raise InternalError(f"no conversion from {src} to {dst}")
    if src.kind is Kind.MATHINT:
        return zt.int_to_bv(term, dst.bits)
    return zt.resize(term, dst.bits, src.kind is Kind.INT)


def lower(e: typed.TExpr, f: SmtFrame) -> Term:
    match e:
        case typed.Const(value=v, type=t):
            return zt.value(v, sort_of(t))
        case typed.Var(name=n):
            if n not in f.bindings:
                raise InternalError(f"unbound spec variable {n}")
            return f.bindings[n]
        case typed.StorageRead() as s:
            keys = [_key(k, f) for k in s.key_exprs()]
            return f.state.read(s.path_id, keys, sort_of(s.type))
        case typed.Immutable(var=v, type=t):
            return f.state.immutable(v.name, sort_of(t))
        case typed.GhostRead(name=n, keys=ks, type=t):
            return f.state.ghost(n, [lower(k, f) for k in ks], sort_of(t))
        case typed.InputRead(name=n, type=t, low=lo, high=hi):
            signed = None if t.kind is Kind.MATHINT else t.kind is Kind.INT
            return f.state.input(n, sort_of(t), lo, hi, signed)
        case typed.EnvRead(which=w):
            return _env(w, f)
        case typed.Balance(addr=a):
            return f.state.balance(lower(a, f))
        case typed.Unary(op=op, operand=o):
            inner = lower(o, f)
            return zt.not_(inner) if op is UnOp.NOT else zt.neg(as_int(inner, o.type))
        case typed.Binary():
            return _binary(e, f)
        case typed.Cond(cond=c, then=a, orelse=b, type=t):
            return zt.ite(
                lower(c, f), convert(lower(a, f), a.type, t), convert(lower(b, f), b.type, t)
            )
        case typed.Cast(operand=o, type=t):
            return convert(lower(o, f), o.type, t)
        case typed.Old(operand=o):
            if f.old is None:
                raise InternalError("old() lowered without an earlier state")
            return lower(o, replace(f, state=f.old, old=None))
        case typed.Sum():
            return _sum(e, f)
        case typed.Quant():
            return _quant(e, f)
        case typed.ViewCall(function=fn, args=args, type=t):
            return f.state.view(fn.signature, [lower(a, f) for a in args], sort_of(t))
        case typed.ExternalRead():
            return _external(e, f)
        case typed.Let(name=n, value=v, body=b):
            return lower(b, f.bind(n, lower(v, f)))
    raise InternalError(f"cannot lower {type(e).__name__}")


def _external(e: typed.ExternalRead, f: SmtFrame) -> Term:
    if e.summary is not None:  # the ERC20 balances summary: checked as balanceOf(address)
        return f.state.token_balance(lower(e.receiver, f), lower(e.args[0], f))
    bounds = None
    if e.low is not None and e.high is not None:
        bounds = (e.low, e.high, e.type.kind is Kind.INT)
    key = f"{e.signature}#{e.index}"
    args = [lower(a, f) for a in e.args]
    return f.state.external(key, lower(e.receiver, f), args, sort_of(e.type), bounds)


def _key(k: typed.TExpr, f: SmtFrame) -> Term:
    return lower(k, f)


def _env(w: typed.EnvVar, f: SmtFrame) -> Term:
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
            return f.state.this
    raise InternalError(f"unknown environment value {w}")


def _binary(e: typed.Binary, f: SmtFrame) -> Term:
    op, lt, rt = e.op, e.left.type, e.right.type
    a, b = lower(e.left, f), lower(e.right, f)
    if op in ARITH:
        x, y = as_int(a, lt), as_int(b, rt)
        match op:
            case BinOp.ADD:
                return zt.add(x, y)
            case BinOp.SUB:
                return zt.sub(x, y)
            case BinOp.MUL:
                return zt.mul(x, y)
            case BinOp.DIV:
                return zt.tdiv(x, y)
            case BinOp.MOD:
                return zt.tmod(x, y)
            case BinOp.POW:
                assert isinstance(e.right, typed.Const)
                return zt.power(x, int(e.right.value))
    if op in COMPARE:
        signed: bool | None
        if lt == rt and lt.kind not in (Kind.MATHINT,):
            signed = lt.kind is Kind.INT  # same fixed type: compare bit-vectors directly
        else:
            a, b, signed = as_int(a, lt), as_int(b, rt), None
        match op:
            case BinOp.EQ:
                return zt.eq(a, b)
            case BinOp.NE:
                return zt.not_(zt.eq(a, b))
            case BinOp.LT:
                return zt.lt(a, b, signed)
            case BinOp.LE:
                return zt.le(a, b, signed)
            case BinOp.GT:
                return zt.lt(b, a, signed)
            case BinOp.GE:
                return zt.le(b, a, signed)
    match op:
        case BinOp.AND:
            return zt.and_(a, b)
        case BinOp.OR:
            return zt.or_(a, b)
        case BinOp.IMPLIES:
            return zt.implies(a, b)
        case BinOp.IFF:
            return zt.eq(a, b)
    raise InternalError(f"unknown operator {op}")


def _key_bits(t: SType) -> int | None:
    return None if t.kind is Kind.MATHINT else t.bits


def _sum(e: typed.Sum, f: SmtFrame) -> Term:
    sort = sort_of(e.var_type)

    def body(k: Term) -> Term:
        return as_int(lower(e.body, f.bind(e.var, k)), e.body.type)

    outer = [lower(v, f) for v in e.outer]
    return f.state.sum(e.sum_id, outer, _key_bits(e.var_type), body, sort)


def _quant(e: typed.Quant, f: SmtFrame) -> Term:
    sort = sort_of(e.var_type)
    domain = f.state.domain(_key_bits(e.var_type))
    if domain is not None:
        parts = [lower(e.body, f.bind(e.var, zt.value(k, sort))) for k in domain]
        return zt.and_(*parts) if e.universal else zt.or_(*parts)
    x = zt.fresh(e.var, sort)
    body = lower(e.body, f.bind(e.var, x))
    return zt.forall([x], body) if e.universal else zt.exists([x], body)


def apply_hook(hook: typed.Hook, f: SmtFrame) -> None:
    """Run a hook's assignments in order on `f.state`'s ghosts (the post-call state)."""
    for a in hook.body:
        keys = [lower(k, f) for k in a.keys]
        value = lower(a.value, f)
        f.state.ghost(a.ghost, keys, sort_of(a.value.type))  # make sure it exists
        current = f.state.ghosts[a.ghost]
        f.state.ghosts[a.ghost] = zt.store(current, keys, value) if keys else value


def storage_key_sorts(s: typed.StorageRead) -> list[Sort]:
    """The key sorts of a storage path, for callers that build the arrays themselves."""
    out: list[Sort] = []
    for step in s.steps:
        if isinstance(step, typed.KeyStep):
            kt = from_ir(step.key_type)
            if kt is None:
                raise InternalError(f"unsupported key type {step.key_type}")
            out.append(sort_of(kt))
        elif isinstance(step, typed.IndexStep):
            out.append(zt.bv_sort(256))
    return out
