"""Pure pieces of call generation: batches that repeat one lot, one-amount calls, parameter
names matched by their last word, calldata word offsets, and 64-bit segment seeds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from solvency.analyzers.fuzz.shapes import head_offset, last_word, one_amount
from solvency.analyzers.fuzz.values import ByteSource, Pool, draw_value, segment_seeds
from solvency.build.artifacts import AbiEntry, AbiParam


def test_arrays_of_one_call_share_a_length_and_may_repeat_their_first_element() -> None:
    pool = Pool()
    # length byte 2 % 4 = 2, repeat byte 0 < 96: repeat; then the first element's bytes
    src = ByteSource(bytes([2, 0, 1, 7]))
    ids = draw_value("uint256[]", src, pool)
    amounts = draw_value("uint256[]", src, pool)
    assert ids == [7, 7]
    assert len(amounts) == 2 and amounts[0] == amounts[1]
    # repeat byte 200 >= 96: elements drawn one by one
    src = ByteSource(bytes([3, 200, 1, 7, 1, 9, 1, 11]))
    assert draw_value("uint256[]", src, pool) == [7, 9, 11]


def test_an_empty_batch_draws_no_element() -> None:
    src = ByteSource(bytes([4, 0]))
    assert draw_value("address[]", src, Pool()) == []


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("seizedAssets", "assets"),
        ("repaidShares", "shares"),
        ("close_size", "size"),
        ("maxLTV", "ltv"),
        ("amount", ""),
        ("amount_", ""),
    ],
)
def test_last_word_of_a_parameter_name(name: str, word: str) -> None:
    assert last_word(name) == word


@pytest.mark.parametrize(
    ("types", "index", "offset"),
    [
        (("address", "uint256", "uint256"), 2, 4 + 64),
        (("uint256[]", "bytes", "uint256"), 2, 4 + 64),  # dynamic: one head word each
        (("uint256[2]", "uint256"), 1, None),  # a fixed array is inline
        (("(uint256,bool)", "uint256"), 1, None),  # so is a static tuple
    ],
)
def test_head_offset(types: tuple[str, ...], index: int, offset: int | None) -> None:
    assert head_offset(types, index) == offset


def _entry(*params: tuple[str, str]) -> AbiEntry:
    inputs = tuple(AbiParam(n, t) for n, t in params)
    return AbiEntry("function", "f", inputs, (), "nonpayable")


def test_one_amount_keeps_exactly_one_nonzero_amount() -> None:
    entry = _entry(("borrower", "address"), ("seizedAssets", "uint256"), ("repaid", "uint256"))
    args = ["0x" + "11" * 20, 5, 6]
    one_amount(entry, args, ByteSource(bytes([10, 1])))  # 10 < 64: zero all but amounts[1]
    assert args[1:] == [0, 6]
    args = ["0x" + "11" * 20, 5, 6]
    one_amount(entry, args, ByteSource(bytes([200])))  # otherwise unchanged
    assert args[1:] == [5, 6]
    ids = _entry(("id", "uint256"), ("amount", "uint256"))  # an id is no amount
    args2 = [3, 4]
    one_amount(ids, args2, ByteSource(bytes([0, 0])))
    assert args2 == [3, 4]


@settings(max_examples=50, database=None, derandomize=True)
@given(segment_seeds())
def test_segment_seeds_are_64_bit(seed: int) -> None:
    assert 0 <= seed < 1 << 64
