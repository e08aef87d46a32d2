"""Deploy a target (and its helpers) on a Chain following a Recipe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solvency.analyzers.fuzz.chain import Chain, DeployError, address_of
from solvency.analyzers.fuzz.recipe import CallSpec, RawValue, Recipe, parse_int
from solvency.build.artifacts import AbiEntry, AbiParam, CompiledContract
from solvency.build.project import CompiledProject
from solvency.core.errors import UserError

# Finds a helper contract: (file, contract name) → its artifact (compiling the file if needed).
ArtifactLookup = Callable[[Path, str], CompiledContract]


@dataclass(frozen=True, slots=True)
class Deployment:
    chain: Chain = field(compare=False)
    target: str  # address
    target_name: str
    addresses: dict[str, str]  # reference name (without @) → address
    actors: tuple[str, ...]
    deployer: str


def deploy(
    project: CompiledProject,
    contract: str,
    recipe: Recipe,
    lookup: ArtifactLookup,
    chain: Chain | None = None,
) -> Deployment:
    """Deploy helpers, the target and run the setup calls; actors get ETH first."""
    chain = chain or Chain()
    deployer = address_of(0)
    actors = tuple(address_of(i + 1) for i in range(recipe.actor_count))
    for who in (deployer, *actors):
        chain.fund(who, recipe.actor_eth + recipe.target_value)
    refs: dict[str, str] = {"deployer": deployer}
    refs.update({f"actor{i}": a for i, a in enumerate(actors)})
    for helper in recipe.helpers:
        artifact = lookup(helper.file, helper.contract)
        refs[helper.name] = _deploy_one(
            chain, deployer, artifact=artifact, raw_args=helper.args, value=helper.value, refs=refs
        )
    target_artifact = project.contract(contract)
    refs["target"] = _deploy_one(
        chain,
        deployer,
        artifact=target_artifact,
        raw_args=recipe.target_args,
        value=recipe.target_value,
        refs=refs,
    )
    artifacts = {h.name: lookup(h.file, h.contract) for h in recipe.helpers}
    artifacts["target"] = target_artifact
    for step in recipe.setup:
        for actor in actors if step.for_each_actor else (None,):
            _run_setup(chain, step, actor, refs, artifacts)
    return Deployment(chain, refs["target"], contract, refs, actors, deployer)


def _deploy_one(
    chain: Chain,
    sender: str,
    *,
    artifact: CompiledContract,
    raw_args: tuple[RawValue, ...],
    value: int,
    refs: dict[str, str],
) -> str:
    if not artifact.deployable or artifact.needs_linking:
        raise UserError(
            f"{artifact.name} cannot be deployed as is (abstract, interface or needs library "
            "linking)",
            hint="deploy a concrete contract, or link its libraries first",
        )
    constructor = next((e for e in artifact.abi if e.kind == "constructor"), None)
    params = constructor.inputs if constructor else ()
    if len(params) != len(raw_args):
        raise UserError(
            f"{artifact.name}'s constructor takes {len(params)} arguments, the recipe gives "
            f"{len(raw_args)}",
            hint="constructor(" + ", ".join(f"{p.type} {p.name}" for p in params) + ")",
        )
    args = [coerce(p, a, refs) for p, a in zip(params, raw_args, strict=True)]
    try:
        return chain.deploy(sender, artifact.creation_bytecode, constructor, args, value)
    except DeployError as exc:
        raise UserError(f"deploying {artifact.name} reverted: {exc}") from None


def _run_setup(
    chain: Chain,
    step: CallSpec,
    actor: str | None,
    refs: dict[str, str],
    artifacts: dict[str, CompiledContract],
) -> None:
    scoped = dict(refs)
    if actor is not None:
        scoped["actor"] = actor
    name = step.to.removeprefix("@")
    artifact = artifacts.get(name)
    function = artifact.function(step.function) if artifact else None
    if function is None:
        raise UserError(f"setup call {step.function} on {step.to}: no such function")
    args = [coerce(p, a, scoped) for p, a in zip(function.inputs, step.args, strict=True)]
    sender = resolve_ref(step.sender, scoped)
    result = chain.call(sender, resolve_ref(step.to, scoped), function, args, step.value)
    if not result.success:
        raise UserError(f"setup call {step.to}.{step.function} reverted: {result.reason}")


def resolve_ref(text: str, refs: dict[str, str]) -> str:
    if text.startswith("@"):
        key = text[1:]
        if key not in refs:
            raise UserError(
                f"unknown reference {text}", hint="known: " + ", ".join("@" + k for k in refs)
            )
        return refs[key]
    return text


def coerce(param: AbiParam, raw: RawValue, refs: dict[str, str]) -> Any:
    """A recipe value as the Python value eth_abi expects for `param`'s type."""
    kind = param.type
    if kind.endswith("]"):
        element = AbiParam(
            param.name, kind[: kind.rindex("[")], param.internal_type, param.components
        )
        return [coerce(element, item, refs) for item in raw]
    if kind == "tuple":
        return tuple(coerce(c, item, refs) for c, item in zip(param.components, raw, strict=True))
    if kind == "address":
        return resolve_ref(str(raw), refs) if isinstance(raw, str) else raw
    if kind.startswith(("uint", "int")):
        if isinstance(raw, str) and raw.startswith("@"):
            return int(resolve_ref(raw, refs), 16)
        return parse_int(raw)
    if kind == "bool":
        return bool(raw)
    if kind.startswith("bytes"):
        return bytes.fromhex(str(raw).removeprefix("0x"))
    return raw


def abi_function(artifact: CompiledContract, signature: str) -> AbiEntry:
    entry = artifact.function(signature)
    if entry is None:
        raise UserError(f"{artifact.name} has no function {signature}")
    return entry
