"""Lossless conversion between the core dataclasses and JSON-compatible values.

One generic walker over dataclass fields and their type hints, so the JSON report and its
round trip can never drift from the types.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

T = TypeVar("T")

JSON = Any  # values produced by json.loads / accepted by json.dumps


def to_jsonable(value: object) -> JSON:
    """Dataclasses become objects, enums their values, tuples lists, bytes 0x-hex strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return {"bytes": "0x" + value.hex()}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        # Keep uint256 exact for JSON readers that parse numbers as doubles.
        return {"int": str(value)}
    return value


def from_jsonable(cls: type[T], data: JSON) -> T:
    """Inverse of `to_jsonable` for a dataclass type `cls`."""
    return typing.cast(T, _decode(cls, data))


def _decode(tp: Any, data: JSON) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _decode_union(get_args(tp), data)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], d) for d in data)
        return tuple(_decode(a, d) for a, d in zip(args, data, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = get_type_hints(tp)
        kwargs = {
            f.name: _decode(hints[f.name], data[f.name])
            for f in dataclasses.fields(tp)
            if f.name in data
        }
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    return _decode_scalar(data)


def _decode_union(options: tuple[Any, ...], data: JSON) -> Any:
    if data is None and type(None) in options:
        return None
    for option in options:
        if option is type(None):
            continue
        try:
            return _decode(option, data)
        except (TypeError, ValueError, KeyError):
            continue
    raise ValueError(f"cannot decode {data!r} as any of {options}")


def _decode_scalar(data: JSON) -> Any:
    if isinstance(data, dict) and set(data) == {"bytes"}:
        return bytes.fromhex(data["bytes"][2:])
    if isinstance(data, dict) and set(data) == {"int"}:
        return int(data["int"])
    if isinstance(data, list):
        return tuple(_decode_scalar(d) for d in data)
    return data
