"""Shared values that flow between the stages. Imports nothing else of ours."""

from solvency.core.counterexample import Call, Counterexample
from solvency.core.errors import (
    CompileError,
    InternalError,
    SolvencyError,
    ToolMissingError,
    UserError,
)
from solvency.core.exit_codes import ExitCode
from solvency.core.findings import Confidence, Finding, Severity
from solvency.core.location import Location
from solvency.core.properties import Assumption, PropertyKind, PropertyResult, Status
from solvency.core.report import Report, ReportError, Stats

__all__ = [
    "Assumption",
    "Call",
    "CompileError",
    "Confidence",
    "Counterexample",
    "ExitCode",
    "Finding",
    "InternalError",
    "Location",
    "PropertyKind",
    "PropertyResult",
    "Report",
    "ReportError",
    "Severity",
    "SolvencyError",
    "Stats",
    "Status",
    "ToolMissingError",
    "UserError",
]
