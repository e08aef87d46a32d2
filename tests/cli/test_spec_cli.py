"""`solvency spec check SPEC --target PATH`, run as a user runs it, on a real contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from solvency.cli import main
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "escrow" / "CollateralEscrow.sol"

GOOD = """\
import "std/fixedpoint.spec";
spec CollateralEscrow {
    ghost mathint releases;
    hook release(address from, address to, uint256 amount) { releases = releases + 1; }
    invariant accounting: sum(collateral) == totalCollateral;
    invariant solvent: balance(this) >= totalCollateral except [withdraw];
    rule only_arbiter(address from, address to, uint256 amount) {
        call release(from, to, amount);
        reverts_unless msg.sender == arbiter;
    }
    satisfy can_deposit { call deposit() with (value: 1 ether); ensures totalCollateral > 0; }
}
"""

BAD = """\
spec CollateralEscrow {
    invariant accounting: sum(colateral) == totalCollateral;
    rule r(uint256 a) { call relase(a); ensures arbiter == 1; }
}
"""


@pytest.fixture
def env(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOLVENCY_CACHE_DIR", str(fresh_cache))
    return fresh_cache


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "escrow.spec"
    path.write_text(text)
    return path


def test_valid_spec_lists_its_properties(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["spec", "check", str(_spec(tmp_path, GOOD)), "--target", str(EXAMPLE)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines() == [
        "spec CollateralEscrow → contract CollateralEscrow "
        f"({EXAMPLE.relative_to(ROOT)}): 4 properties",
        "  invariant accounting  [across 3 function(s)]",
        "  invariant solvent  [across 2 function(s)]",
        "  rule only_arbiter(address from, address to, uint256 amount)  [calls: release]",
        "  satisfy can_deposit  [calls: deposit]",
        "  ghost releases",
    ]


def test_json_format(env: Path, tmp_path: Path) -> None:
    output = tmp_path / "props.json"
    spec = _spec(tmp_path, GOOD)
    args = ["spec", "check", str(spec), "--target", str(EXAMPLE), "--format", "json"]
    assert main([*args, "-o", str(output)]) == 0
    (s,) = json.loads(output.read_text())["specs"]
    assert s["contract"] == "CollateralEscrow" and s["spec_file"] == str(spec)
    assert [i["name"] for i in s["invariants"]] == ["accounting", "solvent"]
    assert s["invariants"][1]["functions"] == ["deposit()", "release(address,address,uint256)"]
    assert s["rules"][0]["calls"] == ["release(address,address,uint256)"]
    assert s["rules"][1] == {
        "name": "can_deposit",
        "kind": "satisfy",
        "line": 11,
        "params": [],
        "calls": ["deposit()"],
    }


def test_ill_typed_spec_prints_every_error_with_caret_and_hint(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _spec(tmp_path, BAD)
    code = main(["spec", "check", str(spec), "--target", str(EXAMPLE)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"{spec}:2:31: error: unknown name `colateral` in contract CollateralEscrow",
        "      invariant accounting: sum(colateral) == totalCollateral;",
        "                                ^^^^^^^^^",
        "  hint: did you mean `collateral` or `totalCollateral`?",
        f"{spec}:3:30: error: contract CollateralEscrow has no function `relase`",
        "      rule r(uint256 a) { call relase(a); ensures arbiter == 1; }",
        "                               ^^^^^^",
        "  hint: did you mean `release`?",
        f"{spec}:3:60: error: right side of `==` must be address, not mathint",
        "      rule r(uint256 a) { call relase(a); ensures arbiter == 1; }",
        "                                                             ^",
        "  hint: write address(…), e.g. address(0)",
        "3 errors in spec",
    ]


def test_json_errors_go_to_stdout_too(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _spec(tmp_path, BAD)
    code = main(["spec", "check", str(spec), "--target", str(EXAMPLE), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2 and "3 errors in spec" in err
    errors = json.loads(out)["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(2, 31), (3, 30), (3, 60)]
    assert errors[0]["hint"] == "did you mean `collateral` or `totalCollateral`?"


def test_syntax_error_and_missing_files(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _spec(tmp_path, "spec CollateralEscrow {\n    invariant a: 1 +;\n}\n")
    assert main(["spec", "check", str(spec), "--target", str(EXAMPLE)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{spec}:2:21: error: unexpected `;`\n")
    assert "hint: expected an expression" in err
    assert main(["spec", "check", str(tmp_path / "none.spec"), "--target", str(EXAMPLE)]) == 2
    assert "spec file" in capsys.readouterr().err
    assert main(["spec", "check", str(spec), "--target", str(tmp_path / "No.sol")]) == 2
    assert "target" in capsys.readouterr().err


def test_no_traceback_from_the_installed_command(env: Path, tmp_path: Path) -> None:
    spec = _spec(tmp_path, "spec CollateralEscrow { invariant a: ( ; }\n")
    proc = subprocess.run(
        [sys.executable, "-m", "solvency", "spec", "check", str(spec), "--target", str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{spec}:1:40: error: unexpected `;`" in proc.stderr
