"""Results decoded by slicing words agree with eth_abi's strict decoder: the same values,
and no value (the slow path then words the error) exactly where eth_abi refuses the data."""

from __future__ import annotations

import pytest
from eth_abi.abi import decode as abi_decode
from hypothesis import given
from hypothesis import strategies as st

from solvency.analyzers.fuzz.state import _abi_result, static_results

TYPES = ["uint256", "uint8", "int256", "int16", "address", "bool", "bytes32", "bytes4"]
EDGES = [0, 1, 2, 255, 256, 2**160 - 1, 2**160, 2**255 - 1, 2**255, 2**256 - 1]
WORDS = st.one_of(
    st.sampled_from(EDGES),
    st.integers(0, 2**256 - 1),
    st.integers(0, 255).map(lambda b: b << 248),  # a bytes1 in its place, or a sign bit
    st.integers(-(2**15), 2**15 - 1).map(lambda v: v % 2**256),
)


def _eth_abi(outputs: tuple[str, ...], data: bytes) -> tuple[object, ...] | None:
    try:
        values = abi_decode(list(outputs), data)
    except Exception:
        return None
    return tuple(_abi_result(t, v) for t, v in zip(outputs, values, strict=True))


@pytest.mark.parametrize("abi_type", TYPES)
@given(word=WORDS, other=WORDS)
def test_static_results_match_eth_abi(abi_type: str, word: int, other: int) -> None:
    outputs = (abi_type, "uint256")
    data = word.to_bytes(32, "big") + other.to_bytes(32, "big")
    fast, slow = static_results(outputs, data), _eth_abi(outputs, data)
    assert fast == slow  # the same values, and None exactly where eth_abi refuses the data
    assert [type(v) for v in fast or ()] == [type(v) for v in slow or ()]


def test_short_data_and_other_types_defer() -> None:
    assert static_results(("uint256",), bytes(31)) is None
    assert static_results(("string",), bytes(96)) is None
    assert static_results(("uint256[]",), bytes(64)) is None
    assert static_results(("uint256", "address"), bytes(64)) == (0, 0)
