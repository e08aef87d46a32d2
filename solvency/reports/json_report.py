"""The JSON report: the core Report, serialised losslessly, with its schema version.

The schema (report.schema.json, documented in docs/report-schema.md) is written by hand and
tested against every report the renderers' tests build, so it cannot drift from core/serde.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

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
    if not isinstance(data, dict):
        raise UserError("not a JSON report: the top level is not an object")
    version = str(data.get("schema_version", ""))
    if version.split(".", maxsplit=1)[0] != SCHEMA_VERSION.split(".")[0]:
        raise UserError(
            f"report schema {version!r} is not supported (this Solvency writes {SCHEMA_VERSION})",
            hint="re-create the report with this version of Solvency",
        )
    try:
        return from_jsonable(Report, data)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise UserError(f"malformed report: {exc}") from None


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON report."""
    text = resources.files("solvency.reports").joinpath("report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_errors(data: Any) -> list[str]:
    """Every way `data` (a parsed JSON report) breaks the schema; empty when valid."""
    validator = jsonschema.Draft202012Validator(report_schema())
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
        for e in sorted(
            validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
        )
    ]
