"""Reading and writing values through operands and locations (storage and memory).

Every storage write goes through `write_storage`, which records a `Write` (guard, keys,
old, new) for the sum bookkeeping of the checks.
"""

from __future__ import annotations

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
    is_value_type,
    key_sort,
    sort_of,
    word_sort,
    zero_of,
)
from solvency.analyzers.symbolic.transition import Write
from solvency.core.location import Location
from solvency.ir.program import Operand, VarKind
from solvency.ir.types import ArrayType, ElementaryType, MappingType, StructType, Type
from solvency.smt import evm
from solvency.smt import terms as zt
from solvency.smt.terms import Sort, Term

U256 = zt.bv_sort(256)

_ENV = {
    "msg.sender": "sender",
    "msg.value": "value",
    "block.timestamp": "timestamp",
    "now": "timestamp",
    "block.number": "number",
}


def const_term(o: Operand, sort: Sort | None) -> Term:
    v = o.value
    if isinstance(v, bool):
        return zt.bool_val(v)
    s = sort if sort is not None else word_sort(o.type)
    if isinstance(v, int):
        return zt.value(v, s)
    if isinstance(v, str):
        try:
            return zt.value(int(v, 0), s)
        except ValueError:
            return zt.value(int.from_bytes(v.encode()[:32].ljust(32, b"\0"), "big"), U256)
    return zt.value(0, s)


def read(ctx: Ctx, st: PState, o: Operand, loc: Location | None, want: Sort | None = None) -> Value:
    """The value of an operand; references to value types are dereferenced."""
    if o.kind is VarKind.CONST:
        return const_term(o, want)
    if o.kind is VarKind.STATE:
        return _state_var(ctx, st, o, loc)
    if o.kind is VarKind.SOLIDITY:
        return solidity_var(ctx, st, o.name)
    if o.kind is VarKind.REF:
        target = st.locals.get(o.name)
        if isinstance(target, StorageLoc | MemLoc):
            return load(ctx, st, target, loc)
        if target is None:
            ctx.unsupported_at(f"reference {o.name} used before it is bound", loc)
            return ctx.fresh(o.name, word_sort(o.type))
        return target
    if o.name in st.locals:
        return st.locals[o.name]
    if o.kind in (VarKind.LOCAL, VarKind.TEMP):
        return zero_of(o.type)
    ctx.unsupported_at(f"operand {o.name} ({o.kind.value})", loc)
    return ctx.fresh(o.name, word_sort(o.type))


def term(ctx: Ctx, st: PState, o: Operand, loc: Location | None, want: Sort | None = None) -> Term:
    """An operand that must be a single term (value type)."""
    v = read(ctx, st, o, loc, want)
    if isinstance(v, StorageLoc | MemLoc | MStruct | MArray | TupleVal):
        ctx.unsupported_at(f"{o.name} used as a value", loc)
        return ctx.fresh(o.name, want if want is not None else U256)
    return v


def solidity_var(ctx: Ctx, st: PState, name: str) -> Term:
    if name in _ENV:
        return getattr(ctx.env, _ENV[name])
    if name == "this":
        return ctx.pre.this
    key = f"env.{name}"
    if key not in st.locals:  # tx.origin, block.chainid …: arbitrary but fixed in a call
        sort = zt.bv_sort(160) if name in ("tx.origin", "block.coinbase") else U256
        ctx.constraints.append(zt.bool_val(True))
        st.locals[key] = ctx.fresh(name, sort)
    v = st.locals[key]
    assert not isinstance(v, StorageLoc | MemLoc | MStruct | MArray | TupleVal)
    return v


def _state_var(ctx: Ctx, st: PState, o: Operand, loc: Location | None) -> Value:
    sort = sort_of(o.type)
    if o.constant:
        if o.value is not None and sort is not None:
            return const_term(o, sort)
        ctx.unsupported_at(f"constant {o.name} whose value could not be folded", loc)
        return ctx.pre.immutable(o.name, sort if sort is not None else U256)
    if o.immutable:
        if o.name in st.immutables:
            return st.immutables[o.name]
        return ctx.pre.immutable(o.name, sort if sort is not None else U256)
    if o.type is None:
        ctx.unsupported_at(f"state variable {o.name} of unknown type", loc)
        return ctx.fresh(o.name, U256)
    base = StorageLoc(o.name, (), o.type)
    return load(ctx, st, base, loc) if is_value_type(o.type) or sort is not None else base


def load(ctx: Ctx, st: PState, target: StorageLoc | MemLoc, loc: Location | None) -> Value:
    """The value at a location: a term for value types, the location for storage
    aggregates, the aggregate for memory."""
    if isinstance(target, StorageLoc):
        s = sort_of(target.type)
        if s is None:
            return target
        return read_storage(ctx, st, target, s)
    return _mem_get(ctx, st, target, loc)


def read_storage(ctx: Ctx, st: PState, target: StorageLoc, s: Sort) -> Term:
    keys = list(target.keys)
    arr = ctx.storage_term(st, target.path, [k.sort() for k in keys], s)
    return zt.select(arr, keys) if keys else arr


def write_storage(ctx: Ctx, st: PState, target: StorageLoc, value: Term) -> None:
    s = value.sort()
    keys = list(target.keys)
    path = target.path
    arr = ctx.storage_term(st, path, [k.sort() for k in keys], s)
    old = zt.select(arr, keys) if keys else arr
    st.storage[path] = zt.store(arr, keys, value) if keys else value
    ctx.writes.setdefault(path, []).append(Write(st.pc, tuple(keys), old, value))


def copy_from_storage(ctx: Ctx, st: PState, src: StorageLoc, loc: Location | None) -> Value:
    """A memory copy of a storage aggregate (struct fields; arrays stay references)."""
    t = src.type
    if isinstance(t, StructType):
        fields = []
        for f in t.fields:
            sub = src.then(Step("field", name=f.name), f.type)
            fields.append((f.name, copy_from_storage(ctx, st, sub, loc)))
        return MStruct(t, tuple(fields))
    if isinstance(t, MappingType):
        return src
    if isinstance(t, ArrayType):
        if t.length is not None and is_value_type(t.element):
            return src  # read lazily: fixed arrays are rarely copied and written after
        ctx.unsupported_at("copy of a storage array to memory", loc)
        return src
    return load(ctx, st, src, loc)


def store_to(
    ctx: Ctx, st: PState, target: StorageLoc | MemLoc, value: Value, loc: Location | None
) -> None:
    if isinstance(target, MemLoc):
        _mem_set(ctx, st, target, value, loc)
        return
    t = target.type
    if isinstance(t, StructType):
        for f in t.fields:
            sub = target.then(Step("field", name=f.name), f.type)
            if isinstance(value, MStruct):
                fv = value.get(f.name)
            elif isinstance(value, StorageLoc):
                fv = copy_from_storage(ctx, st, value.then(Step("field", name=f.name), f.type), loc)
            else:
                fv = None
            if fv is None:
                ctx.unsupported_at(f"assignment of {type(value).__name__} to a struct", loc)
                return
            if isinstance(f.type, MappingType):
                continue  # mappings inside structs are not copied by Solidity
            store_to(ctx, st, sub, fv, loc)
        return
    s = sort_of(t)
    if s is None or not hasattr(value, "sort"):
        ctx.unsupported_at(f"assignment to storage {target.path} of type {t}", loc)
        return
    write_storage(ctx, st, target, coerce(value, t))


def coerce(value: Term, t: Type) -> Term:
    """Fit a term to the sort of `t` (implicit widening SlithIR leaves out)."""
    s = sort_of(t)
    if s is None or zt.is_bool(value) or s == zt.bool_sort() or value.sort() == s:
        return value
    e = evm_of(t)
    return evm.resize(value, zt.bits_of(zt.value(0, s)), bool(e and e.signed))


def _mem_get(ctx: Ctx, st: PState, target: MemLoc, loc: Location | None) -> Value:
    v: Value | None = st.locals.get(target.root)
    for s in target.steps:
        if isinstance(v, MStruct) and s.kind == "field":
            v = v.get(s.name)
        elif isinstance(v, MArray) and s.kind == "index" and s.term is not None:
            v = zt.select(v.data, [s.term])
        elif isinstance(v, MArray) and s.kind == "length":
            v = v.length
        elif isinstance(v, StorageLoc):  # a memory struct field holding a storage ref
            v = load(ctx, st, v.then(s, target.type), loc)
        else:
            v = None
        if v is None:
            break
    if v is None:
        ctx.unsupported_at(f"memory read of {target.root}", loc)
        return ctx.fresh(target.root, word_sort(target.type))
    return v


def _mem_set(ctx: Ctx, st: PState, target: MemLoc, value: Value, loc: Location | None) -> None:
    root = st.locals.get(target.root)
    new = _set_in(root, target.steps, value, target.type)
    if new is None:
        ctx.unsupported_at(f"memory write into {target.root}", loc)
        return
    st.locals[target.root] = new


def _set_in(v: Value | None, steps: tuple[Step, ...], value: Value, t: Type) -> Value | None:
    if not steps:
        if hasattr(value, "sort"):
            return coerce(value, t)
        return value
    s, rest = steps[0], steps[1:]
    if isinstance(v, MStruct) and s.kind == "field":
        inner = _set_in(v.get(s.name), rest, value, t)
        return None if inner is None else v.set(s.name, inner)
    if isinstance(v, MArray) and s.kind == "index" and not rest and hasattr(value, "sort"):
        return MArray(v.element, v.length, zt.store(v.data, [s.term], coerce(value, v.element)))
    if isinstance(v, MArray) and s.kind == "length" and not rest and hasattr(value, "sort"):
        return MArray(v.element, value, v.data)
    return None


def index_step(base_type: Type, key: Term) -> tuple[Step, Type] | None:
    """The step and element type of `base[key]` (key already a term)."""
    if isinstance(base_type, MappingType):
        ks = key_sort(base_type.key)
        k = key if key.sort() == ks else evm.resize(key, zt.bits_of(zt.value(0, ks)), False)
        return Step("key", k), base_type.value
    if isinstance(base_type, ArrayType):
        k = key if key.sort() == U256 else evm.resize(key, 256, False)
        return Step("index", k), base_type.element
    if isinstance(base_type, ElementaryType) and base_type.name.startswith("bytes"):
        return None
    return None
