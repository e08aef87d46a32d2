"""Solver sessions repeat their verdicts and models, and UNKNOWN carries Z3's reason."""

from __future__ import annotations

import z3

from solvency.smt import evm
from solvency.smt.solver import Session, SolverConfig, Verdict


def _query(session: Session) -> tuple[object, object]:
    a, b = z3.BitVecs("a b", 32)
    session.add(evm.add_overflows(a, b, 32, True), z3.UGT(a, 3), z3.UGT(b, 3))
    session.add(evm.div(a, b) != 0, evm.smod(a, b) != 0)
    return a, b


def test_same_query_twice_gives_same_verdict_and_model() -> None:
    runs = []
    for _ in range(2):
        session = Session(SolverConfig(seed=7))
        a, b = _query(session)
        result = session.check()
        runs.append((result.verdict, session.value(a), session.value(b)))
    assert runs[0][0] is Verdict.SAT
    assert runs[0] == runs[1]


def test_same_query_in_one_session_repeats_in_scopes() -> None:
    session = Session()
    x = z3.BitVec("x", 64)
    seen = []
    for _ in range(2):
        with session.scope():
            session.add(evm.mul(x, x) == 49, z3.UGT(x, 7))
            seen.append((session.check().verdict, session.value(x)))
    assert seen[0] == seen[1]
    assert seen[0][0] is Verdict.SAT
    assert (seen[0][1] ** 2) % 2**64 == 49  # type: ignore[operator]


def test_unknown_carries_the_reason() -> None:
    session = Session(SolverConfig(rlimit=1))
    a, b = z3.BitVecs("a b", 256)
    session.add(evm.mul(a, b) == 0xFFFF_FFFF_FFFF_FFFB, z3.UGT(a, 1), z3.UGT(b, 1))
    result = session.check()
    assert result.verdict is Verdict.UNKNOWN
    assert "resource" in result.reason or "limit" in result.reason or "canceled" in result.reason
    assert result.reason


def test_unsat_is_unsat() -> None:
    session = Session()
    a = z3.BitVec("a", 8)
    session.add(evm.add_overflows(a, evm.val(0, 8), 8, False))
    assert session.check().verdict is Verdict.UNSAT
