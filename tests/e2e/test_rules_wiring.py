"""The rule pack as users meet it: through `solvency lint` (engine "solvency", suppression
comments counted) and through plain `slither --detect <id>` (Slither's plugin entry point)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from solvency.analyzers.lint import lint_targets
from solvency.build import BuildOptions, compile_target
from solvency.build import standard_json as sj
from solvency.build.compilers import resolve_compiler
from solvency.rules import RULE_IDS
from tests.conftest import FIXTURES

RULES_DIR = FIXTURES / "rules"
SUPPRESSED = RULES_DIR / "suppression" / "Suppressed.sol"
VULNERABLE = RULES_DIR / "accounting_after_call" / "VulnEthWithdraw.sol"


def test_lint_marks_and_counts_suppressed_findings(solcjs_cache: Path) -> None:
    report = lint_targets([SUPPRESSED], BuildOptions(cache_dir=solcjs_cache))
    assert not report.errors
    ours = {
        f.primary.function: f.suppressed
        for f in report.findings
        if f.rule_id == "accounting-after-call" and f.primary is not None
    }
    # A: solvency-disable-line; B: solvency-disable-next-line; C: slither-disable-next-line;
    # D: a disable comment for another rule does not hide this one.
    assert ours == {"withdrawA": True, "withdrawB": True, "withdrawC": True, "withdrawD": False}
    assert report.stats.suppressed_findings == sum(f.suppressed for f in report.findings) == 3
    active = [f for f in report.active_findings() if f.rule_id == "accounting-after-call"]
    assert [f.primary.function for f in active if f.primary] == ["withdrawD"]
    engines = {f.rule_id: f.engine for f in report.findings}
    assert engines["accounting-after-call"] == "solvency"
    assert {e for r, e in engines.items() if r not in RULE_IDS} == {"slither"}


def _plain_slither(tmp_path: Path, target: Path, cache: Path, *args: str) -> dict[str, Any]:
    """Run the `slither` command on the standard-JSON input Solvency would compile."""
    options = BuildOptions(cache_dir=cache)
    project = compile_target(target, options)
    compiler = resolve_compiler(project.solc_version, cache)
    launcher = cache / "solcjs" / "bin" / f"solc-{project.solc_version}"
    solc = str(launcher) if compiler.kind == "solcjs" else compiler.command[0]
    assert project.sources is not None
    solc_input = tmp_path / "input.json"
    solc_input.write_text(
        json.dumps(sj.build_input(project.sources, project.solc_version, options.settings))
    )
    output = tmp_path / "out.json"
    command = [
        shutil.which("slither") or "slither",
        str(solc_input),
        "--compile-force-framework",
        "solc-json",
        "--solc",
        solc,
        "--solc-working-dir",
        str(project.root),
        "--json",
        str(output),
        *args,
    ]
    proc = subprocess.run(command, capture_output=True, text=True, check=False, cwd=project.root)
    assert output.exists(), proc.stderr[-2000:]
    return json.loads(output.read_text())  # type: ignore[no-any-return]


@pytest.mark.skipif(shutil.which("slither") is None, reason="the slither command is not installed")
def test_plain_slither_runs_a_rule_through_the_plugin_entry_point(
    tmp_path: Path, solcjs_cache: Path
) -> None:
    data = _plain_slither(tmp_path, VULNERABLE, solcjs_cache, "--detect", "accounting-after-call")
    assert data["success"], data.get("error")
    results = data["results"]["detectors"]
    assert [r["check"] for r in results] == ["accounting-after-call"]
    assert results[0]["impact"] == "High" and results[0]["confidence"] == "Medium"
    assert results[0]["elements"][0]["source_mapping"]["lines"] == [19]


@pytest.mark.skipif(shutil.which("slither") is None, reason="the slither command is not installed")
def test_plain_slither_drops_solvency_suppressed_results(
    tmp_path: Path, solcjs_cache: Path
) -> None:
    data = _plain_slither(tmp_path, SUPPRESSED, solcjs_cache, "--detect", "accounting-after-call")
    lines = sorted(
        r["elements"][0]["source_mapping"]["lines"][0] for r in data["results"]["detectors"]
    )
    assert lines == [33]  # only withdrawD: Slither hides C itself, the base class A and B
