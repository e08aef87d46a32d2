"""Solidity types as plain values, so engines never handle Slither's type objects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ElementaryType:
    """uintN, intN, address, bool, bytesN, bytes, string."""

    name: str

    @property
    def is_integer(self) -> bool:
        return self.name.startswith(("uint", "int"))

    @property
    def is_signed(self) -> bool:
        return self.name.startswith("int")

    @property
    def bits(self) -> int:
        """Width in bits for value types (address 160, bool 8, bytesN 8N)."""
        if self.name.startswith("uint"):
            return int(self.name[4:] or 256)
        if self.name.startswith("int"):
            return int(self.name[3:] or 256)
        if self.name in ("address", "address payable"):
            return 160
        if self.name == "bool":
            return 8
        if self.name.startswith("bytes") and self.name != "bytes":
            return 8 * int(self.name[5:])
        raise ValueError(f"{self.name} has no fixed width")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class MappingType:
    key: Type
    value: Type

    def __str__(self) -> str:
        return f"mapping({self.key} => {self.value})"


@dataclass(frozen=True, slots=True)
class ArrayType:
    element: Type
    length: int | None = None  # None: dynamic

    def __str__(self) -> str:
        return f"{self.element}[{'' if self.length is None else self.length}]"


@dataclass(frozen=True, slots=True)
class StructField:
    name: str
    type: Type


@dataclass(frozen=True, slots=True)
class StructType:
    name: str
    fields: tuple[StructField, ...]

    def field(self, name: str) -> StructField | None:
        return next((f for f in self.fields if f.name == name), None)

    def __str__(self) -> str:
        return f"struct {self.name}"


@dataclass(frozen=True, slots=True)
class EnumType:
    name: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        return f"enum {self.name}"


@dataclass(frozen=True, slots=True)
class ContractType:
    """A contract or interface type; an address at the ABI level."""

    name: str

    def __str__(self) -> str:
        return self.name


Type = ElementaryType | MappingType | ArrayType | StructType | EnumType | ContractType
