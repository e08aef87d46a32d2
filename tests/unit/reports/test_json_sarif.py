"""JSON (our versioned schema, round trip) and SARIF (the official schema, GitHub's rules)."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import pytest

from solvency.core import Severity, Status
from solvency.core.report import Report, Stats
from solvency.reports import (
    merge,
    render_sarif,
    report_from_json,
    report_schema,
    report_to_json,
    schema_errors,
)
from solvency.reports.baseline import apply, create, load
from solvency.reports.sarif import FINGERPRINT_KEY
from tests.unit.reports.checks import (
    assert_json_valid_and_round_trips,
    assert_sarif_valid,
    sarif_errors,
)
from tests.unit.reports.factory import VAULT, finding, full_report, prop

EMPTY = Report(tool_version="0.1.0", targets=("a.sol",))


@pytest.mark.parametrize("name", ["empty", "full", "baselined", "lint-only"])
def test_every_report_validates_against_the_schema_and_round_trips(name: str) -> None:
    full = full_report()
    report = {
        "empty": EMPTY,
        "full": full,
        "baselined": apply(full, load(create(full))),
        "lint-only": merge(["a"], [finding()], [], [], Stats(), "0.1.0"),
    }[name]
    data = assert_json_valid_and_round_trips(report)
    assert data["schema_version"] == "1.0"


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("findings", 0, "severity"), "critical"),
        (("properties", 0, "status"), "proven"),
        (("findings", 0, "fingerprint"), "not-hex"),
        (("stats", "files"), -1),
        (("schema_version",), "2.0"),
        (("properties", 5, "bound"), None),  # proved_bounded without its bound
        (("properties", 0, "counterexample", "calls", 0, "value"), {"int": "12x"}),
    ],
)
def test_the_schema_rejects_what_serde_never_writes(path: tuple[object, ...], bad: object) -> None:
    data = json.loads(json.dumps(assert_json_valid_and_round_trips(full_report())))
    node = data
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    node[path[-1]] = bad  # type: ignore[index]
    assert schema_errors(data)


def test_schema_rejects_unknown_and_missing_fields() -> None:
    data = assert_json_valid_and_round_trips(full_report())
    extra = copy.deepcopy(data)
    extra["findings"][0]["surprise"] = 1
    missing = copy.deepcopy(data)
    del missing["properties"][0]["engines"]
    assert schema_errors(extra) and schema_errors(missing)


def test_sarif_of_the_full_report_is_valid_and_complete() -> None:
    report = full_report()
    log = assert_sarif_valid(report)
    run = log["runs"][0]
    results = run["results"]
    by_rule = {r["ruleId"]: r for r in results}
    # every active finding is a result with its real severity, all locations, fingerprint
    for f in report.active_findings():
        r = by_rule[f.rule_id]
        assert r["partialFingerprints"][FINGERPRINT_KEY] == f.fingerprint
        assert len(r["locations"]) == len(f.locations)
        regions = [loc["physicalLocation"]["region"] for loc in r["locations"]]
        assert [(g["startLine"], g["endLine"]) for g in regions] == [
            (loc.start_line, loc.end_line) for loc in f.locations
        ]
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert uri == {"uri": VAULT, "uriBaseId": "%SRCROOT%"}
    high = (
        by_rule["reentrancy-eth"]
        if "reentrancy-eth" in by_rule
        else by_rule["accounting-after-call"]
    )
    assert high["level"] == "error" and high["properties"]["security-severity"] == "8.0"
    assert high["properties"]["confirmed"] is True
    assert by_rule["unchecked-lowlevel"]["level"] == "warning"
    assert by_rule["naming-convention"]["level"] == "note"
    assert "solc-version" not in by_rule  # suppressed in source
    # violated, unknown, vacuous and errored properties are results; proofs and HELD are not
    statuses = {r["properties"]["status"] for r in results if r["ruleId"].startswith("property/")}
    assert statuses == {"violated", "unknown", "vacuous", "error"}
    violated = by_rule["property/solvent"]
    assert violated["level"] == "error" and "Vault.withdraw(" in violated["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert (
        "ParserError" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    )


def test_sarif_without_findings_is_a_valid_empty_run() -> None:
    log = assert_sarif_valid(EMPTY)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_sarif_fingerprint_survives_a_line_shift() -> None:
    before = json.loads(render_sarif(merge(["a"], [finding(line=6)], [], [], Stats(), "0")))
    after = json.loads(render_sarif(merge(["a"], [finding(line=60)], [], [], Stats(), "0")))
    fp = [
        r["partialFingerprints"]
        for r in (before["runs"][0]["results"][0], after["runs"][0]["results"][0])
    ]
    assert fp[0] == fp[1]
    regions = [
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
        for log in (before, after)
    ]
    assert regions == [6, 60]


def test_sarif_keeps_at_most_ten_locations_and_relates_the_rest() -> None:
    f = finding()
    many = dataclasses.replace(
        f,
        locations=tuple(
            dataclasses.replace(f.locations[0], start_line=i, end_line=i) for i in range(1, 15)
        ),
    )
    log = assert_sarif_valid(merge(["a"], [many], [], [], Stats(), "0"))
    result = log["runs"][0]["results"][0]
    assert len(result["locations"]) == 10 and len(result["relatedLocations"]) == 4


def test_sarif_baselined_findings_say_unchanged() -> None:
    report = merge(["a"], [finding()], [], [], Stats(), "0")
    log = assert_sarif_valid(apply(report, load(create(report))))
    assert log["runs"][0]["results"][0]["baselineState"] == "unchanged"


def test_sarif_property_without_location_points_at_its_target() -> None:
    report = merge(["src/Vault.sol"], [], [prop("p", "prover", Status.UNKNOWN)], [], Stats(), "0")
    log = assert_sarif_valid(report)
    [result] = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/Vault.sol"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda log: log["runs"][0]["results"][0].pop("message"),
        lambda log: log["runs"][0]["results"][0].__setitem__("level", "critical"),
        lambda log: log["runs"][0]["results"][0].pop("partialFingerprints"),
        lambda log: log["runs"][0]["tool"]["driver"]["rules"][0]["properties"].pop(
            "security-severity"
        ),
        lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
            "region"
        ].__setitem__("startLine", 0),
    ],
)
def test_the_sarif_checks_can_fail(mutate) -> None:  # type: ignore[no-untyped-def]
    log = json.loads(
        render_sarif(merge(["a"], [finding(severity=Severity.LOW)], [], [], Stats(), "0"))
    )
    assert sarif_errors(log) == []
    mutate(log)
    assert sarif_errors(log)


def test_source_excerpt_reader_is_not_needed_for_sarif(tmp_path: Path) -> None:
    # SARIF carries locations only: rendering never touches the sources
    assert_sarif_valid(full_report(tmp_path / "nowhere"))


def test_docs_document_every_field_of_the_schema() -> None:
    docs = (Path(__file__).parents[3] / "docs" / "report-schema.md").read_text(encoding="utf-8")
    schema = report_schema()
    objects = [schema, *schema["$defs"].values()]
    fields = {name for obj in objects for name in obj.get("properties", {})} - {"int", "bytes"}
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", docs, flags=re.MULTILINE))
    assert fields - documented == set()
    assert documented - fields == set()  # and nothing that is not in the schema


def test_sarif_uris_are_percent_encoded_and_absolute_paths_are_file_uris() -> None:
    f = finding()
    spaced = dataclasses.replace(
        f,
        locations=(
            dataclasses.replace(f.locations[0], file="my contracts/Vault#1.sol"),
            dataclasses.replace(f.locations[0], file="/abs/Vault.sol"),
        ),
    )
    log = assert_sarif_valid(merge(["a"], [spaced], [], [], Stats(), "0"))
    artifacts = [
        loc["physicalLocation"]["artifactLocation"]
        for loc in log["runs"][0]["results"][0]["locations"]
    ]
    assert artifacts == [
        {"uri": "my%20contracts/Vault%231.sol", "uriBaseId": "%SRCROOT%"},
        {"uri": "file:///abs/Vault.sol"},
    ]


def test_sarif_markdown_help_escapes_contract_text() -> None:
    log = assert_sarif_valid(full_report())
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    markdown = [r["help"]["markdown"] for r in rules]
    assert any("&lt;script&gt;" in m for m in markdown)
    assert not any("<script" in m or "<img" in m for m in markdown)


def test_a_report_written_before_the_merge_fields_still_loads() -> None:
    """Schema 1.0 readers take reports from before the merge: missing fields get defaults."""
    data = json.loads(
        report_to_json(
            merge(["a"], [finding()], [prop("p", "fuzz", Status.HELD)], [], Stats(), "0")
        )
    )
    for key in ("engines", "confirmed", "confirmed_by", "related_properties", "aliases"):
        data["findings"][0].pop(key, None)
    for key in ("engines", "confirmed", "notes", "related_findings"):
        data["properties"][0].pop(key)
    del data["source_roots"]
    del data["stats"]["baselined_findings"]
    report = report_from_json(json.dumps(data))
    assert report.findings[0].engines == ("slither",) and report.properties[0].engines == ("fuzz",)
    assert report.source_roots == () and report.stats.baselined_findings == 0
