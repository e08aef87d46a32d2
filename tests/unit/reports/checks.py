"""Validators the renderer tests share: our JSON schema, SARIF's schema, GitHub's rules."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from solvency.core.report import Report
from solvency.reports import render_sarif, report_from_json, report_to_json, schema_errors
from tests.unit.reports.sarif_schema import sarif_schema


@cache
def _sarif_validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(sarif_schema())


def assert_json_valid_and_round_trips(report: Report) -> dict[str, Any]:
    text = report_to_json(report)
    data: dict[str, Any] = json.loads(text)
    assert schema_errors(data) == []
    assert report_from_json(text) == report
    return data


def sarif_errors(log: dict[str, Any]) -> list[str]:
    schema = [e.message for e in _sarif_validator().iter_errors(log)]
    return schema + github_problems(log)


def assert_sarif_valid(report: Report) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render_sarif(report))
    assert sarif_errors(log) == []
    return log


def github_problems(log: dict[str, Any]) -> list[str]:
    """What GitHub code scanning documents beyond the schema for an upload to be usable."""
    problems: list[str] = []
    if log.get("version") != "2.1.0" or not log.get("$schema"):
        problems.append("version 2.1.0 and $schema are required")
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name is required")
        rules = {r["id"]: r for r in driver.get("rules", [])}
        for rule in rules.values():
            for key in ("shortDescription", "fullDescription", "help"):
                if not rule.get(key, {}).get("text"):
                    problems.append(f"rule {rule['id']}: {key}.text missing")
            problems += _severity_problems(f"rule {rule['id']}", rule.get("properties", {}))
        for i, result in enumerate(run["results"]):
            where = f"result {i}"
            if result.get("ruleId") not in rules:
                problems.append(f"{where}: ruleId not among the driver's rules")
            elif driver["rules"][result["ruleIndex"]]["id"] != result["ruleId"]:
                problems.append(f"{where}: ruleIndex points at another rule")
            if not result.get("message", {}).get("text"):
                problems.append(f"{where}: message.text missing")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: partialFingerprints missing")
            locations = result.get("locations", [])
            if not 1 <= len(locations) <= 10:
                problems.append(f"{where}: needs 1 to 10 locations, has {len(locations)}")
            for loc in locations:
                problems += _location_problems(where, loc["physicalLocation"])
            problems += _severity_problems(where, result.get("properties", {}))
    return problems


def _location_problems(where: str, physical: dict[str, Any]) -> list[str]:
    uri = physical["artifactLocation"]["uri"]
    problems = []
    if "://" in uri and not uri.startswith("file://"):
        problems.append(f"{where}: uri {uri} is neither relative nor file://")
    if "://" not in uri and physical["artifactLocation"].get("uriBaseId") is None:
        problems.append(f"{where}: relative uri {uri} without uriBaseId")
    region = physical.get("region")
    if region is not None and not 1 <= region["startLine"] <= region.get("endLine", 10**9):
        problems.append(f"{where}: bad region {region}")
    return problems


def _severity_problems(where: str, properties: dict[str, Any]) -> list[str]:
    value = properties.get("security-severity")
    try:
        ok = isinstance(value, str) and 0.0 <= float(value) <= 10.0
    except ValueError:
        ok = False
    return [] if ok else [f"{where}: security-severity {value!r} is not a 0-10 number string"]
