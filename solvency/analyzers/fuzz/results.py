"""What a campaign reports: one PropertyResult per property (HELD, never proved), and stats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from solvency.analyzers.fuzz.campaign import Campaign
from solvency.analyzers.fuzz.runner import ASSERT
from solvency.core.properties import PropertyKind, PropertyResult, Status

ENGINE = "fuzz"


@dataclass(frozen=True, slots=True)
class FunctionStats:
    contract: str
    function: str
    calls: int
    reverts: int


@dataclass(frozen=True, slots=True)
class FirstBreak:
    property: str
    calls: int
    seconds: float


@dataclass(frozen=True, slots=True)
class FuzzStats:
    calls: int
    sequences: int
    seconds: float
    functions: tuple[FunctionStats, ...]
    first_breaks: tuple[FirstBreak, ...]
    panics: tuple[tuple[int, int], ...]  # (panic code, count) among reverted calls
    unreached: tuple[str, ...]  # target functions never called successfully
    shrink_calls: int = 0  # calls our shrinker ran on top of `calls`

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class FuzzOutcome:
    contract: str
    results: tuple[PropertyResult, ...]
    stats: FuzzStats


def outcome(campaign: Campaign) -> FuzzOutcome:
    runner = campaign.runner
    world = runner.world
    seconds = campaign.elapsed
    results = tuple(_result(campaign, name, kind) for name, kind in runner.kinds.items())
    functions = tuple(
        FunctionStats(contract, function, n, runner.reverts[(contract, function)])
        for (contract, function), n in sorted(runner.per_function.items())
    )
    targets = {a.entry.signature for a in world.actions if a.contract == world.target_name}
    reached = {f for (c, f), n in runner.per_function.items() if n > runner.reverts[(c, f)]}
    stats = FuzzStats(
        calls=runner.calls,
        sequences=campaign.sequences,
        seconds=seconds,
        functions=functions,
        first_breaks=tuple(
            FirstBreak(d.property, d.calls, d.seconds)
            for d in sorted(campaign.discoveries.values(), key=lambda d: d.seconds)
        ),
        panics=tuple(sorted(runner.panics.items())),
        unreached=tuple(sorted(targets - reached)),
        shrink_calls=campaign.shrink_calls,
    )
    return FuzzOutcome(world.target_name, results, stats)


def _result(campaign: Campaign, name: str, kind: PropertyKind) -> PropertyResult:
    runner = campaign.runner
    contract = runner.world.target_name
    found = campaign.discoveries.get(name)
    base = partial(PropertyResult, name=name, kind=kind, engine=ENGINE, contract=contract)
    seconds = round(campaign.elapsed, 3)
    if found is not None:
        return base(
            status=Status.VIOLATED,
            reason=f"{found.detail}; first broken after {found.calls} calls "
            f"({found.seconds:.1f}s), shrunk to {len(found.counterexample.calls)} calls",
            counterexample=found.counterexample,
            time_seconds=round(found.seconds, 3),
        )
    if name in runner.errors:
        return base(
            status=Status.ERROR,
            reason=runner.errors[name],
            time_seconds=seconds,
        )
    unsupported = next((r.unsupported for r in runner.rules if r.name == name), "")
    if unsupported:
        return base(
            status=Status.UNKNOWN,
            reason=f"not fuzzed: the rule makes {unsupported}",
        )
    return _unbroken(campaign, name, kind, base, seconds)


def _unbroken(
    campaign: Campaign,
    name: str,
    kind: PropertyKind,
    base: Callable[..., PropertyResult],
    seconds: float,
) -> PropertyResult:
    runner = campaign.runner
    checked = runner.checked[name] if name != ASSERT else runner.calls
    if kind is PropertyKind.SATISFY:
        if name in runner.witnessed:
            reason = f"witnessed after {runner.witnessed[name]} calls"
            return base(status=Status.HELD, reason=reason, time_seconds=seconds)
        return base(
            status=Status.UNKNOWN,
            reason=f"no witness in {runner.calls} calls",
            time_seconds=seconds,
        )
    if checked == 0:
        return base(
            status=Status.UNKNOWN,
            reason="never checked: no call it names succeeded",
            time_seconds=seconds,
        )
    return base(
        status=Status.HELD,
        reason=f"no violation in {checked} checks over {runner.calls} calls "
        f"({campaign.sequences} sequences); fuzzing is not a proof",
        time_seconds=seconds,
    )
