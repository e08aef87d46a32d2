"""Core values for the report tests: small builders, and one report with every feature."""

from __future__ import annotations

from pathlib import Path

from solvency.core import (
    Assumption,
    Call,
    Confidence,
    Counterexample,
    Finding,
    Location,
    PropertyKind,
    PropertyResult,
    Severity,
    Status,
)
from solvency.core.counterexample import StorageAssumption
from solvency.core.report import Report, ReportError, Stats
from solvency.reports import merge

VAULT = "contracts/Vault.sol"
SENDER = "0x" + "ab" * 20
XSS = "<script>alert(1)</script>"
ODD = '"><img src=x onerror=alert(1)>|`x`'

VAULT_SOURCE = "\n".join(
    [
        "// SPDX-License-Identifier: MIT",
        "pragma solidity 0.8.19;",
        "contract Vault {",
        "    mapping(address => uint256) public deposits;",
        f"    // {XSS} | `tick` ``` fence",
        "    function withdraw(uint256 amount) external {",
        "        uint256 bal = deposits[msg.sender];",
        '        (bool ok, ) = msg.sender.call{value: amount}("");',
        "        require(ok);",
        "        deposits[msg.sender] = bal - amount;",
        "    }",
        "}",
        "",
    ]
)


def loc(line: int, function: str | None = "withdraw", file: str = VAULT) -> Location:
    return Location(file, line, line + 4, contract="Vault", function=function)


def finding(
    rule: str = "reentrancy-eth",
    *,
    engine: str = "slither",
    line: int = 6,
    function: str | None = "withdraw",
    severity: Severity = Severity.HIGH,
    confidence: Confidence = Confidence.MEDIUM,
    title: str = "Reentrancy in Vault.withdraw(uint256)",
    suppressed: bool = False,
) -> Finding:
    return Finding(
        rule_id=rule,
        engine=engine,
        severity=severity,
        confidence=confidence,
        title=title,
        message=f"{title} ({VAULT}#{line}-{line + 4})\n\tExternal calls: msg.sender.call",
        locations=(loc(line, function), loc(line + 2, function)),
        evidence=(f"{title} ({VAULT}#{line}-{line + 4})",),
        suppressed=suppressed,
    )


def cex(
    name: str, function: str = "withdraw(uint256)", *, confirmed: bool = False
) -> Counterexample:
    return Counterexample(
        name,
        (
            Call("Vault", "deposit()", (), sender=SENDER, value=10**18),
            Call(
                "Vault",
                function,
                (2**256 - 1, b"\x00\xff", ("0x01", True)),
                sender=SENDER,
                reaches=(f"Vault.{function}",),
            ),
        ),
        initial_state=(StorageAssumption("deposits[0xab…]", 5, slot=2**255),),
        confirmed=confirmed,
        replay_note="replayed on revm" if confirmed else "",
    )


def prop(
    name: str,
    engine: str,
    status: Status,
    *,
    function: str | None = None,
    confirmed: bool = False,
    assumptions: tuple[Assumption, ...] = (),
    bound: int | None = None,
    reason: str = "",
) -> PropertyResult:
    return PropertyResult(
        name=name,
        kind=PropertyKind.INVARIANT,
        engine=engine,
        status=status,
        reason=reason or f"{engine} says {status.value}",
        contract="Vault",
        function=function,
        bound=bound,
        assumptions=assumptions,
        counterexample=cex(name, confirmed=confirmed) if status is Status.VIOLATED else None,
        time_seconds=1.25,
    )


def no_reentrancy(function: str | None = "withdraw") -> Assumption:
    return Assumption(
        "no-reentrancy",
        f"no reentrancy through the call at {VAULT}:8",
        Location(VAULT, 8, contract="Vault", function=function),
    )


def full_report(root: Path | None = None) -> Report:
    """Every feature at once: merged and baselined findings, every status, counterexamples
    with uint256/bytes/tuple values, open and discharged assumptions, a failed target, and
    contract text that tries to inject markup."""
    findings = [
        finding(),
        finding("accounting-after-call", engine="solvency", title="Accounting after call"),
        finding(
            "unchecked-lowlevel",
            severity=Severity.MEDIUM,
            line=8,
            function=ODD,
            title=f"call in {ODD} {XSS}",
        ),
        finding("naming-convention", severity=Severity.INFORMATIONAL, function=None, line=4),
        finding("solc-version", severity=Severity.LOW, function=None, line=2, suppressed=True),
    ]
    properties = [
        prop("solvent", "prover", Status.VIOLATED, function="withdraw"),
        prop("solvent", "fuzz", Status.VIOLATED, confirmed=True),
        prop("totals", "prover", Status.PROVED, assumptions=(no_reentrancy("deposit"),)),
        prop("totals", "fuzz", Status.HELD, reason="no violation in 900 checks"),
        prop(
            "bounded",
            "prover",
            Status.PROVED_BOUNDED,
            bound=3,
            assumptions=(
                no_reentrancy(),
                Assumption("oracle", f"price fixed {XSS}", discharged_by=f"checked by {ODD}"),
            ),
        ),
        prop("fuzzed_only", "fuzz", Status.HELD),
        prop(f"odd_{ODD}", "prover", Status.UNKNOWN, reason=f"unsupported {XSS}"),
        prop("vacuous", "prover", Status.VACUOUS),
        prop("broken_spec", "prover", Status.ERROR),
    ]
    errors = [ReportError("other/Broken.sol", "compile", f"ParserError {XSS}", hint="fix `it`")]
    return merge(
        ["contracts"],
        findings,
        properties,
        errors,
        Stats(files=2, contracts=1, functions=3, solc_version="0.8.19"),
        "0.1.0",
        source_roots=[str(root)] if root else [],
    )


def write_vault(root: Path) -> Path:
    path = root / VAULT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(VAULT_SOURCE, encoding="utf-8")
    return path
