"""The merge: one entry per bug, cross-confirmation, and the assumption ledger."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from solvency.core import Assumption, Call, Location, PropertyResult, Severity, Status
from solvency.core.report import ReportError, Stats
from solvency.reports import merge
from tests.unit.reports.factory import VAULT, cex, finding, no_reentrancy, prop


def _merge(findings=(), properties=(), errors=(), **kw):  # type: ignore[no-untyped-def]
    return merge(["t"], findings, properties, errors, Stats(), "0.1.0", **kw)


def _one(report, name: str) -> PropertyResult:  # type: ignore[no-untyped-def]
    [p] = [p for p in report.properties if p.name == name]
    return p


def test_prover_and_fuzzer_violated_is_one_entry_citing_both_with_the_replayed_cex() -> None:
    report = _merge(
        properties=[
            prop("solvent", "prover", Status.VIOLATED, function="withdraw"),
            prop("solvent", "fuzz", Status.VIOLATED, confirmed=True),
        ]
    )
    [p] = report.properties
    assert p.status is Status.VIOLATED and p.confirmed
    assert set(p.engines) == {"prover", "fuzz"}
    assert p.counterexample is not None and p.counterexample.confirmed
    assert p.engine == "fuzz"  # the confirmed verdict leads
    assert p.function == "withdraw"  # the only function any engine named
    assert any(n.startswith("prover: VIOLATED in withdraw") for n in p.notes)
    assert p.time_seconds == 2.5


def test_unreplayed_violations_stay_unconfirmed() -> None:
    report = _merge(
        properties=[
            prop("solvent", "prover", Status.VIOLATED),
            prop("solvent", "fuzz", Status.VIOLATED),
        ]
    )
    [p] = report.properties
    assert not p.confirmed and p.engine == "prover"


@pytest.mark.parametrize(
    ("prover", "fuzz", "expected"),
    [
        (Status.PROVED, Status.HELD, Status.PROVED),
        (Status.PROVED, Status.VIOLATED, Status.VIOLATED),
        (Status.PROVED, Status.ERROR, Status.PROVED),
        (Status.UNKNOWN, Status.HELD, Status.UNKNOWN),
        (Status.VACUOUS, Status.HELD, Status.VACUOUS),
        (Status.ERROR, Status.HELD, Status.ERROR),
        (Status.UNKNOWN, Status.VIOLATED, Status.VIOLATED),
        (None, Status.HELD, Status.HELD),
        (None, Status.UNKNOWN, Status.UNKNOWN),
    ],
)
def test_status_comes_from_the_strongest_evidence_and_held_is_never_a_proof(
    prover: Status | None, fuzz: Status, expected: Status
) -> None:
    props = [prop("p", "fuzz", fuzz)]
    if prover is not None:
        props.insert(0, prop("p", "prover", prover))
    [p] = _merge(properties=props).properties
    assert p.status is expected
    assert not (p.status.is_proof and prover is None)
    if prover is not None:
        assert set(p.engines) == {"prover", "fuzz"} and len(p.notes) == 2


def test_held_next_to_a_proof_is_a_cited_note_not_the_verdict() -> None:
    [p] = _merge(
        properties=[prop("p", "fuzz", Status.HELD), prop("p", "prover", Status.PROVED)]
    ).properties
    assert p.status is Status.PROVED and p.engine == "prover"
    assert p.engines == ("prover", "fuzz")
    assert any("HELD (not a proof)" in n for n in p.notes)


def test_per_function_prover_results_merge_to_the_worst_with_the_smallest_bound() -> None:
    [p] = _merge(
        properties=[
            prop("p", "prover", Status.PROVED, function="deposit"),
            prop("p", "prover", Status.PROVED_BOUNDED, function="withdraw", bound=5),
            prop("p", "prover", Status.PROVED_BOUNDED, function="sweep", bound=2),
        ]
    ).properties
    assert p.status is Status.PROVED_BOUNDED and p.bound == 2 and p.function is None


def test_same_name_on_two_contracts_stays_two_entries() -> None:
    other = PropertyResult(
        "p", prop("p", "fuzz", Status.HELD).kind, "fuzz", Status.HELD, contract="Other"
    )
    report = _merge(properties=[prop("p", "fuzz", Status.HELD), other])
    assert len(report.properties) == 2


def test_static_finding_in_the_violated_function_is_one_entry_confirmed_by_the_replay() -> None:
    report = _merge(
        findings=[finding(), finding("accounting-after-call", engine="solvency", title="AAC")],
        properties=[prop("solvent", "fuzz", Status.VIOLATED, confirmed=True)],
    )
    [f] = report.findings  # Slither's reentrancy-eth and our rule: one bug
    assert f.rule_id in ("accounting-after-call", "reentrancy-eth")
    assert set(f.engines) == {"slither", "solvency", "fuzz"}
    assert f.confirmed and f.confirmed_by == ("solvent",)
    assert f.related_properties == ("solvent",)
    assert set(f.merged_rules) | {f.rule_id} == {"reentrancy-eth", "accounting-after-call"}
    assert len(f.aliases) == 1 and f.aliases[0] != f.fingerprint
    [p] = report.properties
    assert p.related_findings == (f.fingerprint,)


def test_finding_linked_to_an_unreplayed_violation_is_cited_but_not_confirmed() -> None:
    report = _merge(
        findings=[finding()],
        properties=[prop("solvent", "prover", Status.VIOLATED, function="withdraw")],
    )
    [f] = report.findings
    assert not f.confirmed and f.related_properties == ("solvent",)
    assert "prover" in f.engines


@pytest.mark.parametrize(
    "other",
    [
        finding(function="deposit"),  # another function
        finding(function=None),  # contract-level finding
        finding(suppressed=True),  # suppressed: hidden, never confirmed
    ],
)
def test_findings_elsewhere_are_not_confirmed(other) -> None:  # type: ignore[no-untyped-def]
    report = _merge(
        findings=[other], properties=[prop("s", "fuzz", Status.VIOLATED, confirmed=True)]
    )
    [f] = report.findings
    assert not f.confirmed and not f.related_properties and f.engines == ("slither",)


def test_counterexample_through_another_contract_does_not_confirm() -> None:
    p = prop("s", "fuzz", Status.VIOLATED, confirmed=True)
    c = cex("s", confirmed=True)
    moved = dataclasses.replace(
        c, calls=(*c.calls[:-1], dataclasses.replace(c.calls[-1], contract="Token", reaches=()))
    )
    p = dataclasses.replace(p, counterexample=moved)
    [f] = _merge(findings=[finding()], properties=[p]).findings
    assert not f.confirmed


def test_exact_duplicates_from_two_targets_become_one() -> None:
    report = _merge(findings=[finding(), finding()])
    assert len(report.findings) == 1


def test_different_families_in_one_function_stay_apart() -> None:
    report = _merge(
        findings=[finding(), finding("divide-before-multiply", severity=Severity.MEDIUM)]
    )
    assert len(report.findings) == 2


# --- assumption ledger ---------------------------------------------------------------------

CLEAN_FUZZ = prop("other", "fuzz", Status.HELD)


def _assumption_of(report, name: str = "p") -> Assumption:  # type: ignore[no-untyped-def]
    [a] = _one(report, name).assumptions
    return a


def test_no_reentrancy_is_discharged_by_clean_rules_and_clean_fuzzing_saying_which() -> None:
    proof = prop("p", "prover", Status.PROVED, assumptions=(no_reentrancy(),))
    report = _merge(
        findings=[finding(rule="divide-before-multiply")], properties=[proof, CLEAN_FUZZ]
    )
    a = _assumption_of(report)
    assert a.discharged_by is not None
    assert "reentrancy rules and detectors clean for Vault.withdraw" in a.discharged_by
    assert "fuzzing found no violation on Vault (1 properties checked and held)" in a.discharged_by
    assert not _one(report, "p").open_assumptions


@pytest.mark.parametrize(
    ("findings", "properties", "kw", "why"),
    [
        ([finding()], [CLEAN_FUZZ], {}, "a reentrancy detector fired in the function"),
        ([finding("accounting-after-call", engine="solvency")], [CLEAN_FUZZ], {}, "our rule fired"),
        ([finding(suppressed=True)], [CLEAN_FUZZ], {}, "suppressed findings still count"),
        ([], [], {}, "no fuzzing"),
        ([], [prop("q", "fuzz", Status.VIOLATED)], {}, "fuzzing broke something"),
        ([], [prop("q", "fuzz", Status.UNKNOWN)], {}, "fuzzing checked nothing"),
        ([], [CLEAN_FUZZ], {"static_ran": False}, "static pass switched off"),
        (
            [],
            [CLEAN_FUZZ],
            {"errors": [ReportError("t", "static", "crash")]},
            "static pass crashed",
        ),
    ],
)
def test_no_reentrancy_stays_open_without_both_kinds_of_evidence(  # type: ignore[no-untyped-def]
    findings, properties, kw, why
) -> None:
    proof = prop("p", "prover", Status.PROVED, assumptions=(no_reentrancy(),))
    errors = kw.pop("errors", [])
    report = _merge(findings=findings, properties=[proof, *properties], errors=errors, **kw)
    assert _assumption_of(report).discharged_by is None, why
    assert len(_one(report, "p").open_assumptions) == 1


def test_reentrancy_finding_in_another_function_does_not_block_the_discharge() -> None:
    proof = prop("p", "prover", Status.PROVED, assumptions=(no_reentrancy("deposit"),))
    report = _merge(findings=[finding()], properties=[proof, CLEAN_FUZZ])
    assert _assumption_of(report).discharged_by is not None


def test_other_assumption_kinds_stay_open() -> None:
    loop = Assumption("loop-bound", "loops unrolled 3 times", Location(VAULT, 20))
    proof = prop("p", "prover", Status.PROVED, assumptions=(loop,))
    report = _merge(properties=[proof, CLEAN_FUZZ])
    assert _assumption_of(report).discharged_by is None


def test_merge_does_not_depend_on_input_order() -> None:
    findings = [
        finding(),
        finding("accounting-after-call", engine="solvency"),
        finding(function="x"),
    ]
    props = [
        prop("solvent", "prover", Status.VIOLATED, function="withdraw"),
        prop("solvent", "fuzz", Status.VIOLATED, confirmed=True),
        prop("t", "prover", Status.PROVED, assumptions=(no_reentrancy("deposit"),)),
        prop("t", "fuzz", Status.HELD),
    ]
    reports = {
        _merge(findings=list(fs), properties=list(ps))
        for fs in itertools.permutations(findings)
        for ps in itertools.permutations(props)
    }
    assert len(reports) == 1


def test_stats_count_what_the_merge_kept() -> None:
    report = _merge(findings=[finding(), finding(function="x", suppressed=True)])
    assert report.stats.suppressed_findings == 1 and report.stats.baselined_findings == 0


# --- counterexamples that enter the function through a helper ---------------------------------

WITHDRAW_25 = bytes.fromhex("2e1a7d4d") + (25).to_bytes(32, "big")  # withdraw(uint256)
DEPOSIT = bytes.fromhex("d0e30db0")  # deposit()


def _through_receiver(last: Call) -> PropertyResult:
    c = cex("solvent", confirmed=True)
    return dataclasses.replace(
        prop("solvent", "fuzz", Status.VIOLATED, confirmed=True),
        counterexample=dataclasses.replace(c, calls=(*c.calls[:-1], last)),
    )


def _execute(data: bytes, **kw: object) -> Call:
    return Call("receiver", "execute(address,uint256,bytes)", ("0x" + "aa" * 20, 0, data), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("last", "confirmed"),
    [
        (_execute(WITHDRAW_25), True),  # forwarded calldata: withdraw's selector
        (_execute(DEPOSIT), False),  # another function
        (_execute(b"\x2e\x1a\x7d"), False),  # too short to be calldata
        (_execute(b"", reaches=("Vault.withdraw(uint256)",)), True),  # the fuzzer said so
        (_execute(b"", reaches=("Token.withdraw(uint256)",)), False),  # another contract
    ],
)
def test_a_counterexample_through_a_reentering_receiver_confirms_the_function_it_enters(
    last: Call, confirmed: bool
) -> None:
    [f] = _merge(findings=[finding()], properties=[_through_receiver(last)]).findings
    assert f.confirmed is confirmed
    assert ("fuzz" in f.engines) is confirmed


def test_selector_matching_needs_the_signature_in_the_findings_text() -> None:
    f = dataclasses.replace(finding(), title="t", message="m", evidence=())
    [merged] = _merge(findings=[f], properties=[_through_receiver(_execute(WITHDRAW_25))]).findings
    assert not merged.confirmed


def test_calls_render_what_they_reach() -> None:
    call = _execute(WITHDRAW_25, reaches=("Vault.withdraw(uint256)",))
    assert call.render().endswith("→ Vault.withdraw(uint256)")
