"""An invariant's verdict is reused only while nothing it read changed.

`InvariantCheck` skips evaluating when every storage word, balance, input, tracked key and
environment value its last (holding) evaluation read is the same now. These tests change
each of those on a real pyrevm chain and require a re-evaluation (the invariant breaks); a
change elsewhere must not cost one.
"""

from __future__ import annotations

from dataclasses import dataclass

from solvency.analyzers.fuzz.chain import Chain, address_of
from solvency.analyzers.fuzz.checks import InvariantCheck, Outcome
from solvency.analyzers.fuzz.keys import KeyTracker
from solvency.analyzers.fuzz.state import LiveState
from solvency.build.artifacts import AbiEntry, AbiParam, CompiledContract
from solvency.ir import storage
from solvency.ir.types import ElementaryType, MappingType
from solvency.specs.api import check_source
from solvency.specs.lower_concrete import ConcreteEnv
from tests.unit.specs.models import ADDR, U256, contract, fn, var

MODEL = contract(
    "Vault",
    [
        var("total", U256, 0),
        var("bal", MappingType(ADDR, U256), 1),
        var("other", U256, 2),
        var("feed", ADDR, 3),
    ],
    [fn("poke", [("amount", U256)]), fn("level", [], [U256], "view")],
)
SPEC = """\
spec Vault {
    input uint256 levelOf(address f) = f.level();
    invariant backed: total == sum(bal);
    invariant funded: balance(this) >= total;
    invariant clock: block.timestamp >= total;
    invariant viewed: level() <= total;
    invariant fed: levelOf(feed) <= total;
}
"""
(CHECKED,) = check_source(SPEC, MODEL, "<reuse>")
ALICE, BOB = 0xA11CE, 0xB0B
LEVEL = AbiEntry("function", "level", (), (AbiParam("", "uint256"),), "view")
ARTIFACT = CompiledContract("Vault", "Vault.sol", (LEVEL,), "", "", "", "", None, ())


def _returning_slot(slot: int) -> str:
    """Creation code of a contract whose every call returns its storage word `slot`."""
    runtime = f"60{slot:02x}5460005260206000f3"  # SLOAD(slot), MSTORE(0), RETURN(0, 32)
    return f"600b600c600039600b6000f3{runtime}"  # CODECOPY the 11 runtime bytes, RETURN them


def _slot_of(user: int) -> int:
    return storage.mapping_slot(1, user, ElementaryType("address"))


@dataclass
class Setup:
    chain: Chain
    live: LiveState
    checks: dict[str, InvariantCheck]
    target: str
    feed: str


def _setup(total: int = 10) -> Setup:
    chain = Chain()
    target = chain.deploy(address_of(0), _returning_slot(2), None, ())  # level() = other
    feed = chain.deploy(address_of(0), _returning_slot(0), None, ())  # level() = its slot 0
    keys = KeyTracker()
    keys.add_address(ALICE)
    chain.set_storage(target, 0, total)
    chain.set_storage(target, _slot_of(ALICE), total)
    chain.set_storage(target, 3, int(feed, 16))
    chain.set_storage(feed, 0, total)
    chain.fund(target, total)
    live = LiveState(chain, target, ARTIFACT, keys)
    checks = {i.name: InvariantCheck(i) for i in CHECKED.invariants}
    return Setup(chain, live, checks, target, feed)


NO_ENV = ConcreteEnv()


def _verdict(check: InvariantCheck, live: LiveState, env: ConcreteEnv = NO_ENV) -> Outcome:
    live.changed()  # as the runner does after every call
    return check.check(live, env).outcome


def test_a_changed_word_the_invariant_read_is_rechecked() -> None:
    for slot in (0, _slot_of(ALICE)):  # a scalar it reads, and a summed mapping entry
        t = _setup()
        chain, live, checks = t.chain, t.live, t.checks
        assert _verdict(checks["backed"], live) is Outcome.OK
        chain.set_storage(t.target, slot, 9)
        assert _verdict(checks["backed"], live) is Outcome.BROKEN


def test_a_change_elsewhere_reuses_the_verdict() -> None:
    t = _setup()
    chain, live, checks = t.chain, t.live, t.checks
    check = checks["backed"]
    assert _verdict(check, live) is Outcome.OK
    held = check._held
    assert held is not None and set(held.words) == {0, _slot_of(ALICE)}
    chain.set_storage(t.target, 2, 12345)  # `other`: not read
    chain.set_storage(t.target, _slot_of(BOB), 5)  # an entry under a key nobody used
    assert _verdict(check, live) is Outcome.OK
    assert check._held is held  # not evaluated again


def test_a_new_key_is_rechecked() -> None:
    t = _setup()
    chain, live, checks = t.chain, t.live, t.checks
    chain.set_storage(t.target, _slot_of(BOB), 5)
    assert _verdict(checks["backed"], live) is Outcome.OK  # BOB is not a key yet
    live.tracker.add_address(BOB)  # a call used BOB: the sum now ranges over him
    assert _verdict(checks["backed"], live) is Outcome.BROKEN


def test_a_changed_balance_is_rechecked() -> None:
    t = _setup()
    chain, live, checks = t.chain, t.live, t.checks
    assert _verdict(checks["funded"], live) is Outcome.OK
    chain.fund(t.target, 3)
    assert _verdict(checks["funded"], live) is Outcome.BROKEN


def test_a_changed_environment_is_rechecked() -> None:
    t = _setup()
    live, checks = t.live, t.checks
    assert _verdict(checks["clock"], live, ConcreteEnv(timestamp=10)) is Outcome.OK
    assert _verdict(checks["clock"], live, ConcreteEnv(timestamp=9)) is Outcome.BROKEN


def test_a_broken_verdict_is_never_reused() -> None:
    t = _setup()
    chain, live, checks = t.chain, t.live, t.checks
    chain.set_storage(t.target, 0, 11)
    assert _verdict(checks["backed"], live) is Outcome.BROKEN
    assert checks["backed"]._held is None
    chain.set_storage(t.target, 0, 10)
    assert _verdict(checks["backed"], live) is Outcome.OK


def test_a_changed_view_answer_is_rechecked() -> None:
    t = _setup()
    chain, live, checks = t.chain, t.live, t.checks
    assert _verdict(checks["viewed"], live) is Outcome.OK
    chain.set_storage(t.target, 2, 3)  # `other`, which level() returns: still below total
    assert _verdict(checks["viewed"], live) is Outcome.OK
    chain.set_storage(t.target, 2, 11)
    assert _verdict(checks["viewed"], live) is Outcome.BROKEN


def test_a_changed_external_answer_is_rechecked() -> None:
    t = _setup()
    chain, live, checks = t.chain, t.live, t.checks
    check = checks["fed"]
    assert _verdict(check, live) is Outcome.OK
    held = check._held
    assert held is not None and held.externals  # external answers are logged, not a bar
    chain.set_storage(t.target, 2, 12345)  # the target changed, the feed did not: reused
    assert _verdict(check, live) is Outcome.OK
    assert check._held is held
    chain.set_storage(t.feed, 0, 11)  # only the other contract changed
    assert _verdict(check, live) is Outcome.BROKEN


def test_other_keys_of_the_same_count_are_rechecked() -> None:
    t = _setup()
    chain, checks = t.chain, t.checks
    chain.set_storage(t.target, _slot_of(BOB), 5)
    assert _verdict(checks["backed"], t.live) is Outcome.OK  # over ALICE only
    keys = KeyTracker()  # a rewind: the next sequence tracks BOB, not ALICE (same count)
    keys.add_address(BOB)
    live = LiveState(chain, t.target, ARTIFACT, keys)
    assert _verdict(checks["backed"], live) is Outcome.BROKEN
