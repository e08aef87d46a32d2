"""What a campaign can do in the deployed world: the action table.

Actions are the target's state-changing functions, the recipe's environment moves (oracle
prices within their bounds, sent by their owner) and donations (a raw token transfer to the
target). Helper contracts are not called otherwise: a mock token's public `burn` would
break any solvency property of a correct target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from solvency.analyzers.fuzz.deploy import Deployment, resolve_ref
from solvency.analyzers.fuzz.keys import KeyTracker
from solvency.analyzers.fuzz.recipe import Recipe, parse_int
from solvency.build.artifacts import AbiEntry, CompiledContract
from solvency.core.errors import UserError

CALL, ENVIRONMENT, DONATION = "call", "environment", "donation"
PROXY, ARM = "proxy", "arm"  # a helper that calls the target for an actor / re-enters it
EXECUTE = "execute(address,uint256,bytes)"  # corpora/common/ReentrantReceiver.sol's interface
ARMING = "arm(address,bytes,uint256)"
TARGET_WEIGHT = 4  # target functions come up this many times as often as the other actions


@dataclass(frozen=True, slots=True)
class Action:
    kind: str
    contract: str  # the name a Call carries: the target's contract name or a helper's name
    address: str
    entry: AbiEntry
    sender: str | None = None  # fixed sender (environment moves); None: an actor
    bounds: tuple[tuple[int, int], ...] = ()
    reference: int | None = None  # environment: the helper's starting value (a price)
    # The entry's signature and input types, spelled out once (AbiEntry builds them anew on
    # every access, and decoding a drawn call reads them several times).
    signature: str = field(init=False, compare=False, repr=False)
    types: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "signature", self.entry.signature)
        object.__setattr__(self, "types", tuple(p.canonical for p in self.entry.inputs))


def build_actions(
    deployment: Deployment,
    artifacts: dict[str, CompiledContract],
    recipe: Recipe,
    names: dict[str, str],
) -> tuple[Action, ...]:
    """The target's state-changing functions, the recipe's environment moves, donations of
    each helper token, and the proxy / re-entry entry points of helpers that have them."""
    target_name = deployment.target_name
    out = [
        Action(CALL, target_name, deployment.target, e)
        for e in artifacts["target"].abi
        if e.kind == "function" and e.state_mutability in ("nonpayable", "payable")
    ]
    refs = dict(deployment.addresses)
    for move in recipe.environment:
        art = artifacts.get(move.to.removeprefix("@"))
        entry = art.function(move.function) if art else None
        if art is None or entry is None:
            raise UserError(f"environment move {move.to}.{move.function}: no such function")
        label = move.to.removeprefix("@")
        address = resolve_ref(move.to, refs)
        sender = resolve_ref(move.sender, refs)
        bounds = tuple((_bound(lo, refs), _bound(hi, refs)) for lo, hi in move.bounds)
        reference = starting_reference(recipe, label, bounds)
        out.append(Action(ENVIRONMENT, label, address, entry, sender, bounds, reference))
    for name, art in artifacts.items():
        transfer = art.function("transfer(address,uint256)")
        if name != "target" and transfer is not None:
            out.append(Action(DONATION, name, names[name], transfer))
        for kind, signature in ((PROXY, EXECUTE), (ARM, ARMING)):
            entry = art.function(signature) if name != "target" else None
            if entry is not None:
                out.append(Action(kind, name, names[name], entry))
    if not out:
        raise UserError(f"{target_name} has no state-changing function to fuzz")
    return tuple(out)


def starting_reference(
    recipe: Recipe, helper: str, bounds: tuple[tuple[int, int], ...]
) -> int | None:
    """The largest constructor argument of `helper` inside the first bound (a feed's
    starting price; not its decimals): where its moves start from."""
    if not bounds:
        return None
    lo, hi = bounds[0]
    found: list[int] = []
    for h in recipe.helpers:
        if h.name != helper:
            continue
        for raw in h.args:
            try:
                value = parse_int(raw)
            except ValueError:
                continue
            if lo <= value <= hi and abs(value) >= 1_000:
                found.append(value)
    return max(found, key=abs) if found else None


def setup_users(recipe: Recipe, deployment: Deployment) -> list[str]:
    """Actors the setup called the target for (a deposit, a borrow): accounts with a
    position from the start, like the senders of a sequence's successful calls."""
    out: list[str] = []
    for step in recipe.setup:
        if step.to != "@target":
            continue
        if step.for_each_actor and step.sender == "@actor":
            senders = list(deployment.actors)
        else:
            senders = [resolve_ref(step.sender, dict(deployment.addresses))]
        for who in senders:
            if who in deployment.actors:
                if who in out:
                    out.remove(who)
                out.append(who)
    return out


def bare_entries(
    artifacts: dict[str, CompiledContract], target_name: str
) -> dict[str, dict[str, AbiEntry]]:
    """Per contract label: its `receive` and `fallback` ABI entries."""
    out: dict[str, dict[str, AbiEntry]] = {}
    for name, art in artifacts.items():
        label = target_name if name == "target" else name
        for e in art.abi:
            if e.kind in ("receive", "fallback"):
                out.setdefault(label, {})[e.kind] = e
    return out


def seed_key(keys: KeyTracker, raw: object) -> None:
    if isinstance(raw, list):
        for item in raw:
            seed_key(keys, item)
    elif isinstance(raw, int | str) and not isinstance(raw, bool):
        try:
            keys.add_integer(parse_int(raw))
        except ValueError:
            return


def _bound(raw: int | str, refs: dict[str, str]) -> int:
    return int(resolve_ref(raw, refs), 16) if isinstance(raw, str) else raw


def weight(action: Action) -> int:
    if action.kind in (CALL, PROXY, ARM):
        return TARGET_WEIGHT
    return 2 if action.kind == ENVIRONMENT else 1
