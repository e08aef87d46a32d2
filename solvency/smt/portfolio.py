"""Z3 queries for the prover: a small portfolio over two equivalent-or-checked encodings.

Spec arithmetic is mathint over `bv2int` of 256-bit values. Z3 proves such queries fast
once `bv2int` is pushed down (bv2int.Rewriter), but finding a *model* of a satisfiable
one can take seconds to minutes: it must reconcile 256-bit vectors with integers. The
same query with every integer as a 320-bit two's complement vector is bit-blasted and
answered in milliseconds when satisfiable. So each query runs

0. the integer form with every `bv2int(x)` an uninterpreted function bounded to
   [0, 2^n), very briefly, for a proof only (an over-approximation: UNSAT is a proof);
   Z3's exact `bv2int` axioms can stall on facts that need no bits at all;
1. the integer form, briefly (proofs are usually instant);
2. the bit-vector form, briefly; a model it finds is only a candidate (a wrap-around at
   320 bits could fake one), so it is pinned into the integer solver and re-checked there:
   only a model of the original query counts, and the bit-vector form never proves;
3. the original terms as written (bit-vectors with `bv2int` where the spec uses mathint),
   briefly, for a proof only: the integer form mixes bit-vector equalities with integer
   comparisons, which Z3 sometimes cannot link (a forced-ETH step of `balance >= total`
   timed out there and is UNSAT in 0.5 s as written). The original terms are the exact
   meaning, so UNSAT there is a proof;
4. the integer form with the full budget.

Fixed seed and resource limit, as smt.solver.Session; unknown carries Z3's reason. Each
portfolio solves in a Z3 context of its own (terms are built in the global context and
translated on the way in), and so does each bit-vector attempt: a query that timed out in
the shared context left it slow for the next solver (an abstracted mulDiv query answered
in 0.03 s alone took over 10 s right after an exact one timed out), and a verdict should
not depend on which queries ran before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import z3

from solvency.smt import terms as zt
from solvency.smt.bv2int import MemoRewriter, Rewriter
from solvency.smt.solver import (
    CheckResult,
    SolverConfig,
    Verdict,
    Z3Error,
    describe_error,
    translate,
)

Term = Any
WIDE = 320  # bits for mathint in the bit-vector form
QUICK_MS = 2_000  # the first integer attempt
WIDE_MS = 5_000  # the bit-vector attempt
RAW_MS = 2_000  # the terms as written, for proofs
ABSTRACT_MS = 1_000  # bv2int as bounded uninterpreted functions, for proofs


class Portfolio:
    """One transition's solver: assertions in scopes, checks through the portfolio."""

    def __init__(self, config: SolverConfig) -> None:
        self.config = config
        self.rw = Rewriter()
        self.wide = Widener()
        self._ctx = z3.Context()
        self._solver = z3.Solver(ctx=self._ctx)
        self._solver.set("random_seed", config.seed, "rlimit", config.rlimit)
        self._stack: list[list[Term]] = [[]]
        self._raw: list[list[Term]] = [[]]  # the same assertions before rewriting
        self._model: Any = None

    def add(self, *terms: Term) -> None:
        for t in terms:
            r = self.rw(t)
            self._solver.add(self._in(r))
            self._stack[-1].append(r)
            self._raw[-1].append(t)

    def _in(self, t: Term) -> Term:
        return translate(t, self._ctx)

    @contextmanager
    def scope(self) -> Iterator[Portfolio]:
        self._solver.push()
        self._stack.append([])
        self._raw.append([])
        try:
            yield self
        finally:
            self._stack.pop()
            self._raw.pop()
            self._solver.pop()
            self._model = None

    def check(self, goal: Term) -> CheckResult:
        try:
            return self._check(goal)
        except Z3Error as exc:  # out of memory: this query is undecided, the run goes on
            self._model = None
            return CheckResult(Verdict.UNKNOWN, describe_error(exc))

    def _check(self, goal: Term) -> CheckResult:
        wide_goal = self.rw(goal)
        g = self._in(wide_goal)
        total = self.config.timeout_ms
        if self._abstracted(wide_goal, min(ABSTRACT_MS, total)):
            self._model = None
            return CheckResult(Verdict.UNSAT)
        quick = min(QUICK_MS, total)
        r = self._int(g, quick)
        if r.verdict is not Verdict.UNKNOWN:
            return r
        if self._wide(wide_goal, g, min(WIDE_MS, total)):
            return CheckResult(Verdict.SAT)
        if self._as_written(goal, min(RAW_MS, total)):
            self._model = None
            return CheckResult(Verdict.UNSAT)
        return self._int(g, total) if total > quick else r

    def _int(self, goal: Term, timeout_ms: int) -> CheckResult:
        self._solver.set("timeout", timeout_ms)
        r = self._solver.check(goal)
        if r == z3.sat:
            self._model = self._solver.model()
            return CheckResult(Verdict.SAT)
        self._model = None
        if r == z3.unsat:
            return CheckResult(Verdict.UNSAT)
        return CheckResult(Verdict.UNKNOWN, str(self._solver.reason_unknown()))

    def _wide(self, rewritten: Term, goal: Term, timeout_ms: int) -> bool:
        """A model from the bit-vector form (`rewritten` widened, in a context of its own),
        confirmed on the integer form (`goal`, in this portfolio's context)."""
        try:
            terms = [self.wide(t) for frame in self._stack for t in frame]
            terms.append(self.wide(rewritten))
        except UnwidenableError:
            return False
        ctx = z3.Context()
        s = z3.Solver(ctx=ctx)
        s.set("timeout", timeout_ms, "random_seed", self.config.seed)
        s.add(*(t.translate(ctx) for t in terms))
        if s.check() != z3.sat:
            return False
        pins = [self._in(p) for p in self.wide.pins(s.model())]
        self._solver.push()
        try:
            self._solver.add(*pins)
            self._solver.set("timeout", timeout_ms)
            if self._solver.check(goal) != z3.sat:
                return False
            self._model = self._solver.model()
        finally:
            self._solver.pop()
        return True

    def _abstracted(self, rewritten: Term, timeout_ms: int) -> bool:
        """Whether the integer form is UNSAT with every `bv2int(x)` an uninterpreted
        function of x bounded to [0, 2^n) (in a context of its own). Z3's exact `bv2int`
        ties each integer to the bits of x and can time out on facts that need none of it
        (a token balance moved by a transfer: unknown after 30 s, UNSAT in 0.01 s here).
        The exact query is an instance of this one (the function := bv2int), so UNSAT is a
        proof; SAT or unknown decides nothing."""
        ab = BoundedBv2Int()
        terms = [ab(t) for frame in self._stack for t in frame]
        terms.append(ab(rewritten))
        if not ab.bounds:
            return False  # nothing abstracted: the integer attempt is the same query
        ctx = z3.Context()
        s = z3.Solver(ctx=ctx)
        s.set("timeout", timeout_ms, "random_seed", self.config.seed, "rlimit", self.config.rlimit)
        s.add(*(t.translate(ctx) for t in (*terms, *ab.bounds)))
        return bool(s.check() == z3.unsat)

    def _as_written(self, goal: Term, timeout_ms: int) -> bool:
        """Whether the assertions and `goal`, as written, are UNSAT (in a context of their
        own); sat or unknown there decides nothing."""
        ctx = z3.Context()
        s = z3.Solver(ctx=ctx)
        s.set("timeout", timeout_ms, "random_seed", self.config.seed, "rlimit", self.config.rlimit)
        for frame in self._raw:
            s.add(*(_translate(t, ctx) for t in frame))
        return bool(s.check(_translate(goal, ctx)) == z3.unsat)

    def value(self, t: Term) -> int | bool:
        """`t` in the last model (model completion: unconstrained parts get a default)."""
        if self._model is None:
            raise RuntimeError("value() needs a preceding sat check")
        return zt.as_python(self._model.eval(self._in(t), model_completion=True))


class BoundedBv2Int(MemoRewriter):
    """`bv2int(x)` → `b2i_n(x)`, one uninterpreted function per width n, with the bounds
    0 <= b2i_n(x) < 2^n collected in `bounds`. Quantifier bodies are kept exact: abstracting
    only some occurrences is still an over-approximation (b2i_n := bv2int satisfies all)."""

    def __init__(self) -> None:
        super().__init__()
        self._fns: dict[int, Any] = {}
        self.bounds: list[Term] = []

    def _term(self, e: Term) -> Term:
        if not z3.is_app(e) or e.num_args() == 0:
            return e  # quantifiers and variables stay as they are
        args = [self(a) for a in e.children()]
        if e.decl().kind() == z3.Z3_OP_BV2INT:
            n = e.arg(0).size()
            f = self._fns.get(n)
            if f is None:
                f = self._fns[n] = z3.Function(f"b2i{n}", z3.BitVecSort(n), z3.IntSort())
            out = f(args[0])
            self.bounds.append(z3.And(out >= 0, out < z3.IntVal(1 << n)))
            return out
        if all(a.eq(b) for a, b in zip(args, e.children(), strict=True)):
            return e
        return e.decl()(*args)


class UnwidenableError(Exception):
    """A term the bit-vector form does not cover (quantifiers, reals …)."""


class Widener(MemoRewriter):
    """Integers → WIDE-bit two's complement vectors; everything else kept."""

    def __init__(self) -> None:
        super().__init__()
        self._names: dict[str, tuple[Any, Any]] = {}  # wide decl → (original decl, its wide)

    def _term(self, e: Term) -> Term:
        if z3.is_int_value(e):
            return z3.BitVecVal(e.as_long() % (1 << WIDE), WIDE)
        if z3.is_quantifier(e) or (z3.is_app(e) and z3.is_real(e)):
            raise UnwidenableError(str(e)[:80])
        if not z3.is_app(e):
            return e
        d, k = e.decl(), e.decl().kind()
        if k == z3.Z3_OP_UNINTERPRETED and _has_int(d):
            return self._symbol(e)
        if k == z3.Z3_OP_BV2INT:
            x = self(e.arg(0))
            return z3.ZeroExt(WIDE - x.size(), x)
        if e.num_args() == 0:
            return e
        a = [self(x) for x in e.children()]
        if k in _FOLD:
            out = a[0]
            for x in a[1:]:
                out = _FOLD[k](out, x)
            return out
        if k in _INT_OPS and z3.is_int(e.arg(0)):
            return _INT_OPS[k](*a)
        if k == z3.Z3_OP_UMINUS:
            return -a[0]
        if k == z3.Z3_OP_ITE:
            return z3.If(a[0], a[1], a[2])
        if k == z3.Z3_OP_EQ:
            return a[0] == a[1]
        if k == z3.Z3_OP_DISTINCT:
            return z3.Distinct(*a)
        if any(z3.is_int(x) for x in e.children()):
            raise UnwidenableError(d.name())
        return d(*a)

    def _symbol(self, e: Term) -> Term:
        d = e.decl()
        name = f"{d.name()}#wide"
        if name not in self._names:
            dom = [_wide_sort(d.domain(i)) for i in range(d.arity())]
            wide = z3.Function(name, *dom, _wide_sort(d.range()))
            self._names[name] = (d, wide)
        wide = self._names[name][1]
        return wide(*[self(x) for x in e.children()]) if e.num_args() else wide()

    def pins(self, model: Any) -> list[Term]:
        """Equalities fixing the original symbols to a bit-vector model's values."""
        out: list[Term] = []
        for d in model.decls():
            if d.arity() != 0:
                continue
            value = model[d]
            if d.name() in self._names:
                orig = self._names[d.name()][0]
                if orig.range() == z3.IntSort() and z3.is_bv_value(value):
                    raw = value.as_long()
                    signed = raw - (1 << WIDE) if raw >> (WIDE - 1) else raw
                    out.append(orig() == z3.IntVal(signed))
                continue
            const = d()
            if value is not None and value.sort() == const.sort():
                out.append(const == value)
        return out


def _translate(t: Term, ctx: Any) -> Term:
    return z3.BoolVal(t, ctx) if isinstance(t, bool) else t.translate(ctx)


def _has_int(d: Any) -> bool:
    return bool(
        d.range() == z3.IntSort() or any(d.domain(i) == z3.IntSort() for i in range(d.arity()))
    )


def _wide_sort(s: Any) -> Any:
    return z3.BitVecSort(WIDE) if s == z3.IntSort() else s


_FOLD = {
    z3.Z3_OP_ADD: lambda a, b: a + b,
    z3.Z3_OP_SUB: lambda a, b: a - b,
    z3.Z3_OP_MUL: lambda a, b: a * b,
}
_INT_OPS = {
    z3.Z3_OP_LE: lambda a, b: a <= b,  # signed on bit-vectors in z3py: right for mathint
    z3.Z3_OP_LT: lambda a, b: a < b,
    z3.Z3_OP_GE: lambda a, b: a >= b,
    z3.Z3_OP_GT: lambda a, b: a > b,
    z3.Z3_OP_IDIV: lambda a, b: a / b,  # signed on bit-vectors in z3py
    z3.Z3_OP_MOD: z3.SRem,
}
