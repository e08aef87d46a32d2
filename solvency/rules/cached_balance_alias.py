"""B15: m[a] and m[b] read into locals, then both written back: wrong when a == b."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import Hit, RuleMeta, SolvencyDetector
from solvency.ir.slithir import (
    analysable,
    assignments,
    binaries,
    is_reference,
    line_of,
    ops,
    storage_paths,
)
from solvency.ir.slithir_flow import (
    depends,
)

Path = tuple[Any, tuple[str, ...]]


def _key(path: tuple[Any, tuple[Any, ...]]) -> Path:
    return path[0], tuple(str(k) for k in path[1])


class CachedBalanceAlias(SolvencyDetector):
    meta = RuleMeta(
        id="cached-balance-alias",
        title="Two cached balance reads written back: self-transfer mints",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        description=(
            "A function reads m[a] and m[b] into locals and then writes both slots from the "
            "cached values, without excluding a == b: the second write overwrites the first."
        ),
        exploit_scenario=(
            "transferInternal(to = msg.sender, amount): from = bal[me], to = bal[me]; "
            "bal[me] = from - amount; bal[me] = to + amount. The caller's balance grows by "
            "amount on every call (Compound III's src == dst critical)."
        ),
        recommendation=(
            "Update storage in place (m[a] -= x; m[b] += x) so the second update reads the "
            "first, or require(a != b)."
        ),
        bug_classes=("B15",),
    )

    def check(self, contract: Any) -> Iterator[Hit]:
        for function in analysable(contract):
            hit = self._in(function)
            if hit is not None:
                yield hit

    def _in(self, function: Any) -> Hit | None:
        paths = storage_paths(function)
        cached: list[tuple[Any, Path, Any]] = []  # (local, path, node)
        written: list[tuple[Path, Any, Any]] = []  # (path, op, node)
        for node in function.nodes:
            for dst, src in assignments(node):
                if src in paths and not is_reference(dst) and dst not in paths:
                    cached.append((dst, _key(paths[src]), node))
            for op in ops(node):
                lvalue = getattr(op, "lvalue", None)
                if lvalue in paths and node.state_variables_written and op.read:
                    written.append((_key(paths[lvalue]), op, node))
        compared = {
            frozenset((str(op.variable_left), str(op.variable_right)))
            for node in function.nodes
            for op in binaries(node, "EQUAL", "NOT_EQUAL")
        }
        for i, (first, path_a, node_a) in enumerate(cached):
            for second, path_b, _ in cached[i + 1 :]:
                if path_a[0] is not path_b[0] or path_a == path_b:
                    continue
                diff = [(x, y) for x, y in zip(path_a[1], path_b[1], strict=False) if x != y]
                if len(diff) != 1 or frozenset(diff[0]) in compared:
                    continue
                if self._written_from(written, path_a, first, function) and self._written_from(
                    written, path_b, second, function
                ):
                    return Hit(
                        function,
                        node_a,
                        f"caches {path_a[0].name}[{diff[0][0]}] and {path_b[0].name}[{diff[0][1]}]"
                        f" and writes both back (line {line_of(node_a)}); wrong when they alias",
                    )
        return None

    @staticmethod
    def _written_from(
        written: list[tuple[Path, Any, Any]], path: Path, local: Any, fn: Any
    ) -> bool:
        return any(
            p == path and any(depends(r, local, fn) for r in op.read) for p, op, _ in written
        )
