"""The deployed world a campaign plays in: what can be called, by whom, and how a chunk of
drawn bytes becomes one `Call`; executing a `Call` (drawn, shrunk or replayed) on the chain.

`World` puts together its parts, one concern per module: the action table (actions.py),
executing calls and their keys (executing.py), decoding drawn bytes (drawing.py), amount
probing on snapshots (probing.py), and what it learns between calls and rounds
(learning.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from solvency.analyzers.fuzz.actions import (
    CALL,
    Action,
    bare_entries,
    build_actions,
    seed_key,
    setup_users,
)
from solvency.analyzers.fuzz.chain import Chain, selector
from solvency.analyzers.fuzz.deploy import ArtifactLookup, Deployment, deploy
from solvency.analyzers.fuzz.drawing import Drawing
from solvency.analyzers.fuzz.keys import KeyTracker
from solvency.analyzers.fuzz.learning import Learning
from solvency.analyzers.fuzz.recipe import Recipe
from solvency.analyzers.fuzz.state import to_int_address
from solvency.analyzers.fuzz.values import Pool, mine_literals
from solvency.build.artifacts import AbiEntry, CompiledContract
from solvency.build.project import CompiledProject

__all__ = ["Action", "World", "build_world"]

_ASSERT_CALL = re.compile(r"\bassert\s*\(")


class World(Drawing, Learning):
    """A deployment plus its action table; `reset()` rewinds it to just after deployment."""

    def __init__(
        self,
        deployment: Deployment,
        artifacts: dict[str, CompiledContract],
        recipe: Recipe,
        source_literals: Sequence[int] = (),
        asserts: bool = True,
    ) -> None:
        self.deployment = deployment
        self.asserts = asserts  # False: the sources have no assert, so 0xfe is not one
        self.chain: Chain = deployment.chain
        self.target = deployment.target
        self.target_name = deployment.target_name
        self.artifact = artifacts["target"]
        self.senders = (*deployment.actors, deployment.deployer)
        self.actor_eth = recipe.actor_eth
        self.names = {deployment.target_name: deployment.target}
        self.names.update((k, v) for k, v in deployment.addresses.items() if k in artifacts)
        self.entries: dict[tuple[str, str], AbiEntry] = {}
        for name, art in artifacts.items():
            label = deployment.target_name if name == "target" else name
            self.entries.update(((label, e.signature), e) for e in art.abi if e.kind == "function")
        self._encodings: dict[tuple[str, str], tuple[bytes, tuple[str, ...]]] = {}
        self._io_types = {}
        self._bare = bare_entries(artifacts, deployment.target_name)  # receive / fallback
        self._by_selector = {
            selector(e.signature): e for e in self.artifact.abi if e.kind == "function"
        }
        self._learnt: list[tuple[str, str]] = []
        self.exploring = True  # False while shrinking: learn() keeps nothing for later rounds
        self.actions = build_actions(deployment, artifacts, recipe, self.names)
        self._admin: set[str] = set()  # target functions only the deployer got through
        # function → [actor calls, actor successes, deployer calls, deployer successes]
        self._outcomes: dict[str, list[int]] = {}
        self.table = self._table()
        self._targets = tuple(a for a in self.actions if a.kind == CALL) or self.actions
        self.pool = Pool()
        self.pool.addresses = [*self.senders, *deployment.addresses.values(), "0x" + "00" * 20]
        self.pool.add_integers(source_literals)
        now = self.chain.timestamp  # deadlines, expiries: shortly after the start
        self.pool.add_integers((now, now + 3_600, now + 86_400, now + 30 * 86_400))
        self.base_keys = KeyTracker()
        for address in deployment.addresses.values():
            self.base_keys.add_address(to_int_address(address))
        for step in recipe.setup:  # keys the setup wrote under (markets, ids)
            for raw in step.args:
                seed_key(self.base_keys, raw)
        self._learn_setup(recipe, artifacts["target"])
        self._env_last: dict[tuple[str, str], int] = {}  # sequence-local: the last price set
        self._base_time = (self.chain.timestamp, self.chain.block_number)
        self._owner = self._owner_only()
        self._initial_hints = {k: list(v) for k, v in self.pool.by_name.items()}
        self._setup_users = setup_users(recipe, deployment)  # positions from the start
        self.restart()
        self._base = self.chain.snapshot()

    def reset(self) -> None:
        """Back to the state right after deployment (and a fresh snapshot of it)."""
        self.pool.forget()
        self.pool.users.extend(self._setup_users)
        self._env_last.clear()
        self.chain.revert(self._base)
        self.chain.timestamp, self.chain.block_number = self._base_time
        self.chain.warp(0)
        self._base = self.chain.snapshot()


def build_world(
    project: CompiledProject, contract: str, recipe: Recipe, lookup: ArtifactLookup
) -> World:
    """Deploy per the recipe (a fresh chain) and wrap the result as a World."""
    deployment = deploy(project, contract, recipe, lookup)
    artifacts = {h.name: lookup(h.file, h.contract) for h in recipe.helpers}
    artifacts["target"] = project.contract(contract)
    source = project.source_text(artifacts["target"].source_unit) or ""
    files = project.sources.files if project.sources is not None else None
    asserts = files is None or any(_ASSERT_CALL.search(f.content) for f in files)
    return World(deployment, artifacts, recipe, mine_literals(source), asserts)
