"""Calls: inlined internal/library/modifier calls, Solidity builtins, and external calls.

External calls return fresh, unconstrained values; storage is *not* havocked, and that is
stated as a `no-reentrancy` Assumption per call site. ETH sent leaves this contract's
balance; `send` and low-level `call` may fail (their success is arbitrary), `transfer`
and high-level calls may revert.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from solvency.analyzers.symbolic import tokens
from solvency.analyzers.symbolic.exec_mem import U256, coerce, copy_from_storage, read, term
from solvency.analyzers.symbolic.exec_nonlinear import abstract_mulmod
from solvency.analyzers.symbolic.exec_ops import assign
from solvency.analyzers.symbolic.exec_state import Ctx, PState, merge
from solvency.analyzers.symbolic.exec_values import (
    MArray,
    MStruct,
    StorageLoc,
    TupleVal,
    Value,
    sort_of,
    word_sort,
    zero_of,
)
from solvency.core.properties import Assumption
from solvency.ir import program as p
from solvency.ir.types import Type
from solvency.smt import evm
from solvency.smt import terms as zt
from solvency.smt.terms import Term

if TYPE_CHECKING:
    from solvency.analyzers.symbolic.exec_cfg import Walker

Result = PState | None | Literal["done"]

_ABSTRACT = (
    "keccak256",
    "sha256",
    "ripemd160",
    "abi.encode",
    "blockhash",
    "gasleft",
    "ecrecover",
    "code(",
    "codehash(",
)


def call(w: Walker, node: p.PNode, st: PState, op: p.Op) -> Result:
    if isinstance(op, p.CallOp):
        if op.kind is p.CallKind.MODIFIER:
            return _modifier(w, node, st, op)
        return _inline(w.ctx, st, op)
    if isinstance(op, p.ExternalCallOp):
        return _external(w.ctx, st, op)
    assert isinstance(op, p.SolidityCallOp)
    return _solidity(w.ctx, st, op)


def bind_params(ctx: Ctx, program: p.Program, args: list[Value], st: PState) -> dict[str, Value]:
    frame: dict[str, Value] = {}
    for i, prm in enumerate(program.params):
        v = args[i] if i < len(args) else zero_of(prm.type)
        if isinstance(v, StorageLoc) and not prm.storage_pointer:
            v = copy_from_storage(ctx, st, v, program.location)  # memory/calldata: a copy
        if hasattr(v, "sort"):
            v = coerce(v, prm.type)
        frame[prm.name or f"arg{i}"] = v
    for r in program.returns:
        if r.name:
            frame[r.name] = zero_of(r.type)
    for k, v in st.locals.items():
        if k.startswith("env."):
            frame[k] = v
    return frame


def run_program(
    ctx: Ctx, program: p.Program, args: list[Value], st: PState, inner: object = None
) -> PState | None:
    """Run `program` as a callee from `st`; the result carries its return values in `ret`."""
    from solvency.analyzers.symbolic.exec_cfg import Walker  # noqa: PLC0415

    if not ctx.stack:
        tokens.start(ctx, st)  # the entry: summarized token balances join the path state
    # Recursion is unrolled like a loop: a call to a function already active loop_bound
    # times is cut (those paths are dropped and the bound is reported), as is any call
    # beyond call_depth.
    if ctx.stack.count(program.key) >= ctx.options.loop_bound:
        ctx.cut(st)
        return None
    if len(ctx.stack) >= ctx.options.call_depth:
        ctx.cut(st, bound=ctx.options.call_depth)
        return None
    callee = PState(
        st.pc, st.storage, st.balances, bind_params(ctx, program, args, st), None, st.immutables
    )
    ctx.stack.append(program.key)
    try:
        out = Walker(ctx, program, inner).run(callee)  # type: ignore[arg-type]
    finally:
        ctx.stack.pop()
    if out is not None and out.ret is None:
        out.ret = tuple(out.locals.get(r.name, zero_of(r.type)) for r in program.returns)
    return out


def _resume(caller: PState, callee: PState) -> PState:
    """The caller's frame after a call: shared parts from the callee, locals its own."""
    locals_ = dict(caller.locals)
    for k, v in callee.locals.items():
        if k.startswith("env."):
            locals_[k] = v
    return PState(
        callee.pc, callee.storage, callee.balances, locals_, caller.ret, callee.immutables
    )


def _inline(ctx: Ctx, st: PState, op: p.CallOp) -> Result:
    program = ctx.programs.functions.get(op.callee)
    if program is None:
        ctx.unsupported_at(f"call to {op.callee}", op.location)
        return st
    args = [read(ctx, st, a, op.location) for a in op.args]
    out = run_program(ctx, program, args, st)
    if out is None:
        return None
    result = _resume(st, out)
    # Memory is passed by reference: what the callee did to a memory struct/array
    # argument is visible to the caller through the variable it passed.
    for i, (a, v) in enumerate(zip(op.args, args, strict=False)):
        if i >= len(program.params) or not isinstance(v, MStruct | MArray):
            continue
        after = out.locals.get(program.params[i].name or f"arg{i}")
        if after is not None and after is not v and a.kind in (p.VarKind.LOCAL, p.VarKind.TEMP):
            result.locals[a.name] = after
    rets = out.ret or ()
    if op.lvalue is not None:
        value: Value = rets[0] if len(rets) == 1 else TupleVal(tuple(rets))
        assign(ctx, result, op.lvalue, value, op)
    return result


def _modifier(w: Walker, node: p.PNode, st: PState, op: p.CallOp) -> Result:
    """Run the modifier; its `_` runs the rest of the function from this node's son."""
    ctx = w.ctx
    program = ctx.programs.functions.get(op.callee)
    if program is None or not node.sons:
        ctx.unsupported_at(f"modifier {op.callee}", op.location)
        return st
    bodies: list[PState] = []

    def inner(mod_state: PState) -> PState | None:
        from solvency.analyzers.symbolic.exec_cfg import Walker  # noqa: PLC0415

        resumed = _resume(st, mod_state)
        rest = Walker(ctx, w.program, w.inner)
        rest.region(node.sons[0], frozenset(), resumed)
        done = rest.merged()
        if done is None:
            return None
        bodies.append(done)
        back = PState(
            done.pc,
            done.storage,
            done.balances,
            dict(mod_state.locals),
            mod_state.ret,
            done.immutables,
        )
        return back

    args = [read(ctx, st, a, op.location) for a in op.args]
    out = run_program(ctx, program, args, st, inner)
    if out is None:
        return "done"
    body = merge(ctx, bodies, w.program.location) if bodies else None
    final = _resume(body if body is not None else st, out)
    final.ret = body.ret if body is not None else None
    if body is not None:
        final.locals = dict(body.locals)
    w.finished.append(final)
    return "done"


def _require(ctx: Ctx, st: PState, c: Term) -> PState | None:
    ctx.revert(st, zt.not_(c))
    st.pc = zt.and_(st.pc, c)
    return st


def _solidity(ctx: Ctx, st: PState, op: p.SolidityCallOp) -> Result:
    name, loc = op.name, op.location
    if name.startswith("require("):
        return _require(ctx, st, term(ctx, st, op.args[0], loc, zt.bool_sort()))
    if name.startswith("assert("):
        c = term(ctx, st, op.args[0], loc, zt.bool_sort())
        ctx.asserts.append((zt.and_(st.pc, zt.not_(c)), loc))
        return _require(ctx, st, c)
    if name.startswith("revert"):
        ctx.revert(st)
        return None
    if name.startswith("balance(") or name == "self.balance" or name.startswith("this.balance"):
        addr = term(ctx, st, op.args[0], loc) if op.args else ctx.pre.this
        if op.lvalue is not None:
            assign(ctx, st, op.lvalue, zt.select(st.balances, [evm.resize(addr, 160, False)]), op)
        return st
    if name.startswith(("addmod(", "mulmod(")) and len(op.args) == 3:
        a, b, k = (term(ctx, st, x, loc, U256) for x in op.args)
        zero = evm.div_by_zero(k)
        ctx.fail_if(st, zero)
        f = evm.addmod if name.startswith("addmod") else evm.mulmod
        if op.lvalue is not None:
            value = f(a, b, k)
            if ctx.options.nonlinear == "abstract" and name.startswith("mulmod"):
                value = abstract_mulmod(ctx, a, b, k, loc)  # a 512-bit remainder otherwise
            assign(ctx, st, op.lvalue, value, op)
        return st
    encodes = name.startswith(("abi.encodeWithSelector", "abi.encodeWithSignature"))
    if encodes and tokens.encode(ctx, st, op):
        return st
    if name.startswith("abi.decode") and tokens.decode(ctx, st, op):
        return st
    if name.startswith(_ABSTRACT) or name.startswith(("abi.", "string.concat", "bytes.concat")):
        _fresh_result(ctx, st, op, f"result of {name} is arbitrary")
        return st
    if name.startswith("selfdestruct") or name.startswith("suicide"):
        ctx.unsupported_at(f"{name}", loc)
        return None
    ctx.unsupported_at(f"Solidity call {name}", loc)
    _fresh_result(ctx, st, op, None)
    return st


def _fresh_result(ctx: Ctx, st: PState, op: p.SolidityCallOp, why: str | None) -> None:
    if why is not None:
        where = op.location.short() if op.location is not None else "?"
        ctx.assume(Assumption("abstracted", f"{why} at {where}", op.location))
    if op.lvalue is not None:
        sort = word_sort(op.lvalue.type)
        assign(ctx, st, op.lvalue, ctx.fresh(op.name.split("(")[0], sort), op)


def _external(ctx: Ctx, st: PState, op: p.ExternalCallOp) -> Result:
    loc = op.location
    where = loc.short() if loc is not None else "an unknown location"
    if op.destination.kind is p.VarKind.SOLIDITY and op.destination.name == "this" and not op.view:
        ctx.unsupported_at(f"external call to this contract ({op.function_name})", loc)
    if op.kind is p.ExternalKind.LOW_LEVEL and op.function_name in ("delegatecall", "callcode"):
        # Foreign code running on this contract's storage and balance: nothing is known.
        ctx.unsupported_at(f"{op.function_name} (foreign code on this contract's storage)", loc)
    dest = term(ctx, st, op.destination, loc)
    dest = (
        evm.resize(dest, 160, False) if not zt.is_bool(dest) and zt.bits_of(dest) != 160 else dest
    )
    if tokens.external(ctx, st, op, dest):
        return st  # a standard ERC20 runs no code of ours: its assumption covers reentrancy
    # A view callee runs under STATICCALL (solc >= 0.5) and cannot touch our storage.
    if not op.view or ctx.programs.solc_version < (0, 5, 0):
        ctx.assume(Assumption("no-reentrancy", f"no reentrancy through the call at {where}", loc))
    amount = term(ctx, st, op.value, loc, U256) if op.value is not None else None
    may_fail = op.kind in (p.ExternalKind.SEND, p.ExternalKind.LOW_LEVEL)
    ok = ctx.fresh(f"call_ok@{where}", zt.bool_sort())
    if amount is not None:
        amount = evm.resize(amount, 256, False) if amount.sort() != U256 else amount
        this = ctx.pre.this
        enough = evm.ge(zt.select(st.balances, [this]), amount)
        ok = zt.and_(ok, enough)
    if not may_fail:  # transfer and high-level calls bubble the callee's revert up
        ctx.revert(st, zt.not_(ok))
        st.pc = zt.and_(st.pc, ok)
    if amount is not None:
        this = ctx.pre.this
        moved = zt.ite(ok, amount, zt.value(0, U256))
        bal = zt.store(st.balances, [this], evm.sub(zt.select(st.balances, [this]), moved))
        other = zt.select(bal, [dest])
        st.balances = zt.ite(
            zt.eq(dest, this), st.balances, zt.store(bal, [dest], evm.add(other, moved))
        )
    static = op.view and ctx.programs.solc_version >= (0, 5, 0)  # STATICCALL: no writes
    unknown_code = op.kind is p.ExternalKind.HIGH_LEVEL and not static
    if unknown_code or op.kind is p.ExternalKind.LOW_LEVEL:
        tokens.havoc(ctx, st, where)  # code we do not know may move tokens
    if op.lvalue is None:
        return st
    if op.kind in (p.ExternalKind.SEND,):
        assign(ctx, st, op.lvalue, ok, op)
        return st
    if op.kind is p.ExternalKind.LOW_LEVEL:
        data = ctx.fresh(f"returndata@{where}", U256)
        value: Value = TupleVal((ok, data)) if op.lvalue.kind is p.VarKind.TUPLE else ok
        assign(ctx, st, op.lvalue, value, op)
        return st
    ctx.assume(
        Assumption("external-return", f"values returned by the call at {where} are arbitrary", loc)
    )
    if op.lvalue.kind is p.VarKind.TUPLE:
        items = tuple(_fresh_of(ctx, t, where) for t in op.return_types)
        assign(ctx, st, op.lvalue, TupleVal(items), op)
    else:
        t = op.lvalue.type
        if sort_of(t) is None and t is not None:
            ctx.unsupported_at(f"external call returning {t}", loc)
        assign(ctx, st, op.lvalue, _fresh_of(ctx, t, where), op)
    return st


def _fresh_of(ctx: Ctx, t: Type | None, where: str) -> Value:
    sort = sort_of(t)
    return ctx.fresh(f"ret@{where}", sort if sort is not None else U256)
