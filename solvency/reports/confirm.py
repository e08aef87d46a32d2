"""Cross-confirmation: which static findings sit where a violated property breaks.

A violated property breaks in a function: the one the prover names, or the one the last
call of its counterexample enters. That call may enter it through a helper contract — the
fuzzer's re-entering receiver calls `execute(target, value, calldata)` — so the function is
also read from the call's `reaches` list, or else from the 4-byte selector of calldata it
forwards, matched against the signatures the finding itself names (Slither and our rules
write `Vault.withdraw(uint256)` into their text). A finding there cites the property and its
engines, and is `confirmed` when the counterexample was replayed on the EVM.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from eth_utils.abi import function_signature_to_4byte_selector

from solvency.core.counterexample import Call
from solvency.core.findings import Finding
from solvency.core.properties import PropertyResult, Status
from solvency.reports.common import unique

# (contract or None, function name) or (None, "0x<selector>") for forwarded calldata.
Site = tuple[str | None, str]
_SIGNATURE = re.compile(r"\b([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\(([^()]*)\)")


def violation_sites(group: Sequence[PropertyResult]) -> set[Site]:
    """The functions the violated results of one property break in."""
    sites: set[Site] = set()
    for p in group:
        if p.status is not Status.VIOLATED:
            continue
        if p.function:
            sites.add((p.contract, _bare(p.function)))
        if p.counterexample and p.counterexample.calls:
            sites |= _call_sites(p.counterexample.calls[-1])
    return sites


def _call_sites(call: Call) -> set[Site]:
    sites: set[Site] = {(call.contract, _bare(call.function))}
    for reached in call.reaches:
        contract, _, function = reached.rpartition(".")
        sites.add((contract or None, _bare(function)))
    for arg in call.args:
        if isinstance(arg, bytes) and len(arg) >= 4 and (len(arg) - 4) % 32 == 0:
            sites.add((None, "0x" + arg[:4].hex()))
    return sites


def cross_confirm(
    findings: Sequence[Finding], props: Sequence[PropertyResult], sites: Sequence[set[Site]]
) -> tuple[list[Finding], list[PropertyResult]]:
    """Findings citing the violated properties that break in their function, and back."""
    linked: dict[int, list[str]] = {}
    out: list[Finding] = []
    for f in findings:
        hits = [i for i, s in enumerate(sites) if not f.suppressed and _meets(f, s)]
        for i in hits:
            linked.setdefault(i, []).append(f.fingerprint)
        if not hits:
            out.append(f)
            continue
        confirming = [props[i].name for i in hits if props[i].confirmed]
        out.append(
            dataclasses.replace(
                f,
                engines=unique([*f.engines, *(e for i in hits for e in props[i].engines)]),
                related_properties=unique([*f.related_properties, *(props[i].name for i in hits)]),
                confirmed=f.confirmed or bool(confirming),
                confirmed_by=unique([*f.confirmed_by, *confirming]),
            )
        )
    new_props = [
        dataclasses.replace(p, related_findings=unique([*p.related_findings, *linked[i]]))
        if i in linked
        else p
        for i, p in enumerate(props)
    ]
    return out, new_props


def _finding_site(f: Finding) -> Site | None:
    loc = f.primary if f.primary and f.primary.function else None
    loc = loc or next((x for x in f.locations if x.function), None)
    return (loc.contract, _bare(loc.function)) if loc and loc.function else None


def _meets(f: Finding, sites: set[Site]) -> bool:
    site = _finding_site(f)
    if site is None:
        return False
    contract, function = site
    selectors: set[str] | None = None
    for c, fn in sites:
        if fn.startswith("0x"):
            selectors = _selectors(f, contract, function) if selectors is None else selectors
            if fn in selectors:
                return True
        elif fn == function and (c is None or contract is None or c == contract):
            return True
    return False


def _selectors(f: Finding, contract: str | None, function: str) -> set[str]:
    """Selectors of the signatures of `contract.function` that the finding's text names."""
    text = "\n".join((f.title, f.message, *f.evidence))
    found = set()
    for c, fn, params in _SIGNATURE.findall(text):
        if fn == function and (contract is None or c == contract):
            signature = f"{fn}({params.replace(' ', '')})"
            found.add("0x" + function_signature_to_4byte_selector(signature).hex())
    return found


def _bare(function: str) -> str:
    return function.split("(", 1)[0]
