"""The prover's driver: plan obligations from the spec, encode each function once, ask Z3,
turn answers into verdicts (with counterexamples replayed on revm), aggregate.

Verdict rules (soundness first):
- UNSAT with unsupported code in the function: UNKNOWN naming the operations, never PROVED.
- UNSAT with a loop cut at k: PROVED_BOUNDED(k).
- SAT: a counterexample; VIOLATED when the replay on revm confirms it, or, with replays
  switched off, when nothing unmodelled was involved (then unconfirmed); otherwise UNKNOWN
  with the counterexample and why it did not replay (Z3's pre-state was not a real one,
  external results are unconstrained, or the replay could not run).
- satisfy: PROVED only when the witness replays; UNSAT (no loop cut, nothing unsupported)
  is VIOLATED: no pre-state at all lets the call reach it.
- Z3 unknown (timeout, resource limit, quantifiers): UNKNOWN with Z3's reason.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from solvency.analyzers.symbolic import counterexample as cx
from solvency.analyzers.symbolic import forced, sums, tokens, walk
from solvency.analyzers.symbolic import obligations as ob
from solvency.analyzers.symbolic.api import ProveOptions, ProveProgress
from solvency.analyzers.symbolic.counterexample import Draft
from solvency.analyzers.symbolic.plans import Builder, Plan, plan
from solvency.analyzers.symbolic.replay import Replayer
from solvency.analyzers.symbolic.results import FnVerdict, Property, aggregate, settle
from solvency.analyzers.symbolic.search import settle_by_search
from solvency.analyzers.symbolic.transition import (
    EncodeOptions,
    Transition,
    encode_constructor,
    encode_function,
)
from solvency.analyzers.symbolic.zero_state import ZeroState
from solvency.core.counterexample import Counterexample
from solvency.core.errors import InternalError
from solvency.core.properties import Assumption, PropertyKind, PropertyResult, Status
from solvency.ir.model import Function
from solvency.smt import terms as zt
from solvency.smt.portfolio import Portfolio
from solvency.smt.solver import CheckResult, SolverConfig, Verdict, Z3Error, describe_error
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.smt.terms import Term
from solvency.specs import typed

CONSTRUCTOR = "constructor"
ABSTRACT = "#abstract"  # encoding-cache suffix: nonlinear operations abstracted
OVER = "over-approximation"  # the assumption kind exec_nonlinear records per abstracted site
Z3_UNKNOWN = "Z3 returned unknown"
ABSTRACT_PROOF = (
    "proved with nonlinear arithmetic abstracted (a sound over-approximation; the exact "
    "query timed out)"
)
ABSTRACT_MODEL = (
    "abstract model only: Z3 timed out on exact arithmetic and found this model with "
    "nonlinear arithmetic abstracted, which over-approximates"
)
NOT_SELF = Assumption(
    "caller-not-self", "the caller is never the contract itself (msg.sender != this)"
)
INPUTS_FIXED = Assumption(
    "input-fixed", "declared inputs (oracle prices …) keep one value during each call"
)


@dataclass
class Encoded:
    t: Transition
    ctx: ob.Context
    session: Portfolio
    sum_problems: dict[str, str]
    name: str  # the function's name, or "constructor"

    def add(self, *terms: Term) -> None:
        self.session.add(*terms)

    def check(self, goal: Term) -> CheckResult:
        return self.session.check(goal)


class Prover:
    def __init__(
        self, spec: typed.CheckedSpec, options: ProveOptions, replayer: Replayer | None
    ) -> None:
        self.spec = spec
        self.options = options
        self.replayer = replayer
        exprs = [e for inv in spec.invariants for e in walk.invariant_exprs(inv)]
        exprs += [e for r in spec.rules for e in walk.rule_exprs(r)]
        self.sums = walk.sums(exprs)
        self._encoded: dict[str, Encoded | str] = {}

    def encode(self, f: Function | None, *, abstract: bool = False) -> Encoded | str:
        key = (CONSTRUCTOR if f is None else f.signature) + (ABSTRACT if abstract else "")
        if key not in self._encoded:
            try:
                self._encoded[key] = self._encode(f, abstract)
            except (InternalError, NotImplementedError, ValueError, KeyError, TypeError) as exc:
                self._encoded[key] = f"{type(exc).__name__}: {exc}"
        return self._encoded[key]

    def _encode(self, f: Function | None, abstract: bool = False) -> Encoded:
        options = EncodeOptions(
            loop_bound=self.options.loop_bound, nonlinear="abstract" if abstract else "exact"
        )
        contract = self.spec.contract
        name = CONSTRUCTOR if f is None else f.name
        env = SymbolicEnv.fresh(name)
        if f is None:
            pre: SymbolicState = ZeroState("init")
            pre.erc20_summary = tokens.requested(self.spec)
            zero_problems = sums.zero_totals(pre, env, self.sums)
            t = encode_constructor(contract, pre, env, options)
        else:
            pre = SymbolicState(f"pre.{f.name}")
            pre.erc20_summary = tokens.requested(self.spec)
            zero_problems = {}
            t = encode_function(contract, f, pre, env, options)
        t.post.inputs = t.pre.inputs  # an input keeps its value during one call
        problems = {**zero_problems, **sums.relate(t.pre, t.post, env, self.sums, t.writes)}
        session = Portfolio(
            SolverConfig(self.options.timeout_ms, self.options.rlimit, self.options.seed)
        )
        enc = Encoded(t, ob.Context.make(self.spec, t, name), session, problems, name)
        enc.add(*t.constraints)
        if f is not None:
            enc.add(zt.not_(zt.eq(env.sender, t.pre.this)))
        return enc

    # ── one obligation ───────────────────────────────────────────────────────────────────

    def obligation(self, p: Plan, f: Function | None, build: Builder) -> FnVerdict:
        start = time.perf_counter()
        fname = CONSTRUCTOR if f is None else f.name
        enc = self.encode(f)
        if isinstance(enc, str):
            return FnVerdict(fname, Status.ERROR, f"the symbolic executor failed: {enc}")
        try:
            q = build(enc.ctx)
        except (InternalError, ValueError, KeyError, TypeError) as exc:
            return FnVerdict(fname, Status.ERROR, f"cannot state the property: {exc}")
        verdict, enc, q = self._verdict(p, f, build, enc, q)
        t = enc.t
        extra = (INPUTS_FIXED,) if t.pre.inputs else ()
        if enc.name != CONSTRUCTOR:
            extra = (NOT_SELF, *extra)
        return FnVerdict(
            fname,
            verdict.status,
            verdict.reason,
            verdict.bound,
            (*_kept(t, verdict), *q.assumptions, *extra, *verdict.assumptions),
            verdict.counterexample,
            frozenset(q.deps),
            time.perf_counter() - start,
            verdict.vacuous,
        )

    def _verdict(
        self, p: Plan, f: Function | None, build: Builder, enc: Encoded, q: ob.Query
    ) -> tuple[FnVerdict, Encoded, ob.Query]:
        """Exact arithmetic first; when Z3 runs out of time on it (or with
        nonlinear="abstract", at once), the query with nonlinear operations abstracted
        (exec_nonlinear: an over-approximation, so UNSAT there is a proof; a model there is
        not a counterexample until the EVM replays it). Satisfy queries are existential and
        never take the abstract path."""
        mode = self.options.nonlinear
        exact: FnVerdict | None = None
        if mode != "abstract" or p.satisfy:
            exact = self._decide(p, enc, q, enc.name)
            if mode == "exact" or p.satisfy or not _timed_out(exact):
                return exact, enc, q
        got = self._abstract(p, f, build, enc, q)
        if got is None:  # nothing nonlinear to abstract: the same query again is no help
            return exact or self._decide(p, enc, q, enc.name), enc, q
        verdict = got[0]
        if not _timed_out(verdict):
            return got
        if exact is None:
            exact = self._decide(p, enc, q, enc.name)
            if not _timed_out(exact):
                return exact, enc, q
        why = f"{exact.reason}; with nonlinear arithmetic abstracted too: {verdict.reason}"
        return dataclasses.replace(exact, reason=why), enc, q

    def _abstract(
        self, p: Plan, f: Function | None, build: Builder, enc: Encoded, q: ob.Query
    ) -> tuple[FnVerdict, Encoded, ob.Query] | None:
        abs_enc = self.encode(f, abstract=True)
        if isinstance(abs_enc, str) or not any(a.kind == OVER for a in abs_enc.t.assumptions):
            return None
        try:
            abs_q = build(abs_enc.ctx)
        except (InternalError, ValueError, KeyError, TypeError):
            return None
        return self._decide(p, abs_enc, abs_q, abs_enc.name, exact=(enc, q)), abs_enc, abs_q

    def _decide(
        self,
        p: Plan,
        enc: Encoded,
        q: ob.Query,
        fname: str,
        exact: tuple[Encoded, ob.Query] | None = None,
    ) -> FnVerdict:
        """The verdict of one query; `exact` is given when `enc` is the abstracted encoding
        (then the exact one decides vacuity, since a model of the abstraction is no proof
        that some real execution gets through the assumptions)."""
        t, s = enc.t, enc.session
        unsupported = "; ".join(
            f"{u.what} at {u.location.short() if u.location else 'unknown location'}"
            for u in t.unsupported
        )
        bound = t.loop_bound_hit
        sum_notes = self._sum_notes(enc, q)
        with s.scope():
            enc.add(*q.hyps, *t.pre.assumptions, *t.post.assumptions)
            r = enc.check(q.violation)
            if r.verdict is Verdict.UNKNOWN:
                why = f"{Z3_UNKNOWN} ({r.reason or 'no reason given'})"
                if unsupported:
                    why += f"; unsupported: {unsupported}"
                return FnVerdict(fname, Status.UNKNOWN, why)
            if p.satisfy:
                return self._satisfy(p, enc, q, r, unsupported=unsupported, bound=bound)
            if r.verdict is Verdict.SAT:
                return self._violated(
                    p, enc, q, unsupported=unsupported, sum_notes=sum_notes, abstract=bool(exact)
                )
            vac = enc.check(q.vacuity)
            if vac.verdict is Verdict.UNSAT and enc.check(zt.bool_val(True)).verdict is (
                Verdict.UNSAT
            ):
                # the assumptions alone (preserved, assuming, requires) exclude every state:
                # nothing was checked for this function, whatever the others say
                why = "vacuous: the assumptions alone are unsatisfiable for this function"
                return FnVerdict(fname, Status.VACUOUS, why)
        if exact is not None and vac.verdict is Verdict.SAT:
            vac = self._exact_vacuity(*exact)
        vacuous = vac.verdict is Verdict.UNSAT
        if unsupported:
            return FnVerdict(fname, Status.UNKNOWN, f"unsupported: {unsupported}")
        how = ABSTRACT_PROOF if exact is not None else ""
        if bound is not None:
            why = f"proved with loops unrolled {bound} times" + (f", {how}" if how else "")
            return FnVerdict(fname, Status.PROVED_BOUNDED, why, bound, vacuous=vacuous)
        why = "; ".join(x for x in (how, "vacuous" if vacuous else "") if x)
        if vac.verdict is Verdict.UNKNOWN:
            why = "; ".join(x for x in (how, f"vacuity not decided (Z3: {vac.reason})") if x)
        return FnVerdict(fname, Status.PROVED, why, vacuous=vacuous)

    def _exact_vacuity(self, enc: Encoded, q: ob.Query) -> CheckResult:
        with enc.session.scope():
            enc.add(*q.hyps, *enc.t.pre.assumptions, *enc.t.post.assumptions)
            return enc.check(q.vacuity)

    def _satisfy(
        self,
        p: Plan,
        enc: Encoded,
        q: ob.Query,
        r: CheckResult,
        *,
        unsupported: str,
        bound: int | None,
    ) -> FnVerdict:
        fname = enc.name
        if r.verdict is Verdict.SAT:
            draft = self._draft(p, enc, q)
            # Z3's pre-state is arbitrary, so a witness counts only once the EVM shows it.
            if self.replayer is None:
                why = "a witness from an arbitrary pre-state (not replayed)"
                return FnVerdict(fname, Status.UNKNOWN, why, counterexample=draft.counterexample)
            cex = self.replayer.replay(draft, PropertyKind.SATISFY).counterexample
            if not cex.confirmed:
                why = f"Z3's witness did not replay: {cex.replay_note}"
                return FnVerdict(fname, Status.UNKNOWN, why, counterexample=cex)
            return FnVerdict(fname, Status.PROVED, "witness replayed on revm", counterexample=cex)
        if unsupported:
            return FnVerdict(fname, Status.UNKNOWN, f"no witness; unsupported: {unsupported}")
        if bound is not None:
            return FnVerdict(fname, Status.UNKNOWN, f"no witness with loops unrolled {bound}x")
        return FnVerdict(fname, Status.VIOLATED, "no execution of this function reaches it")

    def _sum_notes(self, enc: Encoded, q: ob.Query) -> str:
        used = walk.sums(e for e, _ in q.lowered)
        notes = [f"{sid}: {enc.sum_problems[sid]}" for sid in used if sid in enc.sum_problems]
        return "; ".join(notes)

    def _violated(
        self,
        p: Plan,
        enc: Encoded,
        q: ob.Query,
        *,
        unsupported: str,
        sum_notes: str,
        abstract: bool = False,
    ) -> FnVerdict:
        fname = enc.name
        draft = self._draft(p, enc, q)
        caveat = "; ".join(
            x
            for x in (
                abstract and ABSTRACT_MODEL,
                unsupported and f"unsupported: {unsupported}",
                sum_notes,
            )
            if x
        )
        if self.replayer is None:
            cex = draft.counterexample
            if caveat:
                why = f"Z3 found a counterexample, not replayed, and it may be spurious: {caveat}"
                return FnVerdict(fname, Status.UNKNOWN, why, counterexample=cex)
            return FnVerdict(fname, Status.VIOLATED, "counterexample (not replayed)", None, (), cex)
        replayed = self.replayer.replay(draft, p.kind)
        cex = replayed.counterexample
        if cex.confirmed:
            return FnVerdict(
                fname, Status.VIOLATED, "counterexample confirmed on revm", None, (), cex
            )
        # Replays were asked for: only one that shows the break makes the verdict VIOLATED
        # (Z3's pre-state is arbitrary and external results are unconstrained).
        why = f"Z3 found a counterexample but it did not replay: {cex.replay_note}"
        if caveat:
            why += f"; {caveat}"
        return FnVerdict(fname, Status.UNKNOWN, why, None, (), cex)

    def _draft(self, p: Plan, enc: Encoded, q: ob.Query) -> Draft:
        """A counterexample from a model with `this` at the deployed address and, where
        possible, the sums equal to the entries written (so the EVM agrees with Z3)."""
        t, s = enc.t, enc.session
        target = self.replayer.target_address() if self.replayer else None
        if target is not None and enc.name != CONSTRUCTOR:
            with s.scope():
                enc.add(zt.eq(t.pre.this, zt.value(target, zt.bv_sort(160))))
                if enc.check(q.violation).verdict is Verdict.SAT:
                    pool = self._pool(enc, q)
                    used = list(walk.sums(e for e, _ in q.lowered).values())
                    with s.scope():
                        enc.add(*cx.pins(s, t), *cx.sum_facts(used, t, pool))
                        if enc.check(q.violation).verdict is Verdict.SAT:
                            return self._build(p, enc, q, pool)
                    found = self._model_draft(p, enc, q)
                    if found is not None:
                        return found
        found = self._model_draft(p, enc, q)
        if found is not None:
            return found
        cex = Counterexample(p.name, ())
        return Draft(cex, problems=["Z3 could not give the model again (time or resources)"])

    def _pool(self, enc: Encoded, q: ob.Query) -> dict[int, list[int]]:
        addresses, ints = self.replayer.tracked() if self.replayer else ([], [])
        return cx.pools(enc.session, enc.t, q, addresses, ints)

    def _model_draft(self, p: Plan, enc: Encoded, q: ob.Query) -> Draft | None:
        if enc.check(q.violation).verdict is not Verdict.SAT:
            return None
        return self._build(p, enc, q, self._pool(enc, q))

    def _build(self, p: Plan, enc: Encoded, q: ob.Query, pool: dict[int, list[int]]) -> Draft:
        return cx.build(
            enc.session,
            self.spec.contract,
            enc.t,
            name=p.name,
            pool=pool,
            constructor=enc.name == CONSTRUCTOR,
        )

    # ── ETH forced in between transactions ──────────────────────────────────────────────

    def forced(self, p: Plan, build: Builder, *, between: bool = False) -> FnVerdict:
        """The forced-ETH step of an invariant that reads balances (analyzers/symbolic/
        forced.py), or with `between` the step of other accounts' token moves between calls
        for one over summarized token balances (tokens.py). A break there is reported
        UNKNOWN with the reason: it is not replayed."""
        start = time.perf_counter()
        name = tokens.BETWEEN if between else forced.NAME
        placeholder = next(iter(self.spec.contract.entry_points()), None)
        if placeholder is None:
            return FnVerdict(name, Status.PROVED, "no entry point: nothing to force ETH into")
        got = self._encoded.get(name)
        if not isinstance(got, Encoded):
            t = (
                tokens.between_transition(placeholder, self.spec.contract)
                if between
                else forced.forced_transition(placeholder)
            )
            config = SolverConfig(self.options.timeout_ms, self.options.rlimit, self.options.seed)
            tag = "between" if between else "forced"
            got = Encoded(t, ob.Context.make(self.spec, t, tag), Portfolio(config), {}, name)
            got.add(*t.constraints)
            self._encoded[name] = got
        enc = got
        try:
            q = build(enc.ctx)
        except (InternalError, ValueError, KeyError, TypeError) as exc:
            return FnVerdict(name, Status.ERROR, f"cannot state the property: {exc}")
        with enc.session.scope():
            enc.add(*q.hyps, *enc.t.pre.assumptions, *enc.t.post.assumptions)
            r = enc.check(q.violation)
            if r.verdict is Verdict.SAT:
                t = enc.t
                who, old, new = (
                    enc.session.value(t.args[f"forced.{k}"]) for k in ("to", "old", "new")
                )
                wei = int(new) - int(old)
                this = enc.session.value(t.pre.this)
                where = "the contract" if who == this else f"address {int(who):#042x}"
                why = (
                    tokens.BETWEEN_WHY.format(who=where, old=int(old), new=int(new))
                    if between
                    else forced.WHY.format(who=where, wei=wei)
                )
                status = Status.UNKNOWN
            elif r.verdict is Verdict.UNSAT:
                status, why = Status.PROVED, ""
            else:
                status, why = Status.UNKNOWN, f"{Z3_UNKNOWN} ({r.reason or 'no reason given'})"
        return FnVerdict(
            name,
            status,
            why,
            assumptions=(*enc.t.assumptions, *q.assumptions),
            deps=frozenset(q.deps),
            seconds=time.perf_counter() - start,
        )

    # ── asserts ──────────────────────────────────────────────────────────────────────────

    def asserts(self) -> list[FnVerdict]:
        out: list[FnVerdict] = []
        p = Plan("assert", PropertyKind.ASSERT, None)
        for f in self.spec.contract.entry_points():
            if not _has_assert(f, self.spec):
                continue
            enc = self.encode(f)
            if isinstance(enc, str):
                out.append(FnVerdict(f.name, Status.ERROR, f"the executor failed: {enc}"))
                continue
            if not enc.t.asserts:
                continue
            out.append(self.obligation(p, f, lambda ctx: ob.assert_query(ctx.t)))
        return out


def _timed_out(v: FnVerdict) -> bool:
    return v.status is Status.UNKNOWN and v.reason.startswith(Z3_UNKNOWN)


def _kept(t: Transition, verdict: FnVerdict) -> tuple[Assumption, ...]:
    """The transition's assumptions a verdict relies on: a proof over the abstracted
    encoding covers every real run, so its over-approximation sites are not open
    assumptions of that proof (the reason says how it was proved)."""
    if verdict.status.is_proof:
        return tuple(a for a in t.assumptions if a.kind != OVER)
    return t.assumptions


def _has_assert(f: Function, spec: typed.CheckedSpec) -> bool:
    """Whether `f` or anything in the contract may hit a Solidity assert (internal
    functions are inlined, so any assert in the contract counts)."""
    del f
    return any(
        "assert(" in op.text
        for g in spec.contract.functions
        for n in g.nodes
        for op in n.operations
    )


def _fname(f: Function | None) -> str:
    return CONSTRUCTOR if f is None else f.name


def _bounded(name: str, run: Callable[[], FnVerdict]) -> FnVerdict:
    """One obligation's error boundary: Z3 running out of memory (or failing otherwise)
    while encoding or solving leaves that obligation UNKNOWN, never the whole run."""
    try:
        return run()
    except Z3Error as exc:
        return FnVerdict(name, Status.UNKNOWN, describe_error(exc))


def run_checks(
    spec: typed.CheckedSpec,
    options: ProveOptions,
    progress: Callable[[ProveProgress], None] | None,
    replayer: Replayer | None,
) -> tuple[tuple[PropertyResult, ...], int]:
    """Every property of `spec` (and every Solidity assert) as a PropertyResult."""
    prover = Prover(spec, options, replayer)
    deadline = time.monotonic() + options.deadline_seconds if options.deadline_seconds else None
    wanted = set(options.properties)
    plans = [p for p in plan(spec) if not wanted or p.name in wanted]
    total = sum(len(p.targets) + (p.forced is not None) + (p.between is not None) for p in plans)
    done = 0
    props: dict[str, Property] = {}
    contract = spec.contract.name
    for p in plans:
        loc = p.location.location(contract) if p.location else None
        if p.skip:
            v = FnVerdict("-", Status.UNKNOWN, p.skip)
            props[p.name] = aggregate(p.name, p.kind, contract, [v], location=loc)
            continue
        verdicts = []
        for f, build in p.targets:
            if deadline is not None and time.monotonic() > deadline:
                fname = CONSTRUCTOR if f is None else f.name
                why = f"prover budget exhausted ({options.deadline_seconds:g}s)"
                verdicts.append(FnVerdict(fname, Status.UNKNOWN, why))
            else:
                verdicts.append(
                    _bounded(_fname(f), functools.partial(prover.obligation, p, f, build))
                )
            done += 1
            if progress is not None:
                fname = CONSTRUCTOR if f is None else f.name
                progress(ProveProgress(done, total, p.name, fname))
        for step, between in ((p.forced, False), (p.between, True)):
            if step is None:
                continue
            step_name = tokens.BETWEEN if between else forced.NAME
            if deadline is not None and time.monotonic() > deadline:
                why = f"prover budget exhausted ({options.deadline_seconds:g}s)"
                verdicts.append(FnVerdict(step_name, Status.UNKNOWN, why))
            else:
                run = functools.partial(prover.forced, p, step, between=between)
                verdicts.append(_bounded(step_name, run))
            done += 1
            if progress is not None:
                progress(ProveProgress(done, total, p.name, step_name))
        props[p.name] = aggregate(
            p.name, p.kind, contract, verdicts, location=loc, satisfy=p.satisfy
        )
    late = deadline is not None and time.monotonic() > deadline
    checked = prover.asserts() if (not wanted or "assert" in wanted) and not late else []
    if late and any(_has_assert(f, spec) for f in spec.contract.entry_points()):
        why = f"prover budget exhausted ({options.deadline_seconds:g}s)"
        checked = [FnVerdict("-", Status.UNKNOWN, why)]
    if checked:
        done += len(checked)
        props["assert"] = aggregate("assert", PropertyKind.ASSERT, contract, checked)
    settled = settle(props)
    if replayer is not None and options.search_calls > 0 and not late:
        settled = settle_by_search(
            settled, replayer, options.search_calls, options.seed, options.search_seconds
        )
    return tuple(settled), done
