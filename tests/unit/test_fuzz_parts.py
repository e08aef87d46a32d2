"""The fuzzer's pure parts: value drawing, literal mining, key tracking, budgets, shrinking.

(The parts that need the EVM are tested end to end in tests/e2e/test_fuzz.py.)
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest
from eth_abi.abi import encode
from hypothesis import given
from hypothesis import strategies as st

from solvency.analyzers.fuzz.chain import encode_args
from solvency.analyzers.fuzz.keys import KeyTracker, key_layout, split_tuple
from solvency.analyzers.fuzz.render import parse_budget
from solvency.analyzers.fuzz.shrink import shrink
from solvency.analyzers.fuzz.values import ByteSource, Pool, draw_value, mine_literals
from solvency.core.counterexample import Call
from solvency.core.errors import UserError
from solvency.ir import storage
from solvency.ir.model import StateVariable
from solvency.ir.types import ElementaryType, MappingType
from solvency.specs.types import ADDRESS, UINT256, sint

TYPES = [
    "uint8",
    "uint256",
    "int8",
    "int256",
    "address",
    "bool",
    "bytes1",
    "bytes32",
    "bytes",
    "string",
    "uint256[]",
    "address[3]",
    "(uint256,address)",
    "(uint128,bool[])[]",
]


@pytest.mark.parametrize("abi_type", TYPES)
@given(data=st.binary(max_size=96))
def test_drawn_values_encode_as_their_abi_type(abi_type: str, data: bytes) -> None:
    pool = Pool(addresses=["0x" + "11" * 20])
    value = draw_value(abi_type, ByteSource(data), pool)
    encode([abi_type], [value])  # raises if the value is not of the type


def test_zero_bytes_draw_the_simplest_values() -> None:
    pool = Pool(addresses=["0x" + "22" * 20])
    zeros = ByteSource(b"")
    assert draw_value("uint256", zeros, pool) == 0
    assert draw_value("uint256[]", zeros, pool) == []
    assert draw_value("address", zeros, pool) == "0x" + "22" * 20
    assert draw_value("bool", zeros, pool) is False


def test_integers_stay_in_range_for_every_width() -> None:
    pool = Pool(integers=[2**256 - 1, 10**30])
    for seed in range(300):
        data = bytes((seed * 7 + i * 13) % 256 for i in range(40))
        for bits in (8, 64, 256):
            v = draw_value(f"int{bits}", ByteSource(data), pool)
            assert -(2 ** (bits - 1)) <= v < 2 ** (bits - 1)
            u = draw_value(f"uint{bits}", ByteSource(data), pool)
            assert 0 <= u < 2**bits


def test_parallel_dynamic_arrays_share_a_length() -> None:
    src = ByteSource(bytes([3] + [1] * 60))
    pool = Pool(addresses=["0x" + "33" * 20])
    users = draw_value("address[]", src, pool)
    amounts = draw_value("uint256[]", src, pool)
    assert len(users) == len(amounts) == 3


def test_literals_are_mined_from_source() -> None:
    src = "uint constant WAD = 1e18; uint x = 0x10; uint y = 5_000; uint z = 10 ** 6;"
    assert {10**18, 16, 5000, 10**6} <= set(mine_literals(src))


def test_fast_encoding_matches_eth_abi() -> None:
    types = ("uint256", "int8", "address", "bool", "uint64")
    args = [2**255, -3, "0x" + "ab" * 20, True, 7]
    assert encode_args(types, args) == encode(list(types), args)
    assert encode_args(("uint256[]",), [[1, 2]]) == encode(["uint256[]"], [[1, 2]])


@given(
    a=st.lists(st.integers(0, 2**256 - 1), max_size=4),
    b=st.integers(-(2**127), 2**127 - 1),
    c=st.lists(st.booleans(), max_size=3),
)
def test_fast_encoding_of_arrays_matches_eth_abi(a: list[int], b: int, c: list[bool]) -> None:
    types = ("uint256[]", "int128", "bool[]", "address")
    args = [a, b, c, "0x" + "cd" * 20]
    assert encode_args(types, args) == encode(list(types), args)


def test_split_tuple_respects_nesting() -> None:
    assert split_tuple("(uint256,(address,bool)[],bytes32)") == [
        "uint256",
        "(address,bool)[]",
        "bytes32",
    ]
    assert split_tuple("()") == []


def _mapping(name: str, slot: int) -> StateVariable:
    t = MappingType(ElementaryType("uint256"), ElementaryType("uint256"))
    return StateVariable(name, t, "C", slot, 0)


def test_integer_keys_are_kept_only_when_a_mapping_holds_them() -> None:
    words = {storage.mapping_slot(3, 42, ElementaryType("uint256")): 9}
    tracker = KeyTracker(key_layout([_mapping("m", 3)]))
    for v in (42, 10**18, 7):
        tracker.add_integer(v)
    tracker.add_address(0xAB)
    tracker.settle(lambda slot: words.get(slot, 0))
    assert tracker.keys(UINT256) == [42]
    assert tracker.keys(ADDRESS) == [0xAB]
    assert tracker.keys(sint(8)) == [42]


def test_storage_counters_become_candidate_ids() -> None:
    counter = StateVariable("nextId", ElementaryType("uint256"), "C", 0, 0)
    words = {0: 3, storage.mapping_slot(1, 2, ElementaryType("uint256")): 1}
    tracker = KeyTracker(key_layout([counter, _mapping("deals", 1)]))
    tracker.settle(lambda slot: words.get(slot, 0))
    assert tracker.keys(UINT256) == [2]  # nextId - 1 holds an entry, nextId does not yet


@pytest.mark.parametrize(
    ("text", "expected"),
    [("60s", (60.0, None)), ("2m", (120.0, None)), ("5000", (None, 5000)), ("10calls", (None, 10))],
)
def test_budgets(text: str, expected: tuple[float | None, int | None]) -> None:
    assert parse_budget(text) == expected


def test_bad_budget_is_a_user_error() -> None:
    with pytest.raises(UserError, match="budget"):
        parse_budget("soon")


def _call(name: str, *args: int, t: int = 0) -> Call:
    return Call("C", f"{name}(uint256)", tuple(args), timestamp=t)


def test_shrink_keeps_only_the_calls_that_matter_and_simplifies_them() -> None:
    def fails(calls: Sequence[Call]) -> int | None:
        seen_a = False
        for i, c in enumerate(calls):
            seen_a = seen_a or c.function.startswith("a(")
            if seen_a and c.function.startswith("b(") and int(c.args[0]) > 100:  # type: ignore[arg-type]
                return i
        return None

    noise = [_call("n", k, t=k) for k in range(20)]
    calls = [*noise[:5], _call("a", 9, t=50), *noise[5:], _call("b", 10**9, t=90), *noise]
    out = shrink(calls, fails, time.monotonic() + 5)
    assert [c.function for c in out] == ["a(uint256)", "b(uint256)"]
    assert out[0].args == (0,)
    assert out[1].args == (101,)
    assert out[1].timestamp == out[0].timestamp  # the time warp was not needed


def test_shrink_returns_the_input_when_it_does_not_fail() -> None:
    calls = [_call("x", 1)]
    assert shrink(calls, lambda _: None, time.monotonic() + 1) == tuple(calls)


def test_learnt_addresses_are_drawn_for_their_parameter() -> None:
    pool = Pool(addresses=["0x" + "11" * 20])
    token = "0x" + "77" * 20
    pool.learn("token", token)
    pool.learn("token", token)
    assert pool.by_name == {"token": [token]}
    drawn = []
    for b in range(256):
        src = ByteSource(bytes([b]))
        src.hint = pool.by_name["token"]
        drawn.append(draw_value("address", src, pool))
    assert drawn.count(token) >= 128  # half the byte range goes to the learnt values


def test_integer_keys_of_nested_mappings_are_probed_under_tracked_addresses() -> None:
    u256, addr = ElementaryType("uint256"), ElementaryType("address")
    inner = MappingType(addr, MappingType(u256, u256))  # balance[user][assetIndex]
    outer = MappingType(u256, MappingType(addr, u256))  # written[seriesId][writer]
    user = 0xBEEF
    words = {
        storage.mapping_slot(storage.mapping_slot(4, user, addr), 7, u256): 1,
        storage.mapping_slot(storage.mapping_slot(5, 9, u256), user, addr): 1,
    }
    tracker = KeyTracker(
        key_layout([StateVariable("b", inner, "C", 4, 0), StateVariable("w", outer, "C", 5, 0)])
    )
    tracker.add_address(user)
    for v in (7, 9, 8, 10**18):
        tracker.add_integer(v)
    tracker.settle(lambda slot: words.get(slot, 0))
    assert sorted(tracker.keys(UINT256)) == [7, 9]


def test_halts_keep_their_reason_so_legacy_asserts_are_recognised() -> None:
    from solvency.analyzers.fuzz.chain import decode_failure

    result = decode_failure("Halt { reason: InvalidFEOpcode, gas_used: 30000000 }")
    assert not result.success and result.reason == "Halt(InvalidFEOpcode)"
    assert (
        decode_failure("Halt { reason: OutOfGas(Basic), gas_used: 1 }").reason == "Halt(OutOfGas)"
    )
