"""`ConcreteState` over a deployed contract on pyrevm: what the fuzzer's evaluator will read.

Storage words come straight from the EVM, view functions and declared inputs are real calls,
and `sum`/`forall` range over every address the deployment knows (deployer, actors, helpers,
the target) and a few small integers (ids, array indices).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from solvency.analyzers.fuzz.chain import address_of
from solvency.analyzers.fuzz.deploy import Deployment
from solvency.analyzers.fuzz.state import call_external, to_hex_address
from solvency.build import CompiledContract
from solvency.specs import typed
from solvency.specs.lower_concrete import ConcreteFrame, Value, evaluate
from solvency.specs.types import Kind, SType

SMALL_INTS = (*range(8), 10**18, 10**24)


_hex = to_hex_address


def to_abi(kind: str, v: Value) -> Any:
    if kind == "address":
        return _hex(int(v))
    if kind.startswith("bytes") and kind != "bytes":
        return int(v).to_bytes(int(kind[5:]), "big")
    if kind == "bool":
        return bool(v)
    return int(v)


def from_abi(v: Any) -> Value:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return int(v, 16)
    if isinstance(v, bytes):
        return int.from_bytes(v, "big")
    return int(v)


def signature_types(signature: str) -> list[str]:
    inner = signature[signature.index("(") + 1 : -1]
    return [t for t in inner.split(",") if t]


class ChainState:
    """One deployed target, read through its storage, its getters and its inputs."""

    def __init__(
        self, deployment: Deployment, artifact: CompiledContract, spec: typed.CheckedSpec
    ) -> None:
        self.d = deployment
        self.artifact = artifact
        self.inputs = {i.name: i for i in spec.inputs}
        self.addresses = tuple(
            dict.fromkeys(
                int(a, 16)
                for a in (*deployment.addresses.values(), address_of(0), *deployment.actors)
            )
        )

    @property
    def this_address(self) -> int:
        return int(self.d.target, 16)

    def storage_word(self, slot: int) -> int:
        return self.d.chain.storage(self.d.target, slot)

    def balance(self, address: int) -> int:
        return self.d.chain.balance(_hex(address))

    def keys(self, t: SType) -> Iterable[int]:
        return self.addresses if t.kind is Kind.ADDRESS else SMALL_INTS

    def call_view(self, signature: str, args: tuple[Value, ...]) -> tuple[Value, ...]:
        fn = self.artifact.function(signature)
        if fn is None:
            raise AssertionError(f"{self.artifact.name} has no function {signature}")
        values = [to_abi(p.canonical, a) for p, a in zip(fn.inputs, args, strict=True)]
        return tuple(from_abi(v) for v in self.d.chain.view(self.d.target, fn, values))

    def call_at(self, to: int, signature: str, args: Sequence[Value], returns: str) -> Value:
        (value,) = self.external_call(to, signature, tuple(args), (returns,))
        return value

    def external_call(
        self, receiver: int, signature: str, args: tuple[Value, ...], outputs: tuple[str, ...]
    ) -> tuple[Value, ...]:
        return call_external(self.d.chain, _hex(receiver), signature, args, outputs)

    def input(self, name: str) -> int:
        i = self.inputs[name]
        (receiver,) = self.call_view(f"{i.receiver.name}()", ())
        frame = ConcreteFrame(self)
        args = [evaluate(a, frame) for a in i.args]
        returns = "uint256" if i.type.kind is Kind.MATHINT else str(i.type)
        return int(self.call_at(int(receiver), i.signature, args, returns))

    def immutable(self, name: str) -> int:
        (value,) = self.call_view(f"{name}()", ())
        return int(value)
