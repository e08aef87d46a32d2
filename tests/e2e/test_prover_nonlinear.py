"""Soundness of the prover's nonlinear fallback (ProveOptions.nonlinear, exec_nonlinear).

When exact 256-bit arithmetic times out, the prover asks again with `x*y`, `x/y`, `x%y`
and `x**y` of unknowns as uninterpreted functions plus facts true of the real operation.
That is an over-approximation, so UNSAT there is a proof — but only if every fact is true
on the EVM. Each *_false rule in nonlinear/Nonlinear08.spec is false on the EVM; forced
through the abstraction (nonlinear="abstract"), none may come out PROVED, and any model
that does not replay must say "abstract model only". The *_true rules follow from the kept
facts alone, so they must come out PROVED *through the abstraction* (the reason says so),
which shows the path is really taken. Real solc, Slither, Z3 and revm.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.analyzers.symbolic.api import ProveOptions, prove_compiled
from solvency.build import BuildOptions, compile_target
from solvency.core.properties import PropertyResult, Status
from solvency.ir.loader import analyse
from solvency.specs.api import check_spec

HERE = Path(__file__).parent / "nonlinear"
ABSTRACT = ProveOptions(timeout_ms=10_000, nonlinear="abstract", search_calls=0)
FALSE = (
    "muldiv_below_factor_false",
    "mul_above_sum_false",
    "wrap_mul_above_factor_false",
    "pow_wide_exponent_false",
    "mod_equals_dividend_false",
    "div_is_half_false",
)
TRUE = (
    "mul_above_factor_true",
    "pow_wide_exponent_true",
    "mod_below_divisor_true",
    "div_below_dividend_true",
)


@pytest.fixture(scope="module")
def results(solcjs_cache: Path) -> dict[str, PropertyResult]:
    project = compile_target(HERE / "Nonlinear08.sol", BuildOptions(cache_dir=solcjs_cache))
    spec = check_spec(HERE / "Nonlinear08.spec", analyse(project).model)
    outcome = prove_compiled(project, spec, ABSTRACT)
    return {r.name: r for r in outcome.results}


def _show(r: PropertyResult) -> str:
    cx = r.counterexample
    return f"{r.name}: {r.status.value} (confirmed {cx and cx.confirmed}) — {r.reason}"


@pytest.mark.parametrize("name", FALSE)
def test_abstraction_never_proves_a_false_property(
    results: dict[str, PropertyResult], name: str
) -> None:
    r = results[name]
    assert not r.status.is_proof, _show(r)
    assert r.status in (Status.VIOLATED, Status.UNKNOWN), _show(r)
    if r.status is Status.VIOLATED:  # only a model the EVM replays counts
        assert r.counterexample is not None and r.counterexample.confirmed, _show(r)
    else:  # a model that did not replay, or Z3 ran out of time on the abstraction too
        said = ("abstract model only", "with nonlinear arithmetic abstracted too")
        assert any(s in r.reason for s in said), _show(r)


@pytest.mark.parametrize("name", TRUE)
def test_abstraction_proves_what_its_facts_imply(
    results: dict[str, PropertyResult], name: str
) -> None:
    r = results[name]
    assert r.status is Status.PROVED, _show(r)
    assert "nonlinear arithmetic abstracted" in r.reason, _show(r)
    # the abstraction's sites are not open assumptions of a proof over it
    assert all(a.kind != "over-approximation" for a in r.assumptions), _show(r)


def test_wide_exponent_counterexample_replays(results: dict[str, PropertyResult]) -> None:
    """2 ** 256 in uint8 is 0 on the EVM: the abstract model must allow it, and it replays."""
    r = results["pow_wide_exponent_false"]
    assert r.status is Status.VIOLATED, _show(r)
    assert r.counterexample is not None and r.counterexample.confirmed
