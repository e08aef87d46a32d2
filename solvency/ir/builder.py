"""Build the ProjectModel from Slither's view of a CompiledProject."""

from __future__ import annotations

from typing import Any

from slither.core.declarations import Contract as SlitherContract
from slither.core.declarations import Function as SlitherFunction
from slither.core.variables.state_variable import StateVariable as SlitherStateVariable

from solvency.build.artifacts import CompiledContract
from solvency.ir.convert import (
    contract_kind,
    convert_type,
    function_mutability,
    location_of,
)
from solvency.ir.model import (
    Contract,
    Function,
    Node,
    Operation,
    Parameter,
    ProjectModel,
    StateVariable,
)


def build_model(slither: Any, compiled: dict[str, CompiledContract]) -> ProjectModel:
    """One Contract per Slither contract, storage slots from solc's layout when it gave one."""
    contracts = []
    for contract in sorted(slither.contracts, key=lambda c: c.name):
        contracts.append(_contract(contract, compiled.get(contract.name)))
    return ProjectModel(tuple(contracts))


def _contract(contract: SlitherContract, artifact: CompiledContract | None) -> Contract:
    slots = _slots(contract, artifact)
    variables = tuple(_state_variable(contract, v, slots) for v in contract.state_variables_ordered)
    functions = tuple(
        _function(contract, f)
        for f in contract.functions
        if not f.is_shadowed
        and f.name not in ("slitherConstructorVariables", "slitherConstructorConstantVariables")
    )
    return Contract(
        name=contract.name,
        kind=contract_kind(contract),
        file=contract.source_mapping.filename.used or contract.source_mapping.filename.absolute,
        inheritance=tuple(c.name for c in contract.inheritance),
        state_variables=variables,
        functions=functions,
        structs=tuple(s.name for s in contract.structures),
        location=location_of(contract, contract.name),
        raw=contract,
    )


def _slots(
    contract: SlitherContract, artifact: CompiledContract | None
) -> dict[str, tuple[int, int]]:
    if artifact is not None and artifact.storage_layout is not None:
        return {e.label: (e.slot, e.offset) for e in artifact.storage_layout}
    # solc < 0.5.13 has no storageLayout output: use Slither's own computation.
    found: dict[str, tuple[int, int]] = {}
    unit = contract.compilation_unit
    for variable in contract.state_variables_ordered:
        if variable.is_constant or variable.is_immutable:
            continue
        slot, offset = unit.storage_layout_of(contract, variable)
        found[variable.name] = (int(slot), int(offset))
    return found


def _state_variable(
    contract: SlitherContract, variable: SlitherStateVariable, slots: dict[str, tuple[int, int]]
) -> StateVariable:
    slot, offset = slots.get(variable.name, (None, 0))
    return StateVariable(
        name=variable.name,
        type=convert_type(variable.type),
        contract=variable.contract.name if variable.contract else contract.name,
        slot=None if variable.is_constant or variable.is_immutable else slot,
        offset=offset,
        constant=variable.is_constant,
        immutable=variable.is_immutable,
        visibility=variable.visibility,
        location=location_of(variable, contract.name),
        constant_value=_constant_value(variable),
    )


def _constant_value(variable: SlitherStateVariable) -> int | None:
    if not variable.is_constant or variable.expression is None:
        return None
    try:
        from slither.utils.integer_conversion import convert_string_to_int  # noqa: PLC0415

        value = convert_string_to_int(str(variable.expression))
    except (ValueError, TypeError, ArithmeticError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _function(contract: SlitherContract, function: SlitherFunction) -> Function:
    name = function.name
    nodes = tuple(
        Node(
            node_id=node.node_id,
            kind=str(node.type).split(".")[-1],
            expression=str(node.expression) if node.expression is not None else "",
            location=location_of(node, contract.name, name),
            operations=tuple(
                Operation(
                    kind=type(op).__name__,
                    text=str(op),
                    lvalue=str(op.lvalue) if getattr(op, "lvalue", None) is not None else None,
                    reads=tuple(str(v) for v in op.read),
                    location=location_of(node, contract.name, name),
                    raw=op,
                )
                for op in node.irs
            ),
            sons=tuple(s.node_id for s in node.sons),
        )
        for node in function.nodes
    )
    return Function(
        name=name,
        signature=function.solidity_signature,
        contract=contract.name,
        declared_in=function.contract_declarer.name,
        visibility=function.visibility,
        mutability=function_mutability(function),
        parameters=tuple(Parameter(p.name, convert_type(p.type)) for p in function.parameters),
        returns=tuple(Parameter(p.name, convert_type(p.type)) for p in function.returns),
        modifiers=tuple(m.name for m in function.modifiers),
        is_constructor=function.is_constructor,
        is_fallback=function.is_fallback,
        is_receive=function.is_receive,
        nodes=nodes,
        state_reads=tuple(sorted({v.name for v in function.all_state_variables_read()})),
        state_writes=tuple(sorted({v.name for v in function.all_state_variables_written()})),
        location=location_of(function, contract.name, name),
        raw=function,
    )
