"""The deployed chain seen as the spec's `ConcreteState`: storage through the layout,
tracked mapping keys for `sum`/`forall`, view calls, declared inputs.

`LiveState` reads the current EVM state. `OldState` stands for the state before a call
once the call has run: it answers from a cache and notes what it could not answer, so the
caller can rewind, read those values, replay the call and evaluate again (pyrevm cannot
read a past state, and copying all storage before every call would cost more than this).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode

from solvency.analyzers.fuzz.chain import CALL_GAS, CallFailedError, Chain, encode_args, selector
from solvency.analyzers.fuzz.keys import KeyTracker, split_tuple
from solvency.build.artifacts import AbiEntry, CompiledContract
from solvency.core.errors import InternalError
from solvency.ir import storage
from solvency.specs import typed
from solvency.specs.lower_concrete import ConcreteEnv, ConcreteFrame, Value, evaluate
from solvency.specs.types import SType

# (receiver, signature, args, output types) of an external read
ExternalKey = tuple[int, str, tuple[Value, ...], tuple[str, ...]]


@dataclass
class DeploymentCache:
    """What no call changes, shared by the LiveStates of one deployment: immutables live in
    the code (every input read through an immutable receiver, `oracle.price()`, was one view
    call more before), and an input's calldata depends only on its receiver and arguments."""

    immutables: dict[str, int] = field(default_factory=dict)
    calldata: dict[tuple[str, str, tuple[Value, ...]], bytes] = field(default_factory=dict)


def to_int_address(address: str) -> int:
    return int(address, 16)


def to_hex_address(value: int) -> str:
    return f"0x{value % (1 << 160):040x}"


class LiveState:
    """The current state of the target on `chain` (a `lower_concrete.ConcreteState`)."""

    def __init__(
        self,
        chain: Chain,
        target: str,
        artifact: CompiledContract,
        keys: KeyTracker,
        inputs: tuple[typed.Input, ...] = (),
        *,
        cache: DeploymentCache | None = None,
    ) -> None:
        self.chain = chain
        self.target = target
        self.artifact = artifact
        self.tracker = keys
        self._this = to_int_address(target)
        self.words: dict[int, int] = {}
        self.inputs: dict[str, int] = {}
        self.externals: dict[ExternalKey, tuple[Value, ...]] = {}  # read in this state
        self.views: dict[tuple[str, tuple[Value, ...]], tuple[Value, ...]] = {}  # … and these
        self._inputs = {i.name: i for i in inputs}
        cache = cache if cache is not None else DeploymentCache()
        self._immutables, self._calldata = cache.immutables, cache.calldata
        self._views: dict[str, AbiEntry] = {
            e.signature: e for e in artifact.abi if e.kind == "function"
        }

    @property
    def this_address(self) -> int:
        return self._this

    def storage_word(self, slot: int) -> int:
        word = self.words.get(slot)
        if word is None:
            if slot >> 256:  # struct fields and array elements after a hash may wrap around
                return self.storage_word(slot % (1 << 256))
            word = self.words[slot] = int(self.chain.evm.storage(self.target, slot))
        return word

    def changed(self) -> None:
        """The chain moved on (a call ran, or a rewind): forget the values read so far."""
        self.words.clear()
        self.inputs.clear()
        self.externals.clear()
        self.views.clear()

    def balance(self, address: int) -> int:
        return self.chain.balance(to_hex_address(address))

    def keys(self, t: SType) -> Iterable[int]:
        return self.tracker.keys(t)

    def call_view(self, signature: str, args: tuple[Value, ...]) -> tuple[Value, ...]:
        found = self.views.get((signature, args))
        if found is None:
            found = self.views[(signature, args)] = self._call_view(signature, args)
        return found

    def _call_view(self, signature: str, args: tuple[Value, ...]) -> tuple[Value, ...]:
        entry = self._views.get(signature)
        if entry is None:
            raise InternalError(f"{self.artifact.name} has no function {signature}")
        values = [_abi_arg(p.canonical, a) for p, a in zip(entry.inputs, args, strict=True)]
        out = self.chain.view(self.target, entry, values)
        return tuple(_abi_result(p.canonical, v) for p, v in zip(entry.outputs, out, strict=True))

    def external_call(
        self, receiver: int, signature: str, args: tuple[Value, ...], outputs: tuple[str, ...]
    ) -> tuple[Value, ...]:
        key = (receiver, signature, args, outputs)
        found = self.externals.get(key)
        if found is None:
            found = self.externals[key] = self._external_call(key)
        return found

    def _external_call(self, key: ExternalKey) -> tuple[Value, ...]:
        """An eth_call without Chain.raw_call's CallResult, decoded by slicing when every
        result is one static word; anything else (a revert, short or odd data) goes the slow
        way, which words the error as before."""
        receiver, signature, args, outputs = key
        to = to_hex_address(receiver)
        data = self._calldata.get((to, signature, args))
        if data is None:
            data = self._calldata[(to, signature, args)] = _calldata(signature, args)
        evm = self.chain.evm
        snap = evm.snapshot()
        try:
            output: bytes | None = bytes(evm.message_call(_READER, to, data, gas=CALL_GAS))
        except RuntimeError:
            output = None
        finally:
            evm.revert(snap)
        fast = static_results(outputs, output) if output is not None else None
        if fast is not None:
            return fast
        return call_external(self.chain, to, signature, args, outputs)

    def input(self, name: str) -> int:
        value = self.inputs.get(name)
        if value is None:
            value = self.inputs[name] = self._read_input(name)
        return value

    def _read_input(self, name: str) -> int:
        decl = self._inputs.get(name)
        if decl is None:
            raise InternalError(f"input {name} is not declared")
        r = decl.receiver
        if r.slot is None:  # an immutable: read through its public getter
            receiver = to_hex_address(self.immutable(r.name))
        else:
            receiver = to_hex_address(storage.decode(self.storage_word(r.slot), r.offset, r.type))
        args = tuple(evaluate(a, ConcreteFrame(self)) for a in decl.args) if decl.args else ()
        key = (receiver, decl.signature, args)
        data = self._calldata.get(key)
        if data is None:
            data = self._calldata[key] = _calldata(decl.signature, args)
        evm = self.chain.evm
        snap = evm.snapshot()
        try:  # the common case without Chain.raw_call's CallResult and reason parsing
            output = evm.message_call(_READER, receiver, data, gas=CALL_GAS)
        except RuntimeError:
            output = None
        finally:
            evm.revert(snap)
        if output is None or len(output) < 32:  # the slow path words the error
            return read_external(self.chain, receiver, decl.signature, args)
        return int.from_bytes(bytes(output[:32]), "big")

    def immutable(self, name: str) -> int:
        value = self._immutables.get(name)
        if value is None:
            getter = self._views.get(f"{name}()")
            if getter is None:
                raise InternalError(f"immutable {name} has no public getter to read it through")
            (read,) = self.call_view(getter.signature, ())
            value = self._immutables[name] = int(read)
        return value


def read_external(chain: Chain, to: str, signature: str, args: tuple[Value, ...]) -> int:
    """Call `to.signature(args)` (a price feed, a token balance) and decode its first word."""
    try:
        output = _external_output(chain, to, signature, args)
    except CallFailedError as exc:
        raise InternalError(str(exc)) from exc
    if len(output) < 32:
        raise InternalError(f"reading {signature} from {to} returned {len(output)} bytes")
    return int.from_bytes(output[:32], "big")


def call_external(
    chain: Chain, to: str, signature: str, args: tuple[Value, ...], outputs: tuple[str, ...]
) -> tuple[Value, ...]:
    """`to.signature(args)` in the current state, its results decoded as `outputs`."""
    output = _external_output(chain, to, signature, args)
    try:
        values = abi_decode(list(outputs), output)
    except Exception as exc:  # eth_abi raises several unrelated types on short data
        raise CallFailedError(f"{signature} on {to} returned no {outputs}: {exc}") from exc
    return tuple(_abi_result(t, v) for t, v in zip(outputs, values, strict=True))


def static_results(outputs: tuple[str, ...], data: bytes) -> tuple[Value, ...] | None:
    """Results that are each one static word (uintN, intN, address, bool, bytesN), decoded
    as eth_abi's strict decoder and `_abi_result` would; None where eth_abi might disagree
    (dirty padding, out-of-range words, short data, other types): decode those with it."""
    if len(data) < 32 * len(outputs):
        return None
    out: list[Value] = []
    for i, t in enumerate(outputs):
        w = int.from_bytes(data[32 * i : 32 * i + 32], "big")
        if t == "address":
            if w >> 160:
                return None
            out.append(w)
        elif t == "bool":
            if w > 1:
                return None
            out.append(bool(w))
        elif t.startswith("uint") and t[4:].isdigit():
            if w >> int(t[4:]):
                return None
            out.append(w)
        elif t.startswith("int") and t[3:].isdigit():
            v, half = w - (1 << 256) if w >> 255 else w, 1 << (int(t[3:]) - 1)
            if not -half <= v < half:
                return None
            out.append(v)
        elif t.startswith("bytes") and t[5:].isdigit() and 1 <= int(t[5:]) <= 32:
            pad = 8 * (32 - int(t[5:]))
            if w & ((1 << pad) - 1):
                return None
            out.append(w >> pad)
        else:
            return None
    return tuple(out)


def _calldata(signature: str, args: tuple[Value, ...]) -> bytes:
    types = tuple(split_tuple(signature[signature.index("(") :]))
    return selector(signature) + encode_args(
        types, [_abi_arg(t, a) for t, a in zip(types, args, strict=True)]
    )


def _external_output(chain: Chain, to: str, signature: str, args: tuple[Value, ...]) -> bytes:
    data = _calldata(signature, args)
    snap = chain.snapshot()
    try:
        result = chain.raw_call(chain_reader(), to, data)
    finally:
        chain.revert(snap)
    if not result.success:
        raise CallFailedError(f"reading {signature} from {to} failed: {result.reason}")
    return bytes(result.output)


def chain_reader() -> str:
    return _READER


_READER = "0x00000000000000000000000000000000000fffff"


def _abi_arg(abi_type: str, value: Value) -> Any:
    if abi_type == "address":
        return to_hex_address(int(value))
    if abi_type == "bool":
        return bool(value)
    if abi_type.startswith("bytes") and abi_type != "bytes":
        n = int(abi_type[5:])
        return int(value).to_bytes(n, "big")
    return int(value)


def _abi_result(abi_type: str, value: Any) -> Value:
    if isinstance(value, bool):
        return value
    if abi_type == "address":
        return int(value, 16)
    if isinstance(value, bytes) and abi_type != "bytes":
        return int.from_bytes(value, "big")
    if isinstance(value, int):
        return value
    raise InternalError(f"a view returning {abi_type} cannot be used in a spec expression")


class OldState:
    """The pre-call state, answered from values read before (or after rewinding to) it."""

    def __init__(self, live: LiveState) -> None:
        self.live = live
        self.words: dict[int, int] = {}
        self.balances: dict[int, int] = {}
        self.views: dict[tuple[str, tuple[Value, ...]], tuple[Value, ...] | None] = {}
        self.inputs: dict[str, int] = {}
        self.missing = False
        self.recording = False  # before the call: read through to `live` and keep the value
        self._want_words: set[int] = set()
        self._want_balances: set[int] = set()
        self._want_views: set[tuple[str, tuple[Value, ...]]] = set()
        self._want_inputs: set[str] = set()
        self.externals: dict[ExternalKey, tuple[Value, ...] | None] = {}
        self._want_externals: set[ExternalKey] = set()

    @property
    def this_address(self) -> int:
        return self.live.this_address

    def storage_word(self, slot: int) -> int:
        if slot in self.words:
            return self.words[slot]
        if self.recording:
            self.words[slot] = self.live.storage_word(slot)
            return self.words[slot]
        self.missing = True
        self._want_words.add(slot)
        return 0

    def balance(self, address: int) -> int:
        if address in self.balances:
            return self.balances[address]
        if self.recording:
            self.balances[address] = self.live.balance(address)
            return self.balances[address]
        self.missing = True
        self._want_balances.add(address)
        return 0

    def keys(self, t: SType) -> Iterable[int]:
        return self.live.keys(t)

    def call_view(self, signature: str, args: tuple[Value, ...]) -> tuple[Value, ...]:
        key = (signature, args)
        if key in self.views:
            found = self.views[key]
            if found is None:
                raise CallFailedError(f"{signature} reverted in the state before the call")
            return found
        if self.recording:
            result = self.views[key] = self.live.call_view(signature, args)
            return result
        self.missing = True
        self._want_views.add(key)
        return (0,)

    def input(self, name: str) -> int:
        if name in self.inputs:
            return self.inputs[name]
        if self.recording:
            self.inputs[name] = self.live.input(name)
            return self.inputs[name]
        self.missing = True
        self._want_inputs.add(name)
        return 0

    def external_call(
        self, receiver: int, signature: str, args: tuple[Value, ...], outputs: tuple[str, ...]
    ) -> tuple[Value, ...]:
        key = (receiver, signature, args, outputs)
        if key in self.externals:
            found = self.externals[key]
            if found is None:
                raise CallFailedError(f"{signature} reverted in the state before the call")
            return found
        if self.recording:
            result = self.externals[key] = self.live.external_call(*key)
            return result
        self.missing = True
        self._want_externals.add(key)
        return tuple(0 for _ in outputs)

    def immutable(self, name: str) -> int:
        return self.live.immutable(name)  # immutables never change

    def fill(self) -> None:
        """Read everything asked for so far from `live`, which must be at the old state."""
        for slot in self._want_words:
            self.words[slot] = self.live.storage_word(slot)
        for address in self._want_balances:
            self.balances[address] = self.live.balance(address)
        for sig, args in self._want_views:
            try:
                self.views[(sig, args)] = self.live.call_view(sig, args)
            except (InternalError, CallFailedError):
                self.views[(sig, args)] = None
        for name in self._want_inputs:
            self.inputs[name] = self.live.input(name)
        for key in self._want_externals:
            try:
                self.externals[key] = self.live.external_call(*key)
            except (InternalError, CallFailedError):
                self.externals[key] = None
        self._want_externals.clear()
        self._want_words.clear()
        self._want_balances.clear()
        self._want_views.clear()
        self._want_inputs.clear()
        self.missing = False


def frame(live: LiveState, env: ConcreteEnv, old: OldState | None = None) -> ConcreteFrame:
    return ConcreteFrame(state=live, env=env, old=old)
