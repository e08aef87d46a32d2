"""The deployed world a campaign plays in: what can be called, by whom, and how a chunk of
drawn bytes becomes one `Call`; executing a `Call` (drawn, shrunk or replayed) on the chain.

Actions are the target's state-changing functions, the recipe's environment moves (oracle
prices within their bounds, sent by their owner) and donations (a raw token transfer to the
target). Helper contracts are not called otherwise: a mock token's public `burn` would
break any solvency property of a correct target.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError

from solvency.analyzers.fuzz.chain import CallResult, Chain, encode_args, selector
from solvency.analyzers.fuzz.deploy import ArtifactLookup, Deployment, deploy, resolve_ref
from solvency.analyzers.fuzz.keys import KeyTracker
from solvency.analyzers.fuzz.recipe import Recipe, parse_int
from solvency.analyzers.fuzz.shapes import (
    frozen,
    head_offset,
    integers,
    is_id,
    last_word,
    one_amount,
    refused,
    thawed,
    with_arg,
    zero,
)
from solvency.analyzers.fuzz.state import to_int_address
from solvency.analyzers.fuzz.values import (
    ByteSource,
    Pool,
    array_length,
    draw_id,
    draw_list,
    draw_uint,
    draw_value,
    draw_warp,
    mine_literals,
)
from solvency.build.artifacts import AbiEntry, AbiParam, CompiledContract
from solvency.build.project import CompiledProject
from solvency.core.counterexample import Call
from solvency.core.errors import UserError

CALL, ENVIRONMENT, DONATION = "call", "environment", "donation"
PROXY, ARM = "proxy", "arm"  # a helper that calls the target for an actor / re-enters it
EXECUTE = "execute(address,uint256,bytes)"  # corpora/common/ReentrantReceiver.sol's interface
ARMING = "arm(address,bytes,uint256)"
INVALID = "InvalidFEOpcode"
NOT_ASSERT = "invalid opcode 0xfe (no assert in the sources: an index, a division or an enum)"
_ASSERT_CALL = re.compile(r"\bassert\s*\(")
RAW = b"raw"  # the encoding "head" of a fallback call whose one argument is its calldata
_AGES = (0, 0, 1, 60, 600, 3_599, 3_600, 3_601, 86_400, 7 * 86_400)
PROBE_STEPS = 24  # bisection steps of `widest`
TARGET_WEIGHT = 4  # target functions come up this many times as often as the other actions


@dataclass(frozen=True, slots=True)
class Action:
    kind: str
    contract: str  # the name a Call carries: the target's contract name or a helper's name
    address: str
    entry: AbiEntry
    sender: str | None = None  # fixed sender (environment moves); None: an actor
    bounds: tuple[tuple[int, int], ...] = ()
    reference: int | None = None  # environment: the helper's starting value (a price)


class World:
    """A deployment plus its action table; `reset()` rewinds it to just after deployment."""

    def __init__(
        self,
        deployment: Deployment,
        artifacts: dict[str, CompiledContract],
        recipe: Recipe,
        source_literals: Sequence[int] = (),
        asserts: bool = True,
    ) -> None:
        self.deployment = deployment
        self.asserts = asserts  # False: the sources have no assert, so 0xfe is not one
        self.chain: Chain = deployment.chain
        self.target = deployment.target
        self.target_name = deployment.target_name
        self.artifact = artifacts["target"]
        self.senders = (*deployment.actors, deployment.deployer)
        self.actor_eth = recipe.actor_eth
        self.names = {deployment.target_name: deployment.target}
        self.names.update((k, v) for k, v in deployment.addresses.items() if k in artifacts)
        self.entries: dict[tuple[str, str], AbiEntry] = {}
        for name, art in artifacts.items():
            label = deployment.target_name if name == "target" else name
            self.entries.update(((label, e.signature), e) for e in art.abi if e.kind == "function")
        self._encodings: dict[tuple[str, str], tuple[bytes, tuple[str, ...]]] = {}
        self._bare = _bare_entries(artifacts, deployment.target_name)  # receive / fallback
        self._by_selector = {
            selector(e.signature): e for e in self.artifact.abi if e.kind == "function"
        }
        self._learnt: list[tuple[str, str]] = []
        self.exploring = True  # False while shrinking: learn() keeps nothing for later rounds
        self.actions = self._actions(artifacts, recipe)
        self._admin: set[str] = set()  # target functions only the deployer got through
        # function → [actor calls, actor successes, deployer calls, deployer successes]
        self._outcomes: dict[str, list[int]] = {}
        self.table = self._table()
        self._targets = tuple(a for a in self.actions if a.kind == CALL) or self.actions
        self.pool = Pool()
        self.pool.addresses = [*self.senders, *deployment.addresses.values(), "0x" + "00" * 20]
        self.pool.add_integers(source_literals)
        now = self.chain.timestamp  # deadlines, expiries: shortly after the start
        self.pool.add_integers((now, now + 3_600, now + 86_400, now + 30 * 86_400))
        self.base_keys = KeyTracker()
        for address in deployment.addresses.values():
            self.base_keys.add_address(to_int_address(address))
        for step in recipe.setup:  # keys the setup wrote under (markets, ids)
            for raw in step.args:
                _seed_key(self.base_keys, raw)
        self._learn_setup(recipe, artifacts["target"])
        self._env_last: dict[tuple[str, str], int] = {}  # sequence-local: the last price set
        self._base_time = (self.chain.timestamp, self.chain.block_number)
        self._owner = self._owner_only()
        self._initial_hints = {k: list(v) for k, v in self.pool.by_name.items()}
        self._setup_users = _setup_users(recipe, deployment)  # positions from the start
        self.restart()
        self._base = self.chain.snapshot()

    def _actions(
        self, artifacts: dict[str, CompiledContract], recipe: Recipe
    ) -> tuple[Action, ...]:
        out = [
            Action(CALL, self.target_name, self.target, e)
            for e in self.artifact.abi
            if e.kind == "function" and e.state_mutability in ("nonpayable", "payable")
        ]
        refs = dict(self.deployment.addresses)
        for move in recipe.environment:
            art = artifacts.get(move.to.removeprefix("@"))
            entry = art.function(move.function) if art else None
            if art is None or entry is None:
                raise UserError(f"environment move {move.to}.{move.function}: no such function")
            label = move.to.removeprefix("@")
            address = resolve_ref(move.to, refs)
            sender = resolve_ref(move.sender, refs)
            bounds = tuple((_bound(lo, refs), _bound(hi, refs)) for lo, hi in move.bounds)
            reference = _reference(recipe, label, bounds)
            out.append(Action(ENVIRONMENT, label, address, entry, sender, bounds, reference))
        for name, art in artifacts.items():
            transfer = art.function("transfer(address,uint256)")
            if name != "target" and transfer is not None:
                out.append(Action(DONATION, name, self.names[name], transfer))
            for kind, signature in ((PROXY, EXECUTE), (ARM, ARMING)):
                entry = art.function(signature) if name != "target" else None
                if entry is not None:
                    out.append(Action(kind, name, self.names[name], entry))
        if not out:
            raise UserError(f"{self.target_name} has no state-changing function to fuzz")
        return tuple(out)

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
            for _ in range(1 if a.entry.signature in self._admin else _weight(a))
        )

    def reset(self) -> None:
        """Back to the state right after deployment (and a fresh snapshot of it)."""
        self.pool.forget()
        self.pool.users.extend(self._setup_users)
        self._env_last.clear()
        self.chain.revert(self._base)
        self.chain.timestamp, self.chain.block_number = self._base_time
        self.chain.warp(0)
        self._base = self.chain.snapshot()

    # ── drawing ──────────────────────────────────────────────────────────────────────────

    def decode_calls(self, chunk: bytes) -> tuple[Call, ...]:
        """The calls of one chunk: usually one; a proxy call may first arm its re-entry with
        another target call (the two-step shape of every reentrancy exploit)."""
        call = self.decode(chunk)
        if call is None:
            return ()
        if len(chunk) > 4 and chunk[-4] < 128 and self._payable_batch(call):
            call = self.cheapest(call)  # a batch paid for as little as it takes, half the time
        if call.timestamp is not None and call.timestamp > self.chain.timestamp and chunk[-3] < 192:
            return (*self._refresh(call), call)
        if call.function != EXECUTE or len(chunk) < 2 or chunk[-1] % 2:
            return (call,)
        if chunk[-1] % 4 == 0:  # re-enter the function being called, with its own arguments
            target, _, data = call.args
            arm = dataclasses.replace(call, function=ARMING, args=(target, data, 0), value=0)
            return (arm, call)
        armed = self.decode(bytes([chunk[0]]) + chunk[-1:0:-1])  # the same proxy, other bytes
        if armed is None or armed.function != EXECUTE:
            return (call,)
        target, value, data = armed.args
        arm = dataclasses.replace(
            armed, function=ARMING, args=(target, data, 0), value=0, sender=call.sender
        )
        return (arm, call) if value == 0 else (call,)

    def decode(self, chunk: bytes) -> Call | None:
        """One call from a chunk of drawn bytes; None when the chunk says "no call"."""
        src = ByteSource(chunk)
        pick = src.byte()
        if pick == 0:
            return None
        action = self.table[pick % len(self.table)]
        warp = draw_warp(src)
        sender = action.sender or self._sender(src.byte(), src.byte())
        admin = sender == self.deployment.deployer and action.entry.signature in self._admin
        if admin and src.byte() % 4 and self.deployment.actors:  # owner setters: mostly refused
            sender = self.deployment.actors[0]
        src.sender = sender
        types = [p.canonical for p in action.entry.inputs]
        reaches: tuple[str, ...] = ()  # the target function a helper call enters
        if action.kind == ENVIRONMENT:
            args: list[Any] = self._environment_args(action, types, src)
        elif action.kind == DONATION:
            args = [self.target, draw_uint(256, src, self.pool) % (10**24 + 1)]
        elif action.kind in (PROXY, ARM):
            inner = self._targets[src.byte() % len(self._targets)]
            src.sender = action.address  # the helper is msg.sender inside: receiver = helper
            data, inner_value = self._inner_call(inner, src)
            src.sender = sender
            reaches = (f"{self.target_name}.{inner.entry.signature}",)
            args = (
                [self.target, inner_value, data]
                if action.kind == PROXY
                else [
                    self.target,
                    data,
                    inner_value,
                ]
            )
        else:
            params = zip(action.entry.inputs, types, strict=True)
            fn = action.entry.signature
            args = [self._draw_param(p.name, t, src, fn) for p, t in params]
            one_amount(action.entry, args, src)
        value = 0
        if action.kind == PROXY:
            value = args[1]
        elif action.entry.state_mutability == "payable":
            value = self._eth_value(src, args)
        return Call(
            contract=action.contract,
            function=action.entry.signature,
            args=tuple(frozen(a) for a in args),
            sender=sender,
            value=value,
            timestamp=self.chain.timestamp + warp,
            reaches=reaches,
            block_number=self.chain.block_number + (1 + warp // 12 if warp else 0),
        )

    def _refresh(self, call: Call) -> list[Call]:
        """After a time warp, the oracles publish again (same value, stamped now): without
        it every later call that reads a price reverts as stale until a move comes up."""
        out: list[Call] = []
        for action in self.actions:
            if action.kind != ENVIRONMENT or action.reference is None or len(action.bounds) != 1:
                continue
            key = (action.contract, f"{action.entry.signature}#0")
            last = self._env_last.get(key)
            value = last if last is not None and last * action.reference > 0 else action.reference
            t = action.entry.inputs[0].canonical
            out.append(
                Call(
                    contract=action.contract,
                    function=action.entry.signature,
                    args=(frozen(thawed(t, value)),),
                    sender=action.sender or self.deployment.deployer,
                    timestamp=call.timestamp,
                    block_number=call.block_number,
                )
            )
        return out

    def _sender(self, b: int, again: int) -> str:
        """Mostly an actor, often the one whose call last succeeded (deposit, then borrow);
        the deployer (the owner) one call in six: its setter calls (a new feed, a zero debt
        ceiling) often leave the rest of a sequence reverting."""
        if again >= 160 and self.pool.last_sender is not None:
            return self.pool.last_sender
        actors = self.deployment.actors
        if not actors or b % 6 == 5:
            return self.deployment.deployer
        return actors[b % len(actors)]

    def _environment_args(self, action: Action, types: list[str], src: ByteSource) -> list[Any]:
        """An oracle move: usually a step from the last value set (or the helper's starting
        value) by a factor in [1/16, 2], small drops as likely as crashes; else any value in
        the bounds."""
        args: list[Any] = []
        for i, (t, (lo, hi)) in enumerate(zip(types, action.bounds, strict=False)):
            key = (action.contract, f"{action.entry.signature}#{i}")
            ref = action.reference if i == 0 else None
            last = self._env_last.get(key)
            if ref is not None and last is not None and last * ref > 0:
                ref = last  # a walk from the last value, unless that one is off (negative)
            b = src.byte()
            now = self.chain.timestamp
            if ref is not None and b < 208:
                factor = (12, 13, 14, 15, 15, 17, 18, 20, 24, 8, 4, 1, 32, 14, 15, 16)[b % 16]
                value = min(hi, max(lo, ref * factor // 16))
            elif ref is None and lo <= now <= hi and b < 208:  # a time: now or a while ago
                value = max(lo, now - _AGES[b % len(_AGES)])
            else:
                value = lo + draw_uint(256, src, self.pool) % (hi - lo + 1)
            self._env_last[key] = value
            args.append(thawed(t, value))
        args += [draw_value(t, src, self.pool) for t in types[len(args) :]]
        return args

    def _draw_param(self, name: str, abi_type: str, src: ByteSource, function: str = "") -> Any:
        known = self.pool.numbers
        numbers = known.get(name) or known.get(name.strip("_")) or known.get(last_word(name))
        if numbers and not abi_type.endswith("]") and src.byte() < 128:
            return numbers[src.byte() % len(numbers)]
        if abi_type.startswith("uint") and is_id(name):
            if abi_type.endswith("[]"):  # `ids`, `seriesIds`: a list of ids (parallel arrays)
                bits = int(abi_type[4:-2] or 256)
                return draw_list(array_length(src), src, lambda: draw_id(bits, src, self.pool))
            if not abi_type.endswith("]"):
                return draw_id(int(abi_type[4:] or 256), src, self.pool)
        if abi_type == "address":
            by_name = self.pool.by_name  # this function's own successes, else the setup's
            src.hint = by_name.get(f"{function}:{name}") or by_name.get(name, [])
            src.recent = self.pool.named.get(name, [])
        value = draw_value(abi_type, src, self.pool)
        src.hint, src.recent = [], []
        return value

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

    def _eth_value(self, src: ByteSource, args: Sequence[Any] = ()) -> int:
        """ETH for a payable call: often the call's own amount (`require(msg.value ==
        amount)`), or that amount priced by a constant (amount * price / 1e18, rounded up)."""
        amounts = [a for a in integers(args) if a > 0]  # array elements too: one lot's amount
        b = src.byte()
        if amounts and b < 64:
            amount = amounts[b % len(amounts)]
            if b < 32:
                value = amount
            else:
                price = self.pool.integers[src.byte() % len(self.pool.integers)]
                value = -(-amount * price // 10**18)
        else:
            value = draw_uint(256, src, self.pool)
        return value % (self.actor_eth // 10 + 1) if value > self.actor_eth else value

    def _inner_call(self, inner: Action, src: ByteSource) -> tuple[bytes, int]:
        """Calldata (and ETH) of a target call a proxy helper makes or re-enters with."""
        types = tuple(p.canonical for p in inner.entry.inputs)
        args = [
            self._draw_param(p.name, t, src, inner.entry.signature)
            for p, t in zip(inner.entry.inputs, types, strict=True)
        ]
        value = self._eth_value(src) if inner.entry.state_mutability == "payable" else 0
        return selector(inner.entry.signature) + encode_args(types, args), value

    def widest(self, call: Call) -> Call:
        """The call with its last amount moved to about the largest value that succeeds now
        (searched on snapshots): borrowing or drawing to the limit is what a small price or
        time move then turns unhealthy, and withdrawing all but dust is where rounding and
        bad-debt bugs live. Unchanged when no value tried succeeds. A payable batch (array
        arguments) gets the least ETH it goes through with instead: see `cheapest`."""
        if self._payable_batch(call):
            return self.cheapest(call)
        entry = self.entry(call)
        where = [
            i
            for i, p in enumerate(entry.inputs)
            if p.type.startswith("uint") and not is_id(p.name) and isinstance(call.args[i], int)
        ]
        if call.contract != self.target_name or not where:
            return call
        i, top = where[-1], (1 << int(entry.inputs[where[-1]].type[4:] or 256)) - 1
        start = call.args[i]
        assert isinstance(start, int)

        data, runs = self._probe(call)
        at = head_offset(self._encoding(call)[1], i)

        def ok(x: int) -> bool:
            if at is None:
                return runs(self._calldata(with_arg(call, i, x)), call.value)
            return runs(data[:at] + x.to_bytes(32, "big") + data[at + 32 :], call.value)

        lo, hi = 0, 0
        if start and ok(start):
            lo = start
            for shift in (4, 8, 16, 32, 64):
                hi = min(top, start << shift)
                if not ok(hi):
                    break
                lo = hi
            else:
                return with_arg(call, i, lo)
        else:
            hi = start or top
            for shift in (2, 4, 8, 16, 32, 64, 128):
                if hi >> shift and ok(hi >> shift):
                    lo = hi >> shift
                    break
            else:
                return call
        for _ in range(PROBE_STEPS):
            if hi - lo <= max(1, lo >> 24):
                break
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid)
        return with_arg(call, i, lo)

    def _payable_batch(self, call: Call) -> bool:
        if call.contract != self.target_name:
            return False
        entry = self.entry(call)
        return entry.state_mutability == "payable" and any(
            p.type.endswith("[]") for p in entry.inputs
        )

    def cheapest(self, call: Call) -> Call:
        """The call with about the least ETH (within 1/16) it succeeds with now, searched
        on snapshots: a batch that checks msg.value per item goes through paying for one
        item, the underpayment a sum or solvency property then shows. Unchanged when
        neither the drawn value nor the sender's whole balance works."""

        data, runs = self._probe(call)

        def ok(value: int) -> bool:
            return runs(data, value)

        hi = call.value
        if not (hi and ok(hi)):
            hi = self.chain.balance(call.sender)
            if not (hi and ok(hi)):
                return call
        if ok(0):
            return dataclasses.replace(call, value=0)
        while hi >> 4 and ok(hi >> 4):
            hi >>= 4
        lo = hi >> 4
        for _ in range(PROBE_STEPS):
            if hi - lo <= max(1, hi >> 4):
                break
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if ok(mid) else (mid, hi)
        return dataclasses.replace(call, value=hi)

    # ── executing ────────────────────────────────────────────────────────────────────────

    def entry(self, call: Call) -> AbiEntry:
        found = self.entries.get((call.contract, call.function)) or self._bare_entry(call)
        if found is None:
            raise UserError(
                f"cannot replay {call.contract}.{call.function}: no such contract function",
                hint="contracts: " + ", ".join(sorted(self.names)),
            )
        return found

    def address(self, contract: str) -> str:
        if contract in self.names:
            return self.names[contract]
        if contract.startswith("0x") and len(contract) == 42:
            return contract
        raise UserError(f"unknown contract {contract} in a call to replay")

    def execute(self, call: Call) -> CallResult:
        """Run one call at its timestamp and block number (when it carries them)."""
        self._at(call)
        data = self._calldata(call)
        result = self.chain.raw_call(call.sender, self.address(call.contract), data, call.value)
        if not result.success and not self.asserts and INVALID in result.reason:
            # solc < 0.8 also compiles out-of-range indexes, division by zero and bad enum
            # values to INVALID; without an assert in the sources that is all it can be.
            return dataclasses.replace(result, reason=NOT_ASSERT)
        return result

    def _at(self, call: Call) -> None:
        chain = self.chain
        stamp = call.timestamp if call.timestamp is not None else chain.timestamp
        number = call.block_number or chain.block_number
        if (stamp, number) != (chain.timestamp, chain.block_number):
            chain.timestamp, chain.block_number = stamp, number
            chain.warp(0)

    def _calldata(self, call: Call) -> bytes:
        head, types = self._encoding(call)
        if head is RAW:  # a fallback call carrying its own calldata
            return bytes(thawed("bytes", call.args[0]))
        args = [thawed(t, a) for t, a in zip(types, call.args, strict=True)]
        return head + encode_args(types, args)

    def _probe(self, call: Call) -> tuple[bytes, Callable[[bytes, int], bool]]:
        """The call's calldata, and a test of whether given calldata and value go through
        now (on a snapshot, undone): probes need no decoded result or revert reason."""
        self._at(call)
        evm, sender, to = self.chain.evm, call.sender, self.address(call.contract)

        def runs(data: bytes, value: int) -> bool:
            snap = evm.snapshot()
            try:
                evm.message_call(sender, to, data, value=value)
                return True
            except RuntimeError:
                return False
            finally:
                evm.revert(snap)

        return self._calldata(call), runs

    def _encoding(self, call: Call) -> tuple[bytes, tuple[str, ...]]:
        key = (call.contract, call.function)
        if call.args and call.function == "fallback()":
            key = (call.contract, "fallback(bytes)")
        found = self._encodings.get(key)
        if found is None:
            entry = self.entry(call)
            types = tuple(p.canonical for p in entry.inputs)
            head = selector(entry.signature)
            if entry.kind == "receive":
                head = b""  # empty calldata: receive(), else fallback()
            elif entry.kind == "fallback":
                head = RAW if len(call.args) == 1 else self._no_selector(call.contract)
            found = self._encodings[key] = (head, types)
        return found

    def _bare_entry(self, call: Call) -> AbiEntry | None:
        """`receive()` / `fallback()` of a contract that has them (a prover counterexample
        names them so); a fallback call may carry its calldata as one bytes argument."""
        if call.function not in ("receive()", "fallback()"):
            return None
        kinds = self._bare.get(call.contract, {})
        kind = call.function[:-2]
        found = kinds.get(kind) or (kinds.get("fallback") if kind == "receive" else None)
        if found is None:
            return None
        data = (AbiParam("data", "bytes"),) if kind == "fallback" and len(call.args) == 1 else ()
        return AbiEntry(kind, kind, data, (), found.state_mutability)

    def _no_selector(self, contract: str) -> bytes:
        """Four bytes that select no function of `contract`: its fallback runs."""
        taken = {selector(sig) for (label, sig) in self.entries if label == contract}
        word = 0xFFFFFFFF
        while word.to_bytes(4, "big") in taken:
            word -= 1
        return word.to_bytes(4, "big")

    def inner_values(self, call: Call) -> list[tuple[str, Any]]:
        """The (ABI type, value) arguments of the target call a proxy or armed helper call
        carries: their addresses and ids are keys like a direct call's."""
        if call.function not in (EXECUTE, ARMING) or call.contract == self.target_name:
            return []
        data = call.args[2] if call.function == EXECUTE else call.args[1]
        if isinstance(data, str):
            data = bytes.fromhex(data.removeprefix("0x"))
        if not isinstance(data, bytes):
            return []
        entry = self._by_selector.get(data[:4])
        if entry is None:
            return []
        types = [p.canonical for p in entry.inputs]
        try:
            values = abi_decode(types, data[4:])
        except (DecodingError, ValueError, OverflowError):
            return []
        return list(zip(types, values, strict=True))

    def track(self, keys: KeyTracker, call: Call, result: CallResult) -> tuple[Any, ...]:
        """Record the call's keys (sender, arguments, results); the decoded results."""
        keys.add_address(to_int_address(call.sender))
        entry = self.entry(call)
        for p, a in zip(entry.inputs, call.args, strict=True):
            keys.add_abi_value(p.canonical, thawed(p.canonical, a))
        for t, v in self.inner_values(call):
            keys.add_abi_value(t, v)
        if not result.success or not entry.outputs:
            return ()
        types = [p.canonical for p in entry.outputs]
        try:
            out = tuple(abi_decode(types, result.output))
        except (DecodingError, ValueError, OverflowError):
            return ()
        for t, v in zip(types, out, strict=True):
            keys.add_abi_value(t, v)
        return out


def _reference(recipe: Recipe, helper: str, bounds: tuple[tuple[int, int], ...]) -> int | None:
    """The largest constructor argument of `helper` inside the first bound (a feed's
    starting price; not its decimals): where its moves start from."""
    if not bounds:
        return None
    lo, hi = bounds[0]
    found: list[int] = []
    for h in recipe.helpers:
        if h.name != helper:
            continue
        for raw in h.args:
            try:
                value = parse_int(raw)
            except ValueError:
                continue
            if lo <= value <= hi and abs(value) >= 1_000:
                found.append(value)
    return max(found, key=abs) if found else None


def _setup_users(recipe: Recipe, deployment: Deployment) -> list[str]:
    """Actors the setup called the target for (a deposit, a borrow): accounts with a
    position from the start, like the senders of a sequence's successful calls."""
    out: list[str] = []
    for step in recipe.setup:
        if step.to != "@target":
            continue
        if step.for_each_actor and step.sender == "@actor":
            senders = list(deployment.actors)
        else:
            senders = [resolve_ref(step.sender, dict(deployment.addresses))]
        for who in senders:
            if who in deployment.actors:
                if who in out:
                    out.remove(who)
                out.append(who)
    return out


def _bare_entries(
    artifacts: dict[str, CompiledContract], target_name: str
) -> dict[str, dict[str, AbiEntry]]:
    """Per contract label: its `receive` and `fallback` ABI entries."""
    out: dict[str, dict[str, AbiEntry]] = {}
    for name, art in artifacts.items():
        label = target_name if name == "target" else name
        for e in art.abi:
            if e.kind in ("receive", "fallback"):
                out.setdefault(label, {})[e.kind] = e
    return out


def _seed_key(keys: KeyTracker, raw: object) -> None:
    if isinstance(raw, list):
        for item in raw:
            _seed_key(keys, item)
    elif isinstance(raw, int | str) and not isinstance(raw, bool):
        try:
            keys.add_integer(parse_int(raw))
        except ValueError:
            return


def _bound(raw: int | str, refs: dict[str, str]) -> int:
    return int(resolve_ref(raw, refs), 16) if isinstance(raw, str) else raw


def _weight(action: Action) -> int:
    if action.kind in (CALL, PROXY, ARM):
        return TARGET_WEIGHT
    return 2 if action.kind == ENVIRONMENT else 1


def build_world(
    project: CompiledProject, contract: str, recipe: Recipe, lookup: ArtifactLookup
) -> World:
    """Deploy per the recipe (a fresh chain) and wrap the result as a World."""
    deployment = deploy(project, contract, recipe, lookup)
    artifacts = {h.name: lookup(h.file, h.contract) for h in recipe.helpers}
    artifacts["target"] = project.contract(contract)
    source = project.source_text(artifacts["target"].source_unit) or ""
    files = project.sources.files if project.sources is not None else None
    asserts = files is None or any(_ASSERT_CALL.search(f.content) for f in files)
    return World(deployment, artifacts, recipe, mine_literals(source), asserts)
