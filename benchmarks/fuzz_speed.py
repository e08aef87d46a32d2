"""Calls per second: the fuzz driver vs a plain pyrevm loop over the same calls.

    python benchmarks/fuzz_speed.py [family] [variant] [calls]

A *call* is one call of a sequence: it runs on the EVM, its effects stay, and the spec is
checked after it. The driver's bisection probes (`World.widest` tries amounts on snapshots
and rewinds) and a rule's replays are executions the driver spends to *choose* or to
*check* a call: they are not calls, so they are overhead of the driver, like Hypothesis's
draws. The plain rows replay the exact calls the full-spec driver ran (recorded in a first,
untimed run of the same seed and budget, which a campaign is a function of), with
`World.reset()` where the driver rewound; the "+ probes" row replays the probes too, on
snapshots, and still counts only the calls, to show what the probes cost.

Rows:
  plain, same calls          the ceiling: World.execute of the recorded calls, nothing else
  plain, same calls + probes the same, with every bisection probe executed and rewound
  plain, random bytes        decode random chunks + execute (the loop earlier versions used)
  driver, no spec            our campaign with only the assert check
  driver, full spec          our campaign with every invariant and rule of the family's spec
  state machine              Hypothesis RuleBasedStateMachine, one call per step, no checks
The first ratio printed at the end is full spec / plain same calls: issue #6's speed
target. The second divides by the "+ probes" row: the driver's overhead beyond executing
what it executes (Hypothesis, decoding, checks), probes being part of the plain work there.
A replay must reproduce the driver's successes, or the benchmark stops: the same calls.
Rates are calls per CPU second of this process (`time.process_time`): the machine is shared,
and CPU time does not count the time other processes held the core.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_deploy import Builder  # noqa: E402
from benchmarks.groundtruth import CORPORA, load_family  # noqa: E402
from solvency.analyzers.fuzz.api import Prepared, prepare_compiled  # noqa: E402
from solvency.analyzers.fuzz.campaign import CHUNK_BYTES, Campaign, FuzzConfig  # noqa: E402
from solvency.analyzers.fuzz.chain import CALL_GAS, CallResult  # noqa: E402
from solvency.analyzers.fuzz.recipe import load_recipe  # noqa: E402
from solvency.analyzers.fuzz.runner import Runner  # noqa: E402
from solvency.analyzers.fuzz.world import World  # noqa: E402
from solvency.build import BuildOptions  # noqa: E402
from solvency.core.counterexample import Call  # noqa: E402
from solvency.ir import analyse  # noqa: E402
from solvency.specs.api import check_spec  # noqa: E402

SEQUENCE = 100
RESET, CALL, PROBE = "reset", "call", "probe"


def prepare(family_name: str, variant_id: str) -> Prepared:
    family = load_family(CORPORA / family_name / "expected.toml")
    variant = next(v for v in family.variants if v.id == variant_id)
    builder = Builder(BuildOptions())
    project = builder.variant_project(family, variant)
    model = analyse(project).model.contract(family.contract)
    assert model is not None
    spec = check_spec(family.folder / f"{family.contract}.spec", model)
    return prepare_compiled(project, spec, load_recipe(family.recipe), builder.helper)


@dataclass
class Recording:
    """What a driver run executed, in order: rewinds, calls and bisection probes."""

    events: list[tuple[str, Call | Probe | None]] = field(default_factory=list)
    retries: int = 0  # executions a rule check replayed (neither calls nor probes)
    succeeded: int = 0  # calls that succeeded when the driver ran them

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.events if k == kind)


@dataclass(frozen=True)
class Probe:
    """One bisection probe as the EVM ran it: calldata and value at a block, then undone."""

    timestamp: int
    number: int
    sender: str
    to: str
    data: bytes
    value: int


def record(prepared: Prepared, calls: int) -> tuple[Recording, int]:
    """Run the full-spec driver once with the world's execute/widest/reset wrapped; the
    recording and the runner's call count (to check it against the recording)."""
    world, rec = prepared.world, Recording()
    execute, widest, reset = world.execute, world.widest, world.reset
    probing = [False]
    last: list[Call | None] = [None]

    def wrapped_execute(call: Call) -> CallResult:
        if probing[0]:  # a probe through execute (as World.widest did before _probe)
            rec.events.append((PROBE, call))
        elif call is last[0]:
            rec.retries += 1  # the runner rewound and replays the same call for a rule
        else:
            rec.events.append((CALL, call))
            last[0] = call
            result = execute(call)
            rec.succeeded += result.success
            return result
        return execute(call)

    def wrapped_widest(call: Call) -> Call:
        probing[0] = True
        try:
            return widest(call)
        finally:
            probing[0] = False

    def wrapped_reset() -> None:
        rec.events.append((RESET, None))
        last[0] = None
        reset()

    def wrapped_probe(call: Call) -> tuple[bytes, Callable[[bytes, int], bool]]:
        # World.widest tests amounts straight on the EVM (World._probe), not through execute
        data, runs = probe(call)
        chain, to = world.chain, world.address(call.contract)

        def recorded(data: bytes, value: int) -> bool:
            stamp = (chain.timestamp, chain.block_number)
            rec.events.append((PROBE, Probe(*stamp, call.sender, to, data, value)))
            return runs(data, value)

        return data, recorded

    probe = world._probe
    world.execute = wrapped_execute  # type: ignore[method-assign]
    world.widest = wrapped_widest  # type: ignore[method-assign]
    world.reset = wrapped_reset  # type: ignore[method-assign]
    world._probe = wrapped_probe  # type: ignore[method-assign]
    try:
        runner = Runner(world, prepared.spec)
        Campaign(runner, FuzzConfig(budget_seconds=None, budget_calls=calls, seed=0)).run()
    finally:
        del world.execute, world.widest, world.reset, world._probe
    return rec, runner.calls


def replay(world: World, rec: Recording, probes: bool) -> float:
    """Calls per second of a plain loop over the recorded events."""
    chain, execute, reset = world.chain, world.execute, world.reset
    started = time.process_time()
    done = succeeded = 0
    evm = chain.evm
    for kind, call in rec.events:
        if kind == CALL:
            assert isinstance(call, Call)
            succeeded += execute(call).success
            done += 1
        elif kind == RESET:
            reset()
        elif probes and isinstance(call, Probe):
            if (call.timestamp, call.number) != (chain.timestamp, chain.block_number):
                chain.timestamp, chain.block_number = call.timestamp, call.number
                chain.warp(0)
            snap = evm.snapshot()
            try:
                evm.message_call(call.sender, call.to, call.data, value=call.value, gas=CALL_GAS)
            except RuntimeError:
                pass
            finally:
                evm.revert(snap)
        elif probes and isinstance(call, Call):
            snap = chain.snapshot()
            execute(call)
            chain.revert(snap)
    rate = done / (time.process_time() - started)
    if succeeded != rec.succeeded:  # not the same executions: the comparison would be void
        raise SystemExit(f"replay: {succeeded} calls succeeded, the driver's {rec.succeeded}")
    return rate


def plain_random(world: World, calls: int) -> float:
    rng = random.Random(0)
    started = time.process_time()
    done = 0
    while done < calls:
        world.reset()
        for _ in range(SEQUENCE):
            for call in world.decode_calls(rng.randbytes(CHUNK_BYTES)):
                world.execute(call)
                done += 1
    return done / (time.process_time() - started)


def driver(prepared: Prepared, calls: int, with_spec: bool) -> float:
    runner = Runner(prepared.world, prepared.spec if with_spec else None)
    config = FuzzConfig(budget_seconds=None, budget_calls=calls, seed=0)
    campaign = Campaign(runner, config)
    started = time.process_time()
    campaign.run()
    return runner.calls / (time.process_time() - started)


def state_machine(world: World, calls: int) -> float:
    counter = [0]

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            world.reset()

        @rule(chunk=st.binary(min_size=CHUNK_BYTES, max_size=CHUNK_BYTES))
        def call(self, chunk: bytes) -> None:
            for decoded in world.decode_calls(chunk):
                world.execute(decoded)
                counter[0] += 1

    examples = max(1, calls // SEQUENCE)
    started = time.process_time()
    run_state_machine_as_test(  # type: ignore[no-untyped-call]
        Machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=SEQUENCE,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    return counter[0] / (time.process_time() - started)


def best(measure: Callable[[], float], repeats: int = 3) -> float:
    """The best of a few runs: the machine is shared, and noise only ever slows a run."""
    return max(measure() for _ in range(repeats))


def main() -> None:
    family = sys.argv[1] if len(sys.argv) > 1 else "lending_market"
    variant = sys.argv[2] if len(sys.argv) > 2 else "correct"
    calls = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    prepared = prepare(family, variant)
    world = prepared.world
    driver(prepared, min(calls, 500), with_spec=True)  # warm caches (selectors, layouts)
    rec, ran = record(prepared, calls)
    if ran != rec.count(CALL):
        raise SystemExit(f"recorded {rec.count(CALL)} calls, the driver counted {ran}")
    plain = best(lambda: replay(world, rec, probes=False))
    full = best(lambda: driver(prepared, calls, with_spec=True))
    rows = [
        ("plain, same calls", plain),
        ("plain, same calls + probes", best(lambda: replay(world, rec, probes=True))),
        ("plain, random bytes", best(lambda: plain_random(world, calls))),
        ("driver, no spec", best(lambda: driver(prepared, calls, with_spec=False))),
        ("driver, full spec", full),
        ("RuleBasedStateMachine", state_machine(world, calls)),
    ]
    print(f"{family}/{variant}: {ran} calls, {rec.count(PROBE)} bisection probes (not calls)")
    print(
        f"{rec.count(RESET)} rewinds, {rec.retries} rule replays, {rec.succeeded} calls succeeded"
    )
    print("calls per CPU second, best of 3 runs per row")
    print(f"{'mode':<28}{'calls/s':>10}")
    for name, rate in rows:
        print(f"{name:<28}{rate:>10,.0f}")
    print(f"full spec / plain same calls: {full / plain:.1%}")
    print(f"full spec / plain same calls + probes: {full / rows[1][1]:.1%}")


if __name__ == "__main__":
    main()
