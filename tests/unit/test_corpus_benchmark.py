"""How benchmarks/corpus.py decides a catch, on real corpus files and hand-made findings."""

from __future__ import annotations

import pytest

from benchmarks.corpus import Hit, judge
from benchmarks.groundtruth import Variant, all_variants

VARIANTS = {v.key: v for v in all_variants()}
LOOP = VARIANTS["eth_escrow/msgvalue_loop"]  # bug at line 74, inside batchDeposit
UNIT = "corpora/eth_escrow/EthEscrow_msgvalue_loop.sol"
RULES = {"msg-value-loop", "msg-value-in-loop"}


def _hit(rule: str, lines: tuple[int, ...], function: str = "", file: str = UNIT) -> Hit:
    return Hit(rule, file, frozenset(lines), frozenset({function} if function else ()))


def _judge(variant: Variant, hits: list[Hit], available: set[str]) -> str:
    return judge(
        variant, UNIT, hits, expected=RULES, available=frozenset(available), seconds=0.0
    ).status


@pytest.mark.parametrize(
    ("hits", "available", "status"),
    [
        ([_hit("msg-value-loop", (74,))], {"msg-value-loop"}, "caught"),
        ([_hit("msg-value-loop", (67, 68), "batchDeposit")], {"msg-value-loop"}, "caught"),
        ([_hit("msg-value-loop", (90,), "withdraw")], {"msg-value-loop"}, "missed"),
        ([_hit("timestamp", (74,), "batchDeposit")], {"msg-value-loop"}, "missed"),
        ([_hit("msg-value-loop", (74,), file="corpora/x.sol")], {"msg-value-loop"}, "missed"),
        ([], {"msg-value-loop"}, "missed"),
        ([], set(), "n/a"),  # only rules not yet written: not a miss
    ],
)
def test_a_catch_is_an_expected_rule_at_the_bug(
    hits: list[Hit], available: set[str], status: str
) -> None:
    assert _judge(LOOP, hits, available) == status


def test_nothing_expected_is_neither_caught_nor_missed() -> None:
    outcome = judge(LOOP, UNIT, [], expected=set(), available=frozenset(RULES), seconds=0.0)
    assert outcome.status == "-"


def test_correct_versions_count_relevant_findings_anywhere_as_false_positives() -> None:
    correct = VARIANTS["eth_escrow/correct"]
    assert _judge(correct, [_hit("timestamp", (10,))], RULES) == "clean"
    outcome = judge(
        correct,
        UNIT,
        [_hit("msg-value-loop", (10,))],
        expected=RULES,
        available=frozenset(RULES),
        seconds=0.0,
    )
    assert (outcome.status, outcome.found) == ("FP", ("msg-value-loop",))
