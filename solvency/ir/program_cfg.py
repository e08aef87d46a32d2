"""Fix-ups of Slither's CFG for the op model, and source locations of Slither objects.

Kept apart from program_build so each stays small: these functions look at Slither nodes
(by attribute, never by class) and at already converted `PNode`s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from solvency.core.location import Location
from solvency.ir.convert import convert_type
from solvency.ir.program import NodeKind, Param, PNode


def location_of(
    obj: Any, contract: str | None = None, function: str | None = None
) -> Location | None:
    """Where a Slither object is; nodes carry a `Source` (not a SourceMapping), so read
    its fields by name rather than by class."""
    mapping = getattr(obj, "source_mapping", None)
    lines = getattr(mapping, "lines", None)
    if mapping is None or not lines:
        return None
    name = mapping.filename
    return Location(
        file=str(name.used or name.absolute),
        start_line=int(lines[0]),
        end_line=int(lines[-1]),
        start_column=int(mapping.starting_column),
        end_column=int(mapping.ending_column),
        contract=contract,
        function=function,
    )


def tuple_assignment(node: Any) -> bool:
    e = node.expression
    left, right = getattr(e, "expression_left", None), getattr(e, "expression_right", None)
    return type(left).__name__ == "TupleExpression" and type(right).__name__ == "TupleExpression"


def declares(node: Any, kind: NodeKind) -> Param | None:
    var = getattr(node, "variable_declaration", None)
    if kind is not NodeKind.VARIABLE or var is None or node.irs:
        return None
    return Param(var.name, convert_type(var.type), bool(getattr(var, "is_storage", False)))


def retarget_continues(f: Any, nodes: dict[int, PNode]) -> None:
    """Slither links `continue` in a while/do-while loop to the body's last statement
    (which would then run); the loop's condition is the real target. A for loop's
    `continue` goes to its increment, which lies before the `continue` in the source, so
    only forward links are retargeted."""
    start = {n.node_id: int(getattr(n.source_mapping, "start", 0) or 0) for n in f.nodes}
    for nid, node in list(nodes.items()):
        if node.kind is not NodeKind.CONTINUE or len(node.sons) != 1:
            continue
        if start.get(node.sons[0], 0) <= start.get(nid, 0):
            continue
        header = _enclosing_loop(nodes, nid)
        if header is not None:
            nodes[nid] = replace(node, sons=(header,))


def _enclosing_loop(nodes: dict[int, PNode], target: int) -> int | None:
    """The innermost IFLOOP whose body (reachable from its true son without passing the
    header or its exit) contains `target`."""
    best: tuple[int, int] | None = None
    for nid, node in nodes.items():
        if node.kind is not NodeKind.IFLOOP or node.son_true is None:
            continue
        seen: set[int] = set()
        todo = [node.son_true]
        while todo:
            cur = todo.pop()
            if cur in seen or cur in (nid, node.son_false) or cur not in nodes:
                continue
            seen.add(cur)
            todo.extend(nodes[cur].sons)
        if target in seen and (best is None or len(seen) < best[0]):
            best = (len(seen), nid)
    return None if best is None else best[1]
