"""The contract model the engines use: plain values over Slither's view of the contracts.

Built by `solvency.ir.build_model` from a CompiledProject. Each Function keeps its nodes and
their SlithIR operations; `raw` fields hold Slither's own objects for engines that need to go
deeper (only through ir/ helpers — nothing outside ir/ imports slither).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from solvency.core.location import Location
from solvency.ir.types import Type


@dataclass(frozen=True, slots=True)
class StateVariable:
    name: str
    type: Type
    contract: str  # the contract that declares it
    slot: int | None  # None for constants and immutables
    offset: int
    constant: bool = False
    immutable: bool = False
    visibility: str = "internal"
    location: Location | None = None
    constant_value: int | None = None  # for integer constants we could evaluate


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: Type


@dataclass(frozen=True, slots=True)
class Operation:
    """One SlithIR operation: its class name (e.g. `Binary`, `HighLevelCall`) and its text."""

    kind: str
    text: str
    lvalue: str | None
    reads: tuple[str, ...]
    location: Location | None
    raw: object = field(compare=False, repr=False, default=None)


@dataclass(frozen=True, slots=True)
class Node:
    """A CFG node with its Solidity expression and SlithIR."""

    node_id: int
    kind: str
    expression: str
    location: Location | None
    operations: tuple[Operation, ...]
    sons: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    signature: str  # canonical ABI signature, e.g. `withdraw(uint256)`
    contract: str  # the contract it belongs to (after inheritance)
    declared_in: str
    visibility: str  # external, public, internal, private
    mutability: str  # view, pure, payable, nonpayable
    parameters: tuple[Parameter, ...]
    returns: tuple[Parameter, ...]
    modifiers: tuple[str, ...]
    is_constructor: bool
    is_fallback: bool
    is_receive: bool
    nodes: tuple[Node, ...]
    state_reads: tuple[str, ...]
    state_writes: tuple[str, ...]
    location: Location | None
    raw: object = field(compare=False, repr=False, default=None)

    @property
    def is_entry_point(self) -> bool:
        """Callable from outside: external/public, not a constructor."""
        return self.visibility in ("external", "public") and not self.is_constructor

    @property
    def changes_state(self) -> bool:
        return self.mutability in ("payable", "nonpayable")


@dataclass(frozen=True, slots=True)
class Contract:
    name: str
    kind: str  # contract, interface, library, abstract
    file: str
    inheritance: tuple[str, ...]
    state_variables: tuple[StateVariable, ...]
    functions: tuple[Function, ...]
    structs: tuple[str, ...]
    location: Location | None
    raw: object = field(compare=False, repr=False, default=None)

    def state_variable(self, name: str) -> StateVariable | None:
        return next((v for v in self.state_variables if v.name == name), None)

    def function(self, name_or_signature: str) -> tuple[Function, ...]:
        """Functions with this name, or the one with this exact signature."""
        if "(" in name_or_signature:
            return tuple(f for f in self.functions if f.signature == name_or_signature)
        return tuple(f for f in self.functions if f.name == name_or_signature)

    def entry_points(self) -> tuple[Function, ...]:
        return tuple(f for f in self.functions if f.is_entry_point)


@dataclass(frozen=True, slots=True)
class ProjectModel:
    contracts: tuple[Contract, ...]

    def contract(self, name: str) -> Contract | None:
        return next((c for c in self.contracts if c.name == name), None)

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.contracts)
