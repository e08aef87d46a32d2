"""Run call sequences on a World and check the spec around every call.

The same code runs drawn sequences, shrink candidates and replayed counterexamples, so a
counterexample breaks its property on replay exactly as it did when it was found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from solvency.analyzers.fuzz.chain import CallFailedError, CallResult
from solvency.analyzers.fuzz.checks import (
    OK,
    CallFacts,
    InvariantCheck,
    Outcome,
    RuleCheck,
    Verdict,
    spec_value,
)
from solvency.analyzers.fuzz.keys import key_layout
from solvency.analyzers.fuzz.state import DeploymentCache, LiveState, OldState, to_int_address
from solvency.analyzers.fuzz.world import World
from solvency.core.counterexample import Call
from solvency.core.errors import InternalError
from solvency.core.properties import PropertyKind
from solvency.specs import typed
from solvency.specs.lower_concrete import ConcreteEnv, Value

_QUIET_ON_REVERT = (typed.Requires, typed.LetStmt, typed.Ensures)
ASSERT = "assert"  # Solidity assert failures: Panic(0x01), or 0xfe before 0.8
ARITHMETIC_PANICS = (0x11, 0x12)  # checked arithmetic: the revert a 0.8 contract relies on
RETRIES = 3
MAX_IDS = 32
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Breach:
    property: str
    kind: PropertyKind
    index: int  # position of the call in the sequence
    detail: str


@dataclass(frozen=True, slots=True)
class Counters:
    calls: int
    per_function: Counter[tuple[str, str]]
    reverts: Counter[tuple[str, str]]
    panics: Counter[int]


@dataclass
class _Pending:
    """Rule checks waiting for a call: the old state they read and the bindings to check."""

    old: OldState
    plans: list[tuple[RuleCheck, dict[str, Value]]]
    snap: object = None


class Runner:
    """Executes calls from the deployed state and reports which properties each one breaks."""

    def __init__(self, world: World, spec: typed.CheckedSpec | None) -> None:
        self.world = world
        self.invariants = [InvariantCheck(i) for i in spec.invariants] if spec else []
        self.rules = [RuleCheck(r) for r in spec.rules] if spec else []
        self.inputs = spec.inputs if spec else ()
        self.kinds: dict[str, PropertyKind] = {ASSERT: PropertyKind.ASSERT}
        self.kinds.update((i.name, PropertyKind.INVARIANT) for i in self.invariants)
        for r in self.rules:
            self.kinds[r.name] = PropertyKind.SATISFY if r.rule.satisfy else PropertyKind.RULE
        self.needs_keys = bool(self.invariants or self.rules)  # only checks read the keys
        self._applies: dict[str, list[RuleCheck]] = {}  # function → the rules naming it
        self._quiet_on_revert = {r.name for r in self.rules if quiet_on_revert(r)}
        self.errors: dict[str, str] = {}  # property → why it cannot be evaluated
        self.checked: Counter[str] = Counter()  # property → calls it was checked around
        self.witnessed: dict[str, int] = {}  # satisfy → calls until its first witness
        self.calls = 0
        self.per_function: Counter[tuple[str, str]] = Counter()
        self.reverts: Counter[tuple[str, str]] = Counter()
        self.panics: Counter[int] = Counter()
        self.reverted_at: list[int] = []  # positions of the calls `run` saw revert
        self.base_keys = world.base_keys.copy()
        if spec is not None:
            self.base_keys.layout = key_layout(spec.contract.state_variables)
        self.keys = self.base_keys.copy()
        self.cache = DeploymentCache()  # immutables, input calldata: read once
        self.live = self._live()
        self.start()
        self.keys.settle(self.live.storage_word)
        self.base_keys = self.keys.copy()

    def counters(self) -> Counters:
        return Counters(
            self.calls, Counter(self.per_function), Counter(self.reverts), Counter(self.panics)
        )

    def restore(self, saved: Counters) -> None:
        """Forget the calls run since `saved` (shrinking and replays are not exploration)."""
        self.calls = saved.calls
        self.per_function, self.reverts, self.panics = (
            saved.per_function,
            saved.reverts,
            saved.panics,
        )

    def _live(self) -> LiveState:
        w = self.world
        return LiveState(w.chain, w.target, w.artifact, self.keys, self.inputs, cache=self.cache)

    def start(self) -> None:
        """Back to the deployed state with the deployment's keys."""
        self.world.reset()
        self.keys = self.base_keys.copy()
        self.live.changed()
        self.live = self._live()

    def check_initial(self, active: set[str]) -> list[Breach]:
        """Invariants right after deployment (the constructor and setup establish them)."""
        self.start()
        return self.check_state(active)

    def check_state(self, active: set[str]) -> list[Breach]:
        """Invariants in the current state, before any call (index -1), without rewinding:
        after deployment, or after a replay wrote a counterexample's initial storage."""
        self.live.changed()  # storage may have been written around the EVM's journal
        env = self._env(None)
        return [b for inv in self.invariants for b in self._invariant(inv, active, env, -1)]

    def run(self, calls: Iterable[Call], active: set[str], stop: str | None = None) -> list[Breach]:
        """Every breach of an `active` property by `calls`, run from the deployed state."""
        self.start()
        self.reverted_at.clear()
        out: list[Breach] = []
        for index, call in enumerate(calls):
            found = self.step(call, active, index)
            out.extend(found)
            if stop is not None and any(b.property == stop for b in found):
                break
        return out

    def step(self, call: Call, active: set[str], index: int) -> list[Breach]:
        world = self.world
        is_target = call.contract == world.target_name
        if self.needs_keys:
            self._track_args(call)
        env = self._env(call)
        rules = [r for r in self._applying(call.function) if r.name in active] if is_target else []
        pending = _Pending(OldState(self.live), []) if rules else None
        if pending is not None:
            facts = CallFacts(call.function, self._spec_args(call), env, False, ())
            for r in rules:
                for bound in self._guard(r.name, partial(r.before_call, self.live, facts)) or ():
                    r.prefetch(pending.old, facts, bound)
                    pending.plans.append((r, bound))
            if pending.plans:
                pending.snap = world.chain.snapshot()
        result = world.execute(call)
        self.live.changed()
        self._count(call, result)
        if not result.success:
            self.reverted_at.append(index)
        world.note(call, result)
        outs = world.track(self.keys, call, result) if self.needs_keys else ()
        if result.success:
            world.learn(call, outs)
        if result.success and self.needs_keys:
            self.keys.settle(self.live.storage_word)
            world.pool.ids[:] = list(self.keys.integers)[-MAX_IDS:]  # ids the target now holds
        breaches: list[Breach] = []
        if ASSERT in active and _is_assert(result):
            breaches.append(Breach(ASSERT, PropertyKind.ASSERT, index, f"{result.reason}"))
        if pending is not None and pending.plans:
            breaches.extend(self._rules_after(call, (result, outs), pending, index, facts))
        if result.success:
            for inv in self.invariants:
                if not is_target or call.function in inv.functions:
                    breaches.extend(self._invariant(inv, active, env, index))
        return breaches

    def _rules_after(
        self,
        call: Call,
        ran: tuple[CallResult, tuple[Any, ...]],
        pending: _Pending,
        index: int,
        before: CallFacts,
    ) -> list[Breach]:
        chain, old, snap = self.world.chain, pending.old, pending.snap
        result, outs = ran
        verdicts: list[tuple[RuleCheck, Verdict | None]] = []
        for attempt in range(RETRIES):
            facts = CallFacts(
                call.function,
                before.args,  # the call's arguments and env, as before it ran
                before.env,
                not result.success,
                tuple(
                    spec_value(t, v)
                    for t, v in zip(self.world.io_types(call)[1], outs, strict=False)
                ),
            )
            verdicts = [
                (r, OK)
                if facts.reverted and r.name in self._quiet_on_revert
                else (r, self._guard(r.name, partial(r.after_call, self.live, old, facts, b)))
                for r, b in pending.plans
            ]
            retry = any(v is not None and v.outcome is Outcome.RETRY for _, v in verdicts)
            if not retry or attempt == RETRIES - 1:
                break
            chain.revert(snap)
            self.live.changed()
            old.fill()
            snap = chain.snapshot()
            result = self.world.execute(call)
            self.live.changed()
            outs = self.world.track(self.keys, call, result)
        chain.evm.commit()  # drop the checkpoint, keep the call's effects
        out: list[Breach] = []
        for r, v in verdicts:
            if v is None:
                continue
            self.checked[r.name] += 1
            if r.rule.satisfy:
                if v.outcome is Outcome.OK and result.success:
                    self.witnessed.setdefault(r.name, self.calls)
            elif v.outcome is Outcome.BROKEN and all(b.property != r.name for b in out):
                out.append(Breach(r.name, PropertyKind.RULE, index, v.detail))
        return out

    def _invariant(
        self, inv: InvariantCheck, active: set[str], env: ConcreteEnv, index: int
    ) -> list[Breach]:
        if inv.name not in active:
            return []
        verdict = self._guard(inv.name, lambda: inv.check(self.live, env))
        self.checked[inv.name] += 1
        if verdict is not None and verdict.outcome is Outcome.BROKEN:
            return [Breach(inv.name, PropertyKind.INVARIANT, index, verdict.detail)]
        return []

    def _applying(self, signature: str) -> list[RuleCheck]:
        found = self._applies.get(signature)
        if found is None:
            found = self._applies[signature] = [r for r in self.rules if r.applies(signature)]
        return found

    def _guard(self, name: str, thunk: Callable[[], T]) -> T | None:
        """Evaluate; a view that reverts skips this check, an unsupported construct is an
        error of the property (reported, never counted as held)."""
        if name in self.errors:
            return None
        try:
            return thunk()
        except CallFailedError:
            return None
        except (InternalError, ValueError, KeyError, TypeError) as exc:
            self.errors[name] = f"cannot evaluate on the EVM state: {exc}"
            return None

    def _track_args(self, call: Call) -> None:
        keys = self.keys
        keys.add_address(to_int_address(call.sender))
        for t, a in zip(self.world.io_types(call)[0], call.args, strict=True):
            keys.add_abi_value(t, a)
        for t, v in self.world.inner_values(call):
            keys.add_abi_value(t, v)

    def _spec_args(self, call: Call) -> tuple[Value, ...]:
        types = self.world.io_types(call)[0]
        return tuple(spec_value(t, a) for t, a in zip(types, call.args, strict=True))

    def _env(self, call: Call | None) -> ConcreteEnv:
        chain = self.world.chain
        if call is None:
            return ConcreteEnv(0, 0, chain.timestamp, chain.block_number)
        return ConcreteEnv(
            to_int_address(call.sender),
            call.value,
            call.timestamp if call.timestamp is not None else chain.timestamp,
            call.block_number if call.block_number is not None else chain.block_number,
        )

    def _count(self, call: Call, result: CallResult) -> None:
        self.calls += 1
        key = (call.contract, call.function)
        self.per_function[key] += 1
        if not result.success:
            self.reverts[key] += 1
            if result.panic_code is not None:
                self.panics[result.panic_code] += 1


def quiet_on_revert(rule: RuleCheck) -> bool:
    """Whether every statement after the rule's call is skipped when the call reverts
    (`requires`, `let`, `ensures`): its verdict on a reverted call is then OK without
    evaluating anything. `reverts_if`/`reverts_unless`/`succeeds_if` and anything newer are
    evaluated on reverts."""
    return all(isinstance(s, _QUIET_ON_REVERT) for s in rule.after)


def _is_assert(result: CallResult) -> bool:
    return not result.success and (result.panic_code == 1 or "InvalidFEOpcode" in result.reason)
