"""Entry points of the symbolic executor: a function or the constructor → Transition."""

from __future__ import annotations

import itertools

from solvency.analyzers.symbolic.exec_calls import run_program
from solvency.analyzers.symbolic.exec_mem import copy_from_storage
from solvency.analyzers.symbolic.exec_state import Ctx, PState
from solvency.analyzers.symbolic.exec_values import (
    MArray,
    MStruct,
    StorageLoc,
    TupleVal,
    Value,
    sort_of,
    storage_paths,
    zero_of,
)
from solvency.analyzers.symbolic.transition import EncodeOptions, Transition
from solvency.core.properties import Assumption
from solvency.ir.model import Contract, Function
from solvency.ir.program import Param, Programs
from solvency.ir.program_build import build_programs, constructor_programs
from solvency.ir.types import ArrayType, StructType
from solvency.smt import evm
from solvency.smt import terms as zt
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.smt.terms import Term

_COUNTER = itertools.count()


def run_function(
    contract: Contract,
    function: Function,
    pre: SymbolicState,
    env: SymbolicEnv,
    options: EncodeOptions,
) -> Transition:
    programs = build_programs(contract, function)
    program = programs.program(programs.entry)
    ctx = _ctx(contract, function.name, pre, env, options, programs)
    args: dict[str, Term] = {}
    values = [_arg(ctx, prm, i, args) for i, prm in enumerate(program.params)]
    st = _start(ctx, program.payable)
    out = run_program(ctx, program, values, st)
    return _transition(ctx, contract, function, out, args)


def run_constructor(
    contract: Contract, pre: SymbolicState, env: SymbolicEnv, options: EncodeOptions
) -> Transition:
    programs, keys = constructor_programs(contract)
    ctor = next((f for f in contract.functions if f.is_constructor), None)
    ctx = _ctx(contract, "constructor", pre, env, options, programs)
    ctx.constructor = True
    args: dict[str, Term] = {}
    payable = False
    st: PState | None = None
    for key in keys:
        program = programs.program(key)
        values: list[Value] = []
        if ctor is not None and program.name == ctor.name and program.contract == ctor.declared_in:
            values = [_arg(ctx, prm, i, args) for i, prm in enumerate(program.params)]
            payable = program.payable
        elif program.params:  # arguments given in an inheritance list: not modelled
            what = f"arguments of the base constructor of {program.contract}"
            ctx.unsupported_at(what, program.location)
        if st is None:
            st = _start(ctx, payable)
        st = run_program(ctx, program, values, st) if st is not None else None
        if st is not None:
            st.ret = None
    if st is None and not keys:
        st = _start(ctx, False)
    function = ctor if ctor is not None else _synthetic_constructor(contract)
    return _transition(ctx, contract, function, st, args)


def _synthetic_constructor(contract: Contract) -> Function:
    return Function(
        name="constructor", signature="constructor()", contract=contract.name,
        declared_in=contract.name, visibility="public", mutability="nonpayable",
        parameters=(), returns=(), modifiers=(), is_constructor=True, is_fallback=False,
        is_receive=False, nodes=(), state_reads=(), state_writes=(), location=contract.location,
    )  # fmt: skip


def _ctx(contract: Contract, name: str, pre: SymbolicState, env: SymbolicEnv, *rest: object) -> Ctx:
    options, programs = rest
    assert isinstance(options, EncodeOptions) and isinstance(programs, Programs)
    tag = f"{pre.prefix}.{contract.name}.{name}.{next(_COUNTER)}"
    return Ctx(pre=pre, env=env, options=options, programs=programs, tag=tag)


def _arg(ctx: Ctx, prm: Param, i: int, args: dict[str, Term]) -> Value:
    name = prm.name or f"arg{i}"
    sort = sort_of(prm.type)
    if sort is not None:
        t = zt.const(f"{ctx.tag}.arg.{name}", sort)
        args[name] = t
        return t
    if isinstance(prm.type, ArrayType) and sort_of(prm.type.element) is not None:
        length = zt.const(f"{ctx.tag}.arg.{name}.length", zt.bv_sort(256))
        es = sort_of(prm.type.element)
        data = zt.array(f"{ctx.tag}.arg.{name}", [zt.bv_sort(256)], es)
        args[f"{name}.length"] = length
        args[name] = data
        if prm.type.length is not None:
            ctx.constraints.append(zt.eq(length, zt.value(prm.type.length, zt.bv_sort(256))))
        return MArray(prm.type.element, length, data)
    if isinstance(prm.type, StructType):
        fields = []
        for f in prm.type.fields:
            s = sort_of(f.type)
            if s is None:
                ctx.unsupported_at(f"struct parameter {name} with a field of type {f.type}", None)
                fields.append((f.name, zero_of(f.type)))
                continue
            t = zt.const(f"{ctx.tag}.arg.{name}.{f.name}", s)
            args[f"{name}.{f.name}"] = t
            fields.append((f.name, t))
        return MStruct(prm.type, tuple(fields))
    ctx.unsupported_at(f"parameter {name} of type {prm.type}", None)
    return zero_of(prm.type)


def _start(ctx: Ctx, payable: bool) -> PState:
    """The state at entry: msg.value credited to this contract when payable; a
    non-payable function reverts when sent ETH."""
    pre, env = ctx.pre, ctx.env
    pre.balance(pre.this)  # make sure the pre-state's balance array exists
    assert pre.balances is not None
    st = PState(zt.bool_val(True), {}, pre.balances, {})
    if payable:
        this_bal = zt.select(pre.balances, [pre.this])
        sender_bal = zt.select(pre.balances, [env.sender])
        # The sender could pay, and no balance overflows (total ETH is far below 2^256).
        ctx.constraints.append(evm.ge(sender_bal, env.value))
        ctx.constraints.append(zt.not_(evm.add_overflows(this_bal, env.value, 256, False)))
        moved = zt.store(pre.balances, [env.sender], evm.sub(sender_bal, env.value))
        credited = zt.store(moved, [pre.this], evm.add(zt.select(moved, [pre.this]), env.value))
        st.balances = zt.ite(zt.eq(env.sender, pre.this), pre.balances, credited)
    else:
        nonzero = zt.not_(zt.eq(env.value, zt.value(0, zt.bv_sort(256))))
        ctx.revert(st, nonzero)
        st.pc = zt.not_(nonzero)
    return st


def _transition(
    ctx: Ctx, contract: Contract, function: Function, out: PState | None, args: dict[str, Term]
) -> Transition:
    pre = ctx.pre
    post = SymbolicState(prefix=f"{ctx.tag}.post", this=pre.this, finite_domains=pre.finite_domains)
    for v in contract.state_variables:
        if v.constant or v.immutable:
            continue
        for path, keys, value in storage_paths(v.name, v.type):
            post.storage[path] = pre.storage_term(path, keys, value)
    post.balances = pre.balances
    returns: tuple[Term, ...] = ()
    success = zt.bool_val(False)
    if out is not None:
        for path, t in out.storage.items():
            post.storage[path] = t
        post.balances = out.balances
        success = out.pc
        flat = _flatten(ctx, out, out.ret or ())
        if any(not hasattr(r, "sort") for r in flat):
            where = function.location.short() if function.location is not None else function.name
            ctx.assume(
                Assumption(
                    "over-approximation",
                    f"array return values of {where} are left arbitrary",
                    function.location,
                )
            )
        returns = tuple(
            r if hasattr(r, "sort") else ctx.fresh("returned", zt.bv_sort(256)) for r in flat
        )
        for name, t in out.immutables.items():
            sort = t.sort()
            ctx.constraints.append(zt.implies(success, zt.eq(pre.immutable(name, sort), t)))
    reverts = zt.or_(*ctx.reverts)
    return Transition(
        function=function,
        pre=pre,
        post=post,
        env=ctx.env,
        args=args,
        returns=returns,
        success=success,
        reverts=reverts,
        asserts=list(ctx.asserts),
        constraints=list(ctx.constraints),
        assumptions=tuple(ctx.assumptions),
        unsupported=tuple(ctx.unsupported),
        loop_bound_hit=ctx.loop_bound_hit,
        writes=dict(ctx.writes),
    )


def _flatten(ctx: Ctx, st: PState, values: tuple[Value, ...]) -> list[Value]:
    """Return values with structs and tuples spread into their fields, in order (an
    external function returns storage structs as memory copies)."""
    out: list[Value] = []
    for raw in values:
        v = raw
        if isinstance(v, StorageLoc) and isinstance(v.type, StructType):
            v = copy_from_storage(ctx, st, v, None)
        if isinstance(v, MStruct):
            out.extend(_flatten(ctx, st, tuple(x for _, x in v.fields)))
        elif isinstance(v, TupleVal):
            out.extend(_flatten(ctx, st, v.items))
        else:
            out.append(v)
    return out
