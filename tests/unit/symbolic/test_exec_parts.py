"""Pure unit tests of the executor's parts: post-dominators, short-circuit slicing, storage
paths and merging. No compiler involved: programs are built by hand."""

from __future__ import annotations

import pytest

from solvency.analyzers.symbolic.exec_cfg import ipdom, short_circuit_guards
from solvency.analyzers.symbolic.exec_state import Ctx, PState, ite_chain, merge
from solvency.analyzers.symbolic.exec_values import Step, StorageLoc, path_text, storage_paths
from solvency.analyzers.symbolic.transition import EncodeOptions
from solvency.ir import program as p
from solvency.ir.types import ArrayType, ElementaryType, MappingType, StructField, StructType
from solvency.smt import terms as zt
from solvency.smt.solver import Session, Verdict
from solvency.smt.state import SymbolicEnv, SymbolicState

U = ElementaryType("uint256")
K = p.NodeKind


def _node(nid: int, kind: p.NodeKind, sons: tuple[int, ...], ops: tuple[p.Op, ...] = ()) -> p.PNode:
    t, f = (sons[0], sons[1]) if len(sons) == 2 else (None, None)
    return p.PNode(nid, kind, ops, sons, t, f, None, True)


def _program(nodes: list[p.PNode]) -> p.Program:
    return p.Program(
        "C.f()", "f", "C", (), (), {n.node_id: n for n in nodes}, 0, False, False, None
    )


def test_ipdom_of_if_is_its_endif_and_of_a_returning_branch_is_none() -> None:
    prog = _program([
        _node(0, K.ENTRYPOINT, (1,)),
        _node(1, K.IF, (2, 3)),
        _node(2, K.EXPRESSION, (4,)),
        _node(3, K.EXPRESSION, (4,)),
        _node(4, K.ENDIF, (5,)),
        _node(5, K.IF, (6, 7)),
        _node(6, K.RETURN, ()),
        _node(7, K.THROW, ()),
    ])  # fmt: skip
    table = ipdom(prog)
    assert table(1) == 4
    assert table(5) is None
    assert table(2) == 4


def test_ipdom_inside_a_loop_with_break() -> None:
    prog = _program([
        _node(0, K.ENTRYPOINT, (1,)),
        _node(1, K.IFLOOP, (2, 5)),
        _node(2, K.IF, (3, 4)),
        _node(3, K.BREAK, (5,)),
        _node(4, K.EXPRESSION, (1,)),
        _node(5, K.ENDLOOP, (6,)),
        _node(6, K.RETURN, ()),
    ])  # fmt: skip
    assert ipdom(prog)(2) == 5
    assert ipdom(prog)(1) == 5


def _var(name: str, kind: p.VarKind = p.VarKind.TEMP) -> p.Operand:
    return p.Operand(kind, name, U)


def test_short_circuit_slices_only_the_right_operand() -> None:
    b, a, zero = (
        _var("b", p.VarKind.LOCAL),
        _var("a", p.VarKind.LOCAL),
        p.Operand(p.VarKind.CONST, "0", U, 0),
    )
    ops: tuple[p.Op, ...] = (
        p.BinaryOp("t0 = b != 0", None, _var("t0"), "!=", b, zero, True),
        p.BinaryOp("t1 = a / b", None, _var("t1"), "/", a, b, True),
        p.BinaryOp("t2 = t1 > 1", None, _var("t2"), ">", _var("t1"), zero, True),
        p.BinaryOp("t3 = t0 && t2", None, _var("t3"), "&&", _var("t0"), _var("t2"), True),
        p.BinaryOp("t4 = a / b", None, _var("t4"), "/", a, b, True),
    )
    guards = short_circuit_guards(ops)
    assert set(guards) == {1, 2}
    assert guards[1] == ((_var("t0"), True),)


def test_storage_paths_follow_the_spec_naming() -> None:
    pos = StructType("Pos", (StructField("collateral", U), StructField("debt", U)))
    t = MappingType(ElementaryType("address"), MappingType(U, pos))
    paths = {path: (len(keys), str(v)) for path, keys, v in storage_paths("position", t)}
    assert paths == {
        "position[][].collateral": (2, "BitVec(256)"),
        "position[][].debt": (2, "BitVec(256)"),
    }
    arr = {path for path, _, _ in storage_paths("arr", ArrayType(U))}
    assert arr == {"arr.length", "arr[]"}
    loc = StorageLoc(
        "position", (Step("key", zt.value(1, zt.bv_sort(160))), Step("field", name="debt")), U
    )
    assert loc.path == "position[].debt" == path_text(loc.var, loc.steps)


def _ctx() -> Ctx:
    programs = p.Programs(entry="", functions={}, solc_version=(0, 8, 19))
    return Ctx(SymbolicState("pre"), SymbolicEnv.fresh("env"), EncodeOptions(), programs, "t")


def test_merge_selects_each_path_value_by_its_condition() -> None:
    ctx = _ctx()
    c = zt.const("c", zt.bool_sort())
    bal = ctx.pre.storage_term("x", [], zt.bv_sort(256))
    one, two = zt.value(1, zt.bv_sort(256)), zt.value(2, zt.bv_sort(256))
    a = PState(c, {"x": one}, bal, {"v": one})
    b = PState(zt.not_(c), {}, bal, {"v": two})
    ctx.sorts["x"] = ([], zt.bv_sort(256))
    m = merge(ctx, [a, b])
    assert m is not None
    s = Session()
    s.add(c, zt.not_(zt.eq(m.storage["x"], one)))
    assert s.check().verdict is Verdict.UNSAT
    s = Session()
    s.add(zt.not_(c), zt.not_(zt.eq(m.storage["x"], bal)))  # the path that did not write keeps pre
    assert s.check().verdict is Verdict.UNSAT
    assert ite_chain([c], [one]) is one


@pytest.mark.parametrize("n", [1, 3])
def test_merge_of_identical_values_adds_no_ite(n: int) -> None:
    ctx = _ctx()
    v = zt.value(7, zt.bv_sort(8))
    states = [PState(zt.const(f"c{i}", zt.bool_sort()), {}, v, {"v": v}) for i in range(n)]
    m = merge(ctx, states)
    assert m is not None and m.locals["v"] is v
