"""Which rules the runner may pass over on a reverted call without evaluating them."""

from __future__ import annotations

import pytest

from solvency.analyzers.fuzz.checks import RuleCheck
from solvency.analyzers.fuzz.runner import quiet_on_revert
from solvency.specs.api import check_source
from tests.unit.specs.models import ADDR, U256, contract, fn, var

MODEL = contract(
    "Vault",
    [var("total", U256, 0), var("owner", ADDR, 1)],
    [fn("poke", [("amount", U256)])],
)
SPEC = """\
spec Vault {
    rule ensures_only(uint256 x) {
        requires x > 0;
        call poke(x);
        let t = total;
        requires t > 0;
        ensures t >= old(total);
    }
    rule with_reverts_if(uint256 x) { call poke(x); reverts_if x == 0; }
    rule with_reverts_unless(uint256 x) { call poke(x); reverts_unless x > 0; }
    rule with_succeeds_if(uint256 x) { call poke(x); succeeds_if x > 0; }
    rule mixed(uint256 x) { call poke(x); ensures total > 0; reverts_if x == 0; }
}
"""
(CHECKED,) = check_source(SPEC, MODEL, "<reverts>")
RULES = {r.name: RuleCheck(r) for r in CHECKED.rules}


def test_a_rule_of_ensures_requires_and_lets_is_quiet_on_revert() -> None:
    assert quiet_on_revert(RULES["ensures_only"])


@pytest.mark.parametrize(
    "name", ["with_reverts_if", "with_reverts_unless", "with_succeeds_if", "mixed"]
)
def test_a_rule_about_reverting_is_evaluated_on_revert(name: str) -> None:
    assert not quiet_on_revert(RULES[name])
