"""Calls per second: the fuzz driver vs a plain pyrevm loop vs a Hypothesis state machine.

    python benchmarks/fuzz_speed.py [family] [variant] [calls]

Every mode runs the same kind of calls (World.decode of random bytes) on the same deployed
contract, resetting to the deployed state every sequence:
  plain pyrevm loop   the ceiling: decode + execute, nothing else
  driver, no spec     our campaign with only the assert check (Hypothesis draws segments)
  driver, full spec   our campaign with every invariant and rule of the family's spec
  state machine       Hypothesis RuleBasedStateMachine, one call per step, no checks
"""

from __future__ import annotations

import random
import sys
import time
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
from solvency.analyzers.fuzz.recipe import load_recipe  # noqa: E402
from solvency.analyzers.fuzz.runner import Runner  # noqa: E402
from solvency.analyzers.fuzz.world import World  # noqa: E402
from solvency.build import BuildOptions  # noqa: E402
from solvency.ir import analyse  # noqa: E402
from solvency.specs.api import check_spec  # noqa: E402

SEQUENCE = 100


def prepare(family_name: str, variant_id: str) -> Prepared:
    family = load_family(CORPORA / family_name / "expected.toml")
    variant = next(v for v in family.variants if v.id == variant_id)
    builder = Builder(BuildOptions())
    project = builder.variant_project(family, variant)
    model = analyse(project).model.contract(family.contract)
    assert model is not None
    spec = check_spec(family.folder / f"{family.contract}.spec", model)
    return prepare_compiled(project, spec, load_recipe(family.recipe), builder.helper)


def plain_loop(world: World, calls: int) -> float:
    rng = random.Random(0)
    started = time.perf_counter()
    done = 0
    while done < calls:
        world.reset()
        for _ in range(SEQUENCE):
            for call in world.decode_calls(rng.randbytes(CHUNK_BYTES)):
                world.execute(call)
                done += 1
    return done / (time.perf_counter() - started)


def driver(prepared: Prepared, calls: int, with_spec: bool) -> float:
    runner = Runner(prepared.world, prepared.spec if with_spec else None)
    config = FuzzConfig(budget_seconds=None, budget_calls=calls, seed=0)
    campaign = Campaign(runner, config)
    campaign.run()
    return runner.calls / campaign.elapsed


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
    started = time.perf_counter()
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
    return counter[0] / (time.perf_counter() - started)


def main() -> None:
    family = sys.argv[1] if len(sys.argv) > 1 else "eth_escrow"
    variant = sys.argv[2] if len(sys.argv) > 2 else "correct"
    calls = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    prepared = prepare(family, variant)
    rows = [
        ("plain pyrevm loop", plain_loop(prepared.world, calls)),
        ("driver, no spec", driver(prepared, calls, with_spec=False)),
        ("driver, full spec", driver(prepared, calls, with_spec=True)),
        ("RuleBasedStateMachine", state_machine(prepared.world, calls)),
    ]
    print(f"{family}/{variant}, about {calls} calls per mode")
    print(f"{'mode':<24}{'calls/s':>10}")
    for name, rate in rows:
        print(f"{name:<24}{rate:>10,.0f}")


if __name__ == "__main__":
    main()
