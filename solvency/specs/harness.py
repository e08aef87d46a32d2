"""The deployment recipe the fuzzer follows (corpora/DEPLOY_FORMAT.md), as frozen values.

A spec names it with `harness "deploy.toml";` or finds `deploy.toml` beside itself. Values
stay as written (`"@token"`, `"1e24"`, `"max"`): the fuzzer resolves them against the ABI,
which knows each argument's type; here we only check the shape and the references.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Arg = str | int | bool | float


class HarnessError(ValueError):
    """A malformed recipe; the message names the table and key."""


@dataclass(frozen=True, slots=True)
class Helper:
    name: str
    file: str
    contract: str
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class Target:
    args: tuple[Arg, ...]
    value: str


@dataclass(frozen=True, slots=True)
class Actors:
    count: int
    eth: str


@dataclass(frozen=True, slots=True)
class SetupCall:
    to: str
    function: str
    args: tuple[Arg, ...]
    sender: str
    for_each_actor: bool
    value: str


@dataclass(frozen=True, slots=True)
class EnvironmentCall:
    to: str
    function: str
    sender: str
    bounds: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Harness:
    path: Path
    helpers: tuple[Helper, ...]
    target: Target
    actors: Actors
    setup: tuple[SetupCall, ...]
    environment: tuple[EnvironmentCall, ...]


DEFAULT_ACTORS = Actors(3, "100e18")
_SIG = re.compile(r"[A-Za-z_$][\w$]*\([^()]*\)")


def load_harness(path: Path) -> Harness:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise HarnessError(str(exc)) from None
    helpers = tuple(_helper(h, i) for i, h in enumerate(_tables(data, "helper")))
    refs = {"deployer", "actor", "target", *(h.name for h in helpers)}
    t = data.get("target", {})
    if not isinstance(t, dict):
        raise HarnessError("[target] must be a table")
    target = Target(_args(t.get("args", []), "target.args", refs), str(t.get("value", "0")))
    a = data.get("actors", {})
    if not isinstance(a, dict) or not isinstance(a.get("count", 3), int) or a.get("count", 3) < 1:
        raise HarnessError("[actors] count must be a positive integer")
    actors = Actors(a.get("count", 3), str(a.get("eth", DEFAULT_ACTORS.eth)))
    setup = tuple(_setup(s, i, refs) for i, s in enumerate(_tables(data, "setup")))
    env = tuple(_env(e, i, refs) for i, e in enumerate(_tables(data, "environment")))
    return Harness(path, helpers, target, actors, setup, env)


def _tables(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    v = data.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        raise HarnessError(f"[[{key}]] must be an array of tables")
    return v


def _str(d: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    v = d.get(key, default)
    if not isinstance(v, str):
        raise HarnessError(f"{where}.{key} must be a string")
    return v


def _helper(h: dict[str, Any], i: int) -> Helper:
    where = f"helper[{i}]"
    return Helper(
        _str(h, "name", where),
        _str(h, "file", where),
        _str(h, "contract", where),
        _args(h.get("args", []), f"{where}.args", None),
    )


def _args(v: Any, where: str, refs: set[str] | None) -> tuple[Arg, ...]:
    if not isinstance(v, list):
        raise HarnessError(f"{where} must be a list")
    for x in v:
        if isinstance(x, str) and x.startswith("@") and refs is not None:
            _check_ref(x, where, refs)
        elif not isinstance(x, str | int | bool | float):
            raise HarnessError(f"{where}: unsupported value {x!r}")
    return tuple(v)


def _check_ref(x: str, where: str, refs: set[str]) -> None:
    name = x[1:]
    if name in refs or re.fullmatch(r"actor\d+", name):
        return
    raise HarnessError(f"{where}: unknown reference {x} (known: {', '.join(sorted(refs))})")


def _call_parts(d: dict[str, Any], where: str, refs: set[str]) -> tuple[str, str, str]:
    to = _str(d, "to", where)
    _check_ref(to, f"{where}.to", refs)
    fn = _str(d, "function", where)
    if not _SIG.fullmatch(fn):
        raise HarnessError(f"{where}.function must be a signature like `mint(address,uint256)`")
    sender = _str(d, "sender", where, "@deployer")
    _check_ref(sender, f"{where}.sender", refs)
    return to, fn, sender


def _setup(s: dict[str, Any], i: int, refs: set[str]) -> SetupCall:
    where = f"setup[{i}]"
    to, fn, sender = _call_parts(s, where, refs)
    return SetupCall(
        to,
        fn,
        _args(s.get("args", []), f"{where}.args", refs),
        sender,
        bool(s.get("for_each_actor", False)),
        str(s.get("value", "0")),
    )


def _env(e: dict[str, Any], i: int, refs: set[str]) -> EnvironmentCall:
    where = f"environment[{i}]"
    to, fn, sender = _call_parts(e, where, refs)
    bounds = e.get("bounds", [])
    if not isinstance(bounds, list) or not all(isinstance(b, list) and len(b) == 2 for b in bounds):
        raise HarnessError(f"{where}.bounds must be a list of [min, max] pairs")
    return EnvironmentCall(to, fn, sender, tuple((str(b[0]), str(b[1])) for b in bounds))
