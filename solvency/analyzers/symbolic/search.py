"""Settling what one-step proofs leave open: a bounded multi-transaction search.

An invariant's step check starts from any state that satisfies the invariants, so its
counterexample may start from a state no sequence of calls reaches (`openDeal` on a deal
id that is already active), and a timeout says nothing either way. A short fuzz campaign
from the deployed state, seeded with the prover's own calls, settles some of these:
a break it finds is a real one (a call sequence from the deployment, replayed on revm),
so the property becomes VIOLATED with that counterexample; when it finds none, the
property stays UNKNOWN and the reason says how far the search went. It never proves.

The campaign is a function of (seed, call budget), so results repeat.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from solvency.analyzers.symbolic.replay import Replayer
from solvency.analyzers.symbolic.results import ordered
from solvency.core.counterexample import Counterexample
from solvency.core.properties import PropertyKind, PropertyResult, Status

SEARCHED = (PropertyKind.INVARIANT, PropertyKind.RULE, PropertyKind.ASSERT)
UNREACHABLE = (
    "counterexample from an unreachable pre-state? not confirmed on replay; "
    "no violation in {calls} calls from the deployed state"
)


def open_results(results: Sequence[PropertyResult]) -> list[PropertyResult]:
    """The results a search may settle: UNKNOWN invariants, rules and asserts."""
    return [r for r in results if r.status is Status.UNKNOWN and r.kind in SEARCHED]


def settle_by_search(
    results: Sequence[PropertyResult],
    replayer: Replayer | None,
    calls: int,
    seed: int,
    seconds: float | None = None,
) -> list[PropertyResult]:
    """`results` with the open ones the search breaks made VIOLATED (confirmed), and the
    rest of the open ones saying how far it went. Nothing else changes."""
    pending = open_results(results)
    if replayer is None or calls <= 0 or not pending:
        return list(results)
    ids = {id(r) for r in pending}
    seeds = [
        Counterexample(r.name, r.counterexample.calls)
        for r in pending
        if r.counterexample is not None and r.counterexample.calls
    ]
    found = replayer.search(seeds, calls, seed, seconds)
    if isinstance(found, str):
        note = f"no bounded search from the deployed state: {found}"
        return [_note(r, note) if id(r) in ids else r for r in results]
    fuzzed = {r.name: r for r in found.results}
    ran = found.stats.calls
    out: list[PropertyResult] = []
    for r in results:
        if id(r) not in ids:
            out.append(r)
            continue
        hit = fuzzed.get(r.name)
        cex = hit.counterexample if hit is not None else None
        if hit is not None and hit.status is Status.VIOLATED and cex is not None:
            out.append(_violated(r, cex, ran, seed))
        elif r.counterexample is not None and r.counterexample.calls:
            out.append(_note(r, UNREACHABLE.format(calls=ran)))
        else:
            out.append(_note(r, f"no violation in {ran} calls from the deployed state"))
    return ordered(out)


def _violated(r: PropertyResult, cex: Counterexample, ran: int, seed: int) -> PropertyResult:
    how = (
        f"found by a bounded search from the deployed state ({ran} calls, seed {seed}): "
        f"{len(cex.calls)} calls break it on revm"
    )
    confirmed = dataclasses.replace(
        cex, confirmed=True, replay_note=f"{how}; {cex.replay_note}".rstrip("; ")
    )
    return dataclasses.replace(
        r,
        status=Status.VIOLATED,
        reason=f"{how}; the one-step check had: {r.reason}",
        counterexample=confirmed,
        bound=None,
    )


def _note(r: PropertyResult, note: str) -> PropertyResult:
    return dataclasses.replace(r, reason=f"{note}; {r.reason}")
