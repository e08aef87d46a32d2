"""An invariant's verdict is reused only while nothing it read changed.

`InvariantCheck` skips evaluating when every storage word, balance, input, tracked key and
environment value its last (holding) evaluation read is the same now. These tests change
each of those on a real pyrevm chain and require a re-evaluation (the invariant breaks); a
change elsewhere must not cost one.
"""

from __future__ import annotations

from solvency.analyzers.fuzz.chain import Chain
from solvency.analyzers.fuzz.checks import InvariantCheck, Outcome
from solvency.analyzers.fuzz.keys import KeyTracker
from solvency.analyzers.fuzz.state import LiveState
from solvency.build.artifacts import CompiledContract
from solvency.ir import storage
from solvency.ir.types import ElementaryType, MappingType
from solvency.specs.api import check_source
from solvency.specs.lower_concrete import ConcreteEnv
from tests.unit.specs.models import ADDR, U256, contract, fn, var

MODEL = contract(
    "Vault",
    [var("total", U256, 0), var("bal", MappingType(ADDR, U256), 1), var("other", U256, 2)],
    [fn("poke", [("amount", U256)])],
)
SPEC = """\
spec Vault {
    invariant backed: total == sum(bal);
    invariant funded: balance(this) >= total;
    invariant clock: block.timestamp >= total;
}
"""
(CHECKED,) = check_source(SPEC, MODEL, "<reuse>")
TARGET = "0x" + "ab" * 20
ALICE, BOB = 0xA11CE, 0xB0B
ARTIFACT = CompiledContract("Vault", "Vault.sol", (), "", "", "", "", None, ())


def _slot_of(user: int) -> int:
    return storage.mapping_slot(1, user, ElementaryType("address"))


def _setup(total: int = 10) -> tuple[Chain, LiveState, dict[str, InvariantCheck]]:
    chain = Chain()
    keys = KeyTracker()
    keys.add_address(ALICE)
    chain.set_storage(TARGET, 0, total)
    chain.set_storage(TARGET, _slot_of(ALICE), total)
    chain.fund(TARGET, total)
    live = LiveState(chain, TARGET, ARTIFACT, keys)
    checks = {i.name: InvariantCheck(i) for i in CHECKED.invariants}
    return chain, live, checks


NO_ENV = ConcreteEnv()


def _verdict(check: InvariantCheck, live: LiveState, env: ConcreteEnv = NO_ENV) -> Outcome:
    live.changed()  # as the runner does after every call
    return check.check(live, env).outcome


def test_a_changed_word_the_invariant_read_is_rechecked() -> None:
    for slot in (0, _slot_of(ALICE)):  # a scalar it reads, and a summed mapping entry
        chain, live, checks = _setup()
        assert _verdict(checks["backed"], live) is Outcome.OK
        chain.set_storage(TARGET, slot, 9)
        assert _verdict(checks["backed"], live) is Outcome.BROKEN


def test_a_change_elsewhere_reuses_the_verdict() -> None:
    chain, live, checks = _setup()
    check = checks["backed"]
    assert _verdict(check, live) is Outcome.OK
    held = check._held
    assert held is not None and set(held.words) == {0, _slot_of(ALICE)}
    chain.set_storage(TARGET, 2, 12345)  # `other`: not read
    chain.set_storage(TARGET, _slot_of(BOB), 5)  # an entry under a key nobody used
    assert _verdict(check, live) is Outcome.OK
    assert check._held is held  # not evaluated again


def test_a_new_key_is_rechecked() -> None:
    chain, live, checks = _setup()
    chain.set_storage(TARGET, _slot_of(BOB), 5)
    assert _verdict(checks["backed"], live) is Outcome.OK  # BOB is not a key yet
    live.tracker.add_address(BOB)  # a call used BOB: the sum now ranges over him
    assert _verdict(checks["backed"], live) is Outcome.BROKEN


def test_a_changed_balance_is_rechecked() -> None:
    chain, live, checks = _setup()
    assert _verdict(checks["funded"], live) is Outcome.OK
    chain.fund(TARGET, 3)
    assert _verdict(checks["funded"], live) is Outcome.BROKEN


def test_a_changed_environment_is_rechecked() -> None:
    _, live, checks = _setup()
    assert _verdict(checks["clock"], live, ConcreteEnv(timestamp=10)) is Outcome.OK
    assert _verdict(checks["clock"], live, ConcreteEnv(timestamp=9)) is Outcome.BROKEN


def test_a_broken_verdict_is_never_reused() -> None:
    chain, live, checks = _setup()
    chain.set_storage(TARGET, 0, 11)
    assert _verdict(checks["backed"], live) is Outcome.BROKEN
    assert checks["backed"]._held is None
    chain.set_storage(TARGET, 0, 10)
    assert _verdict(checks["backed"], live) is Outcome.OK
