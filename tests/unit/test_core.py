from __future__ import annotations

import json

import pytest

from solvency.core import (
    Assumption,
    Call,
    Confidence,
    Counterexample,
    Finding,
    Location,
    PropertyKind,
    PropertyResult,
    Report,
    Severity,
    Status,
    UserError,
)
from solvency.core.report import ReportError, Stats
from solvency.reports import report_from_json, report_to_json


def _finding(line: int, evidence: str = "Reentrancy in V.withdraw (V.sol#10-20)") -> Finding:
    return Finding(
        rule_id="reentrancy-eth",
        engine="slither",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        title="Reentrancy",
        message="m",
        locations=(Location("V.sol", line, line + 5, contract="V", function="withdraw"),),
        evidence=(evidence.replace("#10-20", f"#{line}-{line + 5}"),),
    )


def test_fingerprint_ignores_line_numbers_but_not_the_function() -> None:
    assert _finding(10).fingerprint == _finding(42).fingerprint
    other = Finding(
        rule_id="reentrancy-eth",
        engine="slither",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        title="Reentrancy",
        message="m",
        locations=(Location("V.sol", 10, 15, contract="V", function="deposit"),),
    )
    assert other.fingerprint != _finding(10).fingerprint


def test_severity_order() -> None:
    assert Severity.HIGH.at_least(Severity.MEDIUM)
    assert not Severity.LOW.at_least(Severity.MEDIUM)
    assert [s.rank for s in Severity] == sorted(s.rank for s in Severity)


def test_proved_bounded_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="bound"):
        PropertyResult("p", PropertyKind.INVARIANT, "prover", Status.PROVED_BOUNDED)
    assert not Status.HELD.is_proof and Status.PROVED_BOUNDED.is_proof


def test_report_json_round_trip_keeps_every_value() -> None:
    cex = Counterexample(
        "solvent",
        (
            Call(
                "Vault",
                "withdraw(uint256)",
                (2**256 - 1, b"\x01\x02", ("0xab", True)),
                sender="0x" + "11" * 20,
                value=5,
                timestamp=1700000000,
            ),
        ),
        confirmed=True,
    )
    report = Report(
        tool_version="0.1.0",
        targets=("a.sol",),
        findings=(_finding(3),),
        properties=(
            PropertyResult(
                "solvent",
                PropertyKind.INVARIANT,
                "prover",
                Status.VIOLATED,
                assumptions=(
                    Assumption("reentrancy", "no reentrancy at V.sol:88", Location("V.sol", 88)),
                ),
                counterexample=cex,
                time_seconds=1.5,
            ),
            PropertyResult("bounded", PropertyKind.RULE, "prover", Status.PROVED_BOUNDED, bound=3),
        ),
        errors=(ReportError("b.sol", "compile", "boom", hint="fix it"),),
        stats=Stats(files=2, contracts=1, solc_version="0.8.19"),
    )
    text = report_to_json(report)
    json.loads(text)  # valid JSON
    assert report_from_json(text) == report
    # uint256 values survive JSON readers that parse numbers as doubles
    assert str(2**256 - 1) in text


def test_report_from_json_rejects_other_schema_versions() -> None:
    with pytest.raises(UserError, match="schema"):
        report_from_json('{"schema_version": "9.0"}')
    with pytest.raises(UserError, match="not a JSON report"):
        report_from_json("{nope")


def test_user_error_render_has_location_details_hint() -> None:
    err = UserError("bad", location=Location("s.spec", 3), details="line text", hint="try x")
    assert err.render() == "s.spec:3: bad\nline text\nhint: try x"


def test_counterexample_renders_readable_calls() -> None:
    cex = Counterexample("p", (Call("V", "withdraw(uint256)", (5,), sender="0xab", value=1),))
    assert cex.render() == ["1. V.withdraw(5) from 0xab value 1"]
