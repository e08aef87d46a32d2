"""One report from every engine: dedupe, cross-confirm, assumption ledger.

The engines see the same bug from different sides. The merge makes that one entry citing
them all, so a reader counts bugs, not engine outputs:

- properties with the same (contract, name) become one entry whose status is decided by the
  strongest evidence: any VIOLATED wins (the counterexample is kept, a replayed one first);
  otherwise a prover verdict decides and fuzzing's HELD only adds a note — HELD is never
  shown as a proof, and never weakens one;
- static findings of one bug family in the same contract function (Slither's
  `reentrancy-eth` next to our `accounting-after-call`) become one finding;
- a finding whose function a violated property's counterexample goes through cites that
  property, and is `confirmed` when the counterexample was replayed on the EVM;
- assumptions are discharged by other engines' evidence (see ledger.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TypeVar

from solvency.core.findings import Finding
from solvency.core.properties import PropertyResult, Status
from solvency.core.report import Report, ReportError, Stats
from solvency.reports.common import unique
from solvency.reports.confirm import cross_confirm, violation_sites
from solvency.reports.ledger import FUZZ_ENGINE, discharge_assumptions

# Rules of different engines that report the same bug when they fire in one function.
_FAMILIES: dict[str, str] = {
    "reentrancy-eth": "reentrancy",
    "reentrancy-no-eth": "reentrancy",
    "reentrancy-benign": "reentrancy",
    "reentrancy-balance": "reentrancy",
    "reentrancy-unlimited-gas": "reentrancy",
    "accounting-after-call": "reentrancy",
    "unchecked-transfer": "unchecked-transfer",
    "unchecked-token-transfer": "unchecked-transfer",
    "divide-before-multiply": "divide-before-multiply",
    "divide-before-multiply-amount": "divide-before-multiply",
    "msg-value-loop": "msg-value-loop",
    "msg-value-in-loop": "msg-value-loop",
}
_ORDER = {s: i for i, s in enumerate(Status)}
T = TypeVar("T")


def merge(  # noqa: PLR0917 - the six parts of a report, in the order the brief fixed
    targets: Sequence[str],
    findings: Iterable[Finding],
    properties: Iterable[PropertyResult],
    errors: Iterable[ReportError],
    stats: Stats,
    tool_version: str,
    *,
    static_ran: bool = True,
    source_roots: Sequence[str] = (),
) -> Report:
    """Merge every engine's output into one Report.

    `static_ran` says the static pass ran on every target (False when it was switched off):
    without it, silence of the reentrancy detectors is no evidence and discharges nothing.
    """
    raw_props = tuple(properties)
    errors = tuple(errors)
    static_ok = static_ran and not any(e.stage == "static" for e in errors)
    merged_findings = sorted(merge_findings(findings), key=lambda f: (*f.sort_key(), f.fingerprint))
    groups = _group_properties(raw_props)
    props = [_merge_group(g) for g in groups]
    merged_findings, props = cross_confirm(
        merged_findings, props, [violation_sites(g) for g in groups]
    )
    props = discharge_assumptions(props, raw_props, merged_findings, static_ran=static_ok)
    props.sort(key=lambda p: (_ORDER[p.status], p.contract or "", p.name))
    ordered = tuple(sorted(merged_findings, key=Finding.sort_key))
    return Report(
        tool_version=tool_version,
        targets=tuple(targets),
        findings=ordered,
        properties=tuple(props),
        errors=errors,
        stats=dataclasses.replace(
            stats,
            suppressed_findings=sum(1 for f in ordered if f.suppressed),
            baselined_findings=sum(1 for f in ordered if f.baselined),
        ),
        source_roots=tuple(source_roots),
    )


# --- findings ---------------------------------------------------------------------------


def merge_report(raw: Report, *, static_ran: bool = True) -> Report:
    """`merge` of a report that holds every engine's raw output (what an audit collects)."""
    return merge(
        raw.targets,
        raw.findings,
        raw.properties,
        raw.errors,
        raw.stats,
        raw.tool_version,
        static_ran=static_ran,
        source_roots=raw.source_roots,
    )


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Exact duplicates (same fingerprint and place) and one family's findings in one
    function become one finding; the most severe, most confident one leads."""
    buckets: dict[tuple[str, ...], list[Finding]] = {}
    for f in findings:
        buckets.setdefault(_bucket(f), []).append(f)
    return [_combine(group) for group in buckets.values()]


def _bucket(f: Finding) -> tuple[str, ...]:
    loc = f.primary
    family = _FAMILIES.get(f.rule_id)
    if family and loc and loc.function:
        return ("family", family, loc.file, loc.contract or "", loc.function, str(f.suppressed))
    return ("exact", f.fingerprint, loc.short() if loc else "", str(f.suppressed))


def _combine(group: list[Finding]) -> Finding:
    if len(group) == 1:
        return group[0]
    ranked = sorted(
        group,
        key=lambda f: (f.severity.rank, _confidence_rank(f), f.rule_id, f.engine, f.fingerprint),
    )
    lead, rest = ranked[0], ranked[1:]
    others = [f for f in rest if f.fingerprint != lead.fingerprint]
    return dataclasses.replace(
        lead,
        engines=_unique(e for f in ranked for e in f.engines),
        locations=_unique(loc for f in ranked for loc in f.locations),
        evidence=_unique(e for f in ranked for e in f.evidence),
        aliases=_unique(a for f in others for a in f.fingerprints if a != lead.fingerprint),
        merged_rules=_unique(f.rule_id for f in others if f.rule_id != lead.rule_id),
        baselined=all(f.baselined for f in group),
        help_uri=lead.help_uri or next((f.help_uri for f in rest if f.help_uri), ""),
    )


def _confidence_rank(f: Finding) -> int:
    return ["high", "medium", "low"].index(f.confidence.value)


# --- properties -------------------------------------------------------------------------


def _group_properties(props: Sequence[PropertyResult]) -> list[list[PropertyResult]]:
    groups: dict[tuple[str, str], list[PropertyResult]] = {}
    for p in props:
        groups.setdefault((p.contract or "", p.name), []).append(p)
    # Input order (which engine finished first) must not change the report.
    return [sorted(g, key=_property_key) for _, g in sorted(groups.items())]


def _property_key(p: PropertyResult) -> tuple[str, str, int, str, float]:
    return (p.engine, p.function or "", _ORDER[p.status], p.reason, p.time_seconds)


def _merge_group(group: list[PropertyResult]) -> PropertyResult:
    """One entry for one property: status from the strongest evidence, every engine cited."""
    lead = _decider(group)
    violated = [p for p in group if p.status is Status.VIOLATED]
    cex_from = sorted(violated, key=lambda p: (not p.confirmed, p.engine == FUZZ_ENGINE))
    functions = {p.function for p in group if p.function}
    bounds = [p.bound for p in group if p.status is lead.status and p.bound is not None]
    proofs = [p for p in group if p.engine != FUZZ_ENGINE]
    merged = dataclasses.replace(
        lead,
        engines=_unique([lead.engine, *(e for p in group for e in p.engines)]),
        confirmed=any(p.confirmed for p in violated),
        counterexample=cex_from[0].counterexample if cex_from else None,
        function=next(iter(functions)) if len(functions) == 1 else None,
        location=lead.location or next((p.location for p in group if p.location), None),
        bound=min(bounds) if bounds else lead.bound,
        assumptions=_unique(a for p in proofs for a in p.assumptions),
        time_seconds=round(sum(p.time_seconds for p in group), 3),
        notes=_unique(
            [*(n for p in group for n in p.notes), _note(lead), *(_note(p) for p in group)]
        )
        if len(group) > 1
        else lead.notes,
        related_findings=_unique(r for p in group for r in p.related_findings),
    )
    return merged


def _decider(group: list[PropertyResult]) -> PropertyResult:
    """VIOLATED from anyone; else the prover's worst verdict; fuzzing decides only alone."""
    violated = [p for p in group if p.status is Status.VIOLATED]
    if violated:
        return min(violated, key=lambda p: (not p.confirmed, p.engine == FUZZ_ENGINE))
    provers = [p for p in group if p.engine != FUZZ_ENGINE and p.status is not Status.HELD]
    pool = provers or group
    return min(pool, key=lambda p: _ORDER[p.status])


def _note(p: PropertyResult) -> str:
    where = f" in {p.function}" if p.function else ""
    status = p.status.value.upper().replace("_", " ")
    if p.status is Status.HELD:
        status += " (not a proof)"
    return f"{p.engine}: {status}{where}" + (f" — {p.reason}" if p.reason else "")


def _unique(items: Iterable[T]) -> tuple[T, ...]:
    return unique(items)
