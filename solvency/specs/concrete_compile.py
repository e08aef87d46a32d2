"""The concrete evaluator's compiler: each typed spec node becomes a Python closure over its
children's closures, once per node (`lower_concrete.evaluate` runs them).

The fuzzer evaluates the same invariants after every call, and walking the AST with `match`
cost more than the storage reads it makes. Every closure computes exactly what
`lower_concrete` documents for its node, in the same order, with the same errors (a node
that cannot be evaluated fails when it is evaluated, not when its parent is compiled).
"""

from __future__ import annotations

import operator
import typing
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from solvency.core.errors import InternalError
from solvency.ir import storage
from solvency.ir import types as irt
from solvency.specs import typed
from solvency.specs.ast import BinOp, UnOp
from solvency.specs.fold import ARITH, COMPARE, arith, logic
from solvency.specs.types import Kind, SType, wrap

Value = int | bool  # as lower_concrete.Value

if TYPE_CHECKING:  # lower_concrete imports this module; the frame is only named in types
    from solvency.specs.lower_concrete import ConcreteFrame, ConcreteState

    Fn = Callable[[ConcreteFrame], Value]
    Located = tuple[int, Callable[[int], Value]] | None  # (slot, word → value), None: zero


def evaluate(e: typed.TExpr, f: ConcreteFrame) -> Value:
    """The value of `e` in frame `f`, through the node's closure (compiled on first use)."""
    hit = _COMPILED.get(id(e))
    if hit is None or hit[0] is not e:
        return _compiled(e)(f)
    return hit[1](f)


# node id → (node, closure); the node is kept so a reused id is told apart
_COMPILED: dict[int, tuple[typed.TExpr, Fn]] = {}
_MAX_COMPILED = 1 << 16


def _compiled(e: typed.TExpr) -> Fn:
    hit = _COMPILED.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    fn = _compile(e)
    if len(_COMPILED) >= _MAX_COMPILED:  # specs are small; generated test expressions are not
        _COMPILED.clear()
        _BY_KEY.clear()
    _COMPILED[id(e)] = (e, fn)
    return fn


def _failing(message: str) -> Fn:
    """A node that cannot be evaluated fails when it is evaluated, not when its parent is
    compiled (it may sit in a branch that is never taken)."""

    def fail(f: ConcreteFrame) -> Value:
        raise InternalError(message)

    return fail


def _compile(e: typed.TExpr) -> Fn:
    match e:
        case typed.Const():
            constant = e.value
            return lambda f: constant
        case typed.Var(name=n):
            return _var(n)
        case typed.StorageRead():
            return _storage(e)
        case typed.Immutable(var=v, type=t):
            norm, name = _normalizer(t), v.name
            return lambda f: norm(f.state.immutable(name))
        case typed.GhostRead(name=n, keys=ks):
            return _ghost(n, tuple(_compiled(k) for k in ks))
        case typed.InputRead(name=n, type=t):
            norm = _normalizer(t)
            return lambda f: norm(f.state.input(n))
        case typed.EnvRead(which=w):
            return _env(w)
        case typed.Balance(addr=a):
            addr = _compiled(a)
            return lambda f: f.state.balance(int(addr(f)))
        case typed.Unary(op=op, operand=o):
            arg = _compiled(o)
            if op is UnOp.NOT:
                return lambda f: not arg(f)
            return lambda f: -int(arg(f))
        case typed.Binary():
            return _binary(e)
        case typed.Cond(cond=c, then=a, orelse=b):
            fc, fa, fb = _compiled(c), _compiled(a), _compiled(b)
            return lambda f: fa(f) if fc(f) else fb(f)
        case typed.Cast(operand=o, type=t):
            arg = _compiled(o)
            return lambda f: wrap(int(arg(f)), t)
        case typed.Old(operand=o):
            return _old(_compiled(o))
        case typed.Sum() | typed.Quant() | typed.ViewCall() | typed.ExternalRead():
            compound = _compound(e)
            names = _reads(e)
            if names is None:  # reads ghosts, which hooks change between evaluations
                return compound
            return _memoized(id(e), names, compound)
        case typed.Let(name=n, value=v, body=b):
            fv, fb = _compiled(v), _compiled(b)
            return lambda f: fb(f.bind(n, fv(f)))
    return _failing(f"cannot evaluate {type(e).__name__}")


def _var(name: str) -> Fn:
    def var(f: ConcreteFrame) -> Value:
        try:
            return f.bindings[name]
        except KeyError:
            raise InternalError(f"unbound spec variable {name}") from None

    return var


def _ghost(name: str, keys: tuple[Fn, ...]) -> Fn:
    def ghost(f: ConcreteFrame) -> Value:
        if f.ghosts is None:
            raise InternalError("ghost read without ghost values")
        return f.ghosts.get(name, tuple(k(f) for k in keys))

    return ghost


def _old(operand: Fn) -> Fn:
    def old(f: ConcreteFrame) -> Value:
        return operand(f.earlier())

    return old


def _normalizer(t: SType) -> Callable[[Value], Value]:
    """`normalize` for one type, with its mask worked out once."""
    if t.kind is Kind.BOOL:
        return bool
    if t.kind is Kind.MATHINT:
        return int
    mask = (1 << t.bits) - 1
    if t.kind is Kind.INT:
        sign, full = 1 << (t.bits - 1), 1 << t.bits
        return lambda v: m - full if (m := int(v) & mask) >= sign else m
    return lambda v: int(v) & mask


def _compound(e: typed.TExpr) -> Fn:
    """Sums, quantifiers and calls: the nodes worth caching."""
    match e:
        case typed.Sum(var=n, var_type=t, body=b) | typed.Quant(var=n, var_type=t, body=b):
            body = _compiled(b)
            universal = e.universal if isinstance(e, typed.Quant) else None
            read = _summed_read(b, n) if universal is None else None
            if read is not None:
                return lambda f: sum([int(read(k, f.state)) for k in _unique(f.state.keys(t))])

            def over_keys(f: ConcreteFrame) -> Value:
                # One frame whose binding of the bound variable moves key by key (a frame per
                # key was a fifth of the fuzzer's checking time); nothing keeps the frame.
                bound = dict(f.bindings)
                inner = f.rebound(bound)
                keys = _unique(f.state.keys(t))
                if universal is None:
                    total = 0
                    for k in keys:
                        bound[n] = k
                        total += int(body(inner))
                    return total
                for k in keys:
                    bound[n] = k
                    if bool(body(inner)) is not universal:
                        return not universal
                return universal

            return over_keys
        case typed.ViewCall(function=fn, args=args, type=t):
            fargs, norm, signature = tuple(_compiled(a) for a in args), _normalizer(t), fn.signature

            def view(f: ConcreteFrame) -> Value:
                out = f.state.call_view(signature, tuple(a(f) for a in fargs))
                if len(out) != 1:
                    raise InternalError(f"{signature} returned {len(out)} values")
                return norm(out[0])

            return view
        case typed.ExternalRead(receiver=r, signature=sig, args=args, index=i, type=t):
            receiver, fargs, norm = _compiled(r), tuple(_compiled(a) for a in args), _normalizer(t)
            abi, count = e.output_abi(), len(e.outputs)

            def external(f: ConcreteFrame) -> Value:
                values = tuple(a(f) for a in fargs)
                out = f.state.external_call(int(receiver(f)), sig, values, abi)
                if len(out) != count:
                    raise InternalError(f"{sig} returned {len(out)} values, not {count}")
                return norm(out[i])

            return external
    return _failing(f"cannot evaluate {type(e).__name__}")


def _memoized(node: int, names: tuple[str, ...], compound: Fn) -> Fn:
    def memoized(f: ConcreteFrame) -> Value:
        memo = f.memo
        if memo is None:
            return compound(f)
        b = f.bindings
        key = (node, id(f.state), id(f.old), f.env, tuple([b.get(n) for n in names]))
        found = memo.get(key)
        if found is None:
            found = memo[key] = compound(f)
        return found

    return memoized


def _reads(e: typed.TExpr) -> tuple[str, ...] | None:
    """The variable names a node reads (bound inside or not: a superset is a safe key), or
    None when it reads a ghost."""
    names: set[str] = set()
    todo: list[object] = [e]
    while todo:
        node = todo.pop()
        if isinstance(node, typed.GhostRead):
            return None
        if isinstance(node, typed.Var):
            names.add(node.name)
        if isinstance(node, typed.StorageRead):
            todo.extend(node.key_exprs())
        for slot in getattr(node, "__slots__", ()):
            value = getattr(node, slot, None)
            if isinstance(value, tuple):
                todo.extend(v for v in value if isinstance(v, _NODE_TYPES))
            elif isinstance(value, _NODE_TYPES):
                todo.append(value)
    return tuple(sorted(names))


def _unique(keys: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(keys))


def _step_fns(s: typed.StorageRead) -> tuple[Fn | None, ...]:
    """Per step: the closure of its mapping key or array index (None for fields, lengths)."""
    out: list[Fn | None] = []
    for step in s.steps:
        match step:
            case typed.KeyStep(key=k):
                out.append(_compiled(k))
            case typed.IndexStep(index=i):
                out.append(_compiled(i))
            case _:
                out.append(None)
    return tuple(out)


def _accesses(s: typed.StorageRead, values: tuple[int | None, ...]) -> list[storage.Access]:
    out: list[storage.Access] = []
    for step, v in zip(s.steps, values, strict=True):
        match step:
            case typed.KeyStep():
                assert v is not None
                out.append(storage.Key(v))
            case typed.IndexStep():
                assert v is not None
                out.append(storage.Index(v))
            case typed.FieldStep(name=n):
                out.append(storage.Field(n))
            case typed.LengthStep():
                out.append(storage.Length())
    return out


# Where a read is stored, per node, for the key values seen: sums re-read the same entries
# after every call and each location costs a keccak per mapping step.
_MAX_LOCATIONS = 1 << 12


def _storage(s: typed.StorageRead) -> Fn:
    if s.var.slot is None:
        return _failing(f"{s.var.name} has no storage slot")
    norm = _normalizer(s.type)
    zero = norm(0)

    def locate(values: tuple[int | None, ...]) -> Located:
        assert s.var.slot is not None
        try:
            loc = storage.locate(s.var.slot, s.var.offset, s.var.type, _accesses(s, values))
        except storage.LayoutError:
            return None  # out of a fixed array's bounds: nothing is stored there
        return loc.slot, _decoder(loc.offset, loc.type, norm)

    steps = _step_fns(s)
    keyed = [k for k in steps if k is not None]
    if not keyed:
        fixed = locate(tuple(None for _ in steps))
        if fixed is None:
            return lambda f: zero
        slot, decode = fixed
        return lambda f: decode(f.state.storage_word(slot))
    cache: dict[object, Located] = {}
    single = keyed[0] if len(keyed) == 1 else None
    where = steps.index(single) if single is not None else 0

    def by_key(key: object, state: ConcreteState) -> Value:
        if key in cache:
            found = cache[key]
        else:
            if len(cache) >= _MAX_LOCATIONS:
                cache.clear()
            found = cache[key] = locate(_values(key, single is not None, where, len(steps)))
        if found is None:
            return zero
        return found[1](state.storage_word(found[0]))

    if single is not None:  # one mapping key or index (`m[k]`, `s[k].f`): no tuple
        _BY_KEY[id(s)] = (s, by_key)
        return lambda f: by_key(int(single(f)), f.state)
    return lambda f: by_key(tuple([None if k is None else int(k(f)) for k in steps]), f.state)


# single-key storage reads → (node, (key, state) → value): what a `sum(m)` loops over
_BY_KEY: dict[int, tuple[typed.StorageRead, Callable[[object, ConcreteState], Value]]] = {}


def _summed_read(body: typed.TExpr, var: str) -> Callable[[object, ConcreteState], Value] | None:
    """For `sum(k: m[k])` (what `sum(m)` means) and `sum(k: s[k].f)`: the read by key, so
    the sum needs no frame per key."""
    if not isinstance(body, typed.StorageRead):
        return None
    keys = body.key_exprs()
    if len(keys) != 1 or not isinstance(keys[0], typed.Var) or keys[0].name != var:
        return None
    _compiled(body)
    hit = _BY_KEY.get(id(body))
    return hit[1] if hit is not None and hit[0] is body else None


def _values(key: object, single: bool, where: int, steps: int) -> tuple[int | None, ...]:
    """The per-step values of a location key (one int for a read with a single key)."""
    if single:
        assert isinstance(key, int)
        return tuple(key if i == where else None for i in range(steps))
    assert isinstance(key, tuple)
    return key


def _decoder(offset: int, t: irt.Type, norm: Callable[[Value], Value]) -> Callable[[int], Value]:
    """`storage.decode` then `normalize` for one location, its shifts and masks worked out
    once (the fuzzer decodes every word a sum reads after every call)."""
    size = storage.value_size(t)
    if size is None:
        return lambda w: norm(storage.decode(w, offset, t))  # raises the layout error
    shift, mask = 8 * offset, (1 << (8 * size)) - 1
    if isinstance(t, irt.ElementaryType) and (t.is_signed or t.name == "bool"):
        return lambda w: norm(storage.decode(w, offset, t))
    if shift == 0:
        return lambda w: norm(w & mask)
    return lambda w: norm((w >> shift) & mask)


def _env(w: typed.EnvVar) -> Fn:
    match w:
        case typed.EnvVar.SENDER:
            return lambda f: f.env.sender
        case typed.EnvVar.VALUE:
            return lambda f: f.env.value
        case typed.EnvVar.TIMESTAMP:
            return lambda f: f.env.timestamp
        case typed.EnvVar.NUMBER:
            return lambda f: f.env.number
        case typed.EnvVar.THIS:
            return lambda f: f.state.this_address
    return _failing(f"unknown environment value {w}")


_ARITH_FAST: dict[BinOp, Callable[[int, int], int]] = {
    BinOp.ADD: operator.add,
    BinOp.SUB: operator.sub,
    BinOp.MUL: operator.mul,
}
_COMPARE_FAST: dict[BinOp, Callable[[Value, Value], bool]] = {
    BinOp.LT: operator.lt,
    BinOp.LE: operator.le,
    BinOp.GT: operator.gt,
    BinOp.GE: operator.ge,
    BinOp.EQ: operator.eq,
    BinOp.NE: operator.ne,
}


def _binary(e: typed.Binary) -> Fn:
    op, left, right = e.op, _compiled(e.left), _compiled(e.right)
    if op in ARITH:
        fast = _ARITH_FAST.get(op)
        if fast is not None:
            return lambda f: fast(int(left(f)), int(right(f)))
        return lambda f: arith(op, int(left(f)), int(right(f)))
    if op in COMPARE:
        cmp = _COMPARE_FAST[op]
        return lambda f: cmp(left(f), right(f))
    # Short-circuit like the SMT terms' meaning allows: skipping cannot change a value.
    match op:
        case BinOp.AND:
            return lambda f: bool(left(f)) and bool(right(f))
        case BinOp.OR:
            return lambda f: bool(left(f)) or bool(right(f))
        case BinOp.IMPLIES:
            return lambda f: not left(f) or bool(right(f))
    return lambda f: logic(op, bool(left(f)), bool(right(f)))


_NODE_TYPES = typing.get_args(typed.TExpr)
