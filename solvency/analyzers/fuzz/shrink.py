"""Call-level shrinking: after Hypothesis has shrunk the drawn segments, cut the concrete
call list to a 1-minimal one (no single call can go) and simplify what remains.

Every candidate is run from the deployed state by the same Runner that found the failure,
so a shrunk sequence breaks the property for the same reason.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence

from solvency.core.counterexample import AbiValue, Call

Fails = Callable[[Sequence[Call]], int | None]  # index of the breaking call, or None


def shrink(
    calls: Sequence[Call],
    fails: Fails,
    stop: float | Callable[[], bool],
    reverted: Callable[[], Sequence[int]] | None = None,
) -> tuple[Call, ...]:
    """A shorter, simpler sequence that still fails (the input when `stop` says so: a
    callable, or a time.monotonic() deadline). `reverted`: the positions of the calls the
    last `fails` run saw revert; they usually change nothing, so they all go first."""
    if not callable(stop):
        deadline = stop
        stop = lambda: time.monotonic() >= deadline  # noqa: E731
    hit = fails(calls)
    if hit is None:
        return tuple(calls)
    best = list(calls[: hit + 1])
    if reverted is not None:
        dropped = set(reverted())
        candidate = [c for i, c in enumerate(best) if i not in dropped or i == len(best) - 1]
        if len(candidate) < len(best):
            hit = fails(candidate)
            if hit is not None:
                best = candidate[: hit + 1]
    best = _delete(best, fails, stop)
    return tuple(_simplify(best, fails, stop))


def _delete(calls: list[Call], fails: Fails, stop: Callable[[], bool]) -> list[Call]:
    chunk = max(1, len(calls) // 2)
    while chunk >= 1 and not stop():
        i, changed = 0, False
        while i < len(calls) and not stop():
            candidate = calls[:i] + calls[i + chunk :]
            hit = fails(candidate) if candidate else None
            if hit is not None:
                calls, changed = candidate[: hit + 1], True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return calls


def _simplify(calls: list[Call], fails: Fails, stop: Callable[[], bool]) -> list[Call]:
    changed = True
    while changed:  # halving converges in at most 256 passes per value
        changed = False
        for i in range(len(calls)):
            for variant in _variants(calls, i):
                if stop():
                    return calls
                candidate = [*calls[:i], variant, *calls[i + 1 :]]
                if fails(candidate) is not None:
                    calls, changed = candidate, True
                    break
    return calls


def _variants(calls: list[Call], i: int) -> list[Call]:
    call = calls[i]
    out: list[Call] = []
    if i > 0 and call.timestamp != calls[i - 1].timestamp:  # no time warp before this call
        prev = calls[i - 1]
        out.append(
            dataclasses.replace(call, timestamp=prev.timestamp, block_number=prev.block_number)
        )
    if call.value:
        out.extend(dataclasses.replace(call, value=v) for v in _smaller(call.value))
    for k, arg in enumerate(call.args):
        for smaller in _smaller_arg(arg):
            args = (*call.args[:k], smaller, *call.args[k + 1 :])
            out.append(dataclasses.replace(call, args=args))
    return out


def _smaller(value: int) -> list[int]:
    if value <= 0:
        return []
    return sorted({0, 1, value // 2, value - 1} - {value})


def _smaller_arg(arg: AbiValue) -> list[AbiValue]:
    if isinstance(arg, bool) or not isinstance(arg, int):
        return []
    return list(_smaller(arg))
