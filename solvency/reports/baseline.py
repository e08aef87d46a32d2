"""Baselines: findings a team has accepted, by line-independent fingerprint.

A baselined finding is kept in the report, counted and flagged, but never fails the gate
(`Report.findings_at_least` skips it). Fingerprints leave line numbers out, so an unrelated
edit above an accepted finding keeps it accepted; a merged finding matches when any of the
fingerprints merged into it (`Finding.fingerprints`) is in the baseline, so a baseline made
by `lint` still matches the same bug after `audit` merged it with another engine's report.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Any

from solvency.core.errors import UserError
from solvency.core.report import Report

FORMAT_VERSION = 1
_FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")
_HINT = "re-create it with `solvency baseline create TARGET > FILE`"


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One accepted finding; all but `fingerprint` are there for people reading the file."""

    fingerprint: str
    rule_id: str = ""
    file: str = ""
    contract: str | None = None
    function: str | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)


def create(report: Report) -> str:
    """A baseline accepting every active finding of `report` (JSON text, stable order)."""
    entries: dict[str, dict[str, Any]] = {}
    for f in report.active_findings():
        loc = f.primary
        for fp in f.fingerprints:
            entries.setdefault(
                fp,
                {
                    "fingerprint": fp,
                    "rule_id": f.rule_id,
                    "file": loc.file if loc else "",
                    "contract": loc.contract if loc else None,
                    "function": loc.function if loc else None,
                    "title": f.title,
                },
            )
    data = {
        "solvency_baseline": FORMAT_VERSION,
        "tool_version": report.tool_version,
        "findings": [entries[k] for k in sorted(entries)],
    }
    return json.dumps(data, indent=2) + "\n"


def load(text: str) -> Baseline:
    """Parse a baseline file; anything malformed is a UserError naming what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"the baseline is not JSON: {exc}", hint=_HINT) from None
    if not isinstance(data, dict) or "solvency_baseline" not in data:
        raise UserError("not a Solvency baseline: no `solvency_baseline` version key", hint=_HINT)
    version = data["solvency_baseline"]
    if version != FORMAT_VERSION:
        raise UserError(
            f"baseline format {version!r} is not supported (this Solvency reads {FORMAT_VERSION})",
            hint=_HINT,
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise UserError("malformed baseline: `findings` must be a list", hint=_HINT)
    return Baseline(tuple(_entry(i, item) for i, item in enumerate(findings)))


def _entry(index: int, item: Any) -> BaselineEntry:
    where = f"malformed baseline: findings[{index}]"
    if not isinstance(item, dict):
        raise UserError(f"{where} must be an object", hint=_HINT)
    fp = item.get("fingerprint")
    if not isinstance(fp, str) or not _FINGERPRINT.match(fp):
        raise UserError(
            f"{where}.fingerprint must be 32 lower-case hex digits, got {fp!r}", hint=_HINT
        )
    strings = {k: item.get(k) for k in ("rule_id", "file", "title")}
    optional = {k: item.get(k) for k in ("contract", "function")}
    for key, value in strings.items():
        if value is not None and not isinstance(value, str):
            raise UserError(f"{where}.{key} must be a string, got {value!r}", hint=_HINT)
    for key, value in optional.items():
        if value is not None and not isinstance(value, str):
            raise UserError(f"{where}.{key} must be a string or null, got {value!r}", hint=_HINT)
    return BaselineEntry(
        fingerprint=fp,
        rule_id=strings["rule_id"] or "",
        file=strings["file"] or "",
        contract=optional["contract"],
        function=optional["function"],
        title=strings["title"] or "",
    )


def apply(report: Report, baseline: Baseline) -> Report:
    """`report` with every finding the baseline accepts flagged `baselined` (none dropped)."""
    accepted = baseline.fingerprints
    findings = tuple(
        dataclasses.replace(f, baselined=True)
        if not f.baselined and not accepted.isdisjoint(f.fingerprints)
        else f
        for f in report.findings
    )
    stats = dataclasses.replace(
        report.stats, baselined_findings=sum(1 for f in findings if f.baselined)
    )
    return dataclasses.replace(report, findings=findings, stats=stats)
