"""What the world learns while fuzzing: values the setup used, owner-only functions, the
addresses and amounts of successful calls, and the weights of the action table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from solvency.analyzers.fuzz.actions import CALL, Action, weight
from solvency.analyzers.fuzz.chain import CallResult, encode_args, selector
from solvency.analyzers.fuzz.executing import WorldBase
from solvency.analyzers.fuzz.recipe import Recipe, parse_int
from solvency.analyzers.fuzz.shapes import refused, zero
from solvency.build.artifacts import AbiEntry, CompiledContract
from solvency.core.counterexample import Call


class Learning(WorldBase):
    """Hints and weights; each campaign starts from the same ones (`restart`)."""

    def _learn_setup(self, recipe: Recipe, target: CompiledContract) -> None:
        """Values the constructor and the setup passed to the target (its feed, the listed
        tokens, a staleness bound) are ones its functions accept: offer them for parameters
        of the same name (`setFeed(feed_, maxDelay_)` then mostly re-sets a working feed)."""
        refs = dict(self.deployment.addresses)
        constructor = next((e for e in target.abi if e.kind == "constructor"), None)
        calls: list[tuple[AbiEntry | None, tuple[Any, ...]]] = []
        if constructor is not None:
            calls.append((constructor, recipe.target_args))
        for step in recipe.setup:
            if step.to == "@target":
                calls.append((target.function(step.function), step.args))
        for entry, raws in calls:
            for param, raw in zip(entry.inputs if entry else (), raws, strict=False):
                names = {param.name, param.name.strip("_")}
                if param.type == "address" and isinstance(raw, str) and raw[1:] in refs:
                    for name in names:
                        self.pool.learn(name, refs[raw[1:]])
                elif param.type.startswith("uint") and not isinstance(raw, list):
                    try:
                        value = parse_int(raw)
                    except ValueError:
                        continue
                    for name in names:
                        self.pool.numbers.setdefault(name, []).append(value)

    def _owner_only(self) -> set[str]:
        """Target functions that, called with simple arguments in the deployed state (zeros,
        or ones and the addresses the setup used for that name), succeed for the deployer
        and revert for an actor: owner setters, known before round 0."""
        actors = self.deployment.actors
        out: set[str] = set()
        for action in self.actions:
            if action.kind != CALL or not actors:
                continue
            for plain in (True, False):
                args = [
                    zero(p.canonical) if plain else self._simple(p.name, p.canonical)
                    for p in action.entry.inputs
                ]
                try:
                    types = tuple(p.canonical for p in action.entry.inputs)
                    data = selector(action.entry.signature) + encode_args(types, args)
                except (ValueError, TypeError, OverflowError):
                    continue
                ran = []
                for who in (self.deployment.deployer, actors[0]):
                    snap = self.chain.snapshot()
                    ran.append(self.chain.raw_call(who, self.target, data))
                    self.chain.revert(snap)
                if ran[0].success and refused(ran[1]):
                    out.add(action.entry.signature)
                    break
        return out

    def _simple(self, name: str, abi_type: str) -> Any:
        if abi_type == "address":
            known = self.pool.by_name.get(name)
            return known[0] if known else self.deployment.deployer
        if abi_type.startswith(("uint", "int")):
            return 1
        if abi_type == "bool":
            return True
        return zero(abi_type)

    def restart(self) -> None:
        """Forget what earlier campaigns learnt (hints, owner setters seen), so a campaign
        depends only on its seed and budget, however often this world was fuzzed before."""
        self.pool.by_name = {k: list(v) for k, v in self._initial_hints.items()}
        self._learnt.clear()
        self._outcomes.clear()
        self._admin = set(self._owner)
        self.table = self._table()

    def _table(self) -> tuple[Action, ...]:
        return tuple(
            a
            for a in self.actions
            for _ in range(1 if a.entry.signature in self._admin else weight(a))
        )

    def note(self, call: Call, result: CallResult) -> None:
        """Count a target call's outcome by sender kind (for `next_round`'s weights): an
        actor's call counts as refused when it reverted for want of a role."""
        if call.contract == self.target_name and self.exploring:
            counts = self._outcomes.setdefault(call.function, [0, 0, 0, 0])
            owner = 2 if call.sender == self.deployment.deployer else 0
            counts[owner] += 1
            counts[owner + 1] += result.success if owner else refused(result)

    def learn(self, call: Call, outputs: Sequence[Any] = ()) -> None:
        """Remember the addresses of a call that succeeded, by parameter name, for the next
        round (the pool stays fixed within a round, so Hypothesis's replays are exact), and
        its integers and integer results for the rest of this sequence."""
        if call.contract != self.target_name:
            return
        if not self.exploring:  # a shrink or replay: no lessons for the next round
            self.pool.last_sender = call.sender
            return
        self.pool.last_sender = call.sender
        if call.sender in self.pool.users:
            self.pool.users.remove(call.sender)
        self.pool.users.append(call.sender)  # the most recent last
        for p, a in zip(self.entry(call).inputs, call.args, strict=True):
            if p.type == "address" and p.name and isinstance(a, str):
                self._learnt.append((f"{call.function}:{p.name}", a))
                self.pool.remember_address(p.name, a)
            elif p.type.startswith("uint") and isinstance(a, int) and a > 0:
                self.pool.remember(a)
        for v in outputs:
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                self.pool.remember(v)

    def next_round(self) -> None:
        """Between rounds: the addresses learnt, and functions only the owner could call
        (setters, ownership moves) come up a quarter as often: each success of theirs
        changes the rules for every later call of the sequence."""
        admin = self._owner | {
            f
            for f, (calls, refused, owner_calls, owner_ok) in self._outcomes.items()
            if owner_ok * 4 > owner_calls and refused * 2 > calls
        }
        if admin != self._admin:
            self._admin = admin
            self.table = self._table()
        for name, address in self._learnt:
            self.pool.learn(name, address)
        self._learnt.clear()
