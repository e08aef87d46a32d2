"""ETH forced into an account between transactions (selfdestruct, block rewards).

Any address can receive ETH with no call of the contract, so an invariant that reads
`balance(x)` must also survive that step: Inv(pre) ∧ post = pre with balance[x] += δ
(δ > 0, no wrap-around) ⇒ Inv(post). `balance(this) >= total` survives it;
`balance(this) == total` does not, and without this step it came out proved.

The step is a Transition of its own (storage, ghosts, sums and views shared with the
pre-state: only one balance moves), so the usual invariant query applies to it.
"""

from __future__ import annotations

import dataclasses

from solvency.analyzers.symbolic import walk
from solvency.analyzers.symbolic.transition import Transition
from solvency.ir.model import Function
from solvency.smt import evm
from solvency.smt import terms as zt
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.specs import typed

NAME = "forced ETH"
WHY = (
    "ETH forced into {who} between transactions (selfdestruct or a block reward, no call of "
    "the contract) breaks it: from a pre-state where the invariants hold, {wei} wei more "
    "makes it false (Z3 model; this step is not replayed)"
)


def reads_balance(inv: typed.Invariant) -> bool:
    """Whether `inv` (its expression, assumptions or preserved blocks) reads an ETH balance."""
    return any(isinstance(n, typed.Balance) for n in walk.all_nodes(walk.invariant_exprs(inv)))


def forced_transition(placeholder: Function) -> Transition:
    """pre → post where one fresh address gains a fresh δ > 0 wei and nothing else moves.
    `placeholder` only fills the Transition's `function` field: no call happens."""
    pre = SymbolicState("pre.forced")
    env = SymbolicEnv.fresh("forced")
    who = zt.const("forced.to", zt.bv_sort(160))
    # The new balance itself is the unknown (δ = new - old > 0, no wrap): a comparison
    # instead of an addition keeps the query linear for the integer solver.
    new = zt.const("forced.balance", zt.bv_sort(256))
    old = pre.balance(who)
    assert pre.balances is not None
    post = dataclasses.replace(
        pre, prefix="post.forced", balances=zt.store(pre.balances, [who], new)
    )
    constraints = [evm.gt(new, old)]
    return Transition(
        function=placeholder,
        pre=pre,
        post=post,
        env=env,
        args={"forced.to": who, "forced.old": old, "forced.new": new},
        returns=(),
        success=zt.bool_val(True),
        reverts=zt.bool_val(False),
        asserts=[],
        constraints=constraints,
        assumptions=(),
        unsupported=(),
        loop_bound_hit=None,
        writes={},
    )
