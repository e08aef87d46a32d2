"""The report every engine feeds and every renderer reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from solvency.core.findings import Finding, Severity
from solvency.core.location import Location
from solvency.core.properties import PropertyResult

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class ReportError:
    """A target or engine that failed; the rest of the report still stands."""

    target: str
    stage: str
    message: str
    location: Location | None = None
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts and timings, for the summary line and benchmarks."""

    files: int = 0
    contracts: int = 0
    functions: int = 0
    compile_seconds: float = 0.0
    analysis_seconds: float = 0.0
    compile_cache_hit: bool = False
    suppressed_findings: int = 0
    solc_version: str = ""
    baselined_findings: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    tool_version: str
    targets: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    properties: tuple[PropertyResult, ...] = ()
    errors: tuple[ReportError, ...] = ()
    stats: Stats = field(default_factory=Stats)
    schema_version: str = SCHEMA_VERSION
    # Folders that the locations' relative `file`s are relative to (for code excerpts).
    source_roots: tuple[str, ...] = ()

    def active_findings(self) -> tuple[Finding, ...]:
        """Findings not suppressed by an inline comment, most severe first."""
        return tuple(sorted((f for f in self.findings if not f.suppressed), key=Finding.sort_key))

    def findings_at_least(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings that fail a gate at `severity`: active and not accepted in a baseline."""
        return tuple(
            f for f in self.active_findings() if f.severity.at_least(severity) and not f.baselined
        )
