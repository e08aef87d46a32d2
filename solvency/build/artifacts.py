"""Per-contract build artifacts as plain values: ABI, bytecode, storage layout, source maps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AbiParam:
    name: str
    type: str  # canonical ABI type: uint256, address, (uint256,bool)[] …
    internal_type: str = ""
    components: tuple[AbiParam, ...] = ()

    @property
    def canonical(self) -> str:
        """The type as it appears in a signature; tuples spelled out."""
        if self.type.startswith("tuple"):
            inner = ",".join(c.canonical for c in self.components)
            return f"({inner}){self.type[5:]}"
        return self.type


@dataclass(frozen=True, slots=True)
class AbiEntry:
    kind: str  # function, constructor, event, error, fallback, receive
    name: str
    inputs: tuple[AbiParam, ...]
    outputs: tuple[AbiParam, ...]
    state_mutability: str

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(p.canonical for p in self.inputs)})"


@dataclass(frozen=True, slots=True)
class StorageEntry:
    """One state variable's place in storage (solc's storageLayout, or Slither's for < 0.5.13)."""

    contract: str
    label: str
    slot: int
    offset: int
    type_id: str  # solc's type identifier, e.g. t_mapping(t_address,t_uint256)
    type_label: str  # human form, e.g. mapping(address => uint256)
    number_of_bytes: int


@dataclass(frozen=True, slots=True)
class CompiledContract:
    name: str
    source_unit: str
    abi: tuple[AbiEntry, ...]
    creation_bytecode: str  # hex without 0x; may hold library placeholders
    runtime_bytecode: str
    source_map_creation: str
    source_map_runtime: str
    storage_layout: tuple[StorageEntry, ...] | None  # None when the compiler gave none
    method_identifiers: tuple[tuple[str, str], ...]  # (signature, 4-byte selector hex)

    @property
    def deployable(self) -> bool:
        return bool(self.creation_bytecode)

    @property
    def needs_linking(self) -> bool:
        return "__" in self.creation_bytecode

    def function(self, signature_or_name: str) -> AbiEntry | None:
        for entry in self.abi:
            if entry.kind == "function" and signature_or_name in (entry.signature, entry.name):
                return entry
        return None


def parse_contract(unit: str, name: str, info: dict[str, Any]) -> CompiledContract:
    evm = info.get("evm", {})
    creation = evm.get("bytecode", {})
    runtime = evm.get("deployedBytecode", {})
    layout = info.get("storageLayout")
    return CompiledContract(
        name=name,
        source_unit=unit,
        abi=tuple(_abi_entry(e) for e in info.get("abi", [])),
        creation_bytecode=creation.get("object", ""),
        runtime_bytecode=runtime.get("object", ""),
        source_map_creation=creation.get("sourceMap", ""),
        source_map_runtime=runtime.get("sourceMap", ""),
        storage_layout=_storage(layout) if layout is not None else None,
        method_identifiers=tuple(sorted(evm.get("methodIdentifiers", {}).items())),
    )


def _abi_entry(raw: dict[str, Any]) -> AbiEntry:
    mutability = raw.get("stateMutability") or (
        "payable" if raw.get("payable") else "view" if raw.get("constant") else "nonpayable"
    )
    return AbiEntry(
        kind=raw.get("type", "function"),
        name=raw.get("name", ""),
        inputs=tuple(_abi_param(p) for p in raw.get("inputs", [])),
        outputs=tuple(_abi_param(p) for p in raw.get("outputs", []) or []),
        state_mutability=mutability,
    )


def _abi_param(raw: dict[str, Any]) -> AbiParam:
    return AbiParam(
        name=raw.get("name", ""),
        type=raw.get("type", ""),
        internal_type=raw.get("internalType", ""),
        components=tuple(_abi_param(c) for c in raw.get("components", [])),
    )


def _storage(layout: dict[str, Any]) -> tuple[StorageEntry, ...]:
    types = layout.get("types") or {}
    return tuple(
        StorageEntry(
            contract=s.get("contract", "").rsplit(":", 1)[-1],
            label=s["label"],
            slot=int(s["slot"]),
            offset=int(s.get("offset", 0)),
            type_id=s["type"],
            type_label=types.get(s["type"], {}).get("label", s["type"]),
            number_of_bytes=int(types.get(s["type"], {}).get("numberOfBytes", 32)),
        )
        for s in layout.get("storage", [])
    )
