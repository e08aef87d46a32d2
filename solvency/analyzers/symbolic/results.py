"""Per-function verdicts → one PropertyResult per property, worst first.

A property's status is its worst function's (VIOLATED, ERROR, UNKNOWN, PROVED_BOUNDED,
PROVED); VACUOUS only when the check is vacuous for every function. A proof that assumed
other invariants in its pre-state is only as good as theirs: `settle` downgrades it when
one of them is not proved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from solvency.core.counterexample import Counterexample
from solvency.core.location import Location
from solvency.core.properties import Assumption, PropertyKind, PropertyResult, Status

ENGINE = "prover"
_RANK = {
    Status.VIOLATED: 0,
    Status.ERROR: 1,
    Status.UNKNOWN: 2,
    Status.VACUOUS: 3,
    Status.PROVED_BOUNDED: 4,
    Status.PROVED: 5,
}


@dataclass(frozen=True)
class FnVerdict:
    """One (property, function) obligation's outcome."""

    function: str
    status: Status
    reason: str = ""
    bound: int | None = None
    assumptions: tuple[Assumption, ...] = ()
    counterexample: Counterexample | None = None
    deps: frozenset[str] = frozenset()
    seconds: float = 0.0
    vacuous: bool = False  # PROVED because nothing got through the assumptions


@dataclass(frozen=True)
class Property:
    """A result with what `settle` needs (the invariants its proof assumed)."""

    result: PropertyResult
    deps: frozenset[str]


def aggregate(
    name: str,
    kind: PropertyKind,
    contract: str,
    verdicts: Sequence[FnVerdict],
    *,
    location: Location | None = None,
    satisfy: bool = False,
) -> Property:
    if not verdicts:
        return Property(
            PropertyResult(name, kind, ENGINE, Status.UNKNOWN, "no function to check it on"),
            frozenset(),
        )
    assumptions = _union(v.assumptions for v in verdicts)
    seconds = sum(v.seconds for v in verdicts)
    deps = frozenset(d for v in verdicts for d in v.deps)
    base = PropertyResult(
        name,
        kind,
        ENGINE,
        Status.UNKNOWN,
        contract=contract,
        location=location,
        assumptions=assumptions,
        time_seconds=seconds,
    )
    if satisfy:
        return Property(_satisfy(base, verdicts), deps)
    if all(v.vacuous for v in verdicts):
        names = ", ".join(v.function for v in verdicts)
        reason = f"vacuous: no execution satisfies the assumptions and succeeds ({names})"
        return Property(dataclasses.replace(base, status=Status.VACUOUS, reason=reason), deps)
    worst = min(verdicts, key=lambda v: _RANK[v.status])
    bounds = [v.bound for v in verdicts if v.bound is not None]
    status = worst.status
    bound = max(bounds) if status is Status.PROVED_BOUNDED and bounds else None
    return Property(
        dataclasses.replace(
            base,
            status=status,
            reason=_reason(worst, verdicts),
            function=worst.function,
            bound=bound,
            counterexample=worst.counterexample,
        ),
        deps,
    )


def _satisfy(base: PropertyResult, verdicts: Sequence[FnVerdict]) -> PropertyResult:
    found = [v for v in verdicts if v.status is Status.PROVED]
    if found:
        v = found[0]
        reason = f"reachable through {v.function}: a witness is attached"
        return dataclasses.replace(
            base,
            status=Status.PROVED,
            reason=reason,
            function=v.function,
            counterexample=v.counterexample,
        )
    worst = min(verdicts, key=lambda v: _RANK[v.status])
    return dataclasses.replace(
        base, status=worst.status, reason=_reason(worst, verdicts), function=worst.function
    )


def _reason(worst: FnVerdict, verdicts: Sequence[FnVerdict]) -> str:
    counts: dict[str, list[str]] = {}
    for v in verdicts:
        label = "vacuous" if v.vacuous else v.status.value
        counts.setdefault(label, []).append(v.function)
    summary = "; ".join(f"{label}: {', '.join(fns)}" for label, fns in counts.items())
    open_ = [v for v in verdicts if not v.status.is_proof and v is not worst and v.reason]
    details = "".join(f"; {v.function}: {v.reason}" for v in open_)
    head = f"{worst.function}: {worst.reason}" if worst.reason else worst.function
    return f"{head}{details} [{summary}]"


def _union(groups: Iterable[tuple[Assumption, ...]]) -> tuple[Assumption, ...]:
    out: dict[tuple[str, str], Assumption] = {}
    for group in groups:
        for a in group:
            out.setdefault((a.kind, a.description), a)
    return tuple(out.values())


def settle(props: dict[str, Property]) -> list[PropertyResult]:
    """Downgrade proofs whose assumed invariants are not proved (to a fixpoint)."""
    results = {n: p.result for n, p in props.items()}
    changed = True
    while changed:
        changed = False
        for name, p in props.items():
            r = results[name]
            if not r.status.is_proof:
                continue
            conditional = sorted(d[1:] for d in p.deps if d.startswith("!"))
            if conditional:
                results[name] = dataclasses.replace(
                    r,
                    status=Status.UNKNOWN,
                    bound=None,
                    reason=(
                        f"the proof assumes invariant {conditional[0]} before calls, but "
                        f"{conditional[0]} is not checked across every function (except/only) "
                        f"or relies on preserved requires; {r.reason}"
                    ),
                )
                changed = True
                continue
            for dep in sorted(d for d in p.deps - {name} if not d.startswith("!")):
                d = results.get(dep)
                if d is None or d.status is Status.PROVED:
                    continue
                if d.status is Status.PROVED_BOUNDED:
                    if r.status is Status.PROVED or (r.bound or 0) < (d.bound or 0):
                        results[name] = dataclasses.replace(
                            r,
                            status=Status.PROVED_BOUNDED,
                            bound=max(r.bound or 0, d.bound or 0),
                            reason=f"{r.reason}; assumes {dep}, proved to bound {d.bound}",
                        )
                        changed = True
                    continue
                results[name] = dataclasses.replace(
                    r,
                    status=Status.UNKNOWN,
                    bound=None,
                    reason=(
                        f"the proof assumes invariant {dep} in the pre-state, which is "
                        f"{d.status.value}; {r.reason}"
                    ),
                )
                changed = True
                break
    return ordered(results.values())


def ordered(results: Iterable[PropertyResult]) -> list[PropertyResult]:
    """Worst first (VIOLATED … PROVED), then by name: the order every report shows."""
    return sorted(results, key=lambda r: (_RANK[r.status], r.name))
