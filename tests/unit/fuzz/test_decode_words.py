"""`decode_words` (the hand-written path for call results) against eth_abi: the same values,
and the same error where eth_abi refuses the bytes (dirty padding, a bool that is not 0/1,
too short or too long an output)."""

from __future__ import annotations

from typing import Any

from eth_abi.abi import decode as abi_decode
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvency.analyzers.fuzz.chain import decode_words

TYPES = ("uint256", "uint8", "uint128", "bool", "address", "int256", "bytes32")
WORDS = st.one_of(
    st.integers(0, 2**256 - 1),
    st.sampled_from([0, 1, 2, 255, 256, 2**128 - 1, 2**128, 2**160, 2**255, 2**256 - 1]),
)


def _outcome(decode: Any, types: list[str], output: bytes) -> tuple[str, Any]:
    try:
        return "ok", decode(types, output)
    except Exception as exc:  # the exception type is what is compared
        return "error", type(exc)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(TYPES), WORDS), min_size=0, max_size=4),
    st.sampled_from([0, 0, 0, -1, 1, 32]),
)
@example([("uint8", 256)], 0)
@example([("bool", 2)], 0)
@example([("uint256", 5)], -1)
def test_decode_words_matches_eth_abi(pairs: list[tuple[str, int]], extra: int) -> None:
    types = [t for t, _ in pairs]
    output = b"".join(w.to_bytes(32, "big") for _, w in pairs)
    output = output[:extra] if extra < 0 else output + bytes(extra)
    ours = _outcome(decode_words, types, output)
    theirs = _outcome(lambda t, o: tuple(abi_decode(t, o)), types, output)
    assert ours == theirs
    if ours[0] == "ok":
        assert [type(v) for v in ours[1]] == [type(v) for v in theirs[1]]
