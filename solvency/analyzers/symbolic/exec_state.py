"""The executor's path state and the per-encoding context, and merging states at joins.

A `PState` is one set of paths reaching a program point under the path condition `pc`:
its storage (path → array/constant term), ETH balances and the current frame's locals.
Merging turns several into one with `ite` over their path conditions, so a function is one
formula, not one per path. Reverts, asserts, cuts and unsupported operations are collected
in the `Ctx`, shared by every frame of one encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from solvency.analyzers.symbolic.exec_values import (
    MArray,
    MemLoc,
    MStruct,
    Step,
    StorageLoc,
    TupleVal,
    Value,
)
from solvency.analyzers.symbolic.transition import EncodeOptions, Unsupported, Write
from solvency.core.location import Location
from solvency.core.properties import Assumption
from solvency.ir.program import Programs
from solvency.smt import terms as zt
from solvency.smt.state import TOKENS_PATH, SymbolicEnv, SymbolicState
from solvency.smt.terms import Sort, Term


@dataclass
class PState:
    pc: Term
    storage: dict[str, Term]
    balances: Term
    locals: dict[str, Value]
    ret: tuple[Value, ...] | None = None
    immutables: dict[str, Term] = field(default_factory=dict)
    cond: Term | None = None  # the last Condition operation's value
    # Under `a && b` / `a || b`, the operations computing b only run when a is true
    # (false): their revert conditions are conjoined with this guard.
    guard: Term | None = None

    def fork(self, pc: Term) -> PState:
        return PState(
            pc, dict(self.storage), self.balances, dict(self.locals), self.ret,
            dict(self.immutables), None,
        )  # fmt: skip


@dataclass
class Ctx:
    pre: SymbolicState
    env: SymbolicEnv
    options: EncodeOptions
    programs: Programs
    tag: str  # prefix of fresh names, unique per encoding
    constructor: bool = False
    reverts: list[Term] = field(default_factory=list)
    asserts: list[tuple[Term, Location | None]] = field(default_factory=list)
    constraints: list[Term] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    unsupported: list[Unsupported] = field(default_factory=list)
    writes: dict[str, list[Write]] = field(default_factory=dict)
    cuts: list[Term] = field(default_factory=list)
    loop_bound_hit: int | None = None
    sorts: dict[str, tuple[list[Sort], Sort]] = field(default_factory=dict)
    stack: list[str] = field(default_factory=list)  # keys of the programs being run
    steps: int = 0
    # ERC20 summary (tokens.py): what abi.encode* built, and what a summarized low-level
    # call returned, by the id of the term standing for those bytes.
    calldata: dict[int, tuple[int, tuple[Term, ...]]] = field(default_factory=dict)
    returndata: dict[int, Term] = field(default_factory=dict)
    _n: int = 0

    def fresh(self, what: str, sort: Sort) -> Term:
        self._n += 1
        return zt.const(f"{self.tag}.{what}#{self._n}", sort)

    def fresh_array(self, what: str, key_sorts: list[Sort], value_sort: Sort) -> Term:
        self._n += 1
        return zt.array(f"{self.tag}.{what}#{self._n}", key_sorts, value_sort)

    def unsupported_at(self, what: str, location: Location | None) -> None:
        item = Unsupported(what, location)
        if item not in self.unsupported:
            self.unsupported.append(item)

    def assume(self, a: Assumption) -> None:
        if a not in self.assumptions:
            self.assumptions.append(a)

    def revert(self, st: PState, cond: Term | None = None) -> None:
        """Paths of `st` where `cond` holds (all of them when None) revert."""
        self.reverts.append(st.pc if cond is None else zt.and_(st.pc, cond))

    def fail_if(self, st: PState, cond: Term) -> None:
        """The paths of `st` where `cond` holds revert (Solidity's implicit checks)."""
        eff = cond if st.guard is None else zt.and_(st.guard, cond)
        self.reverts.append(zt.and_(st.pc, eff))
        st.pc = zt.and_(st.pc, zt.not_(eff))

    def cut(self, st: PState, cond: Term | None = None, bound: int | None = None) -> None:
        self.cuts.append(st.pc if cond is None else zt.and_(st.pc, cond))
        b = self.options.loop_bound if bound is None else bound
        self.loop_bound_hit = b if self.loop_bound_hit is None else max(self.loop_bound_hit, b)

    def storage_term(self, st: PState, path: str, key_sorts: list[Sort], value_sort: Sort) -> Term:
        if path not in self.sorts:
            self.sorts[path] = (key_sorts, value_sort)
        if path not in st.storage:
            st.storage[path] = self.pre.storage_term(path, key_sorts, value_sort)
        return st.storage[path]

    def pre_term(self, path: str) -> Term:
        if path == TOKENS_PATH:
            return self.pre.token_balances()
        keys, value = self.sorts[path]
        return self.pre.storage_term(path, keys, value)


def same(a: Term, b: Term) -> bool:
    return a is b or bool(a.eq(b))


def ite_chain(pcs: Sequence[Term], vals: Sequence[Term]) -> Term:
    out = vals[-1]
    for pc, v in zip(reversed(pcs[:-1]), reversed(vals[:-1]), strict=True):
        out = out if same(v, out) else zt.ite(pc, v, out)
    return out


def merge(ctx: Ctx, states: Sequence[PState], where: Location | None = None) -> PState | None:
    """One state standing for all of `states` (None when there are none)."""
    if not states:
        return None
    if len(states) == 1:
        return states[0]
    pcs = [s.pc for s in states]
    out = PState(zt.or_(*pcs), {}, ite_chain(pcs, [s.balances for s in states]), {})
    for path in {p for s in states for p in s.storage}:
        vals = [s.storage[path] if path in s.storage else ctx.pre_term(path) for s in states]
        out.storage[path] = ite_chain(pcs, vals)
    for name in {n for s in states for n in s.immutables}:
        have = [(s.pc, s.immutables[name]) for s in states if name in s.immutables]
        out.immutables[name] = ite_chain([p for p, _ in have], [v for _, v in have])
    for name in {n for s in states for n in s.locals}:
        have = [(s.pc, s.locals[name]) for s in states if name in s.locals]
        out.locals[name] = merge_value(ctx, [p for p, _ in have], [v for _, v in have], where)
    rets = [(s.pc, s.ret) for s in states if s.ret is not None]
    if rets:
        tup = [TupleVal(r) for _, r in rets]
        merged = merge_value(ctx, [p for p, _ in rets], tup, where)
        out.ret = merged.items if isinstance(merged, TupleVal) else None
    return out


def merge_value(
    ctx: Ctx, pcs: Sequence[Term], vals: Sequence[Value], where: Location | None
) -> Value:
    first = vals[0]
    if len(vals) == 1 or all(v is first for v in vals):
        return first
    if all(isinstance(v, StorageLoc | MemLoc | MStruct | MArray | TupleVal) for v in vals):
        if isinstance(first, TupleVal):
            ts = [v for v in vals if isinstance(v, TupleVal)]
            if len(ts) == len(vals) and len({len(t.items) for t in ts}) == 1:
                return TupleVal(
                    tuple(
                        merge_value(ctx, pcs, [t.items[i] for t in ts], where)
                        for i in range(len(first.items))
                    )
                )
        if isinstance(first, MStruct):
            ss = [v for v in vals if isinstance(v, MStruct)]
            if len(ss) == len(vals):
                return MStruct(
                    first.type,
                    tuple(
                        (n, merge_value(ctx, pcs, [s.get(n) or v0 for s in ss], where))
                        for n, v0 in first.fields
                    ),
                )
        if isinstance(first, MArray):
            arrs = [v for v in vals if isinstance(v, MArray)]
            if len(arrs) == len(vals):
                length = ite_chain(pcs, [a.length for a in arrs])
                data = ite_chain(pcs, [a.data for a in arrs])
                return MArray(first.element, length, data)
        if isinstance(first, StorageLoc | MemLoc):
            locs = [v for v in vals if type(v) is type(first)]
            if len(locs) == len(vals) and _same_shape(locs):
                return _merge_loc(pcs, locs)
        ctx.unsupported_at("a reference that points to different places on different paths", where)
        return first
    if any(not hasattr(v, "sort") for v in vals):
        return _unknown(ctx, vals, where)
    if len({str(v.sort()) for v in vals}) != 1:  # type: ignore[union-attr]
        widened = _widen_literals(list(vals))
        if widened is None:
            return _unknown(ctx, vals, where)
        vals = widened
    return ite_chain(pcs, vals)


def _unknown(ctx: Ctx, vals: Sequence[Value], where: Location | None) -> Value:
    """Values the merge cannot combine: unsupported, and unconstrained rather than one
    path's value, so the transition still admits every real run."""
    ctx.unsupported_at("values of different kinds merged at a join", where)
    for v in vals:
        if hasattr(v, "sort"):
            return ctx.fresh("merged", v.sort())
    return vals[0]


def _widen_literals(vals: list[Term]) -> list[Term] | None:
    """Bit-vectors of different widths where every narrower one is a non-negative literal
    (a `0` next to a uint256): the literal at the wide width means the same number."""
    if any(zt.is_bool(v) for v in vals):
        return None
    n = max(zt.bits_of(v) for v in vals)
    out = []
    for v in vals:
        if zt.bits_of(v) == n:
            out.append(v)
            continue
        if v.num_args() != 0:
            return None
        try:
            k = zt.as_python(v)
        except ValueError:
            return None
        if isinstance(k, bool) or k >> (zt.bits_of(v) - 1):
            return None  # a negative literal's width matters: do not guess
        out.append(zt.value(k, zt.bv_sort(n)))
    return out


def _same_shape(locs: Sequence[StorageLoc | MemLoc]) -> bool:
    a = locs[0]
    root = a.var if isinstance(a, StorageLoc) else a.root
    for b in locs[1:]:
        broot = b.var if isinstance(b, StorageLoc) else b.root
        if broot != root or len(b.steps) != len(a.steps):
            return False
        if not all(x.same_shape(y) for x, y in zip(a.steps, b.steps, strict=True)):
            return False
    return True


def _merge_loc(pcs: Sequence[Term], locs: Sequence[StorageLoc | MemLoc]) -> Value:
    first = locs[0]
    steps = []
    for i, s in enumerate(first.steps):
        if s.term is None:
            steps.append(s)
            continue
        terms = [loc.steps[i].term for loc in locs]
        steps.append(Step(s.kind, ite_chain(pcs, terms), s.name))
    if isinstance(first, StorageLoc):
        return StorageLoc(first.var, tuple(steps), first.type)
    return MemLoc(first.root, tuple(steps), first.type)
