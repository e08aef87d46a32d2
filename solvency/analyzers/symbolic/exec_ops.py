"""Semantics of the data operations of the op model (everything but calls and control).

Arithmetic goes through smt.evm_ops.binary, which gives the wrapped value and the conditions
under which Solidity reverts (checked overflow, division by zero); those conditions become
reverting paths here and are removed from the path condition.
"""

from __future__ import annotations

from solvency.analyzers.symbolic.exec_mem import (
    U256,
    coerce,
    copy_from_storage,
    index_step,
    load,
    read,
    store_to,
    term,
)
from solvency.analyzers.symbolic.exec_nonlinear import (
    abstract,
    const_mul_overflow,
    should_abstract,
)
from solvency.analyzers.symbolic.exec_state import Ctx, PState
from solvency.analyzers.symbolic.exec_values import (
    MArray,
    MemLoc,
    MStruct,
    Step,
    StorageLoc,
    TupleVal,
    Value,
    evm_of,
    is_signed,
    sort_of,
    word_sort,
    zero_of,
)
from solvency.core.location import Location
from solvency.ir import program as p
from solvency.ir.types import ArrayType, ElementaryType, EnumType, StructType
from solvency.smt import evm, evm_ops
from solvency.smt import terms as zt
from solvency.smt.terms import Term

_COMPARE = ("<", ">", "<=", ">=", "==", "!=")


def assign(ctx: Ctx, st: PState, lv: p.Operand, value: Value, op: p.Op) -> None:
    """Write `value` to an operand: write-through for references and state variables,
    aliasing for storage pointers, copy for memory locals."""
    loc = op.location
    if lv.kind is p.VarKind.REF:
        target = st.locals.get(lv.name)
        if isinstance(target, StorageLoc | MemLoc):
            store_to(ctx, st, target, value, loc)
            return
        st.locals[lv.name] = value
        return
    if lv.kind is p.VarKind.STATE:
        if lv.immutable or lv.constant:
            if hasattr(value, "sort"):
                st.immutables[lv.name] = coerce(value, lv.type) if lv.type else value
            return
        if lv.type is None:
            ctx.unsupported_at(f"write to {lv.name} of unknown type", loc)
            return
        store_to(ctx, st, StorageLoc(lv.name, (), lv.type), value, loc)
        return
    if isinstance(value, StorageLoc) and lv.kind is p.VarKind.LOCAL and not lv.storage_pointer:
        if isinstance(lv.type, StructType):
            value = copy_from_storage(ctx, st, value, loc)
        elif sort_of(value.type) is not None:
            value = load(ctx, st, value, loc)
    if hasattr(value, "sort") and lv.type is not None and lv.kind is not p.VarKind.TEMP:
        value = coerce(value, lv.type)  # declared locals: Solidity converts implicitly
    st.locals[lv.name] = value  # temporaries keep their width (Slither's type can be wrong)


def _assign_op(ctx: Ctx, st: PState, op: p.Assign) -> None:
    lv, rv = op.lvalue, op.rvalue
    value = read(ctx, st, rv, op.location, sort_of(lv.type))
    if isinstance(value, MStruct | MArray) and _aliases(st, lv, rv):
        # `a = b` on memory makes two names for one object; memory aggregates are
        # modelled as values, so a write through one would not show through the other:
        # never claim a proof over it.
        ctx.unsupported_at(f"memory alias {lv.name} = {rv.name}", op.location)
    assign(ctx, st, lv, value, op)


def _aliases(st: PState, lv: p.Operand, rv: p.Operand) -> bool:
    """Whether assigning the memory aggregate named by `rv` to `lv` creates a second name
    for it: from a named variable (not a fresh temporary) into a memory local or into a
    place inside a memory aggregate."""
    if rv.kind is not p.VarKind.LOCAL:
        return False
    if lv.kind is p.VarKind.LOCAL:
        return not lv.storage_pointer
    return lv.kind is p.VarKind.REF and isinstance(st.locals.get(lv.name), MemLoc)


def _returned_params(
    ctx: Ctx, operands: tuple[p.Operand, ...], values: tuple[Value, ...], loc: Location | None
) -> None:
    """An internal function returning its own memory parameter hands the caller a second
    name for the caller's object: not modelled (memory aggregates are values)."""
    if len(ctx.stack) < 2:
        return  # the entry point: what it returns leaves the contract as ABI data
    program = ctx.programs.functions.get(ctx.stack[-1])
    if program is None:
        return
    params = {prm.name for prm in program.params if prm.name}
    for o, v in zip(operands, values, strict=False):
        if o.kind is p.VarKind.LOCAL and o.name in params and isinstance(v, MStruct | MArray):
            ctx.unsupported_at(f"memory alias: {program.key} returns its parameter {o.name}", loc)


def call_aliases(ctx: Ctx, st: PState, op: p.CallOp) -> None:
    """One memory object passed as two arguments of an inlined call is two names for it
    inside the callee: not modelled (memory aggregates are values)."""
    names = [a.name for a in op.args if a.kind is p.VarKind.LOCAL]
    for name in sorted({n for n in names if names.count(n) > 1}):
        if isinstance(st.locals.get(name), MStruct | MArray):
            ctx.unsupported_at(f"memory alias: {name} passed twice to {op.callee}", op.location)


def execute(ctx: Ctx, st: PState, op: p.Op, checked: bool) -> PState | None:
    """Run one non-call operation; None when every path of `st` stops here."""
    loc = op.location
    match op:
        case p.Assign():
            _assign_op(ctx, st, op)
        case p.BinaryOp():
            return _binary(ctx, st, op, checked)
        case p.UnaryOp(lvalue=lv, op=o, operand=x):
            v = term(ctx, st, x, loc, sort_of(lv.type))
            assign(ctx, st, lv, zt.not_(v) if o == "!" else evm.not_(v), op)
        case p.IndexOp():
            return _index(ctx, st, op)
        case p.MemberOp():
            _member(ctx, st, op)
        case p.LengthOp(lvalue=lv, base=b):
            _length(ctx, st, lv, b, op)
        case p.ConvertOp():
            return _convert(ctx, st, op)
        case p.ConditionOp(value=v):
            st.cond = term(ctx, st, v, loc, zt.bool_sort())
        case p.ReturnOp(values=vs):
            st.ret = tuple(read(ctx, st, v, loc) for v in vs)
            _returned_params(ctx, vs, st.ret, loc)
        case p.DeleteOp(target=t):
            from solvency.analyzers.symbolic.exec_arrays import delete  # noqa: PLC0415

            delete(ctx, st, t, op)
        case p.UnpackOp(lvalue=lv, tuple=tup, index=i):
            tv = read(ctx, st, tup, loc)
            if isinstance(tv, TupleVal) and i < len(tv.items):
                assign(ctx, st, lv, tv.items[i], op)
            else:
                ctx.unsupported_at(f"unpack of {tup.name}", loc)
                assign(ctx, st, lv, ctx.fresh(lv.name, word_sort(lv.type)), op)
        case p.NewStructOp(lvalue=lv, type=t, args=args):
            if isinstance(t, StructType) and len(args) == len(t.fields):
                vals = [
                    read(ctx, st, a, loc, sort_of(f.type))
                    for a, f in zip(args, t.fields, strict=True)
                ]
                fields = tuple(
                    (f.name, coerce(v, f.type) if hasattr(v, "sort") else v)
                    for f, v in zip(t.fields, vals, strict=True)
                )
                assign(ctx, st, lv, MStruct(t, fields), op)
            else:
                ctx.unsupported_at(f"struct construction {op.text}", loc)
                assign(ctx, st, lv, zero_of(t), op)
        case p.NewArrayOp(lvalue=lv, type=t):
            from solvency.analyzers.symbolic.exec_arrays import new_array  # noqa: PLC0415

            new_array(ctx, st, lv, t, op)
        case p.InitArrayOp(lvalue=lv, values=vs):
            from solvency.analyzers.symbolic.exec_arrays import init_array  # noqa: PLC0415

            init_array(ctx, st, lv, vs, op)
        case p.EventOp():
            pass  # events change no state
        case p.UnsupportedOp(what=what):
            ctx.unsupported_at(what, loc)
        case _:
            ctx.unsupported_at(f"operation {type(op).__name__}", loc)
    return st


def _binary(ctx: Ctx, st: PState, op: p.BinaryOp, checked: bool) -> PState | None:
    loc = op.location
    o = op.op
    if o in ("&&", "||"):
        a = term(ctx, st, op.left, loc, zt.bool_sort())
        b = term(ctx, st, op.right, loc, zt.bool_sort())
        assign(ctx, st, op.lvalue, zt.and_(a, b) if o == "&&" else zt.or_(a, b), op)
        return st
    if o in _COMPARE:
        a, b, signed = _comparands(ctx, st, op)
        if zt.is_bool(a) or zt.is_bool(b):
            r = zt.eq(a, b) if o == "==" else zt.not_(zt.eq(a, b))
        else:
            r = evm_ops.compare(o, a, b, signed=signed)
        assign(ctx, st, op.lvalue, r, op)
        return st
    rsort, signed = _arith_sort(ctx, st, op)
    a = _fit(ctx, st, op.left, rsort, loc)
    if o in ("<<", ">>", "**"):
        b = term(ctx, st, op.right, loc, U256)
    else:
        b = _fit(ctx, st, op.right, rsort, loc)
    if zt.is_bool(a) or zt.is_bool(b):
        ctx.unsupported_at(f"arithmetic on bool: {op.text}", loc)
        assign(ctx, st, op.lvalue, ctx.fresh("bin", rsort), op)
        return st
    if should_abstract(ctx, o, a, b, signed):
        assign(ctx, st, op.lvalue, abstract(ctx, st, o, a, b, checked=checked, loc=loc), op)
        return st
    cheap = const_mul_overflow(a, b, signed) if o == "*" and checked else None
    if cheap is not None:
        ctx.fail_if(st, cheap)
        assign(ctx, st, op.lvalue, evm.mul(a, b), op)
        return st
    out = evm_ops.binary(
        o, a, b, signed=signed, checked=checked, legacy=ctx.programs.solc_version < (0, 8, 0)
    )
    if o == "**" and not evm.exp_exact(a, b).eq(zt.bool_val(True)):
        pass  # an odd-base power ≥ 2^bits is an uninterpreted over-approximation; sound
    for cond, _code in out.reverts:
        ctx.fail_if(st, cond)
    assign(ctx, st, op.lvalue, out.value, op)
    return st


def _arith_sort(ctx: Ctx, st: PState, op: p.BinaryOp) -> tuple[object, bool]:
    """The sort Solidity computes `a op b` in: the common type of the operands (literals
    adapt; shifts and ** take the left operand's). Slither's type of the result is not used
    for the width: it is wrong for e.g. `type(uint128).max / x` (uint128, not uint256)."""
    sides = (op.left,) if op.op in ("<<", ">>", "**") else (op.left, op.right)
    bits, signed = 0, False
    for o in sides:
        if o.kind is p.VarKind.CONST:
            continue
        v = read(ctx, st, o, op.location)
        if hasattr(v, "sort") and not zt.is_bool(v) and zt.bits_of(v) >= bits:
            bits, signed = zt.bits_of(v), is_signed(o.type)
    if bits == 0:
        t = op.lvalue.type
        s = sort_of(t)
        if s is None or s == zt.bool_sort():
            return U256, False
        return s, is_signed(t)
    return zt.bv_sort(bits), signed


def _fit(ctx: Ctx, st: PState, o: p.Operand, sort: object, loc: object) -> Term:
    v = term(ctx, st, o, loc, sort)  # type: ignore[arg-type]
    if zt.is_bool(v) or v.sort() == sort:
        return v
    return evm.resize(v, zt.bits_of(zt.value(0, sort)), is_signed(o.type))


def _comparands(ctx: Ctx, st: PState, op: p.BinaryOp) -> tuple[Term, Term, bool]:
    loc = op.location
    lc, rc = op.left.kind is p.VarKind.CONST, op.right.kind is p.VarKind.CONST
    if lc and not rc:
        b = term(ctx, st, op.right, loc)
        a = term(ctx, st, op.left, loc, b.sort())
    else:
        a = term(ctx, st, op.left, loc)
        b = term(ctx, st, op.right, loc, a.sort())
    signed = is_signed(op.left.type) or is_signed(op.right.type)
    if zt.is_bool(a) or zt.is_bool(b):
        return a, b, signed
    n = max(zt.bits_of(a), zt.bits_of(b))
    a = evm.resize(a, n, is_signed(op.left.type))
    b = evm.resize(b, n, is_signed(op.right.type))
    return a, b, signed


def _index(ctx: Ctx, st: PState, op: p.IndexOp) -> PState | None:
    loc = op.location
    base = read(ctx, st, op.base, loc)
    btype = op.base.type
    if isinstance(base, StorageLoc):
        btype = base.type
    key = term(ctx, st, op.index, loc)
    if isinstance(base, StorageLoc | MemLoc) and btype is not None:
        found = index_step(btype, key)
        if found is None:
            ctx.unsupported_at(f"index into {btype}", loc)
            st.locals[op.lvalue.name] = ctx.fresh("idx", word_sort(op.lvalue.type))
            return st
        step, etype = found
        if isinstance(btype, ArrayType) and step.term is not None:
            if btype.length is None:
                length = load(ctx, st, base.then(Step("length"), ElementaryType("uint256")), loc)
            else:
                length = zt.value(btype.length, U256)
            assert hasattr(length, "sort")
            oob = evm.ge(step.term, length)
            ctx.fail_if(st, oob)
        st.locals[op.lvalue.name] = base.then(step, etype)
        return st
    if isinstance(base, MArray):
        k = evm.resize(key, 256, False) if key.sort() != U256 else key
        oob = evm.ge(k, base.length)
        ctx.fail_if(st, oob)
        root = op.base.name
        st.locals[op.lvalue.name] = MemLoc(root, (Step("index", k),), base.element)
        return st
    if isinstance(base, MStruct | TupleVal) or btype is None or op.base.kind is p.VarKind.REF:
        ctx.unsupported_at(f"index {op.text}", loc)
    else:
        ctx.unsupported_at(f"index into {btype}", loc)
    st.locals[op.lvalue.name] = ctx.fresh("idx", word_sort(op.lvalue.type))
    return st


def _member(ctx: Ctx, st: PState, op: p.MemberOp) -> None:
    loc = op.location
    t = op.base.type
    if op.base.kind is p.VarKind.OTHER and isinstance(t, EnumType) and op.member in t.values:
        st.locals[op.lvalue.name] = zt.value(t.values.index(op.member), zt.bv_sort(8))
        return
    base = read(ctx, st, op.base, loc)
    if op.base.kind is p.VarKind.LOCAL and isinstance(base, MStruct):
        ftype = base.type.field(op.member)
        if ftype is not None:
            st.locals[op.lvalue.name] = MemLoc(
                op.base.name, (Step("field", name=op.member),), ftype.type
            )
            return
    if isinstance(base, StorageLoc | MemLoc) and isinstance(base.type, StructType):
        f = base.type.field(op.member)
        if f is not None:
            st.locals[op.lvalue.name] = base.then(Step("field", name=op.member), f.type)
            return
    ctx.unsupported_at(f"member access {op.text}", loc)
    st.locals[op.lvalue.name] = ctx.fresh("member", word_sort(op.lvalue.type))


def _length(ctx: Ctx, st: PState, lv: p.Operand, b: p.Operand, op: p.Op) -> None:
    loc = op.location
    base = read(ctx, st, b, loc)
    u = ElementaryType("uint256")
    if isinstance(base, StorageLoc) and isinstance(base.type, ArrayType):
        if base.type.length is not None:
            st.locals[lv.name] = zt.value(base.type.length, U256)
        else:
            st.locals[lv.name] = base.then(Step("length"), u)
        return
    if isinstance(base, MArray):
        st.locals[lv.name] = (
            MemLoc(b.name, (Step("length"),), u) if b.kind is p.VarKind.LOCAL else base.length
        )
        return
    # bytes/string lengths (and `addr.code.length`): arbitrary, an over-approximation
    st.locals[lv.name] = ctx.fresh(f"{b.name}.length", U256)


def _convert(ctx: Ctx, st: PState, op: p.ConvertOp) -> PState | None:
    loc = op.location
    dst = op.to
    dsort = sort_of(dst)
    src_t = op.value.type
    if op.value.kind is p.VarKind.CONST and dsort is not None:
        assign(ctx, st, op.lvalue, read(ctx, st, op.value, loc, dsort), op)
        return st
    v = read(ctx, st, op.value, loc)
    if dsort is None or not hasattr(v, "sort"):
        assign(ctx, st, op.lvalue, v, op)  # reference conversions (bytes(s), IERC20(a) …)
        return st
    se, de = evm_of(src_t), evm_of(dst)
    if op.value.kind is p.VarKind.SOLIDITY and op.value.name == "this":
        se = evm_of(ElementaryType("address"))
    if zt.is_bool(v) or dsort == zt.bool_sort():
        out = v if zt.is_bool(v) and dsort == zt.bool_sort() else None
    elif se is not None and de is not None and zt.bits_of(v) == se.bits:
        try:
            out = evm.cast(v, se, de)
        except ValueError:
            out = None
    else:
        out = evm.resize(v, zt.bits_of(zt.value(0, dsort)), False)
    if out is None:
        ctx.unsupported_at(f"conversion {op.text}", loc)
        out = ctx.fresh("conv", dsort)
    if isinstance(dst, EnumType) and not isinstance(src_t, EnumType):
        bad = evm.ge(evm.resize(v, 256, False), zt.value(len(dst.values), U256))
        ctx.fail_if(st, bad)
    assign(ctx, st, op.lvalue, out, op)
    return st
