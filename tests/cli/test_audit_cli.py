"""`solvency audit` and `solvency baseline` as a CI job runs them: real solc, Slither, revm.

Every test compiles through one module-wide cache (the contracts are small and shared), and
fuzzes with a few hundred calls, so the module stays within a minute or so.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from solvency.analyzers.audit import gate
from solvency.cli import main
from solvency.core.exit_codes import ExitCode
from solvency.core.findings import Confidence, Finding, Severity
from solvency.core.location import Location
from solvency.core.properties import PropertyKind, PropertyResult, Status
from solvency.core.report import Report, ReportError
from solvency.reports import report_from_json
from tests.conftest import FIXTURES, ROOT

ESCROW = ROOT / "corpora" / "eth_escrow"

BANK = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

/// A minimal ETH bank: the audit tests' clean contract.
contract Bank {
    mapping(address => uint256) public balances;
    uint256 public total;

    function deposit() external payable {
        balances[msg.sender] += msg.value;
        total += msg.value;
    }

    function withdraw(uint256 amount) external {
        balances[msg.sender] -= amount;
        total -= amount;
        payable(msg.sender).transfer(amount);
    }
}
"""
BANK_SPEC = """\
spec Bank {
    invariant totals: total == sum(balances);
    invariant solvent: balance(this) >= total;
}
"""
# withdraw forgets the running total: after a deposit and a withdraw, `total` exceeds both
# the sum of balances (`totals`) and the ETH held (`solvent`)
BANK_BUG = BANK.replace("        total -= amount;\n", "")
# a new high-severity bug: anyone can send the contract's ETH anywhere (arbitrary-send-eth)
DRAIN = """
    function drain(address payable to) external {
        to.transfer(address(this).balance);
    }
}
"""
# a write through inline assembly: the prover cannot model it, so it must say UNKNOWN
BANK_ASM = (
    BANK.rstrip().removesuffix("}")
    + """
    function poke() external {
        assembly {
            sstore(7, 1)
        }
    }
}
"""
)
FUZZ = ["--fuzz-budget", "300"]
PROVE = ["--prove-timeout", "2"]


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory: pytest.TempPathFactory, solcjs_cache: Path) -> Path:
    cache = tmp_path_factory.mktemp("audit-cache")
    (solcjs_cache / "solcjs").mkdir(exist_ok=True)
    (cache / "solcjs").symlink_to(solcjs_cache / "solcjs")
    return cache


@pytest.fixture
def work(tmp_path: Path, module_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder as the working directory, with the shared compile cache, no CI noise."""
    monkeypatch.setenv("SOLVENCY_CACHE_DIR", str(module_cache))
    monkeypatch.setenv("CI", "true")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _bank(folder: Path, source: str = BANK, spec: bool = True, name: str = "Bank") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sol = folder / f"{name}.sol"
    sol.write_text(source, encoding="utf-8")
    if spec:
        (folder / f"{name}.spec").write_text(BANK_SPEC, encoding="utf-8")
    return sol


def _audit(*args: str | Path) -> tuple[int, Report]:
    out = Path("report.json")
    code = main(["audit", *map(str, args), "--format", "json", "-o", str(out)])
    return code, report_from_json(out.read_text(encoding="utf-8"))


# ── exit codes ──────────────────────────────────────────────────────────────────────────


def test_clean_contract_exits_0_with_fuzz_results_never_proofs(work: Path) -> None:
    sol = _bank(work / "src")
    code, report = _audit(sol, "--no-prove", *FUZZ)
    assert code == 0, report.errors
    fuzzed = {p.name: p for p in report.properties if p.engine == "fuzz"}
    assert {"totals", "solvent"} <= set(fuzzed)
    assert all(p.status is Status.HELD for p in fuzzed.values())
    assert not any(p.status.is_proof for p in fuzzed.values())
    assert not report.errors and report.stats.contracts == 1


def test_violated_property_exits_1_with_a_call_sequence(work: Path) -> None:
    sol = _bank(work / "src", BANK_BUG)
    code, report = _audit(sol, "--no-prove", "--no-static", *FUZZ)
    assert code == 1
    broken = [p for p in report.properties if p.status is Status.VIOLATED]
    assert sorted(p.name for p in broken) == ["solvent", "totals"]
    cex = broken[0].counterexample
    assert cex is not None and any(c.function.startswith("withdraw") for c in cex.calls)
    assert not report.findings  # --no-static


def test_high_finding_exits_1_and_fail_on_moves_the_threshold(work: Path) -> None:
    bugged = ESCROW / "EthEscrow_reentrancy.sol"
    code, report = _audit(bugged, "--no-prove", "--no-fuzz")
    assert code == 1
    assert report.findings_at_least(Severity.HIGH)
    assert not report.properties  # no engine but the static pass ran
    code, _ = _audit(bugged, "--no-prove", "--no-fuzz", "--fail-on", "none")
    assert code == 0
    clean_code, clean = _audit(ESCROW / "EthEscrow.sol", "--no-prove", "--no-fuzz")
    assert clean_code == 0 and clean.findings_at_least(Severity.MEDIUM)
    strict = _audit(ESCROW / "EthEscrow.sol", "--no-prove", "--no-fuzz", "--fail-on", "medium")
    assert strict[0] == 1


def test_compile_error_exits_2_without_traceback(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _audit(FIXTURES / "broken" / "Broken.sol", "--no-prove", "--no-fuzz")
    err = capsys.readouterr().err
    assert code == 2
    assert [e.stage for e in report.errors] == ["compile"]
    assert "Broken.sol:9:5" in report.errors[0].message
    assert "Traceback" not in err and "error:" in err


def test_missing_target_and_bad_budget_are_usage_errors(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "nowhere/X.sol"]) == 2
    assert "nowhere/X.sol does not exist" in capsys.readouterr().err
    sol = _bank(work / "src")
    assert main(["audit", str(sol), "--fuzz-budget", "soon"]) == 2
    err = capsys.readouterr().err
    assert "--fuzz-budget 'soon'" in err and "Traceback" not in err


def test_gate_table() -> None:
    """The exit code from a report: errors first, then findings/violations, UNKNOWN opt-in."""
    loc = Location("A.sol", 3, contract="A", function="f")
    high = Finding("r", "static", Severity.HIGH, Confidence.HIGH, "t", "m", (loc,))
    low = Finding("r2", "static", Severity.LOW, Confidence.HIGH, "t", "m", (loc,))

    def prop(status: Status) -> PropertyResult:
        return PropertyResult("p", PropertyKind.INVARIANT, "prove", status)

    def report(*items: object) -> Report:
        findings = tuple(i for i in items if isinstance(i, Finding))
        props = tuple(i for i in items if isinstance(i, PropertyResult))
        errors = tuple(i for i in items if isinstance(i, ReportError))
        return Report("0", ("A.sol",), findings, props, errors)

    error = ReportError("A.sol", "prove", "boom")
    cases = [
        (report(), Severity.HIGH, False, ExitCode.CLEAN),
        (report(low), Severity.HIGH, False, ExitCode.CLEAN),
        (report(low), Severity.LOW, False, ExitCode.FINDINGS),
        (report(high), Severity.HIGH, False, ExitCode.FINDINGS),
        (report(high), None, False, ExitCode.CLEAN),
        (report(prop(Status.VIOLATED)), Severity.HIGH, False, ExitCode.FINDINGS),
        (report(prop(Status.VIOLATED)), None, False, ExitCode.CLEAN),
        (report(prop(Status.UNKNOWN)), Severity.HIGH, False, ExitCode.CLEAN),
        (report(prop(Status.UNKNOWN)), Severity.HIGH, True, ExitCode.FINDINGS),
        (report(prop(Status.HELD)), Severity.HIGH, True, ExitCode.CLEAN),
        (report(prop(Status.ERROR)), Severity.HIGH, False, ExitCode.ERROR),
        (report(high, error), Severity.HIGH, False, ExitCode.ERROR),
    ]
    for rep, fail_on, unknown, expected in cases:
        assert gate(rep, fail_on, unknown) is expected, (rep, fail_on, unknown)


# ── outputs ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("fmt", ["terminal", "json", "sarif", "markdown", "html"])
def test_each_format_writes_its_file(work: Path, fmt: str) -> None:
    target = ESCROW / "EthEscrow_reentrancy.sol"
    out = work / f"report.{fmt}"
    code = main(["audit", str(target), "--no-prove", "--no-fuzz", "--format", fmt, "-o", str(out)])
    assert code == 1
    text = out.read_text(encoding="utf-8")
    assert "withdraw" in text or "EthEscrow" in text
    if fmt == "json":
        assert json.loads(text)["schema_version"]
    if fmt == "sarif":
        assert json.loads(text)["version"] == "2.1.0"
    if fmt == "html":
        assert "<html" in text.lower()
    if fmt == "markdown":
        assert text.lstrip().startswith("#")


# ── baseline ────────────────────────────────────────────────────────────────────────────


def test_baseline_accepts_known_findings_and_fails_on_new_ones(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sol = work / "src" / "Escrow.sol"
    sol.parent.mkdir()
    shutil.copy(ESCROW / "EthEscrow_reentrancy.sol", sol)
    base = work / "baseline.json"
    fast = ["--no-prove", "--no-fuzz"]
    assert main(["baseline", "create", str(sol), *fast, "-o", str(base)]) == 0
    assert base.is_file()
    assert _audit(sol, *fast)[0] == 1  # without the baseline the reentrancy fails the gate
    assert _audit(sol, *fast, "--baseline", base)[0] == 0
    # an unrelated edit moves every line: the accepted findings stay accepted
    source = sol.read_text(encoding="utf-8")
    sol.write_text(source.replace("pragma solidity", "// moved\n\n\npragma solidity", 1))
    assert _audit(sol, *fast, "--baseline", base)[0] == 0
    # a new high finding still fails
    body = sol.read_text(encoding="utf-8").rstrip()
    sol.write_text(body.removesuffix("}") + DRAIN, encoding="utf-8")
    code, report = _audit(sol, *fast, "--baseline", base)
    assert code == 1
    assert any(f.rule_id == "arbitrary-send-eth" for f in report.findings_at_least(Severity.HIGH))
    capsys.readouterr()
    assert main(["audit", str(sol), *fast, "--baseline", "missing.json"]) == 2
    assert "baseline file missing.json does not exist" in capsys.readouterr().err


# ── configuration ───────────────────────────────────────────────────────────────────────


def test_config_file_supplies_targets_specs_budgets_and_threshold(work: Path) -> None:
    _bank(work / "src", BANK_BUG, spec=False)
    (work / "specs").mkdir()
    (work / "specs" / "bank.spec").write_text(BANK_SPEC, encoding="utf-8")
    (work / "pyproject.toml").write_text(
        '[project]\nname = "contracts"\n\n[tool.solvency]\ntargets = ["src"]\n'
        'specs = ["specs/bank.spec"]\nfuzz-budget = 300\nfail-on = "none"\n',
        encoding="utf-8",
    )
    code, report = _audit("--no-prove")
    assert report.targets == (str(work / "src"),)
    assert any(p.name == "totals" and p.status is Status.VIOLATED for p in report.properties)
    assert code == 0  # fail-on = "none" from the config
    assert _audit("--no-prove", "--fail-on", "high")[0] == 1  # the command line wins


def test_bad_config_is_one_error_naming_file_line_and_key(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "solvency.toml").write_text('targets = ["src"]\nfail_on = "high"\n', encoding="utf-8")
    assert main(["audit", "--no-prove"]) == 2
    err = capsys.readouterr().err
    assert "solvency.toml:2" in err and "`fail_on`" in err and "fail-on" in err
    assert "Traceback" not in err


# ── isolation, switches, fast mode ──────────────────────────────────────────────────────


def test_one_broken_contract_in_a_folder_keeps_the_others(work: Path) -> None:
    folder = work / "contracts"
    _bank(folder, spec=False, name="Bank")
    shutil.copy(ESCROW / "EthEscrow_reentrancy.sol", folder / "Escrow.sol")
    shutil.copy(FIXTURES / "broken" / "Broken.sol", folder / "Broken.sol")
    code, report = _audit(folder, "--no-prove", "--no-fuzz")
    assert code == 2
    assert [(Path(e.target).name, e.stage) for e in report.errors] == [("Broken.sol", "compile")]
    files = {Path(f.primary.file).name for f in report.findings if f.primary}
    assert {"Bank.sol", "Escrow.sol"} <= files
    assert report.stats.contracts == 2


def test_a_bad_spec_fails_its_target_only(work: Path) -> None:
    good = _bank(work / "good")
    bad = _bank(work / "bad", name="Bank")
    (work / "bad" / "Bank.spec").write_text(
        "spec Bank {\n    invariant broken: totl == 0;\n}\n", encoding="utf-8"
    )
    code, report = _audit(good, bad, "--no-prove", *FUZZ)
    assert code == 2
    assert [(e.target, e.stage) for e in report.errors] == [(str(bad), "spec")]
    assert "totl" in report.errors[0].message
    assert {p.name for p in report.properties} >= {"totals", "solvent"}  # the good target's


def test_an_engine_failing_on_one_target_keeps_the_others(work: Path) -> None:
    good = _bank(work / "good")
    # the fuzzer cannot deploy this one: its constructor always reverts
    stuck = BANK.replace(
        "    uint256 public total;\n",
        "    uint256 public total;\n\n    constructor() {\n"
        '        require(block.number > 10**30, "not yet");\n    }\n',
    )
    bad = _bank(work / "bad", stuck)
    code, report = _audit(bad, good, "--no-prove", "--no-static", "--fuzz-budget", "200")
    assert code == 2
    assert [(e.target, e.stage) for e in report.errors] == [(str(bad), "fuzz")]
    assert "reverted" in report.errors[0].message
    assert {p.name for p in report.properties} >= {"totals", "solvent"}  # the good target's


def test_no_fuzz_and_no_prove_switch_engines_off(work: Path) -> None:
    sol = _bank(work / "src")
    _, fuzz_only = _audit(sol, "--no-prove", "--no-static", *FUZZ)
    assert {e for p in fuzz_only.properties for e in p.engines} == {"fuzz"}
    assert not fuzz_only.errors and not fuzz_only.findings
    _, prove_only = _audit(sol, "--no-fuzz", "--no-static", *PROVE)
    assert {e for p in prove_only.properties for e in p.engines} == {"prover"}
    assert {p.name for p in prove_only.properties} == {"totals", "solvent"}
    code, none = _audit(sol, "--no-prove", "--no-fuzz")
    assert code == 0 and not none.properties and none.findings


def test_prover_and_fuzzer_report_one_violation_each_property(work: Path) -> None:
    sol = _bank(work / "src", BANK_BUG)
    code, report = _audit(sol, "--no-static", *PROVE, *FUZZ)
    assert code == 1 and not report.errors
    totals = [p for p in report.properties if p.name == "totals"]
    assert len(totals) == 1  # one entry, citing both engines
    assert totals[0].status is Status.VIOLATED and set(totals[0].engines) == {"fuzz", "prover"}
    assert totals[0].confirmed  # a counterexample replayed on revm


def test_unknown_fails_only_with_fail_on_unknown(work: Path) -> None:
    sol = _bank(work / "src", BANK_ASM)
    code, report = _audit(sol, "--no-static", "--no-fuzz", *PROVE)
    totals = next(p for p in report.properties if p.name == "totals")
    assert totals.status is Status.UNKNOWN and "assembly" in totals.reason
    assert not any(p.status.is_proof for p in report.properties if p.name == "totals")
    assert code == 0
    assert _audit(sol, "--no-static", "--no-fuzz", *PROVE, "--fail-on-unknown")[0] == 1


def test_fast_mode_audits_the_changed_file_and_its_importers(work: Path) -> None:
    src = work / "src"
    src.mkdir()
    (src / "Base.sol").write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.19;\n\n"
        "contract Base {\n    uint256 public x;\n}\n",
        encoding="utf-8",
    )
    (src / "Child.sol").write_text(
        '// SPDX-License-Identifier: MIT\npragma solidity 0.8.19;\n\nimport "./Base.sol";\n\n'
        "contract Child is Base {\n    function set(uint256 v) external {\n        x = v;\n"
        "    }\n}\n",
        encoding="utf-8",
    )
    _bank(work / "other", spec=False)  # unrelated: not audited
    code, report = _audit("--changed", "src/Base.sol")
    assert code == 0
    assert report.targets == ("src/Base.sol", "src/Child.sol")
    assert not any(p.engine == "fuzz" for p in report.properties)  # fast mode never fuzzes


def test_prove_budget_leaves_the_rest_unknown_never_proved(work: Path) -> None:
    sol = _bank(work / "src")
    code, report = _audit(sol, "--no-fuzz", "--no-static", "--prove-budget", "0.001")
    assert code == 0, report.errors  # UNKNOWN fails only with --fail-on-unknown
    proved = [p for p in report.properties if p.engine != "fuzz"]
    assert proved and all(p.status is Status.UNKNOWN for p in proved)
    assert any("budget exhausted" in p.reason for p in proved)
    code, _ = _audit(
        sol, "--no-fuzz", "--no-static", "--prove-budget", "0.001", "--fail-on-unknown"
    )
    assert code == 1


# ── documentation the gate relies on ────────────────────────────────────────────────────


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["audit", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes" in out and "--fail-on-unknown" in out and "--baseline" in out
    for code in ("0  clean", "1  a finding", "2  a tool, compile or spec error"):
        assert code in out


def test_example_workflow_uploads_the_sarif_and_gates_on_the_exit_code() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / "docs" / "github-workflow.yml").read_text())
    steps = workflow["jobs"]["audit"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "solvency audit --format sarif --output solvency.sarif" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload"))
    assert upload["with"]["sarif_file"] == "solvency.sarif" and "always()" in upload["if"]
    assert workflow["permissions"]["security-events"] == "write"
    assert "exit ${{ steps.audit.outputs.code }}" in runs
