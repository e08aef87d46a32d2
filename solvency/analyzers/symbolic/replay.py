"""Replaying the prover's counterexamples on revm, through the fuzzer's runner.

The deployment (the spec's harness, or a given recipe) runs once; each replay rewinds to
it, writes the counterexample's pre-state storage and ETH balance into the target,
registers its keys with the fuzzer's key tracker (so `sum`/`forall` range over them),
checks that an invariant held before the call on the EVM, then runs the call and checks
the property exactly as the fuzzer does. `confirmed` means: from that written pre-state,
the call breaks the property on the real bytecode. Whether the pre-state is reachable
from the constructor is a separate question, which the note states.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from solvency.analyzers.fuzz.api import Prepared, helper_lookup, prepare_compiled, run_campaign
from solvency.analyzers.fuzz.campaign import FuzzConfig
from solvency.analyzers.fuzz.chain import CallFailedError, DeployError
from solvency.analyzers.fuzz.checks import InvariantCheck, Outcome
from solvency.analyzers.fuzz.recipe import default_recipe, load_recipe
from solvency.analyzers.fuzz.results import FuzzOutcome
from solvency.analyzers.fuzz.runner import ASSERT, Runner
from solvency.analyzers.fuzz.state import to_int_address
from solvency.analyzers.symbolic.counterexample import Draft
from solvency.build import BuildOptions, CompiledProject
from solvency.core.counterexample import Counterexample
from solvency.core.errors import SolvencyError
from solvency.core.properties import PropertyKind
from solvency.ir import storage
from solvency.specs import typed
from solvency.specs.lower_concrete import ConcreteEnv


@dataclasses.dataclass(frozen=True, slots=True)
class ReplayResult:
    counterexample: Counterexample
    replayed: bool  # False: the replay could not run (deployment failed …)


class Replayer:
    """Deploys once, lazily; replays drafts from that deployment."""

    def __init__(
        self,
        project: CompiledProject,
        spec: typed.CheckedSpec,
        recipe: Path | None,
        build: BuildOptions,
    ) -> None:
        self.project = project
        self.spec = spec
        self.recipe = recipe
        self.build = build
        self._prepared: Prepared | None = None
        self._runner: Runner | None = None
        self.failure: str | None = None

    def _ready(self) -> Runner | None:
        if self._runner is not None or self.failure is not None:
            return self._runner
        try:
            path = self.recipe or self.spec.harness
            recipe = load_recipe(path) if path else default_recipe(self.spec.file.parent)
            self._prepared = prepare_compiled(
                self.project, self.spec, recipe, helper_lookup(self.build)
            )
            self._runner = Runner(self._prepared.world, self.spec)
        except (SolvencyError, DeployError, OSError, ValueError) as exc:
            self.failure = f"the harness could not deploy {self.spec.contract.name}: {exc}"
        return self._runner

    def target_address(self) -> int | None:
        runner = self._ready()
        return to_int_address(runner.world.target) if runner else None

    def tracked(self) -> tuple[list[int], list[int]]:
        """The addresses and integer keys the deployment holds entries under."""
        runner = self._ready()
        if runner is None:
            return [], []
        keys = runner.base_keys
        return list(keys.addresses), list(keys.integers)

    def search(
        self, seeds: Sequence[Counterexample], calls: int, seed: int, seconds: float | None
    ) -> FuzzOutcome | str:
        """A fuzz campaign of `calls` calls from the deployment (`seeds` first), or why
        none could run. Budgeted in calls (so it repeats on any machine) and, when given,
        capped at `seconds` (shrinking then runs by time as well)."""
        self._ready()
        if self._prepared is None:
            return self.failure or "the harness did not deploy"
        config = FuzzConfig(
            budget_seconds=seconds,
            budget_calls=calls,
            seed=seed,
            shrink_calls=min(4_000, 2 * calls),
            hypothesis_shrink_calls=min(1_000, calls // 2),
        )
        try:
            return run_campaign(self._prepared, config, seeds=seeds)
        except (SolvencyError, CallFailedError, DeployError, ValueError, RuntimeError) as exc:
            return f"{type(exc).__name__}: {exc}"

    def replay(self, draft: Draft, kind: PropertyKind) -> ReplayResult:
        try:
            return self._replay(draft, kind)
        except (
            SolvencyError,
            CallFailedError,
            DeployError,
            ValueError,
            KeyError,
            OverflowError,
            RuntimeError,
        ) as exc:
            note = f"the replay could not evaluate the property: {type(exc).__name__}: {exc}"
            return ReplayResult(_noted(draft.counterexample, note), True)

    def _replay(self, draft: Draft, kind: PropertyKind) -> ReplayResult:
        cex = draft.counterexample
        runner = self._ready()
        if runner is None:
            return ReplayResult(_noted(cex, f"not replayed: {self.failure}"), False)
        if draft.problems:
            return ReplayResult(_noted(cex, "not replayed: " + "; ".join(draft.problems)), False)
        if not cex.calls:
            return self._constructor(runner, cex)
        world, chain = runner.world, runner.world.chain
        runner.start()
        for e in draft.entries:
            word = chain.storage(world.target, e.slot)
            chain.set_storage(world.target, e.slot, storage.encode(word, e.offset, e.type, e.value))
        if draft.balance is not None:
            chain.fund(world.target, draft.balance)
        for abi_type, value in draft.keys:
            runner.keys.add_abi_value(abi_type, value)
        runner.live.changed()
        runner.keys.settle(runner.live.storage_word)
        call = cex.calls[0]
        name = ASSERT if kind is PropertyKind.ASSERT else cex.property_name
        if kind is PropertyKind.INVARIANT:
            why = self._pre_broken(runner, cex.property_name)
            if why:
                return ReplayResult(_noted(cex, why), True)
        if chain.balance(call.sender) < call.value:
            chain.fund(call.sender, call.value)
        runner.witnessed.pop(name, None)
        try:
            breaches = runner.step(call, {name}, 0)
        except SolvencyError as exc:
            return ReplayResult(_noted(cex, f"not replayed: {exc}"), False)
        if kind is PropertyKind.SATISFY:
            seen = name in runner.witnessed
            note = "witnessed on revm" if seen else "replayed on revm: no witness"
            return ReplayResult(dataclasses.replace(cex, confirmed=seen, replay_note=note), True)
        if any(b.property == name for b in breaches):
            note = (
                "confirmed on revm: with the counterexample's storage written into the "
                "deployed contract, the call breaks the property (whether that pre-state is "
                "reachable from the constructor is not checked)"
            )
            return ReplayResult(dataclasses.replace(cex, confirmed=True, replay_note=note), True)
        reason = runner.errors.get(name, "")
        why = f"replayed on revm: the property did not break{': ' + reason if reason else ''}"
        return ReplayResult(_noted(cex, why), True)

    def _pre_broken(self, runner: Runner, name: str) -> str | None:
        inv = self.spec.invariant(name)
        if inv is None:
            return None
        chain = runner.world.chain
        env = ConcreteEnv(0, 0, chain.timestamp, chain.block_number)
        verdict = InvariantCheck(inv).check(runner.live, env)
        if verdict.outcome is Outcome.BROKEN:
            return (
                "replayed on revm: the pre-state Z3 chose does not satisfy the invariant on "
                "the deployed contract (its sums or quantifiers range over other entries), "
                "so it is not a valid starting point"
            )
        return None

    def _constructor(self, runner: Runner, cex: Counterexample) -> ReplayResult:
        breaches = runner.check_initial({cex.property_name})
        if any(b.property == cex.property_name for b in breaches):
            note = "confirmed on revm: the harness's deployment breaks the invariant"
            return ReplayResult(dataclasses.replace(cex, confirmed=True, replay_note=note), True)
        note = (
            "the harness's deployment does not break the invariant; Z3's constructor "
            "arguments or environment differ from the harness's"
        )
        return ReplayResult(_noted(cex, note), True)


def _noted(cex: Counterexample, note: str) -> Counterexample:
    return dataclasses.replace(cex, confirmed=False, replay_note=note)
