"""The prover's own parts, without a contract: the bv2int rewrite is an identity, sums
follow writes, per-function verdicts aggregate worst first, and proofs that assumed an
unproved invariant are downgraded."""

from __future__ import annotations

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from solvency.analyzers.symbolic.results import FnVerdict, aggregate, settle
from solvency.core.properties import PropertyKind, Status
from solvency.smt.bv2int import Rewriter
from solvency.smt.portfolio import Portfolio
from solvency.smt.solver import SolverConfig, Verdict

N = 8  # small widths keep the equivalence proofs instant; the rules do not depend on N
A, B, C = z3.BitVecs("a b c", N)
ARR = z3.Array("m", z3.BitVecSort(N), z3.BitVecSort(N))
ATOMS = [A, B, C, z3.BitVecVal(0, N), z3.BitVecVal(255, N), z3.Select(ARR, A)]


def _bv_terms() -> st.SearchStrategy[z3.BitVecRef]:
    def extend(inner: st.SearchStrategy[z3.BitVecRef]) -> st.SearchStrategy[z3.BitVecRef]:
        pair = st.tuples(inner, inner)
        return st.one_of(
            pair.map(lambda p: p[0] + p[1]),
            pair.map(lambda p: p[0] - p[1]),
            st.tuples(inner, inner, inner).map(lambda t: z3.If(z3.ULT(t[0], t[1]), t[1], t[2])),
            pair.map(lambda p: z3.Select(z3.Store(ARR, p[0], p[1]), B)),
            inner.map(lambda x: z3.Extract(N - 1, 0, z3.ZeroExt(1, x) + z3.ZeroExt(1, A))),
            inner.map(
                lambda x: z3.ZeroExt(N - 1, z3.Extract(N, N, z3.ZeroExt(1, x) + z3.ZeroExt(1, B)))
            ),
        )

    return st.recursive(st.sampled_from(ATOMS), extend, max_leaves=6)


@settings(max_examples=80, deadline=None)
@given(
    _bv_terms(),
    _bv_terms(),
    st.lists(st.integers(0, 2**N - 1), min_size=5, max_size=5),
)
def test_bv2int_rewrite_is_an_identity(x: z3.BitVecRef, y: z3.BitVecRef, vals: list[int]) -> None:
    """Differential: the original and the rewritten term agree at concrete values (asking
    Z3 to prove the equivalence symbolically is the very query it is slow at)."""
    rw = Rewriter()
    a, b, c, at, default = (z3.BitVecVal(v, N) for v in vals)
    table = z3.Store(z3.K(z3.BitVecSort(N), default), at, c)
    pairs = [(A, a), (B, b), (C, c), (ARR, table)]
    for original in (z3.BV2Int(x) - z3.BV2Int(y), z3.ULT(x, y), z3.UGE(x, y), x == y):
        rewritten = rw(original)
        left = z3.simplify(z3.substitute(original, *pairs))
        right = z3.simplify(z3.substitute(rewritten, *pairs))
        assert left.eq(right), (original, rewritten, vals)


def test_portfolio_model_satisfies_the_original_query() -> None:
    big = z3.BitVec("big", 256)
    total = z3.Int("total")
    p = Portfolio(SolverConfig(timeout_ms=5_000))
    p.add(total == z3.BV2Int(big + 1), total > 2**255)
    assert p.check(z3.BV2Int(big) < 2**200).verdict is Verdict.UNSAT
    assert p.check(z3.BV2Int(big) > 2**255 + 5).verdict is Verdict.SAT
    assert p.value(total) == p.value(big) + 1


def _v(fn: str, status: Status, **kw: object) -> FnVerdict:
    return FnVerdict(fn, status, f"{fn} said so", **kw)  # type: ignore[arg-type]


def test_aggregate_is_worst_first_and_vacuous_only_when_all_are() -> None:
    p = aggregate(
        "inv",
        PropertyKind.INVARIANT,
        "C",
        [
            _v("constructor", Status.PROVED),
            _v("f", Status.PROVED_BOUNDED, bound=2),
            _v("g", Status.UNKNOWN),
        ],
    )
    assert (p.result.status, p.result.function) == (Status.UNKNOWN, "g")
    assert "f: " not in p.result.reason.split("[")[0]
    bounded = aggregate(
        "inv",
        PropertyKind.INVARIANT,
        "C",
        [_v("f", Status.PROVED_BOUNDED, bound=2), _v("g", Status.PROVED, vacuous=True)],
    )
    assert (bounded.result.status, bounded.result.bound) == (Status.PROVED_BOUNDED, 2)
    vacuous = aggregate("r", PropertyKind.RULE, "C", [_v("f", Status.PROVED, vacuous=True)] * 2)
    assert vacuous.result.status is Status.VACUOUS


def test_satisfy_needs_one_witness() -> None:
    verdicts = [_v("f", Status.VIOLATED), _v("g", Status.PROVED)]
    p = aggregate("s", PropertyKind.SATISFY, "C", verdicts, satisfy=True)
    assert (p.result.status, p.result.function) == (Status.PROVED, "g")


def test_settle_downgrades_proofs_that_assumed_an_unproved_invariant() -> None:
    a = aggregate("a", PropertyKind.INVARIANT, "C", [_v("f", Status.PROVED, deps=frozenset("b"))])
    b = aggregate("b", PropertyKind.INVARIANT, "C", [_v("f", Status.UNKNOWN)])
    c = aggregate("c", PropertyKind.RULE, "C", [_v("f", Status.PROVED, deps=frozenset("a"))])
    got = {r.name: r.status for r in settle({"a": a, "b": b, "c": c})}
    assert got == {"a": Status.UNKNOWN, "b": Status.UNKNOWN, "c": Status.UNKNOWN}
    d = aggregate(
        "d", PropertyKind.INVARIANT, "C", [_v("f", Status.PROVED, deps=frozenset({"d", "e"}))]
    )
    e = aggregate("e", PropertyKind.INVARIANT, "C", [_v("f", Status.PROVED_BOUNDED, bound=3)])
    (first, _) = sorted(settle({"d": d, "e": e}), key=lambda r: r.name)
    assert (first.status, first.bound) == (Status.PROVED_BOUNDED, 3)
