"""Baselines: accepted findings stay in the report, flagged, and stop failing the gate."""

from __future__ import annotations

import json

import pytest

from solvency.core import Severity, UserError
from solvency.core.report import Stats
from solvency.reports import merge
from solvency.reports.baseline import Baseline, apply, create, load
from tests.unit.reports.factory import finding


def _report(*findings):  # type: ignore[no-untyped-def]
    return merge(["a"], findings, [], [], Stats(), "0.1.0")


def test_baselined_findings_are_kept_counted_and_do_not_gate() -> None:
    old = _report(finding())
    new = _report(finding(line=40), finding("divide-before-multiply", function="deposit"))
    result = apply(new, load(create(old)))
    assert len(result.findings) == 2  # nothing dropped
    flagged = {f.rule_id: f.baselined for f in result.findings}
    assert flagged == {"reentrancy-eth": True, "divide-before-multiply": False}
    assert result.stats.baselined_findings == 1
    gating = result.findings_at_least(Severity.INFORMATIONAL)
    assert [f.rule_id for f in gating] == ["divide-before-multiply"]
    assert len(new.findings_at_least(Severity.INFORMATIONAL)) == 2


def test_a_baseline_from_lint_still_matches_the_bug_after_audit_merged_it() -> None:
    lint = _report(finding("accounting-after-call", engine="solvency"))
    audit = _report(finding(), finding("accounting-after-call", engine="solvency"))
    [merged] = audit.findings
    assert len(merged.fingerprints) == 2
    assert apply(audit, load(create(lint))).findings[0].baselined


def test_create_is_stable_and_lists_every_fingerprint_once() -> None:
    report = _report(
        finding(), finding("accounting-after-call", engine="solvency"), finding(function="x")
    )
    text = create(report)
    assert text == create(report)
    data = json.loads(text)
    fps = [e["fingerprint"] for e in data["findings"]]
    assert fps == sorted(set(fps)) and len(fps) == 3
    assert data["solvency_baseline"] == 1
    assert load(text) == Baseline(load(text).entries)


def test_suppressed_findings_are_not_baselined() -> None:
    report = _report(finding(suppressed=True))
    assert json.loads(create(report))["findings"] == []


FP = "0" * 32


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{oops", "not JSON"),
        ("[]", "no `solvency_baseline`"),
        ('{"findings": []}', "no `solvency_baseline`"),
        ('{"solvency_baseline": 2, "findings": []}', "format 2 is not supported"),
        ('{"solvency_baseline": 1}', "`findings` must be a list"),
        ('{"solvency_baseline": 1, "findings": [3]}', r"findings\[0\] must be an object"),
        ('{"solvency_baseline": 1, "findings": [{}]}', "fingerprint must be 32"),
        (
            '{"solvency_baseline": 1, "findings": [{"fingerprint": "XYZ"}]}',
            "fingerprint must be 32",
        ),
        (
            '{"solvency_baseline": 1, "findings": [{"fingerprint": "' + FP + '", "rule_id": 5}]}',
            "rule_id must be a string",
        ),
        (
            '{"solvency_baseline": 1, "findings": [{"fingerprint": "' + FP + '", "contract": []}]}',
            "contract must be a string or null",
        ),
    ],
)
def test_malformed_baselines_are_clear_user_errors(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message) as info:
        load(text)
    assert info.value.hint and "baseline create" in info.value.hint


def test_a_minimal_hand_written_baseline_loads() -> None:
    baseline = load('{"solvency_baseline": 1, "findings": [{"fingerprint": "' + FP + '"}]}')
    assert baseline.fingerprints == {FP}
