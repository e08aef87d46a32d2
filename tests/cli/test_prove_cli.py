"""`solvency prove TARGET --spec FILE`, run as a user runs it (through `main`), on a real
contract: exit codes, the JSON document, and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solvency.cli import main
from tests.e2e.test_prove_small import BANK, SPEC


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prove_cli")
    (root / "Bank.sol").write_text(BANK)
    (root / "Bank.spec").write_text(SPEC)
    return root


@pytest.fixture(autouse=True)
def env(solcjs_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOLVENCY_CACHE_DIR", str(solcjs_cache))
    monkeypatch.setenv("CI", "1")  # no progress bar


def _prove(project: Path, *extra: str) -> int:
    target, spec = project / "Bank.sol", project / "Bank.spec"
    return main(["prove", str(target), "--spec", str(spec), "--timeout", "10", *extra])


def test_violation_exits_1_with_a_json_counterexample(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "prove.json"
    code = _prove(
        project,
        "--property",
        "totals",
        "--property",
        "never",
        "--format",
        "json",
        "-o",
        str(out_file),
    )
    _, err = capsys.readouterr()
    assert code == 1, err
    doc = json.loads(out_file.read_text())
    assert doc["contract"] == "Bank" and doc["obligations"] == 6
    by_name = {p["name"]: p for p in doc["properties"]}
    assert by_name["never"]["status"] == "vacuous"
    totals = by_name["totals"]
    assert (totals["status"], totals["function"]) == ("violated", "gift")
    cex = totals["counterexample"]
    assert cex["confirmed"] is True
    assert cex["calls"][0]["function"] == "gift(address,uint256)"


def test_proved_and_unknown_exit_0_unless_fail_on_unknown(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _prove(
        project, "--property", "solvent", "--property", "weird_keeps_total", "--search-calls", "0"
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("prove Bank: 2 properties, 6 obligations")  # + forced ETH
    assert any(line.split()[:3] == ["PROVED", "invariant", "solvent"] for line in lines)
    assert any(line.split()[:3] == ["UNKNOWN", "rule", "weird_keeps_total"] for line in lines)
    assert "inline assembly" in out
    assert "  - no reentrancy through the call at Bank.sol:18" in lines
    assert lines[-1] == "summary: 1 unknown, 1 proved"
    assert (
        _prove(
            project, "--property", "weird_keeps_total", "--fail-on-unknown", "--search-calls", "0"
        )
        == 1
    )


def test_bounded_search_settles_what_the_proof_cannot(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # inline assembly leaves weird_keeps_total UNKNOWN to Z3; the bounded fuzz search from the
    # deployed state calls weird() and confirms the break on revm
    assert _prove(project, "--property", "weird_keeps_total") == 1
    out, _ = capsys.readouterr()
    line = next(x for x in out.splitlines() if "weird_keeps_total" in x)
    assert line.split()[:2] == ["VIOLATED", "(confirmed)"]
    assert "bounded search from the deployed state" in out
    assert "Bank.weird()" in out


def test_malformed_spec_exits_2_with_a_diagnostic(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.spec"
    bad.write_text("spec Bank { invariant x: totl == 0; }\n")
    code = main(["prove", str(project / "Bank.sol"), "--spec", str(bad)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "unknown name `totl`" in err and "Traceback" not in err


def test_missing_target_and_bad_options_exit_2(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = str(project / "Bank.spec")
    assert main(["prove", str(tmp_path / "Nope.sol"), "--spec", spec]) == 2
    _, err = capsys.readouterr()
    assert "Nope.sol does not exist" in err and "Traceback" not in err
    assert main(["prove", str(project / "Bank.sol"), "--spec", spec, "--timeout", "0"]) == 2
    _, err = capsys.readouterr()
    assert "--timeout 0.0 must be positive" in err
    assert main(["prove", str(project / "Bank.sol"), "--spec", spec, "--search-calls", "-1"]) == 2
    _, err = capsys.readouterr()
    assert "--search-calls -1 must be 0 (off) or more" in err
