"""Solvency's rules on their fixtures: real solc, real Slither, findings compared exactly with
a stored snapshot of (rule id, file, line, function) per fixture file.

Every fixture folder under tests/fixtures/rules/<rule_id with _>/ holds Vuln*.sol contracts
the rule must flag and Safe*.sol contracts (one of them the look-alike) it must not. The whole
tree is compiled in one solc run and analysed by one Slither object.

Regenerate the snapshot after an intended change with SOLVENCY_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from solvency.analyzers.static import to_finding
from solvency.build import BuildOptions
from solvency.core.findings import Finding
from solvency.ir import load
from solvency.ir.detectors import run_detectors
from solvency.rules import ALL_RULES, RULE_IDS
from tests.conftest import FIXTURES

RULES_DIR = FIXTURES / "rules"
SNAPSHOT = Path(__file__).parent / "snapshots" / "rules.json"
Row = tuple[str, int, str]


@pytest.fixture(scope="module")
def findings(solcjs_cache: Path) -> tuple[Finding, ...]:
    project = load(RULES_DIR, BuildOptions(cache_dir=solcjs_cache))
    return tuple(to_finding(r) for r in run_detectors(project, list(ALL_RULES)))


def _by_file(findings: tuple[Finding, ...]) -> dict[str, list[Row]]:
    table: dict[str, list[Row]] = {
        p.relative_to(RULES_DIR).as_posix(): [] for p in sorted(RULES_DIR.rglob("*.sol"))
    }
    for f in findings:
        loc = f.primary
        assert loc is not None, f
        key = loc.file.split("tests/fixtures/rules/")[-1]
        table.setdefault(key, []).append((f.rule_id, loc.start_line, loc.function or ""))
    return {k: sorted(v) for k, v in table.items()}


def test_every_rule_has_a_fixture_folder() -> None:
    folders = {p.name.replace("_", "-") for p in RULES_DIR.iterdir() if p.is_dir()}
    assert folders - {"common", "suppression"} == set(RULE_IDS)


@pytest.mark.parametrize("rule_id", sorted(RULE_IDS))
def test_rule_flags_vulnerable_and_spares_safe_fixtures(
    rule_id: str, findings: tuple[Finding, ...]
) -> None:
    folder = RULES_DIR / rule_id.replace("-", "_")
    table = _by_file(findings)
    vulnerable = sorted(folder.glob("Vuln*.sol"))
    safe = sorted(folder.glob("Safe*.sol"))
    assert len(vulnerable) >= 2 and len(safe) >= 2
    for path in vulnerable:
        rows = table[path.relative_to(RULES_DIR).as_posix()]
        assert any(r[0] == rule_id for r in rows), f"{rule_id} missed {path.name}"
    for path in safe:
        rows = table[path.relative_to(RULES_DIR).as_posix()]
        assert not [r for r in rows if r[0] == rule_id], f"{rule_id} flagged {path.name}"
    for row in (r for rows in table.values() for r in rows if r[0] == rule_id):
        assert row[1] > 0 and row[2], row  # every finding has a line and a function


def test_findings_match_the_snapshot(findings: tuple[Finding, ...]) -> None:
    table = {k: [list(r) for r in v] for k, v in _by_file(findings).items()}
    if os.environ.get("SOLVENCY_UPDATE_SNAPSHOTS"):
        entries = (
            f"  {json.dumps(k)}: [{', '.join(json.dumps(r) for r in v)}]"
            for k, v in sorted(table.items())
        )
        SNAPSHOT.write_text("{\n" + ",\n".join(entries) + "\n}\n")
    expected = json.loads(SNAPSHOT.read_text())
    assert table == expected


def test_findings_carry_engine_severity_and_metadata(findings: tuple[Finding, ...]) -> None:
    meta = {r.meta.id: r.meta for r in ALL_RULES}
    for f in findings:
        assert f.engine == "solvency"
        assert f.severity is meta[f.rule_id].severity
        assert f.confidence is meta[f.rule_id].confidence
        assert f.fingerprint and f.title
