"""SARIF 2.1.0 for GitHub code scanning.

What GitHub reads, and so what we always write: one run; every rule with short and full
descriptions, help text and markdown, a `security-severity` and a precision; every result
with its rule, a level, a plain-text message, physical locations (URIs relative to the
project root under the `%SRCROOT%` base id, regions with start and end lines) and a
`partialFingerprints` entry from the line-independent fingerprint, so alerts survive edits
and a baseline's accepted findings stay matched. Violated, unknown and errored properties
become results too. A run with no findings is still a valid, empty run. Failed targets
become tool execution notifications, and `executionSuccessful` says whether any failed.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from solvency.core.findings import Confidence, Finding, Severity
from solvency.core.location import Location
from solvency.core.properties import PropertyResult, Status
from solvency.core.report import Report
from solvency.reports.common import status_label
from solvency.reports.markdown import md_text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "solvencyFingerprint/v1"
INFORMATION_URI = "https://pypi.org/project/solvency/"
MAX_LOCATIONS = 10  # GitHub keeps at most ten locations per result; the rest are related

_LEVEL = {
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFORMATIONAL: "note",
    Severity.OPTIMIZATION: "note",
}
# GitHub: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
_SECURITY_SEVERITY = {
    Severity.HIGH: 8.0,
    Severity.MEDIUM: 5.5,
    Severity.LOW: 3.0,
    Severity.INFORMATIONAL: 1.0,
    Severity.OPTIMIZATION: 0.5,
}
_PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}
_PROPERTY_STATUSES = (Status.VIOLATED, Status.ERROR, Status.UNKNOWN, Status.VACUOUS)


def render_sarif(report: Report) -> str:
    """The report as a SARIF 2.1.0 log (JSON text)."""
    return json.dumps(sarif_log(report), indent=2) + "\n"


def sarif_log(report: Report) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for f in report.active_findings():
        results.append(_finding_result(f, _rule_index(rules, _finding_rule(f))))
    for p in report.properties:
        if p.status in _PROPERTY_STATUSES:
            results.append(_property_result(report, p, _rule_index(rules, _property_rule(p))))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "Solvency",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": list(rules.values()),
            }
        },
        "results": results,
        "invocations": [_invocation(report)],
        "columnKind": "utf16CodeUnits",
        "properties": {"reportSchemaVersion": report.schema_version},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule_index(rules: dict[str, dict[str, Any]], rule: dict[str, Any]) -> int:
    existing = rules.get(rule["id"])
    if existing is None:
        rules[rule["id"]] = rule
    else:  # one rule, several severities (merged findings): the rule carries the worst
        old = float(existing["properties"]["security-severity"])
        new = float(rule["properties"]["security-severity"])
        if new > old:
            existing["properties"]["security-severity"] = rule["properties"]["security-severity"]
            existing["defaultConfiguration"] = rule["defaultConfiguration"]
    return list(rules).index(rule["id"])


def _finding_rule(f: Finding) -> dict[str, Any]:
    name = f.rule_id.replace("-", " ").capitalize()
    help_text = f"{name} ({f.engine}). Example: {f.title}"
    # GitHub renders help.markdown: the example is contract text, so it is escaped there
    help_md = f"**{md_text(name)}** ({md_text(f.engine)}). Example: {md_text(f.title)}"
    if f.help_uri:
        help_text += f". Documentation: {f.help_uri}"
        help_md += f". [Documentation](<{f.help_uri.replace('>', '%3E')}>)"
    rule: dict[str, Any] = {
        "id": f.rule_id,
        "name": "".join(w.capitalize() for w in f.rule_id.split("-")),
        "shortDescription": {"text": name},
        "fullDescription": {"text": f"{name}: reported by {f.engine}, e.g. {f.title}"},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": _LEVEL[f.severity]},
        "properties": {
            "security-severity": f"{_SECURITY_SEVERITY[f.severity]:.1f}",
            "precision": _PRECISION[f.confidence],
            "tags": ["security", "solidity", f.engine],
        },
    }
    if f.help_uri:
        rule["helpUri"] = f.help_uri
    return rule


def _finding_result(f: Finding, rule_index: int) -> dict[str, Any]:
    physical = [_physical(loc) for loc in f.locations]
    locations = [{"physicalLocation": p} for p in physical[:MAX_LOCATIONS]]
    related = [{"id": i, "physicalLocation": p} for i, p in enumerate(physical[MAX_LOCATIONS:], 1)]
    text = f.title if f.message.strip() == f.title.strip() else f"{f.title}\n{f.message}"
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": text or f.rule_id},
        "locations": locations,
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {
            "security-severity": f"{_SECURITY_SEVERITY[f.severity]:.1f}",
            "severity": f.severity.value,
            "confidence": f.confidence.value,
            "engines": list(f.engines),
            "confirmed": f.confirmed,
            "confirmedBy": list(f.confirmed_by),
            "relatedProperties": list(f.related_properties),
            "mergedRules": list(f.merged_rules),
            "baselined": f.baselined,
        },
    }
    if related:
        result["relatedLocations"] = related
    if f.baselined:
        result["baselineState"] = "unchanged"
    return result


def _property_rule(p: PropertyResult) -> dict[str, Any]:
    rule_id = f"property/{p.name}"
    kind = p.kind.value
    where = f" on {p.contract}" if p.contract else ""
    text = f"The spec {kind} {p.name} must hold{where}"
    markdown = f"The spec {kind} {md_text(p.name)} must hold{md_text(where)}"
    severity = Severity.HIGH if p.status is Status.VIOLATED else Severity.LOW
    return {
        "id": rule_id,
        "name": "Property" + "".join(w.capitalize() for w in p.name.split("_")),
        "shortDescription": {"text": f"Spec {kind} {p.name}"},
        "fullDescription": {"text": text + "."},
        "help": {
            "text": text + ": see the counterexample or the reason in the result.",
            "markdown": markdown + ": see the counterexample or the reason in the result.",
        },
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {
            "security-severity": f"{_SECURITY_SEVERITY[severity]:.1f}",
            "precision": "very-high" if p.status is Status.VIOLATED else "low",
            "tags": ["security", "solidity", "property", *p.engines],
        },
    }


def _property_result(report: Report, p: PropertyResult, rule_index: int) -> dict[str, Any]:
    violated = p.status is Status.VIOLATED
    severity = Severity.HIGH if violated else Severity.LOW
    lines = [f"Property {p.name} is {status_label(p)} ({', '.join(p.engines)})."]
    if p.reason:
        lines.append(p.reason)
    if p.counterexample is not None:
        lines.append("Counterexample:")
        lines.extend(p.counterexample.render())
    loc = p.location or _fallback_location(report, p)
    key = f"{p.contract or ''}/{p.name}/{p.status.value}"
    result: dict[str, Any] = {
        "ruleId": f"property/{p.name}",
        "ruleIndex": rule_index,
        "level": "error" if violated else ("warning" if p.status is Status.ERROR else "note"),
        "message": {"text": "\n".join(lines)},
        "locations": [{"physicalLocation": _physical(loc)}],
        "partialFingerprints": {FINGERPRINT_KEY: key},
        "properties": {
            "security-severity": f"{_SECURITY_SEVERITY[severity]:.1f}",
            "status": p.status.value,
            "engines": list(p.engines),
            "confirmed": p.confirmed,
            "openAssumptions": [a.description for a in p.open_assumptions],
        },
    }
    return result


def _fallback_location(report: Report, p: PropertyResult) -> Location:
    """A property without a source location points at its contract's file: GitHub drops
    results that have no location at all."""
    for f in report.findings:
        if f.fingerprint in p.related_findings and f.primary:
            return f.primary
    for f in report.findings:
        if f.primary and p.contract and f.primary.contract == p.contract:
            return Location(f.primary.file, 1)
    target = report.targets[0] if report.targets else "."
    return Location(PurePosixPath(target).as_posix(), 1)


def _physical(loc: Location) -> dict[str, Any]:
    """Relative paths stay relative to the project root (`%SRCROOT%`), as GitHub matches
    them against the repository; absolute ones become file URIs. Both percent-encoded."""
    path = PurePosixPath(loc.file.replace("\\", "/")).as_posix()
    artifact: dict[str, Any] = {"uri": quote(path, safe="/")}
    if path.startswith("/"):
        artifact["uri"] = "file://" + quote(path, safe="/")
    else:
        artifact["uriBaseId"] = SRCROOT
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if loc.start_line > 0:
        physical["region"] = {"startLine": loc.start_line, "endLine": loc.end_line}
    return physical


def _invocation(report: Report) -> dict[str, Any]:
    notes = [
        {
            "level": "error",
            "message": {
                "text": f"[{e.stage}] {e.target}: {e.message}"
                + (f" (hint: {e.hint})" if e.hint else "")
            },
            **({"locations": [{"physicalLocation": _physical(e.location)}]} if e.location else {}),
        }
        for e in report.errors
    ]
    return {"executionSuccessful": not report.errors, "toolExecutionNotifications": notes}
