"""Prove outcomes as text and JSON: pure functions (the CLI prints what they return)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from solvency.analyzers.symbolic.api import ProveOutcome
from solvency.core.properties import PropertyResult, Status
from solvency.core.report import SCHEMA_VERSION
from solvency.core.serde import to_jsonable

_ORDER = {s: i for i, s in enumerate(Status)}


@dataclass(frozen=True, slots=True)
class ProveReport:
    """The JSON document of `solvency prove --format json`."""

    tool_version: str
    target: str
    contract: str
    properties: tuple[PropertyResult, ...]
    obligations: int
    seconds: float
    schema_version: str = SCHEMA_VERSION


def to_json(report: ProveReport) -> str:
    data = to_jsonable(report)
    data["seconds"] = round(report.seconds, 3)
    text: str = json.dumps(data, indent=2)
    return text + "\n"


def label(r: PropertyResult) -> str:
    if r.status is Status.PROVED_BOUNDED:
        return f"PROVED_BOUNDED(k={r.bound})"
    if r.status is Status.VIOLATED and r.counterexample is not None:
        return "VIOLATED (confirmed)" if r.counterexample.confirmed else "VIOLATED (unconfirmed)"
    return str(r.status.value).upper()


def counts(results: tuple[PropertyResult, ...]) -> dict[Status, int]:
    out = dict.fromkeys(Status, 0)
    for r in results:
        out[r.status] += 1
    return out


def render_text(outcome: ProveOutcome) -> str:
    """A results table, then each counterexample and the assumptions relied on."""
    rows = sorted(outcome.results, key=lambda r: (_ORDER[r.status], r.name))
    width = max((len(r.name) for r in rows), default=8)
    lines = [
        f"prove {outcome.contract}: {len(rows)} properties, {outcome.obligations} obligations, "
        f"{outcome.seconds:.1f}s",
        "",
    ]
    for r in rows:
        lines.append(f"  {label(r):<24} {r.kind.value:<9} {r.name:<{width}}  {r.reason}")
        cex = r.counterexample
        if cex is not None:
            what = "witness" if r.status is Status.PROVED else "counterexample"
            lines.append(f"      {what}:")
            lines.extend(f"        {step}" for step in cex.render())
            if cex.replay_note:
                lines.append(f"        ({cex.replay_note})")
    assumptions = {(a.kind, a.description) for r in rows for a in r.assumptions}
    if assumptions:
        lines += ["", "assumptions the results rely on:"]
        lines += [f"  - {desc}" for _, desc in sorted(assumptions)]
    c = counts(outcome.results)
    summary = ", ".join(f"{n} {s.value}" for s, n in c.items() if n)
    lines += ["", f"summary: {summary or 'no properties'}"]
    return "\n".join(lines) + "\n"
