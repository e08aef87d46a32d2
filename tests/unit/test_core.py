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
from solvency.core.findings import strip_line_numbers
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x (V.sol#10-20)", "x (V.sol)"),
        (
            "writes after the external call at line 88 in f",
            "writes after the external call at line in f",
        ),
        ("Lines 3 - 7 and line 9", "Lines and line"),
        ("see Vault.sol:88:5 and a.spec:3", "see Vault.sol and a.spec"),
        ("uint256 x = 88;  // spaces\n collapse", "uint256 x = 88; // spaces collapse"),
    ],
)
def test_fingerprint_input_drops_every_form_of_line_number(text: str, expected: str) -> None:
    assert strip_line_numbers(text) == expected


def test_fingerprint_survives_a_rule_message_that_names_a_line() -> None:
    def at(line: int) -> Finding:
        return Finding(
            "accounting-after-call",
            "solvency",
            Severity.HIGH,
            Confidence.MEDIUM,
            "t",
            "m",
            (Location("V.sol", line, contract="V", function="withdraw"),),
            evidence=(f"write (V.sol#{line}) after the external call at line {line - 2}",),
        )

    assert at(90).fingerprint == at(93).fingerprint


def test_merge_fields_default_to_the_single_engine_view() -> None:
    f = _finding(3)
    assert f.engines == ("slither",) and f.fingerprints == (f.fingerprint,)
    assert not (f.confirmed or f.baselined or f.aliases or f.related_properties)
    cex = Counterexample("p", (), confirmed=True)
    p = PropertyResult("p", PropertyKind.RULE, "fuzz", Status.VIOLATED, counterexample=cex)
    assert p.engines == ("fuzz",) and p.confirmed
    proof = PropertyResult(
        "q",
        PropertyKind.RULE,
        "prover",
        Status.PROVED,
        assumptions=(Assumption("a", "open"), Assumption("b", "done", discharged_by="fuzz")),
    )
    assert [a.kind for a in proof.open_assumptions] == ["a"]
