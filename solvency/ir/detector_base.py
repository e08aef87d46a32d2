"""The Slither-facing base of Solvency's rules: declarative metadata, checked at class creation.

A rule subclasses `SolvencyDetector`, sets `meta = RuleMeta(...)` and implements `check`,
which yields `Hit`s. The base turns them into Slither results, so the same class runs under
`solvency lint` and under `slither --detect <id>` (through the plugin entry point).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from slither.detectors.abstract_detector import AbstractDetector, DetectorClassification

from solvency.core.findings import Confidence, Severity
from solvency.ir.suppression import solvency_suppressed

_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
_BUG_CLASS = re.compile(r"^B\d{1,2}$")
WIKI_ROOT = "https://github.com/solvency/solvency/blob/main/docs/rules.md"

_IMPACT = {
    Severity.HIGH: DetectorClassification.HIGH,
    Severity.MEDIUM: DetectorClassification.MEDIUM,
    Severity.LOW: DetectorClassification.LOW,
    Severity.INFORMATIONAL: DetectorClassification.INFORMATIONAL,
    Severity.OPTIMIZATION: DetectorClassification.OPTIMIZATION,
}
_CONFIDENCE = {
    Confidence.HIGH: DetectorClassification.HIGH,
    Confidence.MEDIUM: DetectorClassification.MEDIUM,
    Confidence.LOW: DetectorClassification.LOW,
}


class RuleMetadataError(TypeError):
    """A rule class declares incomplete or malformed metadata."""


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What a rule is, for users: shown by `slither --list-detectors` and in reports."""

    id: str
    title: str
    severity: Severity
    confidence: Confidence
    description: str
    exploit_scenario: str
    recommendation: str
    bug_classes: tuple[str, ...]

    def problems(self) -> list[str]:
        """Every defect of the metadata, so one error names them all."""
        found: list[str] = []
        if not _ID.match(self.id):
            found.append(f"id {self.id!r} must be lower-case words joined by '-'")
        for name in ("title", "description", "exploit_scenario", "recommendation"):
            if len(str(getattr(self, name)).strip()) < 10:
                found.append(f"{name} is missing or shorter than 10 characters")
        if not isinstance(self.severity, Severity):
            found.append(f"severity {self.severity!r} is not a Severity")
        if not isinstance(self.confidence, Confidence):
            found.append(f"confidence {self.confidence!r} is not a Confidence")
        if not self.bug_classes:
            found.append("bug_classes is empty: name the classes of BUG_CLASSES.md it covers")
        found.extend(
            f"bug class {c!r} is not of the form B<n>"
            for c in self.bug_classes
            if not _BUG_CLASS.match(c)
        )
        return found


@dataclass(frozen=True, slots=True)
class Hit:
    """One problem a rule found: where (a SlithIR node, or a function) and why."""

    function: Any
    node: Any | None
    message: str


class SolvencyDetector(AbstractDetector):  # type: ignore[misc]
    """Base of every Solvency rule."""

    meta: ClassVar[RuleMeta]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("meta")
        if not isinstance(meta, RuleMeta):
            raise RuleMetadataError(f"{cls.__name__} must declare `meta = RuleMeta(...)`")
        problems = meta.problems()
        if problems:
            raise RuleMetadataError(f"{cls.__name__}: " + "; ".join(problems))
        refs = ", ".join(meta.bug_classes)
        cls.ARGUMENT = meta.id
        cls.HELP = meta.title
        cls.IMPACT = _IMPACT[meta.severity]
        cls.CONFIDENCE = _CONFIDENCE[meta.confidence]
        cls.WIKI = f"{WIKI_ROOT}#{meta.id}"
        cls.WIKI_TITLE = meta.title
        cls.WIKI_DESCRIPTION = f"{meta.description} (bug classes {refs} of BUG_CLASSES.md)"
        cls.WIKI_EXPLOIT_SCENARIO = meta.exploit_scenario
        cls.WIKI_RECOMMENDATION = meta.recommendation

    def check(self, contract: Any) -> Iterator[Hit]:
        """Yield the rule's hits in one contract (the contracts of dependencies included)."""
        raise NotImplementedError

    def _detect(self) -> list[Any]:
        results = []
        seen: set[tuple[str, int]] = set()
        for contract in self.compilation_unit.contracts_derived:
            if contract.is_interface:
                continue
            for hit in self.check(contract):
                element = hit.node if hit.node is not None else hit.function
                key = (element.source_mapping.filename.absolute, element.source_mapping.start)
                if key in seen:
                    continue
                seen.add(key)
                info: list[Any] = [element, f" {hit.message} in ", hit.function, "\n"]
                results.append(self.generate_result(info))
        return results

    def detect(self) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = super().detect()
        if self.slither.show_ignore_findings:
            return results  # Solvency's own run: suppressed results are counted, not dropped
        return [r for r in results if not solvency_suppressed(r, self.ARGUMENT)]
