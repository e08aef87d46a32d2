"""A Markdown report an auditor can hand over: summary, property table, findings with code
excerpts, counterexample traces, assumptions, errors.

Contract-controlled text (identifiers, messages, comments in excerpts) is never trusted:
inline text is escaped (inline Markdown punctuation backslash-escaped, `<`, `>` and `&` as
entities, so no raw HTML reaches a renderer), table cells also lose their pipes and line
breaks, and code goes into fences longer than any backtick run inside it.
"""

from __future__ import annotations

import re

from solvency.core.findings import Finding
from solvency.core.properties import Status
from solvency.core.report import Report
from solvency.reports.common import (
    SourceReader,
    finding_flags,
    shown_findings,
    status_label,
    summary_line,
)

# Enough to keep text inert in CommonMark/GFM inline context: emphasis, code, links (a
# `(` only links after an escaped `]`), tables, strikethrough. Raw HTML is handled apart.
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_BACKTICKS = re.compile(r"`+")


def md_text(text: str) -> str:
    """Inline Markdown for untrusted text: rendered as written, never as markup. Line breaks
    become spaces: a newline could otherwise start a heading, list or HTML block."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def md_cell(text: str) -> str:
    """A table cell: inline-escaped, so on one line (a newline would end the row)."""
    return md_text(text)


def md_code(text: str, info: str = "") -> str:
    """A fenced block that no backtick run inside `text` can close early."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def render_markdown(report: Report) -> str:
    out: list[str] = ["# Solvency report", ""]
    out.append(
        f"Targets: {', '.join(md_text(t) for t in report.targets) or '-'}  \n"
        f"Solvency {md_text(report.tool_version)}, report schema {md_text(report.schema_version)}"
    )
    out += ["", "## Summary", "", md_text(summary_line(report)), ""]
    out += _properties(report)
    out += _findings(report)
    out += _counterexamples(report)
    out += _assumptions(report)
    out += _errors(report)
    return "\n".join(out).rstrip() + "\n"


def _properties(report: Report) -> list[str]:
    if not report.properties:
        return ["## Properties", "", "No properties were checked.", ""]
    rows = [
        "## Properties",
        "",
        "| Property | Contract | Kind | Status | Engines | Reason |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in report.properties:
        cells = (p.name, p.contract or "-", p.kind.value, status_label(p), ", ".join(p.engines))
        rows.append("| " + " | ".join(md_cell(c) for c in (*cells, p.reason)) + " |")
    return [*rows, ""]


def _findings(report: Report) -> list[str]:
    findings = shown_findings(report)
    out = ["## Findings", ""]
    if not findings:
        return [*out, "No findings.", ""]
    reader = SourceReader(report)
    for i, f in enumerate(findings, 1):
        out += _finding(i, f, reader)
    return out


def _finding(i: int, f: Finding, reader: SourceReader) -> list[str]:
    out = [f"### {i}. {f.severity.value.upper()}: {md_text(f.title)}", ""]
    rules = ", ".join(md_text(r) for r in (f.rule_id, *f.merged_rules))
    out.append(
        f"- Rule: {rules}; confidence {f.confidence.value}; engines "
        + md_text(", ".join(f.engines))
    )
    flags = finding_flags(f)
    if flags:
        out.append("- Status: " + md_text("; ".join(flags)))
    if f.related_properties:
        out.append("- Violated properties here: " + md_text(", ".join(f.related_properties)))
    out.append(f"- Fingerprint: {f.fingerprint}")
    if f.help_uri:
        out.append(f"- Documentation: {md_text(f.help_uri)}")
    for loc in f.locations:
        where = ".".join(x for x in (loc.contract, loc.function) if x)
        out.append(
            f"- Location: {md_text(loc.short())}" + (f" ({md_text(where)})" if where else "")
        )
    out.append("")
    excerpt = reader.excerpt(f.primary) if f.primary else None
    if excerpt is not None:
        body = "\n".join(
            f"{'>' if n in excerpt.marked else ' '} {n:>5} | {line}" for n, line in excerpt.lines
        )
        out += [md_code(body, "solidity"), ""]
    if f.message.strip():
        out += [md_code(f.message.strip(), "text"), ""]
    return out


def _counterexamples(report: Report) -> list[str]:
    violated = [
        (p, p.counterexample)
        for p in report.properties
        if p.status is Status.VIOLATED and p.counterexample is not None
    ]
    if not violated:
        return []
    out = ["## Counterexamples", ""]
    for p, cex in violated:
        replay = "replayed on the EVM" if p.confirmed else "not replayed"
        out += [f"### {md_text(p.name)} ({md_text(', '.join(p.engines))}; {replay})", ""]
        trace = "\n".join(cex.render())
        if cex.replay_note:
            trace += f"\nnote: {cex.replay_note}"
        out += [md_code(trace, "text"), ""]
    return out


def _assumptions(report: Report) -> list[str]:
    with_assumptions = [p for p in report.properties if p.assumptions]
    if not with_assumptions:
        return []
    out = ["## Assumptions", ""]
    for p in with_assumptions:
        out.append(f"- {md_text(p.name)} ({md_text(status_label(p))})")
        for a in p.assumptions:
            where = f" at {a.location.short()}" if a.location else ""
            state = f"discharged: {a.discharged_by}" if a.discharged_by else "OPEN"
            out.append(f"  - {md_text(f'[{a.kind}] {a.description}{where}')}: {md_text(state)}")
    return [*out, ""]


def _errors(report: Report) -> list[str]:
    if not report.errors:
        return []
    out = ["## Errors", ""]
    for e in report.errors:
        where = f"{e.location.short()}: " if e.location else ""
        out.append(f"- {md_text(f'[{e.stage}] {e.target}: {where}{e.message}')}")
        if e.hint:
            out.append(f"  - hint: {md_text(e.hint)}")
    return [*out, ""]
