"""The JSON report: the core Report, serialised losslessly, with its schema version."""

from __future__ import annotations

import json

from solvency.core.errors import UserError
from solvency.core.report import SCHEMA_VERSION, Report
from solvency.core.serde import from_jsonable, to_jsonable


def report_to_json(report: Report) -> str:
    return json.dumps(to_jsonable(report), indent=2, sort_keys=False) + "\n"


def report_from_json(text: str) -> Report:
    """Read a report written by `report_to_json` (same major schema version)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"not a JSON report: {exc}") from None
    version = str(data.get("schema_version", ""))
    if version.split(".", maxsplit=1)[0] != SCHEMA_VERSION.split(".")[0]:
        raise UserError(
            f"report schema {version!r} is not supported (this Solvency writes {SCHEMA_VERSION})",
            hint="re-create the report with this version of Solvency",
        )
    try:
        return from_jsonable(Report, data)
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"malformed report: {exc}") from None
