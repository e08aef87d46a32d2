"""A self-contained HTML report (one file, inline CSS, no scripts) an auditor can hand over.

Every piece of text that reaches the page goes through `_e` (html.escape with quotes):
identifiers, messages, code excerpts and counterexample values all come from the audited
contract, and a `<script>` in a comment must stay text. A Content-Security-Policy that
forbids scripts is a second wall should an escape ever be missed.
"""

from __future__ import annotations

import html

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

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1,h2,h3{line-height:1.2}table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:13px}
mark{background:#ffe08a}.sev-high{color:#b00020}.sev-medium{color:#a35c00}
.status-violated,.status-error{color:#b00020;font-weight:bold}
.status-proved,.status-proved_bounded{color:#17692d;font-weight:bold}
.status-unknown,.status-vacuous{color:#a35c00}.open{color:#b00020}.meta{color:#555}
section.finding{border-top:1px solid #ddd;margin-top:1.5em}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_html(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Solvency report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Solvency report</h1>",
        f'<p class="meta">Targets: {_e(", ".join(report.targets) or "-")}<br>'
        f"Solvency {_e(report.tool_version)}, report schema {_e(report.schema_version)}</p>",
        f"<h2>Summary</h2><p>{_e(summary_line(report))}</p>",
        *_properties(report),
        *_findings(report),
        *_counterexamples(report),
        *_assumptions(report),
        *_errors(report),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _properties(report: Report) -> list[str]:
    if not report.properties:
        return ["<h2>Properties</h2><p>No properties were checked.</p>"]
    out = [
        "<h2>Properties</h2><table><thead><tr><th>Property</th><th>Contract</th><th>Kind</th>"
        "<th>Status</th><th>Engines</th><th>Reason</th></tr></thead><tbody>"
    ]
    for p in report.properties:
        notes = [f"<small>{_e(n)}</small>" for n in p.notes]
        reason = "<br>".join([_e(p.reason), *notes] if p.reason else notes)
        out.append(
            f"<tr><td>{_e(p.name)}</td><td>{_e(p.contract or '-')}</td><td>{_e(p.kind.value)}</td>"
            f'<td class="status-{_e(p.status.value)}">{_e(status_label(p))}</td>'
            f"<td>{_e(', '.join(p.engines))}</td><td>{reason}</td></tr>"
        )
    return [*out, "</tbody></table>"]


def _findings(report: Report) -> list[str]:
    findings = shown_findings(report)
    if not findings:
        return ["<h2>Findings</h2><p>No findings.</p>"]
    reader = SourceReader(report)
    return ["<h2>Findings</h2>", *(_finding(i, f, reader) for i, f in enumerate(findings, 1))]


def _finding(i: int, f: Finding, reader: SourceReader) -> str:
    sev = f.severity.value
    rows = [
        ("Rule", ", ".join((f.rule_id, *f.merged_rules))),
        ("Severity", f"{sev}, confidence {f.confidence.value}"),
        ("Engines", ", ".join(f.engines)),
        ("Fingerprint", f.fingerprint),
    ]
    flags = finding_flags(f)
    if flags:
        rows.append(("Status", "; ".join(flags)))
    if f.related_properties:
        rows.append(("Violated properties here", ", ".join(f.related_properties)))
    if f.help_uri:
        rows.append(("Documentation", f.help_uri))
    for loc in f.locations:
        where = ".".join(x for x in (loc.contract, loc.function) if x)
        rows.append(("Location", loc.short() + (f" ({where})" if where else "")))
    table = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    out = [
        f'<section class="finding"><h3 class="sev-{_e(sev)}">{i}. {_e(sev.upper())}: '
        f"{_e(f.title)}</h3><table>{table}</table>"
    ]
    excerpt = reader.excerpt(f.primary) if f.primary else None
    if excerpt is not None:
        lines = []
        for n, line in excerpt.lines:
            text = f"{n:>5} | {_e(line)}"
            lines.append(f"<mark>{text}</mark>" if n in excerpt.marked else text)
        out.append(f"<pre><code>{chr(10).join(lines)}</code></pre>")
    if f.message.strip():
        out.append(
            f"<details><summary>Detector output</summary><pre>{_e(f.message.strip())}</pre>"
            "</details>"
        )
    return "".join(out) + "</section>"


def _counterexamples(report: Report) -> list[str]:
    out: list[str] = []
    for p in report.properties:
        cex = p.counterexample
        if p.status is not Status.VIOLATED or cex is None:
            continue
        replay = "replayed on the EVM" if p.confirmed else "not replayed"
        rendered = cex.render()
        state = "".join(f"<li>{_e(line)}</li>" for line in rendered[: len(cex.initial_state)])
        calls = "".join(f"<li>{_e(c.render())}</li>" for c in cex.calls)
        note = f"<p>{_e(cex.replay_note)}</p>" if cex.replay_note else ""
        out.append(
            f"<h3>{_e(p.name)} <small>({_e(', '.join(p.engines))}; {_e(replay)})</small></h3>"
            + (f"<p>Initial state:</p><ul>{state}</ul>" if state else "")
            + f"<ol>{calls}</ol>{note}"
        )
    return ["<h2>Counterexamples</h2>", *out] if out else []


def _assumptions(report: Report) -> list[str]:
    out: list[str] = []
    for p in report.properties:
        if not p.assumptions:
            continue
        items = []
        for a in p.assumptions:
            where = f" at {a.location.short()}" if a.location else ""
            if a.discharged_by:
                state = f"discharged: {_e(a.discharged_by)}"
            else:
                state = '<span class="open">OPEN</span>'
            items.append(f"<li>[{_e(a.kind)}] {_e(a.description)}{_e(where)} — {state}</li>")
        out.append(f"<h3>{_e(p.name)} <small>({_e(status_label(p))})</small></h3>")
        out.append(f"<ul>{''.join(items)}</ul>")
    return ["<h2>Assumptions</h2>", *out] if out else []


def _errors(report: Report) -> list[str]:
    if not report.errors:
        return []
    items = []
    for e in report.errors:
        where = f"{e.location.short()}: " if e.location else ""
        hint = f"<br>hint: {_e(e.hint)}" if e.hint else ""
        items.append(f"<li>[{_e(e.stage)}] {_e(e.target)}: {_e(where + e.message)}{hint}</li>")
    return ["<h2>Errors</h2>", f"<ul>{''.join(items)}</ul>"]
