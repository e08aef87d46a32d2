"""Entry points: fuzz a contract against its spec, replay a counterexample."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from solvency.analyzers.fuzz.campaign import Campaign, FuzzConfig, Progress
from solvency.analyzers.fuzz.deploy import ArtifactLookup
from solvency.analyzers.fuzz.recipe import Recipe, default_recipe, load_recipe
from solvency.analyzers.fuzz.results import FuzzOutcome, outcome
from solvency.analyzers.fuzz.runner import Breach, Runner
from solvency.analyzers.fuzz.store import CounterexampleStore
from solvency.analyzers.fuzz.world import World, build_world
from solvency.build import BuildOptions, CompiledContract, CompiledProject, compile_target
from solvency.core.counterexample import Counterexample
from solvency.core.errors import UserError
from solvency.ir.loader import analyse
from solvency.specs import typed
from solvency.specs.api import check_spec


@dataclass(frozen=True, slots=True)
class Prepared:
    """A compiled, deployed target with its checked spec: what a campaign or replay needs."""

    spec: typed.CheckedSpec
    world: World


def prepare(target: Path, spec_path: Path, options: BuildOptions) -> Prepared:
    """Compile, run Slither, check the spec, deploy per its harness (or the defaults)."""
    project = compile_target(target, options)
    model = analyse(project).model
    spec = check_spec(spec_path, model)
    recipe = load_recipe(spec.harness) if spec.harness else default_recipe(spec_path.parent)
    return prepare_compiled(project, spec, recipe, helper_lookup(options))


def prepare_compiled(
    project: CompiledProject, spec: typed.CheckedSpec, recipe: Recipe, lookup: ArtifactLookup
) -> Prepared:
    return Prepared(spec, build_world(project, spec.contract.name, recipe, lookup))


def helper_lookup(options: BuildOptions) -> ArtifactLookup:
    """Compile each helper file once (the compile cache makes reruns cheap)."""
    built: dict[Path, CompiledProject] = {}

    def lookup(path: Path, name: str) -> CompiledContract:
        if path not in built:
            if not path.is_file():
                raise UserError(f"helper contract file {path} does not exist")
            built[path] = compile_target(path, options)
        return built[path].contract(name)

    return lookup


def run_campaign(
    prepared: Prepared,
    config: FuzzConfig,
    store: CounterexampleStore | None = None,
    seeds: Sequence[Counterexample] = (),
    progress: Callable[[Progress], None] | None = None,
) -> FuzzOutcome:
    """Replay stored and given counterexamples first, then fuzz until the budget ends."""
    runner = Runner(prepared.world, prepared.spec)
    contract = prepared.spec.contract.name
    if store is not None and config.database is None:
        config = dataclasses.replace(config, database=store.hypothesis_dir / contract)
    stored = store.load(contract) if store else ()
    campaign = Campaign(runner, config, progress)
    campaign.run((*stored, *seeds))
    result = outcome(campaign)
    if store is not None:
        for r in result.results:
            if r.counterexample is not None:
                store.save(contract, r.counterexample)
    return result


@dataclass(frozen=True, slots=True)
class Replay:
    counterexample: Counterexample  # `confirmed` set when its property broke on revm
    breaches: tuple[Breach, ...]  # everything the sequence broke, in order
    reverted: tuple[str, ...]  # calls that reverted, rendered


def replay(prepared: Prepared, cex: Counterexample) -> Replay:
    """Run a counterexample (the fuzzer's or the prover's) on a fresh deployment."""
    runner = Runner(prepared.world, prepared.spec)
    world = runner.world
    runner.start()
    for a in cex.initial_state:
        if a.slot is not None and isinstance(a.value, int) and not isinstance(a.value, bool):
            world.chain.set_storage(world.target, a.slot, a.value)
    for call in cex.calls:  # the prover's senders are arbitrary addresses: give them ETH
        if world.chain.balance(call.sender) < call.value:
            world.chain.fund(call.sender, call.value)
    active = set(runner.kinds)
    # The state before the first call: a property broken right after deployment has a
    # counterexample without calls, and it must replay too.
    found: list[Breach] = runner.check_state(active)
    reverted: list[str] = []
    for index, call in enumerate(cex.calls):
        before = sum(runner.reverts.values())
        found.extend(runner.step(call, active, index))
        if sum(runner.reverts.values()) > before:
            reverted.append(call.render())
    # With calls, only what they break confirms it: a written initial state that already
    # breaks the property (a prover's partial pre-state) shows nothing about the calls.
    confirmed = any(
        b.property == cex.property_name and (b.index >= 0 or not cex.calls) for b in found
    )
    note = (
        "replayed on revm: the property breaks"
        if confirmed
        else "replayed on revm: the property did not break"
    )
    return Replay(
        dataclasses.replace(cex, confirmed=confirmed, replay_note=note),
        tuple(found),
        tuple(reverted),
    )
