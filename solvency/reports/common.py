"""What every renderer says the same way: status labels, counts, source excerpts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from solvency.core.findings import Finding, Severity
from solvency.core.location import Location
from solvency.core.properties import PropertyResult, Status
from solvency.core.report import Report

_ANCESTORS = 4  # how far above a target a widened project root can lie
T = TypeVar("T")


def unique(items: Iterable[T]) -> tuple[T, ...]:
    """`items` without repeats, first occurrence kept (stable output for stable input)."""
    return tuple(dict.fromkeys(items))


def status_label(p: PropertyResult) -> str:
    """`PROVED`, `PROVED (bounded, k=3)`, `VIOLATED (confirmed)`, `HELD (fuzzing, not a proof)`,
    plus the count of open assumptions a proof still rests on."""
    label = p.status.value.upper()
    if p.status is Status.PROVED_BOUNDED:
        label = f"PROVED (bounded, k={p.bound})"
    elif p.status is Status.VIOLATED:
        label += " (confirmed)" if p.confirmed else " (not replayed)"
    elif p.status is Status.HELD:
        label += " (fuzzing, not a proof)"
    open_count = len(p.open_assumptions)
    if p.status.is_proof and open_count:
        label += f" under {open_count} open assumption" + ("s" if open_count > 1 else "")
    return label


def finding_flags(f: Finding) -> list[str]:
    flags = []
    if f.confirmed:
        flags.append("confirmed by " + ", ".join(f.confirmed_by))
    if f.baselined:
        flags.append("baselined")
    if f.suppressed:
        flags.append("suppressed")
    return flags


def shown_findings(report: Report) -> tuple[Finding, ...]:
    """Findings a reader sees: active ones (baselined ones too, flagged), most severe first."""
    return report.active_findings()


def summary_line(report: Report) -> str:
    findings = shown_findings(report)
    counts = ", ".join(
        f"{sum(1 for f in findings if f.severity is s)} {s.value}"
        for s in Severity
        if any(f.severity is s for f in findings)
    )
    parts = [f"{len(findings)} findings" + (f" ({counts})" if counts else "")]
    if report.stats.baselined_findings:
        parts.append(f"{report.stats.baselined_findings} baselined")
    if report.stats.suppressed_findings:
        parts.append(f"{report.stats.suppressed_findings} suppressed")
    if report.properties:
        by_status = ", ".join(
            f"{sum(1 for p in report.properties if p.status is s)} {s.value}"
            for s in Status
            if any(p.status is s for p in report.properties)
        )
        parts.append(f"{len(report.properties)} properties ({by_status})")
    if report.errors:
        parts.append(f"{len(report.errors)} errors")
    parts.append(
        f"{report.stats.contracts} contracts, solc {report.stats.solc_version or '?'}"
        + (" (compile cache hit)" if report.stats.compile_cache_hit else "")
    )
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Source lines around a location; `marked` are the location's own lines."""

    path: str
    lines: tuple[tuple[int, str], ...]
    marked: range


class SourceReader:
    """Reads the lines a location names, resolving its relative file against the report's
    source roots, then its targets and their parent folders (the project root solc saw can
    lie above a target when imports widen it). A missing file yields no excerpt."""

    def __init__(self, report: Report, context: int = 2, max_lines: int = 30) -> None:
        self._bases = _bases(report)
        self._context = context
        self._max = max_lines
        self._cache: dict[str, list[str] | None] = {}

    def excerpt(self, loc: Location) -> Excerpt | None:
        if loc.start_line <= 0:
            return None
        text = self._read(loc.file)
        if text is None or loc.start_line > len(text):
            return None
        first = max(1, loc.start_line - self._context)
        last = min(len(text), loc.end_line + self._context, first + self._max - 1)
        lines = tuple((n, text[n - 1]) for n in range(first, last + 1))
        return Excerpt(loc.file, lines, range(loc.start_line, loc.end_line + 1))

    def _read(self, file: str) -> list[str] | None:
        if file not in self._cache:
            self._cache[file] = self._load(file)
        return self._cache[file]

    def _load(self, file: str) -> list[str] | None:
        given = Path(file)
        candidates = [given] if given.is_absolute() else [b / given for b in self._bases]
        for path in candidates:
            try:
                if path.is_file():
                    return path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
        return None


def _bases(report: Report) -> list[Path]:
    bases = [Path(r) for r in report.source_roots]
    for target in report.targets:
        path = Path(target)
        start = path if path.is_dir() else path.parent
        bases.extend([start, *list(start.resolve().parents)[:_ANCESTORS]])
    bases.append(Path())
    return list(dict.fromkeys(bases))
