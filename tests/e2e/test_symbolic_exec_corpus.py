"""The symbolic executor over the corpus: every public/external function (and the
constructor) of every correct variant encodes or says what it cannot model, with a
location; and a few corpus functions checked for concrete facts with Z3.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus_deploy import Builder
from benchmarks.groundtruth import Family, Variant, families
from solvency.analyzers.symbolic import Transition, encode_constructor, encode_function
from solvency.build import BuildOptions
from solvency.ir import analyse
from solvency.ir.model import Contract
from solvency.smt import terms as zt
from solvency.smt.solver import Session, Verdict
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.smt.terms import Term

CORRECT = [(f, v) for f in families() for v in f.variants if v.correct]
U256 = zt.bv_sort(256)


@pytest.fixture(scope="module")
def builder(solcjs_cache: Path) -> Builder:
    return Builder(BuildOptions(cache_dir=solcjs_cache))


def _contract(builder: Builder, family: Family, variant: Variant) -> Contract:
    contract = analyse(builder.variant_project(family, variant)).model.contract(family.contract)
    assert contract is not None
    return contract


@pytest.mark.parametrize(("family", "variant"), CORRECT, ids=[v.key for _, v in CORRECT])
def test_every_correct_corpus_function_encodes(
    builder: Builder, family: Family, variant: Variant
) -> None:
    contract = _contract(builder, family, variant)
    entries = contract.entry_points()
    assert entries
    reasons: list[str] = []
    for function in entries:
        t = encode_function(contract, function, SymbolicState("pre"), SymbolicEnv.fresh("env"))
        assert t.function is function
        assert zt.is_bool(t.success) and zt.is_bool(t.reverts)
        for u in t.unsupported:
            assert u.location is not None or u.what, u
            reasons.append(f"{function.name}: {u.what} at {u.location}")
        for a in t.assumptions:
            if a.kind == "no-reentrancy":
                assert a.location is not None and a.location.short() in a.description
    ctor = encode_constructor(contract, SymbolicState("pre"), SymbolicEnv.fresh("env"))
    reasons += [f"constructor: {u.what} at {u.location}" for u in ctor.unsupported]
    print(f"{variant.key}: {len(entries)} functions, unsupported: {reasons or 'none'}")


def _escrow(builder: Builder) -> Contract:
    family = next(f for f in families() if f.name == "eth_escrow")
    return _contract(builder, family, next(v for v in family.variants if v.id == "correct"))


def _check(t: Transition, *facts: Term) -> Verdict:
    s = Session()
    s.add(*t.constraints, *facts)
    return s.check().verdict


def test_eth_escrow_withdraw_moves_deposit_and_eth(builder: Builder) -> None:
    contract = _escrow(builder)
    (withdraw,) = contract.function("withdraw")
    pre = SymbolicState("pre")
    t = encode_function(contract, withdraw, pre, SymbolicEnv.fresh("env"))
    sender, this, amount = t.env.sender, pre.this, t.args["amount"]
    fixed = [
        zt.eq(pre.read("deposits[]", [sender], U256), zt.value(100, U256)),
        zt.eq(pre.read("totalDeposits", [], U256), zt.value(100, U256)),
        zt.eq(pre.balance(this), zt.value(100, U256)),
        zt.eq(t.env.value, zt.value(0, U256)),
        zt.not_(zt.eq(sender, this)),
        zt.eq(amount, zt.value(40, U256)),
    ]
    post_ok = zt.and_(
        zt.eq(t.post.read("deposits[]", [sender], U256), zt.value(60, U256)),
        zt.eq(t.post.read("totalDeposits", [], U256), zt.value(60, U256)),
        zt.eq(t.post.balance(this), zt.value(60, U256)),
    )
    assert _check(t, *fixed, t.success, zt.not_(post_ok)) is Verdict.UNSAT
    assert _check(t, *fixed, t.success) is Verdict.SAT
    zero = [*fixed[:-1], zt.eq(amount, zt.value(0, U256))]
    assert _check(t, *zero, t.success) is Verdict.UNSAT  # require(amount > 0 && …)
    assert t.loop_bound_hit is None and not t.unsupported
    assert [a.kind for a in t.assumptions] == ["no-reentrancy"]


def test_eth_escrow_batch_deposit_is_bounded(builder: Builder) -> None:
    contract = _escrow(builder)
    (batch,) = contract.function("batchDeposit")
    t = encode_function(contract, batch, SymbolicState("pre"), SymbolicEnv.fresh("env"))
    assert t.loop_bound_hit == 3
    assert "beneficiaries.length" in t.args and "amounts" in t.args
