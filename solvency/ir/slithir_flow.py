"""Control flow and data flow over SlithIR, for Solvency's rules (see slithir.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from slither.analyses.data_dependency.data_dependency import is_dependent
from slither.core.cfg.node import NodeType
from slither.core.declarations import SolidityVariable, SolidityVariableComposed
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import Index, Member
from slither.slithir.variables import ReferenceVariable

from solvency.ir.slithir import callees, copies, is_mapping_or_array, ops


def is_condition(node: Any) -> bool:
    """A require/assert, an `if`, or a loop condition."""
    return bool(node.contains_require_or_assert() or node.type in (NodeType.IF, NodeType.IFLOOP))


def loop_nodes(function: Any) -> set[Any]:
    """Nodes inside a loop body (the loop conditions included)."""
    inside: set[Any] = set()
    for head in function.nodes:
        if head.type != NodeType.IFLOOP:
            continue
        body = _reachable(head.sons)
        inside.update(n for n in body if head in _reachable(n.sons) or n is head)
        inside.add(head)
    return inside


def _reachable(start: Iterable[Any]) -> set[Any]:
    seen: set[Any] = set()
    todo = list(start)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(node.sons)
    return seen


def after(node: Any) -> set[Any]:
    """Nodes that can execute after `node` in the same function."""
    return _reachable(node.sons)


def dominates(first: Any, second: Any) -> bool:
    return first is second or first in (second.dominators or ())


def depends(var: Any, source: Any, function: Any) -> bool:
    if var == source:
        return True
    try:
        return bool(is_dependent(var, source, function))
    except (AttributeError, KeyError, TypeError):
        return False


def reads(node: Any) -> list[Any]:
    return list(node.variables_read)


def solidity_reads(node: Any) -> list[Any]:
    return [v for v in node.variables_read if isinstance(v, SolidityVariable)]


def any_node(function: Any, pred: Callable[[Any], bool]) -> Any | None:
    return next((n for n in function.nodes if pred(n)), None)


def writes_timestamp(function: Any, scalar: bool = True) -> Any | None:
    """The state variable the function sets to block.timestamp, if any: a scalar one, or
    (scalar=False) any storage, struct fields and mapping entries included."""
    stamp = SolidityVariableComposed("block.timestamp")
    for node in function.nodes:
        for dst, src in copies(node):
            if src != stamp or not node.state_variables_written:
                continue
            if isinstance(dst, StateVariable) and not is_mapping_or_array(dst):
                return dst
            if not scalar:
                return node.state_variables_written[0]
    return None


def value_writes(node: Any) -> Iterator[tuple[Any, list[Any]]]:
    """(written variable, values it is computed from) of each storing operation of the node,
    leaving out read-modify-write updates (`x += v` reads x: accounting, not a setting)."""
    for op in ops(node):
        lvalue = getattr(op, "lvalue", None)
        if lvalue is None or isinstance(op, Index | Member):
            continue
        if not isinstance(lvalue, StateVariable | ReferenceVariable):
            continue
        sources = [v for v in getattr(op, "read", []) if v is not lvalue]
        if len(sources) == len(getattr(op, "read", [])):
            yield lvalue, sources


def inputs_read(function: Any) -> set[Any]:
    """State variables whose value feeds some other value in `function` or its callees.

    A statement that writes x does not count as reading x (`x += y`, `x = _add(x, y)` update
    x in place); reads in statements that write something else do.
    """
    found: set[Any] = set()
    for fn in [function, *callees(function)]:
        for node in fn.nodes:
            written = set(node.state_variables_written)
            found.update(v for v in node.state_variables_read if v not in written)
    return found
