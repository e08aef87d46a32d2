"""Solver sessions with fixed seeds and resource limits, so a verdict repeats run to run.

`unknown` is a verdict of its own, carrying Z3's reason; nothing here turns it into a pass.

Each session solves in a Z3 context of its own: terms are built in the global context
and translated on the way in. A fixed seed alone does not make a verdict or model repeat
within one process, because the solver's variable order follows the global context's
history (earlier queries create internal terms); a fresh context starts from nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum

import z3

from solvency.smt import terms as zt
from solvency.smt.terms import Term

# Z3's memory is capped for the whole process (its allocator is global): a mulDiv-heavy
# query once grew a prover run past 13 GiB. Past this high watermark a check stops, as on
# a timeout, and raises `Z3Error` ("max. memory exceeded"); the prover makes that query
# UNKNOWN and goes on (its context is freed). SOLVENCY_Z3_MEMORY_MB changes the cap. (The
# hard limit, memory_max_size, is not used: Z3 can crash after hitting it.)
MEMORY_MB = int(os.environ.get("SOLVENCY_Z3_MEMORY_MB", "4096"))
z3.set_param("memory_high_watermark_mb", MEMORY_MB)
Z3Error = z3.Z3Exception


def describe_error(exc: Exception) -> str:
    """A Z3 exception as one line for a result's reason."""
    raw = getattr(exc, "value", None)
    text = raw.decode() if isinstance(raw, bytes) else str(exc)
    if "out of memory" in text or "memory exceeded" in text:
        return f"Z3 ran out of memory (cap {MEMORY_MB} MiB, SOLVENCY_Z3_MEMORY_MB)"
    return f"Z3 error: {text}"


def translate(t: Term | bool, ctx: z3.Context) -> Term:
    """`t` (built in the global context) in `ctx`; a Python bool becomes a literal there."""
    if isinstance(t, bool):
        return z3.BoolVal(t, ctx)
    return t.translate(ctx)


class Verdict(Enum):
    SAT = "sat"
    UNSAT = "unsat"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class SolverConfig:
    timeout_ms: int = 30_000
    rlimit: int = 50_000_000  # deterministic budget, unlike wall-clock time
    seed: int = 0


@dataclass(frozen=True, slots=True)
class CheckResult:
    verdict: Verdict
    reason: str = ""  # Z3's reason_unknown for UNKNOWN


class Session:
    """One Z3 solver. Use `scope()` for push/pop around per-property queries."""

    def __init__(self, config: SolverConfig | None = None) -> None:
        self.config = config or SolverConfig()
        self._ctx = z3.Context()
        self._solver = z3.Solver(ctx=self._ctx)
        self._solver.set(
            "timeout",
            self.config.timeout_ms,
            "random_seed",
            self.config.seed,
            "rlimit",
            self.config.rlimit,
        )
        self._model: z3.ModelRef | None = None

    def add(self, *constraints: Term) -> None:
        self._solver.add(*(self._in(c) for c in constraints))

    def _in(self, t: Term) -> Term:
        return translate(t, self._ctx)

    @contextmanager
    def scope(self) -> Iterator[Session]:
        self._solver.push()
        try:
            yield self
        finally:
            self._solver.pop()
            self._model = None

    def check(self, *assumptions: Term) -> CheckResult:
        try:
            r = self._solver.check(*(self._in(a) for a in assumptions))
        except Z3Error as exc:
            self._model = None
            return CheckResult(Verdict.UNKNOWN, describe_error(exc))
        if r == z3.sat:
            self._model = self._solver.model()
            return CheckResult(Verdict.SAT)
        self._model = None
        if r == z3.unsat:
            return CheckResult(Verdict.UNSAT)
        return CheckResult(Verdict.UNKNOWN, str(self._solver.reason_unknown()))

    def value(self, t: Term) -> int | bool:
        """`t` in the last model (model completion: unconstrained parts get a default)."""
        if self._model is None:
            raise RuntimeError("value() needs a preceding sat check")
        got = self._model.eval(self._in(t), model_completion=True)
        return zt.as_python(got)
