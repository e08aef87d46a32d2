"""Fuzz outcomes as text and JSON: pure functions (the CLI prints what they return)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from solvency.analyzers.fuzz.api import Replay
from solvency.analyzers.fuzz.results import FuzzOutcome, FuzzStats
from solvency.core.errors import UserError
from solvency.core.properties import PropertyResult, Status
from solvency.core.report import SCHEMA_VERSION
from solvency.core.serde import to_jsonable

_ORDER = {s: i for i, s in enumerate(Status)}


@dataclass(frozen=True, slots=True)
class FuzzReport:
    """The JSON document of `solvency fuzz --format json`."""

    tool_version: str
    target: str
    contract: str
    properties: tuple[PropertyResult, ...]
    stats: FuzzStats
    schema_version: str = SCHEMA_VERSION


def to_json(report: FuzzReport) -> str:
    data = to_jsonable(report)
    data["stats"]["calls_per_second"] = round(report.stats.calls_per_second, 1)
    return json.dumps(data, indent=2) + "\n"


def render_text(outcome: FuzzOutcome) -> str:
    s = outcome.stats
    lines = [
        f"fuzz {outcome.contract}: {s.calls} calls in {s.sequences} sequences, "
        f"{s.seconds:.1f}s ({s.calls_per_second:,.0f} calls/s)",
        "",
    ]
    for r in sorted(outcome.results, key=lambda r: (_ORDER[r.status], r.name)):
        lines.append(f"  {r.status.value.upper():<9} {r.kind.value} {r.name}: {r.reason}")
        if r.counterexample is not None:
            lines.extend(f"              {step}" for step in r.counterexample.render())
    if s.first_breaks:
        lines += ["", "first broken:"]
        lines += [
            f"  {b.property}: after {b.calls} calls, {b.seconds:.2f}s" for b in s.first_breaks
        ]
    lines += ["", "functions (calls / reverted):"]
    for f in s.functions:
        share = f" ({100 * f.reverts / f.calls:.0f}%)" if f.calls else ""
        lines.append(f"  {f.contract}.{f.function}: {f.calls} / {f.reverts}{share}")
    if s.unreached:
        lines.append("never succeeded: " + ", ".join(s.unreached))
    if s.panics:
        lines.append("panics: " + ", ".join(f"0x{code:02x} x{n}" for code, n in s.panics))
    return "\n".join(lines) + "\n"


def render_replay(result: Replay) -> str:
    cex = result.counterexample
    verdict = "CONFIRMED" if cex.confirmed else "NOT REPRODUCED"
    lines = [f"replay of {cex.property_name}: {verdict}", *(f"  {x}" for x in cex.render())]
    for b in result.breaches:
        lines.append(f"  broken at call {b.index + 1}: {b.property} ({b.detail})")
    for call in result.reverted:
        lines.append(f"  reverted: {call}")
    return "\n".join(lines) + "\n"


def parse_budget(text: str) -> tuple[float | None, int | None]:
    """`60s`, `2m`, `1h` → seconds; `5000` or `5000calls` → a number of calls."""
    t = text.strip().lower()
    units = {"s": 1.0, "m": 60.0, "h": 3600.0}
    try:
        if t.endswith("calls"):
            return None, int(t[:-5])
        if t and t[-1] in units:
            return float(t[:-1]) * units[t[-1]], None
        return None, int(t)
    except ValueError:
        raise UserError(
            f"--budget {text!r} is neither a duration nor a number of calls",
            hint="write e.g. --budget 60s, --budget 5m or --budget 20000",
        ) from None
