"""Decoding a chunk of drawn bytes into calls: which action, sender, time warp, arguments
(biased to the pool's values and names) and ETH; oracle republishing after a warp."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from solvency.analyzers.fuzz.actions import (
    ARM,
    ARMING,
    DONATION,
    ENVIRONMENT,
    EXECUTE,
    PROXY,
    Action,
)
from solvency.analyzers.fuzz.chain import encode_args, selector
from solvency.analyzers.fuzz.probing import Probing
from solvency.analyzers.fuzz.shapes import frozen, integers, is_id, last_word, one_amount, thawed
from solvency.analyzers.fuzz.values import (
    ByteSource,
    array_length,
    draw_id,
    draw_list,
    draw_uint,
    draw_value,
    draw_warp,
)
from solvency.core.counterexample import Call

_AGES = (0, 0, 1, 60, 600, 3_599, 3_600, 3_601, 86_400, 7 * 86_400)


class Drawing(Probing):
    """Drawn bytes → calls; a function of the bytes, the pool and the sequence so far."""

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
        admin = sender == self.deployment.deployer and action.signature in self._admin
        if admin and src.byte() % 4 and self.deployment.actors:  # owner setters: mostly refused
            sender = self.deployment.actors[0]
        src.sender = sender
        types = list(action.types)
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
            reaches = (f"{self.target_name}.{inner.signature}",)
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
            fn = action.signature
            args = [self._draw_param(p.name, t, src, fn) for p, t in params]
            one_amount(action.entry, args, src)
        value = 0
        if action.kind == PROXY:
            value = args[1]
        elif action.entry.state_mutability == "payable":
            value = self._eth_value(src, args)
        return Call(
            contract=action.contract,
            function=action.signature,
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
        types = inner.types
        args = [
            self._draw_param(p.name, t, src, inner.signature)
            for p, t in zip(inner.entry.inputs, types, strict=True)
        ]
        value = self._eth_value(src) if inner.entry.state_mutability == "payable" else 0
        return selector(inner.signature) + encode_args(types, args), value
