"""The real static pass (solc-js + Slither + our rules) on a bugged corpus contract, through
the merge, a baseline and all five renderers."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from solvency.analyzers.fuzz.api import prepare, run_campaign
from solvency.analyzers.fuzz.campaign import FuzzConfig
from solvency.analyzers.lint import lint_targets
from solvency.build import BuildOptions
from solvency.core import Call, Counterexample, PropertyKind, PropertyResult, Status
from solvency.core.report import Report
from solvency.reports import FORMATS, merge, render
from solvency.reports.baseline import apply, create, load
from tests.conftest import ROOT
from tests.unit.reports.checks import assert_json_valid_and_round_trips, assert_sarif_valid
from tests.unit.reports.factory import XSS

CORPUS = ROOT / "corpora" / "eth_escrow" / "EthEscrow_reentrancy.sol"
WITHDRAW = "    function withdraw(uint256 amount) external {"


def _variant(folder: Path, inserted: int) -> Path:
    """The corpus contract with `inserted` unrelated lines near the top, and a comment that
    tries to inject a script just above the buggy withdraw."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    lines[3:3] = [f"// unrelated note {i}" for i in range(inserted)]
    at = lines.index(WITHDRAW)
    lines.insert(at, f"    // {XSS} | `tick`")
    folder.mkdir(parents=True)
    path = folder / "EthEscrow.sol"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def options(tmp_path_factory: pytest.TempPathFactory, solcjs_cache: Path) -> BuildOptions:
    """A compile cache of this module's own that still sees the shared solc-js installs."""
    cache = tmp_path_factory.mktemp("cache")
    (solcjs_cache / "solcjs").mkdir(exist_ok=True)
    (cache / "solcjs").symlink_to(solcjs_cache / "solcjs")
    return BuildOptions(cache_dir=cache)


@pytest.fixture(scope="module")
def linted(
    tmp_path_factory: pytest.TempPathFactory, options: BuildOptions
) -> tuple[Report, Report]:
    tmp = tmp_path_factory.mktemp("e2e")
    before = lint_targets([_variant(tmp / "before", 0)], options)
    after = lint_targets([_variant(tmp / "after", 3)], options)
    assert not before.errors and not after.errors, (before.errors, after.errors)
    return before, after


def _audit(lint: Report) -> Report:
    """The real findings merged with a replayed counterexample through withdraw (a fuzz
    verdict built by hand: this test is about the reports, not the fuzzer)."""
    attack = Counterexample(
        "no_overdraw",
        (
            Call("EthEscrow", "deposit()", (), sender="0x" + "11" * 20, value=10**18),
            Call("EthEscrow", "withdraw(uint256)", (10**18,), sender="0x" + "11" * 20),
        ),
        confirmed=True,
    )
    violated = PropertyResult(
        "no_overdraw",
        PropertyKind.RULE,
        "fuzz",
        Status.VIOLATED,
        reason="paid twice",
        contract="EthEscrow",
        counterexample=attack,
    )
    return merge(
        lint.targets,
        lint.findings,
        [violated],
        lint.errors,
        lint.stats,
        lint.tool_version,
        source_roots=[str(Path(lint.targets[0]).parent)],
    )


def test_the_reentrancy_is_one_confirmed_finding_citing_every_engine(
    linted: tuple[Report, Report],
) -> None:
    report = _audit(linted[0])
    [bug] = [
        f
        for f in report.findings
        if f.primary
        and f.primary.function == "withdraw"
        and f.rule_id in ("reentrancy-eth", "accounting-after-call")
    ]
    assert {"slither", "solvency", "fuzz"} <= set(bug.engines)
    assert bug.confirmed and bug.confirmed_by == ("no_overdraw",)
    assert {bug.rule_id, *bug.merged_rules} >= {"reentrancy-eth", "accounting-after-call"}


def test_all_five_formats_render_and_validate(linted: tuple[Report, Report]) -> None:
    report = _audit(linted[0])
    outputs = {fmt: render(report, fmt) for fmt in FORMATS}
    assert_json_valid_and_round_trips(report)
    assert json.loads(outputs["json"])["findings"]
    log = assert_sarif_valid(report)
    assert len(log["runs"][0]["results"]) == len(report.active_findings()) + 1
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert uris == {"EthEscrow.sol"}
    html, md = outputs["html"], outputs["markdown"]
    # the excerpt was read from the contract, and its injected comment stayed text
    assert "deposits[msg.sender] = balance - amount;" in html
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "deposits[msg.sender] = balance - amount;" in md
    assert (
        "Vault" not in outputs["terminal"]
        and "EthEscrow.withdraw(1000000000000000000)" in outputs["terminal"]
    )


def test_a_baseline_survives_an_unrelated_line_inserted_above_the_bug(
    linted: tuple[Report, Report],
) -> None:
    before, after = linted
    moved = {f.rule_id: f.primary.start_line for f in after.findings if f.primary}
    kept = {f.rule_id: f.primary.start_line for f in before.findings if f.primary}
    assert moved["reentrancy-eth"] == kept["reentrancy-eth"] + 3  # the lines really moved
    result = apply(after, load(create(before)))
    assert result.findings and all(f.baselined for f in result.findings)
    assert result.findings_at_least(dataclasses.replace(result.findings[0]).severity) == ()
    assert [f.fingerprint for f in before.findings] == [f.fingerprint for f in after.findings]


def test_the_real_fuzzer_confirms_the_static_reentrancy_finding(
    linted: tuple[Report, Report], options: BuildOptions
) -> None:
    """Real fuzz results (a fixed number of calls, fixed seed) merged with the real static
    findings: the counterexample enters withdraw through the re-entering receiver's
    `execute`, and the merge still finds the function from the forwarded calldata."""
    spec = CORPUS.parent / "EthEscrow.spec"
    prepared = prepare(CORPUS, spec, options)
    config = FuzzConfig(budget_seconds=None, budget_calls=16000, seed=1, shrink_seconds=2)
    fuzz = run_campaign(prepared, config).results
    lint = linted[0]
    report = merge(lint.targets, lint.findings, fuzz, [], lint.stats, lint.tool_version)
    violated = [p for p in report.properties if p.status is Status.VIOLATED]
    assert violated and all(p.confirmed and p.engines == ("fuzz",) for p in violated)
    assert not any(p.status.is_proof for p in report.properties)  # HELD is never a proof
    [bug] = [f for f in report.findings if f.rule_id in ("reentrancy-eth", "accounting-after-call")]
    assert bug.confirmed and set(bug.confirmed_by) == {p.name for p in violated}
    assert "fuzz" in bug.engines
    assert_json_valid_and_round_trips(report)
    assert_sarif_valid(report)
