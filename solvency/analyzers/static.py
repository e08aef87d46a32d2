"""The static pass: Slither's detectors and Solvency's rules (rules/) → Findings."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from solvency.core.findings import Confidence, Finding, Severity
from solvency.ir.detectors import DetectorResult, run_detectors, slither_detectors
from solvency.ir.loader import LoadedProject
from solvency.rules import ALL_RULES, RULE_IDS

_SEVERITY = {
    "High": Severity.HIGH,
    "Medium": Severity.MEDIUM,
    "Low": Severity.LOW,
    "Informational": Severity.INFORMATIONAL,
    "Optimization": Severity.OPTIMIZATION,
}
# Slither's `(path/to/File.sol#12-20)` references; the finding's locations carry them already.
_SOURCE_REF = re.compile(r"\s*\([^()]*#\d+(?:-\d+)?\)")
_CONFIDENCE = {"High": Confidence.HIGH, "Medium": Confidence.MEDIUM, "Low": Confidence.LOW}


@dataclass(frozen=True, slots=True)
class StaticResult:
    findings: tuple[Finding, ...]
    seconds: float


def run_static(project: LoadedProject) -> StaticResult:
    """Run every Slither detector and every Solvency rule on the project."""
    started = time.perf_counter()
    results = run_detectors(project, [*slither_detectors(), *ALL_RULES])
    findings = tuple(sorted((to_finding(r) for r in results), key=Finding.sort_key))
    return StaticResult(findings, time.perf_counter() - started)


def to_finding(result: DetectorResult) -> Finding:
    first_line = result.description.splitlines()[0] if result.description else result.check
    first_line = _SOURCE_REF.sub("", first_line).rstrip(":")
    return Finding(
        rule_id=result.check,
        engine="solvency" if result.check in RULE_IDS else "slither",
        severity=_SEVERITY.get(result.impact, Severity.INFORMATIONAL),
        confidence=_CONFIDENCE.get(result.confidence, Confidence.LOW),
        title=first_line[:200],
        message=result.description,
        locations=result.locations,
        evidence=(result.description,),
        suppressed=result.suppressed,
        help_uri=result.wiki,
    )
