"""Walking one program's CFG with state merging.

`Walker.region(start, stops, st)` runs from `start` until paths reach one of `stops`
(returned per stop) or finish (appended to `finished`). An IF runs both branches up to its
immediate post-dominator and merges them there; a loop header (IFLOOP) unrolls its body up
to the loop bound, and paths that would need one more iteration are cut (they count as
neither success nor revert, and the transition says the bound was hit).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from solvency.analyzers.symbolic.exec_mem import coerce, read
from solvency.analyzers.symbolic.exec_ops import assign, call_aliases, execute
from solvency.analyzers.symbolic.exec_state import Ctx, PState, merge
from solvency.analyzers.symbolic.exec_values import sort_of, zero_of
from solvency.ir import program as p
from solvency.smt import terms as zt
from solvency.smt.terms import Term

Inner = Callable[[PState], PState | None]
Arrivals = dict[int, list[PState]]

MAX_STEPS = 200_000  # nodes visited in one encoding before it gives up (as a cut)


class Walker:
    def __init__(self, ctx: Ctx, program: p.Program, inner: Inner | None = None) -> None:
        self.ctx = ctx
        self.program = program
        self.inner = inner
        self.finished: list[PState] = []
        self.checked_default = (
            ctx.options.checked_arithmetic
            if ctx.options.checked_arithmetic is not None
            else ctx.programs.checked_by_default
        )

    def run(self, st: PState) -> PState | None:
        """All paths from the entry to the end, merged (None when none finishes)."""
        if self.program.entry is None:
            for u in self.program.unsupported:
                self.ctx.unsupported_at(u.what, u.location)
            return None
        self.region(self.program.entry, frozenset(), st)
        return self.merged()

    def merged(self) -> PState | None:
        """The finished paths as one state; a path that ended without `return` returns
        its named return variables (so every path has return values before merging)."""
        if self.program.returns:
            for s in self.finished:
                if s.ret is None:
                    s.ret = tuple(
                        s.locals.get(r.name, zero_of(r.type)) if r.name else zero_of(r.type)
                        for r in self.program.returns
                    )
                elif len(s.ret) == len(self.program.returns):  # `return 0;` → the declared type
                    s.ret = tuple(
                        coerce(v, r.type) if hasattr(v, "sort") and not zt.is_bool(v) else v
                        for v, r in zip(s.ret, self.program.returns, strict=True)
                    )
        return merge(self.ctx, self.finished, self.program.location)

    def region(self, start: int, stops: frozenset[int], st: PState | None) -> Arrivals:
        arrivals: Arrivals = {}
        cur = start
        nodes = self.program.nodes
        while st is not None:
            if cur in stops:
                arrivals.setdefault(cur, []).append(st)
                return arrivals
            self.ctx.steps += 1
            node = nodes[cur]
            if self.ctx.steps > MAX_STEPS:
                self.ctx.unsupported_at("function too large to unroll", node.location)
                self.ctx.cut(st)
                return arrivals
            if node.kind is p.NodeKind.IFLOOP:
                st, nxt = self.loop(node, stops, st, arrivals)
                if nxt is None:
                    return arrivals
                cur = nxt
                continue
            st = self.node_ops(node, st)
            if st is None:
                return arrivals
            if (
                node.kind is p.NodeKind.IF
                and node.son_true is not None
                and node.son_false is not None
            ):
                st, nxt = self.branch(node, stops, st, arrivals)
                if nxt is None:
                    return arrivals
                cur = nxt
                continue
            if node.kind is p.NodeKind.THROW:
                self.ctx.revert(st)
                return arrivals
            if node.kind is p.NodeKind.PLACEHOLDER:
                if self.inner is None:
                    self.ctx.unsupported_at(
                        "modifier placeholder outside a modifier call", node.location
                    )
                else:
                    st = self.inner(st)
                    if st is None:
                        return arrivals
            if node.kind is p.NodeKind.RETURN or not node.sons:
                self.finished.append(st)
                return arrivals
            cur = node.sons[0]
        return arrivals

    def node_ops(self, node: p.PNode, st: PState) -> PState | None:
        from solvency.analyzers.symbolic.exec_calls import call  # noqa: PLC0415

        checked = self.checked_default and node.checked
        if node.declares is not None and node.declares.name:
            st.locals[node.declares.name] = zero_of(node.declares.type)
        guards = short_circuit_guards(node.ops)
        defined: set[str] = set()
        ops = node.ops
        if node.parallel:
            first = len(ops)
            while first > 0 and isinstance(ops[first - 1], p.Assign):
                first -= 1
            ops = ops[:first]
        for i, op in enumerate(ops):
            st.guard = self._guard(st, guards.get(i, ()), defined, op)
            lv = getattr(op, "lvalue", None)
            if isinstance(lv, p.Operand):
                defined.add(lv.name)
            result: PState | str | None
            if isinstance(op, p.CallOp | p.ExternalCallOp | p.SolidityCallOp):
                if isinstance(op, p.CallOp):
                    call_aliases(self.ctx, st, op)
                if st.guard is not None and not isinstance(op, p.SolidityCallOp):
                    result = self._guarded_call(node, st, st.guard, op)
                else:
                    result = call(self, node, st, op)
            else:
                result = execute(self.ctx, st, op, checked)
            if not isinstance(result, PState):
                return None  # every path reverted, or a modifier finished the function
            st = result
        st.guard = None
        if node.parallel:  # every right-hand value is read before any is written
            tail = [op for op in node.ops[len(ops) :] if isinstance(op, p.Assign)]
            values = [
                read(self.ctx, st, op.rvalue, op.location, sort_of(op.lvalue.type)) for op in tail
            ]
            for op, value in zip(tail, values, strict=True):
                assign(self.ctx, st, op.lvalue, value, op)
        return st

    def _guarded_call(self, node: p.PNode, st: PState, guard: Term, op: p.Op) -> PState | None:
        """A call that only runs when the left operand of && / || allows it: run it on the
        paths where it does, and merge with the paths that skip it (whose result, unused
        by the short-circuit, is left arbitrary)."""
        from solvency.analyzers.symbolic.exec_calls import call  # noqa: PLC0415

        on = st.fork(zt.and_(st.pc, guard))
        off = st.fork(zt.and_(st.pc, zt.not_(guard)))
        done = call(self, node, on, op)
        if done == "done":
            self.ctx.unsupported_at("a modifier call inside an expression", op.location)
            return None
        lv = getattr(op, "lvalue", None)
        if isinstance(lv, p.Operand) and done is not None and lv.name in done.locals:
            v = done.locals[lv.name]
            off.locals[lv.name] = self.ctx.fresh("skipped", v.sort()) if hasattr(v, "sort") else v
        return merge(self.ctx, [s for s in (done, off) if s is not None], op.location)

    def _guard(
        self, st: PState, needs: tuple[tuple[p.Operand, bool], ...], defined: set[str], op: p.Op
    ) -> Term | None:
        if not needs:
            return None
        parts = []
        for operand, positive in needs:
            v = st.locals.get(operand.name)
            if operand.kind is p.VarKind.CONST:
                v = zt.bool_val(bool(operand.value))
            elif operand.kind is p.VarKind.TEMP and operand.name not in defined:
                v = None  # computed after the operation it guards: cannot apply it
            if v is None or not hasattr(v, "sort") or not zt.is_bool(v):
                what = "the right operand of && / || evaluated before its left operand"
                self.ctx.unsupported_at(what, op.location)
                return None
            parts.append(v if positive else zt.not_(v))
        return zt.and_(*parts)

    def branch(
        self, node: p.PNode, stops: frozenset[int], st: PState, arrivals: Arrivals
    ) -> tuple[PState | None, int | None]:
        c = st.cond if st.cond is not None else zt.bool_val(True)
        join = ipdom(self.program)(node.node_id)
        sub = stops | {join} if join is not None else stops
        assert node.son_true is not None and node.son_false is not None
        a = self.region(node.son_true, sub, st.fork(zt.and_(st.pc, c)))
        b = self.region(node.son_false, sub, st.fork(zt.and_(st.pc, zt.not_(c))))
        return self._join(join, stops, [a, b], arrivals)

    def _join(
        self, join: int | None, stops: frozenset[int], parts: list[Arrivals], arrivals: Arrivals
    ) -> tuple[PState | None, int | None]:
        at_join: list[PState] = []
        for part in parts:
            for stop, sts in part.items():
                if stop == join and join not in stops:
                    at_join.extend(sts)
                else:
                    arrivals.setdefault(stop, []).extend(sts)
        if join is None or join in stops:
            return None, None
        return merge(self.ctx, at_join, self.program.nodes[join].location), join

    def loop(
        self, node: p.PNode, stops: frozenset[int], st: PState, arrivals: Arrivals
    ) -> tuple[PState | None, int | None]:
        exit_id, body = node.son_false, node.son_true
        if exit_id is None or body is None:
            self.ctx.unsupported_at("loop without a recognisable exit", node.location)
            self.ctx.cut(st)
            return None, None
        bound = self.ctx.options.loop_bound
        exits: list[PState] = []
        cur: PState | None = st
        for i in range(bound + 1):
            if cur is None:
                break
            cur = self.node_ops(node, cur)
            if cur is None:
                break
            c = cur.cond if cur.cond is not None else zt.bool_val(True)
            exits.append(cur.fork(zt.and_(cur.pc, zt.not_(c))))
            if i == bound:
                self.ctx.cut(cur, c)
                break
            inner = self.region(body, stops | {node.node_id, exit_id}, cur.fork(zt.and_(cur.pc, c)))
            exits.extend(inner.pop(exit_id, []))
            again = inner.pop(node.node_id, [])
            for stop, sts in inner.items():
                arrivals.setdefault(stop, []).extend(sts)
            cur = merge(self.ctx, again, node.location)
        if exit_id in stops:
            arrivals.setdefault(exit_id, []).extend(exits)
            return None, None
        return merge(self.ctx, exits, node.location), exit_id


_EXIT = -1


def ipdom(program: p.Program) -> Callable[[int], int | None]:
    return _ipdom_table(program.key, id(program), _Frozen(program))


class _Frozen:
    def __init__(self, program: p.Program) -> None:
        self.program = program

    def __hash__(self) -> int:
        return id(self.program)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Frozen) and other.program is self.program


@cache
def _ipdom_table(key: str, pid: int, frozen: _Frozen) -> Callable[[int], int | None]:
    """Immediate post-dominators (iterative data-flow over the reversed CFG)."""
    nodes = frozen.program.nodes
    succ = {n: [s for s in node.sons if s in nodes] or [_EXIT] for n, node in nodes.items()}
    for n, node in nodes.items():
        if node.kind in (p.NodeKind.RETURN, p.NodeKind.THROW):
            succ[n] = [_EXIT]
    every = set(nodes) | {_EXIT}
    pdom: dict[int, set[int]] = {n: set(every) for n in nodes}
    pdom[_EXIT] = {_EXIT}
    changed = True
    while changed:
        changed = False
        for n in nodes:
            inter = set.intersection(*(pdom[s] for s in succ[n]))
            new = inter | {n}
            if new != pdom[n]:
                pdom[n] = new
                changed = True
    table: dict[int, int | None] = {}
    for n in nodes:
        strict = pdom[n] - {n}
        best = None
        for c in strict:  # the closest: every other strict post-dominator post-dominates it
            if all(d in pdom[c] for d in strict):
                best = c
                break
        table[n] = None if best in (None, _EXIT) else best
    return table.get


def _reads(op: p.Op) -> list[str]:
    names: list[str] = []
    for name in getattr(op, "__dataclass_fields__", {}):
        if name == "lvalue":
            continue
        v = getattr(op, name)
        if isinstance(v, p.Operand):
            names.append(v.name)
        elif isinstance(v, tuple):
            names.extend(x.name for x in v if isinstance(x, p.Operand))
    return names


def _slice(ops: tuple[p.Op, ...], end: int, root: str) -> set[int]:
    """Indices of the operations before `end` that compute `root`."""
    needed, found = {root}, set()
    for j in range(end - 1, -1, -1):
        lv = getattr(ops[j], "lvalue", None)
        if isinstance(lv, p.Operand) and lv.name in needed:
            found.add(j)
            needed.update(_reads(ops[j]))
    return found


def short_circuit_guards(ops: tuple[p.Op, ...]) -> dict[int, tuple[tuple[p.Operand, bool], ...]]:
    """For each operation that only computes the right operand of `&&` (`||`), the left
    operand and the value it must have for the operation to run. SlithIR evaluates both
    sides; Solidity does not, so `b != 0 && a / b > 1` must not revert when b is 0."""
    out: dict[int, tuple[tuple[p.Operand, bool], ...]] = {}
    for k, op in enumerate(ops):
        if not isinstance(op, p.BinaryOp) or op.op not in ("&&", "||"):
            continue
        right = _slice(ops, k, op.right.name) - _slice(ops, k, op.left.name)
        for j in right:
            out[j] = (*out.get(j, ()), (op.left, op.op == "&&"))
    return out
