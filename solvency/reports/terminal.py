"""The terminal summary: findings grouped by severity, properties, errors (rich)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from solvency.core.findings import Finding, Severity
from solvency.core.report import Report

_STYLE = {
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFORMATIONAL: "dim",
    Severity.OPTIMIZATION: "dim",
}


def render_terminal(report: Report, *, width: int = 120, color: bool = False) -> str:
    """The report as text for a terminal; `color` adds ANSI styles."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False
    )
    findings = report.active_findings()
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if group:
            console.print(_findings_table(severity, group))
    if report.properties:
        table = Table(title="Properties", title_justify="left", expand=False)
        for column in ("property", "kind", "engine", "status", "reason"):
            table.add_column(column)
        for p in report.properties:
            table.add_row(p.name, p.kind.value, p.engine, p.status.value.upper(), p.reason)
        console.print(table)
    for error in report.errors:
        where = f"{error.location.short()}: " if error.location else ""
        console.print(
            Text(f"error [{error.stage}] {error.target}: {where}{error.message}", style="bold red")
        )
    console.print(_summary(report))
    return buffer.getvalue()


def _findings_table(severity: Severity, group: list[Finding]) -> Table:
    table = Table(
        title=Text(f"{severity.value.upper()} ({len(group)})", style=_STYLE[severity]),
        title_justify="left",
        expand=False,
        show_lines=False,
    )
    table.add_column("location", no_wrap=True)
    table.add_column("rule")
    table.add_column("confidence")
    table.add_column("finding")
    for f in group:
        where = f.primary.short() if f.primary else "-"
        table.add_row(where, f.rule_id, f.confidence.value, f.title)
    return table


def _summary(report: Report) -> Text:
    findings = report.active_findings()
    counts = ", ".join(
        f"{sum(1 for f in findings if f.severity is s)} {s.value}"
        for s in Severity
        if any(f.severity is s for f in findings)
    )
    parts = [f"{len(findings)} findings" + (f" ({counts})" if counts else "")]
    if report.stats.suppressed_findings:
        parts.append(f"{report.stats.suppressed_findings} suppressed")
    if report.errors:
        parts.append(f"{len(report.errors)} errors")
    parts.append(
        f"{report.stats.contracts} contracts, solc {report.stats.solc_version or '?'}"
        + (" (compile cache hit)" if report.stats.compile_cache_hit else "")
    )
    return Text("; ".join(parts))
