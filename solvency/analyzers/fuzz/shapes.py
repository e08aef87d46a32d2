"""What parameter names and ABI shapes tell the call generator: ids, amounts, roles, and
the conversions between drawn values, `Call` arguments and what eth_abi encodes.

Pure functions of names, types and values; `world.World` uses them to draw and run calls.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from solvency.analyzers.fuzz.chain import CallResult
from solvency.analyzers.fuzz.keys import split_tuple
from solvency.analyzers.fuzz.values import ByteSource
from solvency.build.artifacts import AbiEntry
from solvency.core.counterexample import AbiValue, Call

_ID_WORDS = ("id", "index", "idx", "series", "market", "auction", "pos", "slot", "round")


def one_amount(entry: AbiEntry, args: list[Any], src: ByteSource) -> None:
    """A quarter of the time, all amounts of a call but one are zero: `(assets, shares)`,
    `(seizedAssets, repaidShares)` take exactly one nonzero input."""
    amounts = [
        i
        for i, p in enumerate(entry.inputs)
        if p.type.startswith("uint") and not p.type.endswith("]") and not is_id(p.name)
    ]
    if len(amounts) < 2 or src.byte() >= 64:
        return
    keep = amounts[src.byte() % len(amounts)]
    for i in amounts:
        if i != keep:
            args[i] = 0


@lru_cache(maxsize=1024)
@lru_cache(maxsize=1024)
def last_word(name: str) -> str:
    """`seizedAssets` → `assets`, `close_size` → `size`: a value the setup passed as
    `assets` suits `seizedAssets` too (the whole collateral deposited)."""
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    return words[-1].lower() if len(words) > 1 else ""


@lru_cache(maxsize=1024)
def is_id(name: str) -> bool:
    """`id`, `dealId`, `seriesId`, `index`, `marketIdx` (and plurals: `ids`, `indices`): a
    parameter naming an entry."""
    singular = name[:-4] + "ex" if name.endswith("ices") else name.removesuffix("s")
    return _id_word(name) or _id_word(singular)


def _id_word(name: str) -> bool:
    low = name.lower().strip("_")
    return low in _ID_WORDS or any(
        name.endswith(w.capitalize()) or name.endswith("_" + w) for w in _ID_WORDS
    )


_ROLE_WORDS = re.compile(
    r"owner|admin|auth|only|role|permission|governance|forbidden|access|not allowed", re.I
)


def refused(result: CallResult) -> bool:
    """A revert for want of a role (`onlyOwner`, `Ownable: caller is not the owner`, an
    `Unauthorized()` error), not for the arguments or the state."""
    if result.success:
        return False
    return bool(_ROLE_WORDS.search(result.reason)) or result.reason == "revert"


def zero(abi_type: str) -> Any:
    """The zero value of an ABI type, as eth_abi encodes it."""
    if abi_type.endswith("]"):
        size = abi_type[abi_type.rindex("[") + 1 : -1]
        inner = abi_type[: abi_type.rindex("[")]
        return [zero(inner) for _ in range(int(size or 0))]
    if abi_type.startswith("("):
        return tuple(zero(t) for t in split_tuple(abi_type))
    if abi_type == "address":
        return "0x" + "00" * 20
    if abi_type == "bool":
        return False
    if abi_type == "string":
        return ""
    if abi_type.startswith("bytes"):
        return b"" if abi_type == "bytes" else bytes(int(abi_type[5:]))
    return 0


def integers(values: Sequence[Any]) -> list[int]:
    out: list[int] = []
    for v in values:
        if isinstance(v, list | tuple):
            out.extend(integers(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            out.append(v)
    return out


def head_offset(types: tuple[str, ...], index: int) -> int | None:
    """Where argument `index`'s word starts in the calldata, when every argument up to it
    takes one head word (no static tuples or fixed-size arrays before or at it)."""
    for t in types[: index + 1]:
        if t.startswith("(") or (t.endswith("]") and not t.endswith("[]")):
            return None
    return 4 + 32 * index


def with_arg(call: Call, index: int, value: int) -> Call:
    args = list(call.args)
    args[index] = value
    return dataclasses.replace(call, args=tuple(args))


def frozen(value: Any) -> AbiValue:
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    result: AbiValue = value
    return result


def thawed(abi_type: str, value: Any) -> Any:
    """A Call argument as eth_abi wants it (arrays as lists, addresses as strings)."""
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [thawed(inner, v) for v in value]
    if abi_type.startswith("("):
        return tuple(thawed(t, v) for t, v in zip(split_tuple(abi_type), value, strict=True))
    if abi_type == "address" and isinstance(value, int):
        return f"0x{value:040x}"
    if abi_type.startswith("bytes") and isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x"))
    return value
