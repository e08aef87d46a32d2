"""Executing a `Call` (drawn, shrunk or replayed) on the deployed world: its calldata,
its block, and the keys it leaves for the checks. The base of `World`, which declares the
attributes every part of it (drawing, probing, learning) reads."""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError

from solvency.analyzers.fuzz.actions import ARMING, EXECUTE, Action
from solvency.analyzers.fuzz.chain import CallResult, Chain, decode_words, encode_args, selector
from solvency.analyzers.fuzz.deploy import Deployment
from solvency.analyzers.fuzz.keys import KeyTracker
from solvency.analyzers.fuzz.shapes import thawed
from solvency.analyzers.fuzz.state import to_int_address
from solvency.analyzers.fuzz.values import Pool
from solvency.build.artifacts import AbiEntry, AbiParam, CompiledContract
from solvency.core.counterexample import Call
from solvency.core.errors import UserError

INVALID = "InvalidFEOpcode"
NOT_ASSERT = "invalid opcode 0xfe (no assert in the sources: an index, a division or an enum)"
RAW = b"raw"  # the encoding "head" of a fallback call whose one argument is its calldata


class WorldBase:
    """The deployed world's attributes (set by `World.__init__`) and call execution."""

    deployment: Deployment
    asserts: bool  # False: the sources have no assert, so 0xfe is not one
    chain: Chain
    target: str
    target_name: str
    artifact: CompiledContract
    senders: tuple[str, ...]
    actor_eth: int
    names: dict[str, str]  # contract label → address
    entries: dict[tuple[str, str], AbiEntry]  # (label, signature) → ABI entry
    actions: tuple[Action, ...]
    table: tuple[Action, ...]  # the actions, each as often as its weight
    pool: Pool
    base_keys: KeyTracker
    exploring: bool  # False while shrinking: learn() keeps nothing for later rounds
    _encodings: dict[tuple[str, str], tuple[bytes, tuple[str, ...]]]
    _io_types: dict[tuple[str, str, int], tuple[tuple[str, ...], tuple[str, ...]]]
    _bare: dict[str, dict[str, AbiEntry]]  # label → its receive / fallback entries
    _by_selector: dict[bytes, AbiEntry]
    _learnt: list[tuple[str, str]]
    _admin: set[str]  # target functions only the deployer got through
    _outcomes: dict[str, list[int]]
    _targets: tuple[Action, ...]
    _env_last: dict[tuple[str, str], int]  # sequence-local: the last price set
    _owner: set[str]
    _initial_hints: dict[str, list[str]]
    _setup_users: list[str]

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
        return list(_decoded(tuple(p.canonical for p in entry.inputs), data[4:]))

    def io_types(self, call: Call) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The canonical input and output types of the function a call names, spelled out
        once per function (the keys of every call are tracked by them)."""
        key = (call.contract, call.function, len(call.args))
        found = self._io_types.get(key)
        if found is None:
            entry = self.entry(call)
            found = (
                tuple(p.canonical for p in entry.inputs),
                tuple(p.canonical for p in entry.outputs),
            )
            self._io_types[key] = found
        return found

    def track(self, keys: KeyTracker, call: Call, result: CallResult) -> tuple[Any, ...]:
        """Record the call's keys (sender, arguments, results); the decoded results."""
        keys.add_address(to_int_address(call.sender))
        inputs, types = self.io_types(call)
        for t, a in zip(inputs, call.args, strict=True):
            keys.add_abi_value(t, thawed(t, a))
        for t, v in self.inner_values(call):
            keys.add_abi_value(t, v)
        if not result.success or not types:
            return ()
        try:
            out = decode_words(types, result.output)
        except (DecodingError, ValueError, OverflowError):
            return ()
        for t, v in zip(types, out, strict=True):
            keys.add_abi_value(t, v)
        return out


@lru_cache(maxsize=1024)
def _decoded(types: tuple[str, ...], payload: bytes) -> tuple[tuple[str, Any], ...]:
    """A proxy call's inner arguments (its calldata is decoded twice per call, before and
    after it runs, and a sequence repeats calls); empty when they do not decode."""
    try:
        values = abi_decode(list(types), payload)
    except (DecodingError, ValueError, OverflowError):
        return ()
    return tuple(zip(types, values, strict=True))
