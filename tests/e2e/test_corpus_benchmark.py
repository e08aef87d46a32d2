"""benchmarks/corpus.py on real engines: a catch, a file that does not compile, a hung engine."""

from __future__ import annotations

import dataclasses

from benchmarks.corpus import run_variant
from benchmarks.groundtruth import families
from tests.conftest import FIXTURES

ESCROW = next(f for f in families() if f.name == "eth_escrow")
LOOP = next(v for v in ESCROW.variants if v.id == "msgvalue_loop")


def test_both_engines_catch_the_msg_value_loop() -> None:
    row = run_variant(ESCROW, LOOP, ("slither", "lint"), timeout=600)
    for engine in ("slither", "lint"):
        outcome = row.outcomes[engine]
        assert outcome.status == "caught", (engine, outcome)
        assert "msg-value-loop" in outcome.found
        assert outcome.seconds > 0


def test_a_file_that_does_not_compile_is_an_error_row() -> None:
    broken = dataclasses.replace(LOOP, file=FIXTURES / "broken" / "Broken.sol")
    row = run_variant(ESCROW, broken, ("slither", "lint"), timeout=600)
    assert {o.status for o in row.outcomes.values()} == {"ERROR"}
    assert all(o.error.startswith("compile:") for o in row.outcomes.values())


def test_an_engine_that_does_not_finish_is_an_error_not_a_crash() -> None:
    row = run_variant(ESCROW, LOOP, ("slither",), timeout=0.2)
    assert row.outcomes["slither"].status == "ERROR"
    assert "timed out" in row.outcomes["slither"].error
