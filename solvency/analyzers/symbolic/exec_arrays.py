"""Array and deletion operations: `delete`, `new T[](n)`, array literals, and clearing a
storage array (every element slot, as the EVM does)."""

from __future__ import annotations

from solvency.analyzers.symbolic.exec_mem import U256, coerce, read, store_to, term
from solvency.analyzers.symbolic.exec_ops import assign
from solvency.analyzers.symbolic.exec_state import Ctx, PState
from solvency.analyzers.symbolic.exec_values import (
    MArray,
    MemLoc,
    Step,
    StorageLoc,
    sort_of,
    storage_paths,
    zero_of,
    zero_term,
)
from solvency.analyzers.symbolic.transition import Write
from solvency.core.location import Location
from solvency.ir import program as p
from solvency.ir.types import ArrayType, ElementaryType, Type
from solvency.smt import evm
from solvency.smt import terms as zt


def delete(ctx: Ctx, st: PState, t: p.Operand, op: p.Op) -> None:
    loc = op.location
    if t.kind is p.VarKind.REF:
        target = st.locals.get(t.name)
    elif t.kind is p.VarKind.STATE and t.type is not None:
        target = StorageLoc(t.name, (), t.type)
    else:
        target = None
    if isinstance(target, StorageLoc) and isinstance(target.type, ArrayType):
        _clear_array(ctx, st, target, loc)
        return
    if isinstance(target, StorageLoc | MemLoc):
        store_to(ctx, st, target, zero_of(target.type), loc)
        return
    if t.kind is p.VarKind.LOCAL:
        st.locals[t.name] = zero_of(t.type)
        return
    ctx.unsupported_at(f"delete {op.text}", loc)


def new_array(ctx: Ctx, st: PState, lv: p.Operand, t: Type, op: p.NewArrayOp) -> None:
    args = op.args
    loc = op.location
    if isinstance(t, ArrayType) and sort_of(t.element) is not None and len(args) == 1:
        n = term(ctx, st, args[0], loc, U256)
        n = evm.resize(n, 256, False) if n.sort() != U256 else n
        z = zero_of(t)
        assert isinstance(z, MArray)
        assign(ctx, st, lv, MArray(t.element, n, z.data), op)
        return
    ctx.unsupported_at(f"new array {op.text}", loc)
    assign(ctx, st, lv, zero_of(t), op)


def init_array(ctx: Ctx, st: PState, lv: p.Operand, vs: tuple[p.Operand, ...], op: p.Op) -> None:
    loc = op.location
    if len(vs) == 1:
        v = read(ctx, st, vs[0], loc)
        if isinstance(v, MArray):
            assign(ctx, st, lv, v, op)
            return
    t = lv.type
    if isinstance(t, ArrayType) and sort_of(t.element) is not None:
        es = sort_of(t.element)
        z = zero_of(t)
        assert isinstance(z, MArray)
        data = z.data
        for i, o in enumerate(vs):
            data = zt.store(data, [zt.value(i, U256)], coerce(term(ctx, st, o, loc, es), t.element))
        assign(ctx, st, lv, MArray(t.element, zt.value(len(vs), U256), data), op)
        return
    ctx.unsupported_at(f"array literal {op.text}", loc)
    assign(ctx, st, lv, zero_of(t), op)


def _clear_array(ctx: Ctx, st: PState, target: StorageLoc, loc: Location | None) -> None:
    """`delete arr` on storage: length 0 and every element slot zeroed (the EVM clears
    them). Recorded as one Write per element path with no keys: old/new are whole arrays."""
    t = target.type
    assert isinstance(t, ArrayType)
    if target.keys or any(s.kind != "field" for s in target.steps):
        ctx.unsupported_at(f"delete of a nested storage array {target.path}", loc)
        return
    if t.length is None:
        store_to(
            ctx, st, target.then(Step("length"), ElementaryType("uint256")), zt.value(0, U256), loc
        )
    for path, keys, value in storage_paths(target.path, t):
        if path.endswith(".length") and path != target.path + ".length":
            ctx.unsupported_at(f"delete of an array of arrays {target.path}", loc)
            return
        if not keys:
            continue
        if len(keys) != 1:
            ctx.unsupported_at(f"delete of an array of arrays {target.path}", loc)
            return
        old = ctx.storage_term(st, path, keys, value)
        new = zt.const_array(keys, zero_term(value))
        st.storage[path] = new
        ctx.writes.setdefault(path, []).append(Write(st.pc, (), old, new))
