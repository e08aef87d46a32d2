"""The terminal summary (rich): properties, findings by severity, counterexamples,
assumptions, errors per target.

Every cell is a `Text`, never a markup string: identifiers and messages come from the
contract, and a `[bold]` in a function name must print as written.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from solvency.core.findings import Finding, Severity
from solvency.core.properties import Status
from solvency.core.report import Report
from solvency.reports.common import finding_flags, shown_findings, status_label, summary_line

_STYLE = {
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFORMATIONAL: "dim",
    Severity.OPTIMIZATION: "dim",
}
_STATUS_STYLE = {
    Status.VIOLATED: "bold red",
    Status.ERROR: "red",
    Status.UNKNOWN: "yellow",
    Status.VACUOUS: "yellow",
    Status.HELD: "cyan",
    Status.PROVED_BOUNDED: "green",
    Status.PROVED: "bold green",
}


def render_terminal(report: Report, *, width: int = 120, color: bool = False) -> str:
    """The report as text for a terminal; `color` adds ANSI styles."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False
    )
    if report.properties:
        console.print(_properties_table(report))
    findings = shown_findings(report)
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if group:
            console.print(_findings_table(severity, group))
    _print_counterexamples(console, report)
    _print_assumptions(console, report)
    for error in report.errors:
        where = f"{error.location.short()}: " if error.location else ""
        hint = f" (hint: {error.hint})" if error.hint else ""
        console.print(
            Text(
                f"error [{error.stage}] {error.target}: {where}{error.message}{hint}",
                style="bold red",
            )
        )
    console.print(Text(summary_line(report)))
    return buffer.getvalue()


def _properties_table(report: Report) -> Table:
    table = Table(title="Properties", title_justify="left", expand=False)
    for column in ("property", "contract", "kind", "status", "engines", "reason"):
        table.add_column(column)
    for p in report.properties:
        # several engines judged it: each one's own verdict, under the deciding reason
        reason = "\n".join([p.reason, *p.notes] if len(p.engines) > 1 else [p.reason])
        table.add_row(
            Text(p.name),
            Text(p.contract or "-"),
            Text(p.kind.value),
            Text(status_label(p), style=_STATUS_STYLE[p.status]),
            Text(", ".join(p.engines)),
            Text(reason.strip()),
        )
    return table


def _findings_table(severity: Severity, group: list[Finding]) -> Table:
    table = Table(
        title=Text(f"{severity.value.upper()} ({len(group)})", style=_STYLE[severity]),
        title_justify="left",
        expand=False,
        show_lines=False,
    )
    table.add_column("location", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("engines")
    table.add_column("finding", ratio=1)
    for f in group:
        where = f.primary.short() if f.primary else "-"
        lines = [f.title, f"confidence {f.confidence.value}"]
        if f.merged_rules:
            lines.append("also: " + ", ".join(f.merged_rules))
        lines.extend(finding_flags(f))
        table.add_row(
            Text(where), Text(f.rule_id), Text(", ".join(f.engines)), Text("\n".join(lines))
        )
    return table


def _print_counterexamples(console: Console, report: Report) -> None:
    for p in report.properties:
        cex = p.counterexample
        if p.status is not Status.VIOLATED or cex is None:
            continue
        replay = "replayed on the EVM" if p.confirmed else "not replayed"
        console.print(
            Text(f"Counterexample: {p.name} ({', '.join(p.engines)}; {replay})", style="bold")
        )
        for line in cex.render():
            console.print(Text(f"  {line}"))
        if cex.replay_note:
            console.print(Text(f"  note: {cex.replay_note}", style="dim"))


def _print_assumptions(console: Console, report: Report) -> None:
    for p in report.properties:
        if not p.assumptions:
            continue
        console.print(Text(f"Assumptions of {p.name} ({status_label(p)}):", style="bold"))
        for a in p.assumptions:
            where = f" at {a.location.short()}" if a.location else ""
            state = f"discharged: {a.discharged_by}" if a.discharged_by else "OPEN"
            console.print(Text(f"  [{a.kind}] {a.description}{where} — {state}"))
