"""Amount probing: on snapshots, the largest amount a call still succeeds with (`widest`)
and the least ETH a payable batch goes through with (`cheapest`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from solvency.analyzers.fuzz.chain import CALL_GAS
from solvency.analyzers.fuzz.executing import WorldBase
from solvency.analyzers.fuzz.shapes import head_offset, is_id, with_arg
from solvency.core.counterexample import Call

PROBE_STEPS = 24  # bisection steps of `widest`


class Probing(WorldBase):
    """Searches on snapshots: every probe is undone, only the chosen call runs for real."""

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

    def _probe(self, call: Call) -> tuple[bytes, Callable[[bytes, int], bool]]:
        """The call's calldata, and a test of whether given calldata and value go through
        now (on a snapshot, undone): probes need no decoded result or revert reason."""
        self._at(call)
        evm, sender, to = self.chain.evm, call.sender, self.address(call.contract)

        def runs(data: bytes, value: int) -> bool:
            snap = evm.snapshot()
            try:
                evm.message_call(sender, to, data, value=value, gas=CALL_GAS)
                return True
            except RuntimeError:
                return False
            finally:
                evm.revert(snap)

        return self._calldata(call), runs
