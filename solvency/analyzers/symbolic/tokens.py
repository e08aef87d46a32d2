"""The ERC20 balances summary: token calls as moves on one symbolic balances array.

When the spec asks for it (`input uint256 held(address tok, address who) =
tok.balanceOf(who) summarized erc20;`), every address this contract calls `balanceOf`,
`transfer`, `transferFrom` or `approve` on is taken to be a standard ERC20 token, and all
of them share one array (token, holder) → uint256 that the pre- and post-states carry like
storage (smt.state.TOKENS_PATH); the spec's summarized inputs read the same array. So a
property such as `held(t, this) >= sum(balances[t])` relates what the contract did to the
tokens it holds, instead of reading a fresh value in each state.

The model (EIP-20; OpenZeppelin is one instance of it):
- `balanceOf(who)` is the array entry;
- `transfer(to, amount)` from this contract succeeds when this contract holds `amount`
  and the receiver's balance cannot overflow; a transfer to address 0 may fail either way;
  it moves exactly `amount` and returns true;
- `transferFrom(from, to, amount)` is the same from `from`, except that the allowance is
  not modelled: it may fail arbitrarily; when it succeeds the balances move exactly;
- `approve(spender, amount)` succeeds arbitrarily and moves nothing;
- a call that fails reverts or returns false (EIP-20 allows both), chosen freely.
Any other non-view call to another contract (or low-level call with unknown calldata) may
run code that moves tokens, so the array becomes unconstrained after it (havoc). Every
result of such a proof carries the `erc20-summary` Assumption: no fee on transfer, no
hooks or callbacks, no rebasing, balances change only through transfers.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Final

from solvency.analyzers.symbolic.exec_mem import U256, read
from solvency.analyzers.symbolic.exec_ops import assign
from solvency.analyzers.symbolic.exec_values import MArray, TupleVal, Value
from solvency.analyzers.symbolic.transition import Transition
from solvency.core.properties import Assumption
from solvency.ir import program as p
from solvency.ir.model import Contract, Function
from solvency.ir.types import ContractType, ElementaryType, Type
from solvency.smt import evm
from solvency.smt import terms as zt
from solvency.smt.state import TOKENS_PATH, SymbolicEnv, SymbolicState
from solvency.smt.terms import Term
from solvency.specs import typed
from solvency.specs.typed_ext import ExternalRead

if TYPE_CHECKING:
    from solvency.analyzers.symbolic.exec_state import Ctx, PState

KIND: Final = "erc20-summary"
SUMMARY: Final = "erc20"  # the one summary the language knows

# 4-byte selectors of the summarized functions (low-level calls built with abi.encode*).
SELECTORS: Final = {
    0x70A08231: "balanceOf",
    0xA9059CBB: "transfer",
    0x23B872DD: "transferFrom",
    0x095EA7B3: "approve",
}
SIGNATURES: Final = {
    "balanceOf(address)": "balanceOf",
    "transfer(address,uint256)": "transfer",
    "transferFrom(address,address,uint256)": "transferFrom",
    "approve(address,uint256)": "approve",
}
ARITY: Final = {"balanceOf": 1, "transfer": 2, "transferFrom": 3, "approve": 2}
WHOLE: Final = Assumption(
    KIND,
    "every token whose balances the spec reads through a summarized input behaves as a "
    "standard ERC20: balances change only through transfers (no fee on transfer, no hooks "
    "or callbacks, no rebasing)",
)

_ADDR = zt.bv_sort(160)
_BYTE = zt.bv_sort(8)


def requested(spec: typed.CheckedSpec) -> bool:
    """Whether the spec asks for the ERC20 balances summary."""
    return any(e.summary == SUMMARY for e in spec.externals)


def start(ctx: Ctx, st: PState) -> None:
    """At the entry of a summarized encoding: the pre-state's balances become part of the
    path state, so they reach the post-state even when the function makes no token call."""
    if ctx.pre.erc20_summary and TOKENS_PATH not in st.storage:
        st.storage[TOKENS_PATH] = ctx.pre.token_balances()
        ctx.assume(WHOLE)


def _balances(ctx: Ctx, st: PState) -> Term:
    if TOKENS_PATH not in st.storage:
        st.storage[TOKENS_PATH] = ctx.pre.token_balances()
    return st.storage[TOKENS_PATH]


def havoc(ctx: Ctx, st: PState, where: str) -> None:
    """A call that may run arbitrary code: token balances are unknown afterwards."""
    if not ctx.pre.erc20_summary:
        return
    ctx.assume(
        Assumption(
            "erc20-havoc",
            f"the call at {where} may move any token; balances are arbitrary after it",
        )
    )
    new = ctx.fresh_array("erc20.after", [_ADDR, _ADDR], U256)
    if st.guard is not None:
        new = zt.ite(st.guard, new, _balances(ctx, st))
    st.storage[TOKENS_PATH] = new


def _addr(t: Term) -> Term:
    return t if zt.bits_of(t) == 160 else evm.resize(t, 160, False)


def _word(t: Term) -> Term:
    return t if zt.bits_of(t) == 256 else evm.resize(t, 256, False)


# ── calldata built by abi.encodeWithSelector / encodeWithSignature ───────────────────────


def encode(ctx: Ctx, st: PState, op: p.SolidityCallOp) -> bool:
    """Record the calldata of a summarized function; False when it is not one (the caller
    then treats the encoding as today: an arbitrary value)."""
    if not ctx.pre.erc20_summary or op.lvalue is None or not op.args:
        return False
    selector = _selector(ctx, st, op)
    if selector is None or selector not in SELECTORS:
        return False
    args = op.args[1:]
    if len(args) != ARITY[SELECTORS[selector]]:
        return False
    values = [read(ctx, st, a, op.location) for a in args]
    if not all(hasattr(v, "sort") and not zt.is_bool(v) for v in values):
        return False
    data = ctx.fresh("calldata", U256)
    ctx.calldata[data.get_id()] = (selector, tuple(values))
    assign(ctx, st, op.lvalue, data, op)
    return True


def _selector(ctx: Ctx, st: PState, op: p.SolidityCallOp) -> int | None:
    first = op.args[0]
    if op.name.startswith("abi.encodeWithSignature"):
        text = first.value if first.kind is p.VarKind.CONST else None
        name = SIGNATURES.get(text.replace(" ", "")) if isinstance(text, str) else None
        return next((s for s, n in SELECTORS.items() if n == name), None)
    if not op.name.startswith("abi.encodeWithSelector"):
        return None
    v = read(ctx, st, first, op.location)
    if not hasattr(v, "sort") or zt.is_bool(v):
        return None
    try:
        k = zt.as_python(zt.simplify(v))
    except ValueError:
        return None
    return None if isinstance(k, bool) else k % (1 << 32)


def decode(ctx: Ctx, st: PState, op: p.SolidityCallOp) -> bool:
    """`abi.decode(data, (T))` of what a summarized low-level call returned."""
    if op.lvalue is None or not op.args:
        return False
    data = read(ctx, st, op.args[0], op.location)
    if not isinstance(data, MArray) or data.data.get_id() not in ctx.returndata:
        return False
    value = ctx.returndata[data.data.get_id()]
    want = op.lvalue.type
    if zt.is_bool(value) != (isinstance(want, ElementaryType) and want.name == "bool"):
        return False
    assign(ctx, st, op.lvalue, value, op)
    return True


# The ABI of each summarized function: argument types and the one result.
_ABI: Final = {
    "balanceOf": (("address",), "uint256"),
    "transfer": (("address", "uint256"), "bool"),
    "transferFrom": (("address", "address", "uint256"), "bool"),
    "approve": (("address", "uint256"), "bool"),
}


def _abi_name(t: Type | None) -> str | None:
    if isinstance(t, ContractType):
        return "address"
    return t.name if isinstance(t, ElementaryType) else None


def _erc20_abi(op: p.ExternalCallOp) -> bool:
    """Whether a high-level call is one of the ERC20 functions by its ABI: the same name with
    other types (`transfer(uint256,address)`) is some other function, not summarized."""
    abi = _ABI.get(op.function_name)
    if abi is None or len(op.args) != len(abi[0]):
        return False
    for a, want in zip(op.args, abi[0], strict=True):
        got = _abi_name(a.type)  # None: Slither gave no type (msg.sender), not a mismatch
        if a.type is not None and got != want:
            return False
    returns = tuple(_abi_name(t) for t in op.return_types)
    return returns in ((), (abi[1],)) if op.function_name != "balanceOf" else returns == (abi[1],)


# ── the calls ────────────────────────────────────────────────────────────────────────────


def external(ctx: Ctx, st: PState, op: p.ExternalCallOp, dest: Term) -> bool:
    """Model `op` on token `dest` when it is a summarized call; False leaves it to the
    generic treatment of external calls."""
    if not ctx.pre.erc20_summary or op.value is not None or zt.is_bool(dest):
        return False
    loc = op.location
    if op.kind is p.ExternalKind.HIGH_LEVEL:
        name = op.function_name
        if not _erc20_abi(op):
            return False
        args = [read(ctx, st, a, loc) for a in op.args]
        low_level = False
    elif op.kind is p.ExternalKind.LOW_LEVEL and op.function_name in ("call", "staticcall"):
        data: Value = read(ctx, st, op.args[0], loc) if len(op.args) == 1 else None
        found = ctx.calldata.get(data.get_id()) if hasattr(data, "sort") else None  # type: ignore[union-attr]
        if found is None:
            return False
        name, args = SELECTORS[found[0]], list(found[1])
        if op.function_name == "staticcall" and name != "balanceOf":
            return False
        low_level = True
    else:
        return False
    if not all(hasattr(a, "sort") and not zt.is_bool(a) for a in args):
        return False
    where = loc.short() if loc is not None else "an unknown location"
    text = f"the token called at {where} ({name}) behaves as a standard ERC20"
    ctx.assume(Assumption(KIND, text, loc))
    ok, result = _effect(ctx, st, name, (_addr(dest), args), where)
    _returns(ctx, st, op, (ok, result), low_level=low_level, where=where)
    return True


def _effect(
    ctx: Ctx, st: PState, name: str, call: tuple[Term, list[Term]], where: str
) -> tuple[Term, Term]:
    """(success, returned value) of `name` on (token, arguments); balances move on success."""
    token, args = call
    bal = _balances(ctx, st)
    this = ctx.pre.this
    if name == "balanceOf":
        return zt.bool_val(True), zt.select(bal, [token, _addr(args[0])])
    if name == "approve":
        return ctx.fresh(f"erc20.approve_ok@{where}", zt.bool_sort()), zt.bool_val(True)
    if name == "transfer":
        src, to, amount = this, _addr(args[0]), _word(args[1])
        # A transfer to address 0 is refused by OpenZeppelin, allowed (a burn) by others.
        to_zero = zt.eq(to, zt.value(0, _ADDR))
        allowed = zt.or_(zt.not_(to_zero), ctx.fresh(f"erc20.to_zero_ok@{where}", zt.bool_sort()))
    else:
        src, to, amount = _addr(args[0]), _addr(args[1]), _word(args[2])
        allowed = ctx.fresh(f"erc20.allowance_ok@{where}", zt.bool_sort())
    have = zt.select(bal, [token, src])
    debited = zt.store(bal, [token, src], evm.sub(have, amount))
    before = zt.select(debited, [token, to])
    # A standard token's balances sum to its supply, so the credit cannot overflow unless
    # to == src; failing there too keeps the model a superset of real tokens.
    overflow = zt.and_(zt.not_(zt.eq(src, to)), evm.add_overflows(before, amount, 256, False))
    ok = zt.and_(allowed, evm.ge(have, amount), zt.not_(overflow))
    credited = zt.store(debited, [token, to], evm.add(before, amount))
    moves = ok if st.guard is None else zt.and_(st.guard, ok)
    st.storage[TOKENS_PATH] = zt.ite(moves, credited, bal)
    return ok, zt.bool_val(True)


def _returns(
    ctx: Ctx,
    st: PState,
    op: p.ExternalCallOp,
    outcome: tuple[Term, Term],
    *,
    low_level: bool,
    where: str,
) -> None:
    """A failed call reverts or returns false (free choice); a high-level revert bubbles up,
    a low-level one is the call's false success flag."""
    ok, result = outcome
    reverts = zt.and_(zt.not_(ok), ctx.fresh(f"erc20.reverts@{where}", zt.bool_sort()))
    value = zt.ite(ok, result, zt.bool_val(False)) if zt.is_bool(result) else result
    if not low_level:
        ctx.fail_if(st, reverts)
        if op.lvalue is not None:
            assign(ctx, st, op.lvalue, value, op)
        return
    if op.lvalue is None:
        return
    returned = MArray(
        ElementaryType("bytes1"), zt.value(32, U256), ctx.fresh_array("returndata", [U256], _BYTE)
    )
    ctx.returndata[returned.data.get_id()] = value
    success = zt.not_(reverts)
    out = TupleVal((success, returned)) if op.lvalue.kind is p.VarKind.TUPLE else success
    assign(ctx, st, op.lvalue, out, op)


# ── token moves between transactions ─────────────────────────────────────────────────────

BETWEEN: Final = "token moves between calls"
BETWEEN_WHY: Final = (
    "a token transfer between transactions (no call of the contract) breaks it: from a "
    "pre-state where the invariants hold, the balance of {who} going from {old} to {new} makes "
    "it false (Z3 model; this step is not replayed)"
)
# What may grant an allowance over this contract's tokens (approve's selector in decimal).
_APPROVALS: Final = ("approve", "increaseAllowance", "permit", str(0x095EA7B3))
_ENCODED = re.compile(r"^(\w+)\(bytes\) = SOLIDITY_CALL abi\.encodeWith(Selector|Signature)")
_LOW_LEVEL_ARG = re.compile(r"LOW_LEVEL_CALL, dest:\S+, function:\w+, arguments:\['([^']*)'\]")


def reads_summary(inv: typed.Invariant) -> bool:
    """Whether `inv` (its expression, assumptions or preserved blocks) reads a summarized
    token balance: then it must also survive other accounts' transfers between calls."""
    from solvency.analyzers.symbolic import walk  # noqa: PLC0415 - walk imports specs

    return any(
        isinstance(n, ExternalRead) and n.summary is not None
        for n in walk.all_nodes(walk.invariant_exprs(inv))
    )


def may_grant_allowance(contract: Contract) -> bool:
    """Whether the contract may have let someone spend its tokens: an approve-like call, or
    a low-level call whose data is neither empty nor built here by abi.encodeWith… (then
    its own balances may drop between its calls too). Read from the IR text, so it errs
    towards yes."""
    for f in contract.functions:
        texts = [op.text for n in f.nodes for op in n.operations]
        if any(a in t for t in texts for a in _APPROVALS):
            return True
        built = {m.group(1) for t in texts if (m := _ENCODED.match(t))}
        for t in texts:
            if "LOW_LEVEL_CALL" not in t:
                continue
            m = _LOW_LEVEL_ARG.search(t)
            if m is None or (m.group(1) and m.group(1) not in built):
                return True
    return False


def between_transition(placeholder: Function, contract: Contract) -> Transition:
    """pre → post where one token balance of one holder changes and nothing else does.

    Any sequence of standard-token moves by others (transfers between other holders, mints,
    burns, transfers *to* this contract) is a sequence of such single-entry steps, so an
    invariant that survives one survives them all. This contract's own balance may only
    grow, unless it may have granted an allowance (`may_grant_allowance`)."""
    pre = SymbolicState("pre.tokens", erc20_summary=True)
    env = SymbolicEnv.fresh("tokens")
    token = zt.const("between.token", _ADDR)
    holder = zt.const("forced.to", _ADDR)
    new = zt.const("forced.balance", U256)
    old = pre.token_balance(token, holder)
    pre.balance(pre.this)  # the ETH balances exist, and stay as they are
    # Storage (the same dict: arrays made later are shared too), ghosts, declared inputs and
    # sums stay; the contract's views and other contracts' results are left free in `post`,
    # since they may read token balances.
    post = dataclasses.replace(
        pre,
        prefix="post.tokens",
        tokens=zt.store(pre.token_balances(), [token, holder], new),
        views={},
        view_impls={},
        externals={},
        external_impls={},
    )
    constraints = [zt.not_(zt.eq(new, old))]
    if not may_grant_allowance(contract):
        constraints.append(zt.or_(zt.not_(zt.eq(holder, pre.this)), evm.gt(new, old)))
    return Transition(
        function=placeholder,
        pre=pre,
        post=post,
        env=env,
        args={"forced.to": holder, "forced.old": old, "forced.new": new, "between.token": token},
        returns=(),
        success=zt.bool_val(True),
        reverts=zt.bool_val(False),
        asserts=[],
        constraints=constraints,
        assumptions=(WHOLE,),
        unsupported=(),
        loop_bound_hit=None,
        writes={},
    )
