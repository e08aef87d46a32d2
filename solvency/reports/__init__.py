"""Renderers: pure functions of core types (never import slither or z3)."""

from solvency.reports.json_report import report_from_json, report_to_json
from solvency.reports.terminal import render_terminal

__all__ = ["render_terminal", "report_from_json", "report_to_json"]
