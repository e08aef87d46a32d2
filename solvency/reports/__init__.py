"""Merge and renderers: pure functions of core types (never import slither or z3).

`merge(...)` builds one Report from every engine's output; `render(report, fmt)` turns it
into any of the output formats; `baseline` creates, loads and applies baselines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from solvency.core.errors import UserError
from solvency.core.report import Report
from solvency.reports.html_report import render_html
from solvency.reports.json_report import (
    report_from_json,
    report_schema,
    report_to_json,
    schema_errors,
)
from solvency.reports.markdown import render_markdown
from solvency.reports.merge import merge, merge_report
from solvency.reports.sarif import render_sarif
from solvency.reports.terminal import render_terminal

Format = Literal["terminal", "json", "sarif", "markdown", "html"]
FORMATS: tuple[str, ...] = ("terminal", "json", "sarif", "markdown", "html")

_RENDERERS: dict[str, Callable[[Report], str]] = {
    "json": report_to_json,
    "sarif": render_sarif,
    "markdown": render_markdown,
    "html": render_html,
}


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The report in `fmt` (one of FORMATS); `color` only affects the terminal format."""
    if fmt == "terminal":
        return render_terminal(report, color=color)
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise UserError(
            f"unknown report format {fmt!r}", hint=f"choose one of: {', '.join(FORMATS)}"
        )
    return renderer(report)


__all__ = [
    "FORMATS",
    "Format",
    "merge",
    "merge_report",
    "render",
    "render_html",
    "render_markdown",
    "render_sarif",
    "render_terminal",
    "report_from_json",
    "report_schema",
    "report_to_json",
    "schema_errors",
]
