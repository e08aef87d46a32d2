"""Deployment recipes (`deploy.toml`, see corpora/DEPLOY_FORMAT.md) as typed values."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from solvency.core.errors import UserError
from solvency.core.location import Location

RawValue = Any  # as written in TOML: str, int, bool or a list of them; typed by the ABI later
# One end of an environment argument's range: a number, or a reference such as "@target" that
# pins an address argument (resolved against the deployment's addresses).
Bound = int | str

MAX_UINT256 = 2**256 - 1


@dataclass(frozen=True, slots=True)
class HelperSpec:
    name: str
    file: Path  # absolute
    contract: str
    args: tuple[RawValue, ...] = ()
    value: int = 0


@dataclass(frozen=True, slots=True)
class CallSpec:
    to: str  # a reference such as @token or @target
    function: str  # ABI signature
    args: tuple[RawValue, ...] = ()
    sender: str = "@deployer"
    value: int = 0
    for_each_actor: bool = False


@dataclass(frozen=True, slots=True)
class EnvironmentMove:
    to: str
    function: str
    sender: str
    bounds: tuple[tuple[Bound, Bound], ...]


@dataclass(frozen=True, slots=True)
class Recipe:
    source: Path
    helpers: tuple[HelperSpec, ...]
    target_args: tuple[RawValue, ...]
    target_value: int
    actor_count: int
    actor_eth: int
    setup: tuple[CallSpec, ...]
    environment: tuple[EnvironmentMove, ...]


def default_recipe(source: Path) -> Recipe:
    """No recipe: no constructor arguments, three actors with 100 ETH each."""
    return Recipe(source, (), (), 0, 3, 100 * 10**18, (), ())


def load_recipe(path: Path) -> Recipe:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise UserError(f"cannot read recipe {path}: {exc}") from None
    where = Location(str(path))
    try:
        target = data.get("target", {})
        actors = data.get("actors", {})
        return Recipe(
            source=path,
            helpers=tuple(
                HelperSpec(
                    name=h["name"],
                    file=(path.parent / h["file"]).resolve(),
                    contract=h["contract"],
                    args=tuple(h.get("args", ())),
                    value=parse_int(h.get("value", 0)),
                )
                for h in data.get("helper", [])
            ),
            target_args=tuple(target.get("args", ())),
            target_value=parse_int(target.get("value", 0)),
            actor_count=int(actors.get("count", 3)),
            actor_eth=parse_int(actors.get("eth", "100e18")),
            setup=tuple(_call(s) for s in data.get("setup", [])),
            environment=tuple(
                EnvironmentMove(
                    to=e["to"],
                    function=e["function"],
                    sender=e.get("sender", "@deployer"),
                    bounds=tuple((_bound(lo), _bound(hi)) for lo, hi in e.get("bounds", [])),
                )
                for e in data.get("environment", [])
            ),
        )
    except KeyError as exc:
        raise UserError(
            f"recipe is missing the key {exc}",
            location=where,
            hint="see corpora/DEPLOY_FORMAT.md for the recipe format",
        ) from None
    except (TypeError, ValueError) as exc:
        raise UserError(f"malformed recipe: {exc}", location=where) from None


def _call(raw: dict[str, Any]) -> CallSpec:
    return CallSpec(
        to=raw["to"],
        function=raw["function"],
        args=tuple(raw.get("args", ())),
        sender=raw.get("sender", "@deployer"),
        value=parse_int(raw.get("value", 0)),
        for_each_actor=bool(raw.get("for_each_actor", False)),
    )


def _bound(raw: RawValue) -> Bound:
    if isinstance(raw, str) and raw.startswith("@"):
        return raw
    return parse_int(raw)


def parse_int(raw: RawValue) -> int:
    """`123`, `"1e24"`, `"100e18"`, `"0x1f"`, `"max"` → int (exactly; no float rounding)."""
    if isinstance(raw, bool):
        raise ValueError(f"expected a number, got {raw!r}")
    if isinstance(raw, int):
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"expected a number, got {raw!r}")
    text = raw.strip().replace("_", "")
    if text == "max":
        return MAX_UINT256
    if text.lower().startswith(("0x", "-0x")):
        return int(text, 16)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {raw!r}") from None
    if number != number.to_integral_value():
        raise ValueError(f"not a whole number: {raw!r}")
    return int(number)
