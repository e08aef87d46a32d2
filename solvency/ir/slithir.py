"""Small queries over Slither's declarations and SlithIR that Solvency's rules share.

The rules never import slither: every isinstance test on a SlithIR class lives here or in
slithir_flow.py (control and data flow).
Slither objects are passed around as `Any` (Slither ships no type information).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from slither.core.declarations import (
    Contract,
    Function,
    SolidityVariableComposed,
)
from slither.core.solidity_types import ArrayType, ElementaryType, MappingType, UserDefinedType
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import (
    Assignment,
    Binary,
    BinaryType,
    HighLevelCall,
    Index,
    InternalCall,
    LibraryCall,
    LowLevelCall,
    Member,
    TypeConversion,
    Unpack,
)
from slither.slithir.variables import Constant, ReferenceVariable

MSG_SENDER = SolidityVariableComposed("msg.sender")
MSG_VALUE = SolidityVariableComposed("msg.value")

# ------------------------------------------------------------------ declarations


def entry_points(contract: Any) -> list[Any]:
    """Public and external functions that can change state (constructors excluded)."""
    return [
        f
        for f in contract.functions
        if f.visibility in ("public", "external")
        and f.is_implemented
        and not f.is_constructor
        and not f.view
        and not f.pure
        and not f.is_shadowed
    ]


def analysable(contract: Any) -> list[Any]:
    """Every implemented, non-shadowed function of the contract, inherited ones included."""
    return [f for f in contract.functions if f.is_implemented and not f.is_shadowed]


def callees(function: Any) -> tuple[Any, ...]:
    """Functions and modifiers `function` reaches through internal and library calls."""
    return _callees(function)


# Every rule asks for the same closures, over and over on big code bases (OpenZeppelin).
@lru_cache(maxsize=8192)
def _callees(function: Any) -> tuple[Any, ...]:
    found: list[Any] = []
    seen = {function}
    todo = [function]
    while todo:
        current = todo.pop()
        nexts = [c.function for c in current.internal_calls + current.library_calls]
        nexts += list(getattr(current, "modifiers", []))
        for callee in nexts:
            if isinstance(callee, Function) and callee not in seen:
                seen.add(callee)
                found.append(callee)
                todo.append(callee)
    return tuple(found)


def direct_callees(node: Any) -> list[Any]:
    """Functions the node calls internally or through a library, one level deep."""
    found = [c.function for c in node.internal_calls + node.library_calls]
    return [f for f in found if isinstance(f, Function)]


def node_callees(node: Any) -> list[Any]:
    """Functions an IR node calls internally (library calls included), and their callees."""
    direct = [c.function for c in node.internal_calls + node.library_calls]
    found: list[Any] = []
    for fn in direct:
        if isinstance(fn, Function) and fn not in found:
            found.append(fn)
            found.extend(c for c in callees(fn) if c not in found)
    return found


def name_matches(obj: Any, pattern: re.Pattern[str]) -> bool:
    return bool(pattern.search(str(getattr(obj, "name", ""))))


def is_state_variable(var: Any) -> bool:
    return isinstance(var, StateVariable)


def is_constant(var: Any) -> bool:
    """A literal, or a constant/immutable variable (state or file-level)."""
    if isinstance(var, Constant):
        return True
    return bool(getattr(var, "is_constant", False) or getattr(var, "is_immutable", False))


def is_mapping_or_array(var: Any) -> bool:
    return isinstance(getattr(var, "type", None), MappingType | ArrayType)


def int_bits(var: Any) -> int | None:
    """Width of an elementary uint/int type, None for anything else."""
    typ = getattr(var, "type", None)
    if isinstance(typ, ElementaryType) and typ.name.startswith(("uint", "int")):
        digits = re.sub(r"^u?int", "", typ.name)
        return int(digits) if digits else 256
    return None


def is_msg_sender(var: Any) -> bool:
    return bool(var == MSG_SENDER)


# ------------------------------------------------------------------ operations


def ops(node: Any) -> list[Any]:
    return list(node.irs or [])


def external_calls(node: Any) -> list[Any]:
    """High-level calls to other contracts (library calls are internal code, not included)."""
    return [op for op in ops(node) if isinstance(op, HighLevelCall) and not _library(op)]


def low_level_calls(node: Any) -> list[Any]:
    return [op for op in ops(node) if isinstance(op, LowLevelCall)]


def _library(op: Any) -> bool:
    return isinstance(op, LibraryCall) or bool(getattr(op.destination, "is_library", False))


def call_name(op: Any) -> str:
    return str(getattr(op, "function_name", "") or "")


def calls_view(op: Any) -> bool:
    """A high-level call that cannot change the callee's state (view/pure or staticcall)."""
    target = getattr(op, "function", None)
    if isinstance(target, Function):
        return bool(target.view or target.pure)
    return bool(getattr(target, "is_constant", False))


def call_targets_this(op: Any) -> bool:
    return str(getattr(op, "destination", "")) == "this"


def call_arguments(op: Any) -> list[Any]:
    return list(getattr(op, "arguments", None) or [])


def unpacked(node_list: Iterable[Any], call_result: Any) -> dict[int, Any]:
    """index → local variable for the tuple components taken out of `call_result`."""
    found: dict[int, Any] = {}
    for node in node_list:
        for op in ops(node):
            if isinstance(op, Unpack) and op.tuple == call_result:
                found[int(op.index)] = op.lvalue
    return found


def assignments(node: Any) -> Iterator[tuple[Any, Any]]:
    """(written, value) pairs of the node's plain assignments."""
    for op in ops(node):
        if isinstance(op, Assignment):
            yield op.lvalue, op.rvalue


def binaries(node: Any, *kinds: str) -> Iterator[Any]:
    """Binary operations of the given BinaryType names (e.g. "DIVISION", "AND")."""
    wanted = {getattr(BinaryType, k) for k in kinds}
    for op in ops(node):
        if isinstance(op, Binary) and op.type in wanted:
            yield op


def conversions(node: Any) -> Iterator[Any]:
    for op in ops(node):
        if isinstance(op, TypeConversion):
            yield op


def is_internal_call(op: Any) -> bool:
    return isinstance(op, InternalCall)


def storage_paths(function: Any) -> dict[Any, tuple[Any, tuple[Any, ...]]]:
    """Reference variable → (state variable, keys/fields) for every storage access path."""
    paths: dict[Any, tuple[Any, tuple[Any, ...]]] = {}
    for node in function.nodes:
        for op in ops(node):
            if isinstance(op, Index | Member):
                left = op.variable_left
                key = op.variable_right
                if isinstance(left, StateVariable):
                    paths[op.lvalue] = (left, (key,))
                elif left in paths:
                    base, keys = paths[left]
                    paths[op.lvalue] = (base, (*keys, key))
    return paths


def is_reference(var: Any) -> bool:
    return isinstance(var, ReferenceVariable)


def expression_text(node: Any) -> str:
    return str(node.expression) if node.expression is not None else ""


def line_of(obj: Any) -> int:
    lines = obj.source_mapping.lines
    return int(lines[0]) if lines else 0


def untrusted_call(node: Any, names: re.Pattern[str] | None = None) -> bool:
    """The node itself calls another contract in a way that can run its code with state
    (only calls whose function name matches `names`, when given; low-level calls always)."""
    if low_level_calls(node):
        return True
    return any(
        not calls_view(op)
        and not call_targets_this(op)
        and (names is None or bool(names.search(call_name(op))))
        for op in external_calls(node)
    )


def state_written(node: Any, deep: bool = True) -> list[Any]:
    """State variables the node writes, through the functions it calls too when `deep`."""
    written = list(node.state_variables_written)
    if deep:
        for fn in node_callees(node):
            written.extend(v for v in fn.state_variables_written if v not in written)
    return written


def has_modifier(function: Any, pattern: re.Pattern[str]) -> bool:
    return any(name_matches(m, pattern) for m in getattr(function, "modifiers", []))


def variables_read_in(function: Any) -> set[Any]:
    """Every variable any IR operation of the function reads."""
    found: set[Any] = set()
    for node in function.nodes:
        for op in ops(node):
            found.update(v for v in getattr(op, "read", []) if v is not None)
    return found


def returns_bool(op: Any) -> bool:
    target = getattr(op, "function", None)
    returns = getattr(target, "return_type", None) or []
    return any(str(t) == "bool" for t in returns)


def written_fields(node: Any) -> set[str]:
    """Names of the struct members the node assigns (`s.price = …` gives {"price"})."""
    members = {op.lvalue: str(op.variable_right) for op in ops(node) if isinstance(op, Member)}
    return {
        members[op.lvalue]
        for op in ops(node)
        if getattr(op, "lvalue", None) in members and not isinstance(op, Member | Index)
    }


def internal_call_ops(node: Any) -> list[Any]:
    return [
        op for op in ops(node) if isinstance(op, InternalCall) and isinstance(op.function, Function)
    ]


def copies(node: Any) -> Iterator[tuple[Any, Any]]:
    """(destination, source) of assignments and type conversions: value-preserving moves."""
    for op in ops(node):
        if isinstance(op, Assignment):
            yield op.lvalue, op.rvalue
        elif isinstance(op, TypeConversion):
            yield op.lvalue, op.variable


def is_address_like(var: Any) -> bool:
    """An `address` or a contract/interface-typed variable (IERC20 token …)."""
    typ = getattr(var, "type", None)
    if isinstance(typ, ElementaryType):
        return typ.name in ("address", "address payable")
    return isinstance(typ, UserDefinedType) and isinstance(typ.type, Contract)
