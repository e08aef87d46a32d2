"""Static findings: what a detector or rule reports."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import Enum

from solvency.core.location import Location


class Severity(Enum):
    """Impact of a finding, ordered from most to least severe by `rank`."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFORMATIONAL = "informational"
    OPTIMIZATION = "optimization"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        """True when self is as severe as `other` or more."""
        return self.rank <= other.rank


_SEVERITY_RANK = {
    Severity.HIGH: 0,
    Severity.MEDIUM: 1,
    Severity.LOW: 2,
    Severity.INFORMATIONAL: 3,
    Severity.OPTIMIZATION: 4,
}


class Confidence(Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. `fingerprint` ignores line numbers so baselines survive edits."""

    rule_id: str
    engine: str
    severity: Severity
    confidence: Confidence
    title: str
    message: str
    locations: tuple[Location, ...]
    evidence: tuple[str, ...] = ()
    suppressed: bool = False
    fingerprint: str = field(default="")
    # Filled by the report merge (reports/merge.py); defaults keep single-engine callers simple.
    engines: tuple[str, ...] = ()  # every engine that saw this bug; `engine` comes first
    confirmed: bool = False  # a replayed counterexample breaks a property in this function
    confirmed_by: tuple[str, ...] = ()  # the properties whose counterexamples confirm it
    related_properties: tuple[str, ...] = ()  # violated properties in the same function
    aliases: tuple[str, ...] = ()  # fingerprints of findings merged into this one
    merged_rules: tuple[str, ...] = ()  # their rule ids (e.g. Slither's next to our rule)
    baselined: bool = False  # accepted in a baseline file: shown, counted, never gating
    help_uri: str = ""  # the rule's documentation (Slither's wiki link), when known

    def __post_init__(self) -> None:
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", compute_fingerprint(self))
        if not self.engines:
            object.__setattr__(self, "engines", (self.engine,))

    @property
    def fingerprints(self) -> tuple[str, ...]:
        """Its own fingerprint and those of the findings merged into it (for baselines)."""
        return (self.fingerprint, *self.aliases)

    @property
    def primary(self) -> Location | None:
        return self.locations[0] if self.locations else None

    def sort_key(self) -> tuple[int, str, int, str]:
        loc = self.primary
        return (
            self.severity.rank,
            loc.file if loc else "",
            loc.start_line if loc else 0,
            self.rule_id,
        )


# Line numbers in evidence text must not leak into fingerprints: Slither writes
# `file.sol#12-20`, our rules say "the external call at line 88", others `Vault.sol:88:5`.
_LINE_REFS = (
    (re.compile(r"#\d+(?:-\d+)?"), ""),
    (re.compile(r"\b(lines?)\s+\d+(?:\s*(?:-|to|and)\s*\d+)?", re.IGNORECASE), r"\1"),
    (re.compile(r"(\.(?:sol|spec|vy)):\d+(?::\d+)?(?:-\d+)?"), r"\1"),
)


def strip_line_numbers(text: str) -> str:
    """`text` without line references and with whitespace collapsed (fingerprint input)."""
    for pattern, replacement in _LINE_REFS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def compute_fingerprint(finding: Finding) -> str:
    """A stable id from the rule, the files, contracts and functions, and the evidence.

    Line numbers are left out on purpose: an unrelated edit above a finding must not turn an
    accepted finding into a new one.
    """
    parts = [finding.rule_id]
    for loc in finding.locations:
        parts.append(f"{loc.file}|{loc.contract or ''}|{loc.function or ''}")
    parts.extend(strip_line_numbers(e) for e in finding.evidence)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
