"""Snapshots of our own formats: a renderer change shows up as a reviewed diff.

Regenerate after an intended change with `SOLVENCY_UPDATE_SNAPSHOTS=1 pytest tests/unit/reports`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from solvency.reports import render
from solvency.reports.terminal import render_terminal
from tests.unit.reports.factory import full_report, write_vault

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("markdown", "md"), ("html", "html"), ("sarif", "sarif"), ("terminal", "txt")],
)
def test_full_report_matches_its_snapshot(fmt: str, suffix: str, tmp_path: Path) -> None:
    write_vault(tmp_path)
    report = full_report(tmp_path)
    text = render_terminal(report, width=160) if fmt == "terminal" else render(report, fmt)
    path = SNAPSHOTS / f"full_report.{suffix}"
    if os.environ.get("SOLVENCY_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path.name}: run with SOLVENCY_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")
