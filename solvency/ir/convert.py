"""Slither objects → the plain values of ir.model / ir.types. Only ir/ imports slither."""

from __future__ import annotations

from typing import Any

from slither.core.declarations import Contract as SlitherContract
from slither.core.declarations import Enum as SlitherEnum
from slither.core.declarations import Function as SlitherFunction
from slither.core.declarations import Structure
from slither.core.solidity_types import (
    ArrayType as SArrayType,
)
from slither.core.solidity_types import (
    ElementaryType as SElementaryType,
)
from slither.core.solidity_types import (
    MappingType as SMappingType,
)
from slither.core.solidity_types import (
    TypeAlias,
    UserDefinedType,
)
from slither.core.source_mapping.source_mapping import SourceMapping

from solvency.core.location import Location
from solvency.ir.types import (
    ArrayType,
    ContractType,
    ElementaryType,
    EnumType,
    MappingType,
    StructField,
    StructType,
    Type,
)


def convert_type(slither_type: Any) -> Type:
    """A Slither type as an ir type; unknown shapes become their text as an elementary type."""
    if isinstance(slither_type, SElementaryType):
        name = str(slither_type.name)
        return ElementaryType(_canonical_elementary(name))
    if isinstance(slither_type, SMappingType):
        return MappingType(convert_type(slither_type.type_from), convert_type(slither_type.type_to))
    if isinstance(slither_type, SArrayType):
        length = slither_type.length_value
        size = int(str(length.value)) if length is not None else None
        return ArrayType(convert_type(slither_type.type), size)
    if isinstance(slither_type, TypeAlias):
        return convert_type(slither_type.type)
    if isinstance(slither_type, UserDefinedType):
        target = slither_type.type
        if isinstance(target, Structure):
            return StructType(
                target.name,
                tuple(StructField(m.name, convert_type(m.type)) for m in target.elems_ordered),
            )
        if isinstance(target, SlitherEnum):
            return EnumType(target.name, tuple(target.values))
        if isinstance(target, SlitherContract):
            return ContractType(target.name)
    return ElementaryType(str(slither_type))


def _canonical_elementary(name: str) -> str:
    if name == "uint":
        return "uint256"
    if name == "int":
        return "int256"
    if name == "byte":
        return "bytes1"
    if name == "address payable":
        return "address"
    return name


def location_of(
    obj: Any, contract: str | None = None, function: str | None = None
) -> Location | None:
    """The Location of a Slither object from its source mapping (None when it has none)."""
    mapping = getattr(obj, "source_mapping", None)
    if not isinstance(mapping, SourceMapping) or not mapping.lines:
        return None
    return Location(
        file=mapping.filename.used or mapping.filename.absolute,
        start_line=mapping.lines[0],
        end_line=mapping.lines[-1],
        start_column=mapping.starting_column,
        end_column=mapping.ending_column,
        contract=contract,
        function=function,
    )


def function_mutability(function: SlitherFunction) -> str:
    if function.payable:
        return "payable"
    if function.pure:
        return "pure"
    if function.view:
        return "view"
    return "nonpayable"


def contract_kind(contract: SlitherContract) -> str:
    if contract.is_interface:
        return "interface"
    if contract.is_library:
        return "library"
    if contract.is_abstract:
        return "abstract"
    return "contract"
