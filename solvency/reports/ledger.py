"""The assumption ledger: which of a proof's assumptions another engine discharged.

A proof that relied on "no reentrancy through the call at Vault.sol:88" is only as good as
that assumption. Two independent kinds of evidence together discharge it: the static pass
ran and none of the reentrancy rules/detectors fired in that function (a suppressed or
baselined finding still counts as fired), and the fuzzer checked the contract's properties
and broke none of them. Either alone leaves it open. The evidence is written into
`Assumption.discharged_by` so every renderer can show why. Kinds we have no second engine
for (loop bounds, arbitrary external returns, fixed oracle prices) always stay open.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from solvency.core.findings import Finding
from solvency.core.properties import Assumption, PropertyResult, Status

FUZZ_ENGINE = "fuzz"
REENTRANCY_KINDS = frozenset({"no-reentrancy", "reentrancy"})
REENTRANCY_RULES = frozenset(
    {
        "reentrancy-eth",
        "reentrancy-no-eth",
        "reentrancy-benign",
        "reentrancy-balance",
        "reentrancy-events",
        "reentrancy-unlimited-gas",
        "accounting-after-call",
    }
)


def discharge_assumptions(
    props: Sequence[PropertyResult],
    raw_props: Sequence[PropertyResult],
    findings: Sequence[Finding],
    *,
    static_ran: bool,
) -> list[PropertyResult]:
    """`props` with each dischargeable assumption's `discharged_by` filled in."""
    out: list[PropertyResult] = []
    for p in props:
        updated = tuple(_discharge(a, p, raw_props, findings, static_ran) for a in p.assumptions)
        out.append(dataclasses.replace(p, assumptions=updated) if updated != p.assumptions else p)
    return out


def _discharge(
    a: Assumption,
    p: PropertyResult,
    raw_props: Sequence[PropertyResult],
    findings: Sequence[Finding],
    static_ran: bool,
) -> Assumption:
    if a.discharged_by or a.kind not in REENTRANCY_KINDS:
        return a
    contract = (a.location.contract if a.location else None) or p.contract
    function = (a.location.function if a.location else None) or p.function
    static = _static_clean(contract, function, findings) if static_ran else None
    fuzz = _fuzz_clean(contract, raw_props)
    if static is None or fuzz is None:
        return a
    return dataclasses.replace(a, discharged_by=f"{static}; {fuzz}")


def _static_clean(
    contract: str | None, function: str | None, findings: Sequence[Finding]
) -> str | None:
    scope = ".".join(x for x in (contract, function) if x) or "every contract"
    for f in findings:
        rules = {f.rule_id, *f.merged_rules}
        if rules.isdisjoint(REENTRANCY_RULES):
            continue
        for loc in f.locations:
            same_contract = contract is None or loc.contract in (None, contract)
            same_function = (
                function is None or loc.function is None or _bare(loc.function) == _bare(function)
            )
            if same_contract and same_function:
                return None
    return f"reentrancy rules and detectors clean for {scope}"


def _fuzz_clean(contract: str | None, raw_props: Sequence[PropertyResult]) -> str | None:
    mine = [
        r
        for r in raw_props
        if r.engine == FUZZ_ENGINE and (contract is None or r.contract in (None, contract))
    ]
    if any(r.status is Status.VIOLATED for r in mine):
        return None
    held = [r for r in mine if r.status is Status.HELD]
    if not held:
        return None
    where = f" on {contract}" if contract else ""
    return f"fuzzing found no violation{where} ({len(held)} properties checked and held)"


def _bare(function: str) -> str:
    return function.split("(", 1)[0]
