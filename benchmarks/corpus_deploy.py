"""Compile and deploy corpus variants on revm from their recipes (used by tests and benchmarks)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.groundtruth import Family, Variant
from solvency.analyzers.fuzz.deploy import Deployment, deploy
from solvency.analyzers.fuzz.recipe import default_recipe, load_recipe
from solvency.build import BuildOptions, CompiledContract, CompiledProject, compile_target


class Builder:
    """Compiles each file once per process (the compile cache makes reruns cheap too)."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self._projects: dict[Path, CompiledProject] = {}

    def project(self, path: Path) -> CompiledProject:
        path = path.resolve()
        if path not in self._projects:
            self._projects[path] = compile_target(path, self.options)
        return self._projects[path]

    def artifact(self, path: Path, name: str) -> CompiledContract:
        return self.project(path).contract(name)


def deploy_variant(family: Family, variant: Variant, builder: Builder) -> Deployment:
    project = builder.project(variant.file)

    def lookup(path: Path, name: str) -> CompiledContract:
        # Prefer the artifact from the variant's own build (same compiler as the target).
        found = [c for c in project.contracts if c.name == name and c.deployable]
        return found[0] if found else builder.artifact(path, name)

    recipe = (
        load_recipe(family.recipe) if family.recipe.is_file() else default_recipe(family.folder)
    )
    return deploy(project, family.contract, recipe, lookup)
