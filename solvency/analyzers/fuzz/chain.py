"""A thin typed layer over pyrevm: deploy, call, read storage, move time, snapshot/revert."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak
from pyrevm import EVM, BlockEnv

from solvency.build.artifacts import AbiEntry

_OUTPUT = re.compile(r"output: 0x([0-9a-fA-F]*)")
_HALT = re.compile(r"Halt \{ reason: (\w+)")
_ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
_PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256)
# pyrevm's default gas limit is 2**64-1: a call looping on a drawn count (`for i < n:
# arr.push(i)`) then runs for minutes and grows the process by gigabytes. Mainnet's block
# limit halts it with OutOfGas in milliseconds, like on a real chain. Every message call
# passes it (`gas=CALL_GAS`): the EVM's own limit, the default of a transaction and the cap
# of a block in pyrevm 0.3, stays higher so that deploys (from the harness, never from drawn
# bytes) have room for big constructors.
CALL_GAS = 30_000_000
DEPLOY_GAS = 1_000_000_000


@dataclass(frozen=True, slots=True)
class CallResult:
    success: bool
    output: bytes
    reason: str = ""  # revert reason, "Panic(0x01)", or the halt reason
    panic_code: int | None = None


def address_of(index: int) -> str:
    """Deterministic, readable addresses for the deployer (0) and actors (1…)."""
    return f"0x{0x10000 + index:040x}"


@lru_cache(maxsize=4096)
def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def encode_args(types: tuple[str, ...], args: Sequence[Any]) -> bytes:
    """ABI-encode; static values and arrays of them by hand (eth_abi's generic path costs
    more than revm's execution of the call), anything else through eth_abi."""
    heads: list[bytes] = []
    tails: list[bytes] = []
    size = 32 * len(types)
    for t, v in zip(types, args, strict=True):
        if t.endswith("[]") and "(" not in t and t.count("[") == 1:
            words = [_word(t[:-2], item) for item in v]
            if any(w is None for w in words):
                return abi_encode(list(types), list(args))
            heads.append((size + sum(len(x) for x in tails)).to_bytes(32, "big"))
            tails.append(len(words).to_bytes(32, "big") + b"".join(w for w in words if w))
            continue
        word = _word(t, v)
        if word is None:
            return abi_encode(list(types), list(args))
        heads.append(word)
    return b"".join(heads) + b"".join(tails)


def _word(t: str, v: Any) -> bytes | None:
    """One static value as its 32-byte word; None for anything else."""
    if t == "address" and isinstance(v, str) and len(v) == 42:
        return bytes(12) + bytes.fromhex(v[2:])
    if t == "bool":
        return (1 if v else 0).to_bytes(32, "big")
    if isinstance(v, bool) or not isinstance(v, int):
        return None
    if t.startswith("uint") and t[4:].isdigit() and 0 <= v < 1 << int(t[4:]):
        return v.to_bytes(32, "big")
    if (
        t.startswith("int")
        and t[3:].isdigit()
        and -(1 << (int(t[3:]) - 1)) <= v < 1 << (int(t[3:]) - 1)
    ):
        return (v % (1 << 256)).to_bytes(32, "big")
    return None


def decode_words(types: Sequence[str], output: bytes) -> tuple[Any, ...]:
    """eth_abi's decode, by hand for results that are words of uintN or bool (the usual
    ones, and eth_abi's generic path costs more than the call); eth_abi for anything else,
    so every value and every error is eth_abi's."""
    if len(output) == 32 * len(types):
        out: list[Any] = []
        for i, t in enumerate(types):
            v = int.from_bytes(output[32 * i : 32 * i + 32], "big")
            if t == "bool" and v in (0, 1):
                out.append(v == 1)
            elif t.startswith("uint") and t[4:].isdigit() and not v >> int(t[4:]):
                out.append(v)
            else:
                break
        else:
            return tuple(out)
    return tuple(abi_decode(list(types), output))


class Chain:
    """One in-process EVM. Values are plain ints, bytes and 0x-hex address strings."""

    def __init__(self, timestamp: int = 1_700_000_000, block_number: int = 1) -> None:
        self.evm = EVM(gas_limit=DEPLOY_GAS)
        self.timestamp = timestamp
        self.block_number = block_number
        self._apply_block()

    def _apply_block(self) -> None:
        self.evm.set_block_env(BlockEnv(number=self.block_number, timestamp=self.timestamp))

    def warp(self, seconds: int, blocks: int = 0) -> None:
        self.timestamp += seconds
        self.block_number += blocks
        self._apply_block()

    def fund(self, address: str, wei: int) -> None:
        self.evm.set_balance(address, wei)

    def balance(self, address: str) -> int:
        return int(self.evm.get_balance(address))

    def storage(self, address: str, slot: int) -> int:
        return int(self.evm.storage(address, slot))

    def set_storage(self, address: str, slot: int, value: int) -> None:
        self.evm.insert_account_storage(address, slot, value)

    def deploy(
        self,
        sender: str,
        creation_hex: str,
        constructor: AbiEntry | None,
        args: Sequence[Any],
        value: int = 0,
    ) -> str:
        """Deploy; raises DeployError with the revert reason when the constructor fails."""
        data = bytes.fromhex(creation_hex)
        if constructor is not None and constructor.inputs:
            data += abi_encode([p.canonical for p in constructor.inputs], list(args))
        try:
            return str(self.evm.deploy(sender, data, value=value, gas=DEPLOY_GAS))
        except RuntimeError as exc:
            raise DeployError(decode_failure(str(exc)).reason) from None

    def call(
        self, sender: str, to: str, function: AbiEntry, args: Sequence[Any], value: int = 0
    ) -> CallResult:
        data = selector(function.signature) + encode_args(
            tuple(p.canonical for p in function.inputs), args
        )
        return self.raw_call(sender, to, data, value)

    def raw_call(self, sender: str, to: str, data: bytes, value: int = 0) -> CallResult:
        try:
            output = self.evm.message_call(sender, to, data, value=value, gas=CALL_GAS)
        except RuntimeError as exc:
            return decode_failure(str(exc))
        return CallResult(True, bytes(output))

    def view(self, to: str, function: AbiEntry, args: Sequence[Any]) -> tuple[Any, ...]:
        """Call a view function without changing state; the decoded outputs."""
        snap = self.evm.snapshot()
        try:
            result = self.call(address_of(0), to, function, args)
        finally:
            self.evm.revert(snap)
        if not result.success:
            raise CallFailedError(f"{function.signature} reverted: {result.reason}")
        return decode_words([p.canonical for p in function.outputs], result.output)

    def snapshot(self) -> Any:
        return self.evm.snapshot()

    def revert(self, snapshot: Any) -> None:
        self.evm.revert(snapshot)


class DeployError(Exception):
    """A constructor reverted."""


class CallFailedError(Exception):
    """A view call the caller relied on reverted."""


def decode_failure(text: str) -> CallResult:
    """pyrevm reports reverts and halts as RuntimeError text; recover reason and panic code."""
    match = _OUTPUT.search(text)
    output = bytes.fromhex(match.group(1)) if match else b""
    if output.startswith(_PANIC_SELECTOR) and len(output) >= 36:
        code = int.from_bytes(output[4:36], "big")
        return CallResult(False, output, f"Panic(0x{code:02x})", panic_code=code)
    if output.startswith(_ERROR_SELECTOR) and len(output) >= 68:
        n = int.from_bytes(output[36:68], "big")  # Error(string): offset, length, bytes
        if 68 + n <= len(output):
            return CallResult(False, output, output[68 : 68 + n].decode("utf-8", "replace"))
    if match is None:
        halt = _HALT.search(text)  # "Halt { reason: InvalidFEOpcode, … }": keep the reason
        if halt:
            return CallResult(False, b"", f"Halt({halt.group(1)})")
        return CallResult(False, b"", text.split("{", 1)[0].strip() or text[:200])
    return CallResult(False, output, f"revert 0x{output.hex()}" if output else "revert")
