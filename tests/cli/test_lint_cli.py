"""`solvency lint` and the launchers, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from solvency.cli import main
from solvency.core.findings import Severity
from solvency.reports import report_from_json
from tests.conftest import FIXTURES, ROOT

EXAMPLE = ROOT / "examples" / "escrow" / "CollateralEscrow.sol"


@pytest.fixture
def env(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOLVENCY_CACHE_DIR", str(fresh_cache))
    return fresh_cache


def test_lint_terminal_groups_by_severity_with_file_line(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lint", str(EXAMPLE)])
    out = capsys.readouterr().out
    assert code == 1  # a high-severity reentrancy, default --fail-on high
    # Slither's reentrancy-eth and Solvency's accounting-after-call see the same withdraw
    assert "HIGH (2)" in out and "reentrancy-eth" in out and "accounting-after-call" in out
    assert "examples/escrow/CollateralEscrow.sol:27-34" in out
    assert out.index("HIGH") < out.index("LOW") < out.index("INFORMATIONAL")


def test_lint_json_round_trips_into_the_report(env: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    code = main(["lint", str(EXAMPLE), "--format", "json", "-o", str(output), "--fail-on", "none"])
    assert code == 0
    report = report_from_json(output.read_text())
    assert report.schema_version == "1.0"
    assert report.stats.solc_version == "0.8.19"
    assert report.stats.contracts == 1 and report.stats.functions >= 3
    rules = {f.rule_id for f in report.findings}
    assert "reentrancy-eth" in rules
    reentrancy = next(f for f in report.findings if f.rule_id == "reentrancy-eth")
    assert reentrancy.severity is Severity.HIGH
    assert reentrancy.primary is not None and reentrancy.primary.function == "withdraw"
    assert json.loads(output.read_text())["findings"][0]["severity"] == "high"


def test_one_broken_target_does_not_hide_the_others(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lint", str(FIXTURES / "broken"), str(EXAMPLE), "--format", "json"])
    captured = capsys.readouterr()
    report = report_from_json(captured.out)
    assert code == 2
    assert any(f.rule_id == "reentrancy-eth" for f in report.findings)
    assert len(report.errors) == 1 and report.errors[0].stage == "compile"
    assert "Broken.sol:9:5" in report.errors[0].message
    assert "Traceback" not in captured.err


def test_missing_target_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "/no/such/Thing.sol"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: target /no/such/Thing.sol does not exist")
    assert "Traceback" not in err


def _run(
    args: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, cwd=cwd, env=env, timeout=600, check=False
    )


def test_three_ways_to_start(tmp_path: Path) -> None:
    from solvency import __version__

    for command in (
        ["solvency", "--version"],
        [sys.executable, "-m", "solvency", "--version"],
        [sys.executable, str(ROOT / "cli.py"), "--version"],
    ):
        proc = _run(command, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == f"solvency {__version__}"


def test_help_on_every_command() -> None:
    top = _run([sys.executable, "-m", "solvency", "--help"])
    assert top.returncode == 0 and "lint" in top.stdout and "Exit codes" in top.stdout
    sub = _run([sys.executable, "-m", "solvency", "lint", "--help"])
    assert sub.returncode == 0 and "--solc-version" in sub.stdout and "--fail-on" in sub.stdout


def test_no_node_for_solcjs_says_how_to_install_it(tmp_path: Path) -> None:
    source = tmp_path / "C.sol"
    source.write_text("pragma solidity 0.7.6;\ncontract C {}\n")
    bare = tmp_path / "bin"
    bare.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    env.update(PATH=str(bare), SOLVENCY_CACHE_DIR=str(tmp_path / "cache"), HOME=str(tmp_path))
    proc = _run([sys.executable, str(ROOT / "cli.py"), "lint", str(source)], env=env)
    assert proc.returncode == 2
    assert "Node.js" in proc.stderr and "apt-get install nodejs npm" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unsatisfiable_pragma_exit_2(env: Path, tmp_path: Path) -> None:
    source = tmp_path / "C.sol"
    source.write_text("pragma solidity ^0.9.0;\ncontract C {}\n")
    proc = _run(
        [sys.executable, "-m", "solvency", "lint", str(source)],
        env={**os.environ, "SOLVENCY_CACHE_DIR": str(env)},
    )
    assert proc.returncode == 2
    assert "no solc release satisfies" in proc.stderr and "--solc-version" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    source = tmp_path / "C.sol"
    source.write_text("pragma solidity ^0.9.0;\ncontract C {}\n")
    proc = _run([sys.executable, "-m", "solvency", "lint", str(source), "--debug"])
    assert proc.returncode == 2 and "Traceback" in proc.stderr


def test_lint_writes_sarif_and_markdown_reports(env: Path, tmp_path: Path) -> None:
    from tests.unit.reports.checks import github_problems, sarif_errors

    sarif = tmp_path / "lint.sarif"
    assert main(["lint", str(EXAMPLE), "--format", "sarif", "-o", str(sarif)]) == 1
    log = json.loads(sarif.read_text())
    assert sarif_errors(log) == [] and github_problems(log) == []
    rules = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert {"reentrancy-eth", "accounting-after-call"} <= rules
    markdown = tmp_path / "lint.md"
    assert main(["lint", str(EXAMPLE), "--format", "markdown", "-o", str(markdown)]) == 1
    text = markdown.read_text()
    assert "reentrancy-eth" in text and "CollateralEscrow.sol" in text
