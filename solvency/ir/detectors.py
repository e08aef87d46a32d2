"""Run Slither detectors (Slither's own and ours) and return plain results."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slither.detectors import all_detectors
from slither.detectors.abstract_detector import AbstractDetector

from solvency.core.location import Location
from solvency.ir.loader import AnalysisError, LoadedProject
from solvency.ir.suppression import solvency_suppressed


@dataclass(frozen=True, slots=True)
class DetectorResult:
    """One Slither result, its dict turned into typed fields."""

    check: str
    impact: str  # High, Medium, Low, Informational, Optimization
    confidence: str  # High, Medium, Low
    description: str
    locations: tuple[Location, ...]
    wiki: str
    suppressed: bool = False  # under a slither-disable or solvency-disable comment


def slither_detectors() -> list[type[Any]]:
    """Every detector class Slither ships."""
    return [
        cls
        for _, cls in inspect.getmembers(all_detectors, inspect.isclass)
        if issubclass(cls, AbstractDetector) and cls is not AbstractDetector
    ]


def run_detectors(project: LoadedProject, detectors: list[type[Any]]) -> list[DetectorResult]:
    """Run exactly `detectors` on every compilation unit.

    The classes are instantiated here rather than registered on the Slither object: a second
    call (the rules after Slither's own detectors, one rule at a time in benchmarks) must not
    run the earlier ones again.
    """
    slither = project.slither
    try:
        batches = [
            detector(unit, slither, None).detect()
            for detector in detectors
            for unit in slither.compilation_units
        ]
    except Exception as exc:
        raise AnalysisError(f"a Slither detector crashed: {type(exc).__name__}: {exc}") from exc
    root = project.compiled.root
    return [
        _result(raw, root, _suppressed(slither, raw))
        for batch in batches
        for raw in batch
        if isinstance(raw, dict)
    ]


def _suppressed(slither: Any, raw: dict[str, Any]) -> bool:
    check = str(raw.get("check", ""))
    return bool(slither.has_ignore_comment(raw)) or solvency_suppressed(raw, check)


def _result(raw: dict[str, Any], root: Path, suppressed: bool = False) -> DetectorResult:
    return DetectorResult(
        check=str(raw.get("check", "")),
        impact=str(raw.get("impact", "Informational")),
        confidence=str(raw.get("confidence", "Low")),
        description=str(raw.get("description", "")).strip(),
        locations=tuple(
            loc for loc in (_element_location(e, root) for e in raw.get("elements", [])) if loc
        ),
        wiki=str(raw.get("reference", raw.get("wiki", ""))),
        suppressed=suppressed,
    )


def _element_location(element: dict[str, Any], root: Path) -> Location | None:
    mapping = element.get("source_mapping") or {}
    lines = mapping.get("lines") or []
    absolute = mapping.get("filename_absolute")
    if not lines or not absolute:
        return None
    path = Path(absolute)
    file = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    contract, function = _parents(element)
    return Location(
        file=file,
        start_line=int(lines[0]),
        end_line=int(lines[-1]),
        start_column=int(mapping.get("starting_column", 0)),
        end_column=int(mapping.get("ending_column", 0)),
        contract=contract,
        function=function,
    )


def _parents(element: dict[str, Any]) -> tuple[str | None, str | None]:
    contract: str | None = None
    function: str | None = None
    current: dict[str, Any] | None = element
    while current:
        kind = current.get("type")
        if kind == "function" and function is None:
            function = str(current.get("name"))
        if kind == "contract" and contract is None:
            contract = str(current.get("name"))
        current = (current.get("type_specific_fields") or {}).get("parent")
    return contract, function
