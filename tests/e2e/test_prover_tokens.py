"""The prover's ERC20 balances summary (`summarized erc20`) on a small token vault: real
solc, Slither and Z3.

tests/e2e/tokens/TokenVault.sol calls its tokens every way the summary models (transfer,
transferFrom, balanceOf, approve; high-level and SafeERC20's low-level form) and once in a
way it must not trust (an arbitrary call). Each property in TokenVault.spec is named after
what it must come out as: a `_false` one must never be PROVED (the summary keeps failures,
self-transfers, unmodelled allowances and unknown code), a `_true` one must be PROVED (so
the summary does relate the contract's token calls to the spec's balances). Replays are off:
the counterexamples' token balances are not written into deployed tokens, so they could not
confirm anything here; a wrong PROVED is what this file guards against.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from solvency.analyzers.symbolic import obligations as ob
from solvency.analyzers.symbolic import tokens
from solvency.analyzers.symbolic.api import ProveOptions, prove_compiled
from solvency.build import BuildOptions, CompiledProject, compile_target
from solvency.core.properties import PropertyResult, Status
from solvency.ir.loader import analyse
from solvency.ir.model import ProjectModel
from solvency.smt.portfolio import Portfolio
from solvency.smt.solver import SolverConfig, Verdict
from solvency.specs.api import check_source

HERE = Path(__file__).parent / "tokens"
OPTIONS = ProveOptions(timeout_ms=2_000, replay=False)


@cache
def _build() -> tuple[CompiledProject, ProjectModel]:
    project = compile_target(HERE / "TokenVault.sol", BuildOptions())
    return project, analyse(project).model


def _prove(text: str, *only: str) -> dict[str, PropertyResult]:
    """Every spec block of `text`, its results by property name (names are unique)."""
    project, model = _build()
    options = ProveOptions(OPTIONS.timeout_ms, replay=False, properties=only)
    out: dict[str, PropertyResult] = {}
    for spec in check_source(text, model, str(HERE / "TokenVault.spec")):
        out.update({r.name: r for r in prove_compiled(project, spec, options).results})
    return out


@cache
def results() -> dict[str, PropertyResult]:
    return _prove((HERE / "TokenVault.spec").read_text())


def _show(r: PropertyResult) -> str:
    return f"{r.name}: {r.status.value} — {r.reason}"


NAMES = [
    line.split()[1].split("(")[0].rstrip(":")
    for line in (HERE / "TokenVault.spec").read_text().splitlines()
    if line.strip().startswith(("invariant ", "rule "))
]


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith("_false")])
def test_false_property_is_never_proved(name: str) -> None:
    r = results()[name]
    assert r.status in (Status.VIOLATED, Status.UNKNOWN), _show(r)


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith("_true")])
def test_true_property_is_proved_under_the_summary(name: str) -> None:
    r = results()[name]
    assert r.status is Status.PROVED, _show(r)


def test_every_result_states_the_erc20_assumption() -> None:
    for r in results().values():
        kinds = {a.kind for a in r.assumptions}
        assert "erc20-summary" in kinds, _show(r)
    havoc = {a.kind for a in results()["poke_keeps_balance_false"].assumptions}
    assert "erc20-havoc" in havoc


def test_without_the_request_token_balances_stay_unconstrained() -> None:
    text = (HERE / "TokenVault.spec").read_text().replace(" summarized erc20", "")
    r = _prove(text, "withdraw_pays_true")["withdraw_pays_true"]
    assert r.status is not Status.PROVED, _show(r)
    assert all(a.kind != "erc20-summary" for a in r.assumptions)


def test_the_prover_runs_the_between_calls_step() -> None:
    r = results()["solvent_approver_false"]
    assert r.status is Status.UNKNOWN and tokens.BETWEEN in r.reason, _show(r)
    assert "token transfer between transactions" in r.reason


def test_allowances_are_found_in_the_code() -> None:
    _, model = _build()
    by_name = {c.name: c for c in model.contracts}
    assert not tokens.may_grant_allowance(by_name["TokenVault"])  # transfer, `call("")`
    assert tokens.may_grant_allowance(by_name["Approver"])  # approve(spender, max)


@pytest.mark.parametrize(
    ("contract", "name", "breaks"),
    [
        ("TokenVault", "solvent_true", False),  # only this contract spends its tokens
        ("Approver", "solvent_approver_false", True),  # a spender may pull them out
    ],
)
def test_between_calls_step(contract: str, name: str, breaks: bool) -> None:
    """The step the invariants over summarized balances also need: another account's
    transfer between two calls (a donation, an allowance spent)."""
    _, model = _build()
    text = (HERE / "TokenVault.spec").read_text()
    (spec,) = [s for s in check_source(text, model, "t.spec") if s.contract.name == contract]
    inv = spec.invariant(name)
    assert inv is not None and tokens.reads_summary(inv)
    placeholder = spec.contract.entry_points()[0]
    t = tokens.between_transition(placeholder, spec.contract)
    q = ob.invariant_step(ob.Context.make(spec, t, "between"), inv, forced=True)
    session = Portfolio(SolverConfig(10_000, 50_000_000, 0))
    session.add(*t.constraints, *q.hyps, *t.pre.assumptions, *t.post.assumptions)
    verdict = session.check(q.violation).verdict
    assert verdict is (Verdict.SAT if breaks else Verdict.UNSAT)
