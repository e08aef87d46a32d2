"""Compile and deploy corpus variants on revm from their recipes (used by tests and benchmarks).

A family folder holds its variants in one or two compiler eras (0.8 plus 0.6 or 0.7), so it is
compiled once per era: the folder is the target and the other era's files are excluded. All
variants define a contract of the same name; each one is told apart by its source unit.
Helper contracts (corpora/common) are compiled together, once, with the 0.8 compiler.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from benchmarks.groundtruth import CORPORA, Family, Variant
from solvency.analyzers.fuzz.deploy import Deployment, deploy
from solvency.analyzers.fuzz.recipe import default_recipe, load_recipe
from solvency.build import BuildOptions, CompiledContract, CompiledProject, compile_target
from solvency.core.errors import UserError

COMMON = CORPORA / "common"
HELPER_SOLC = "0.8.19"  # the helpers accept >=0.6.12 <0.9.0; pin the corpus' 0.8 release


def era_files(family: Family, style: str) -> list[Path]:
    return [v.file for v in family.variants if v.style == style]


def era_options(family: Family, style: str, base: BuildOptions) -> BuildOptions:
    """Options that compile the family folder restricted to one compiler era."""
    keep = {p.name for p in era_files(family, style)}
    others = tuple(sorted(p.name for p in family.folder.glob("*.sol") if p.name not in keep))
    return dataclasses.replace(base, exclude=base.exclude + others)


class Builder:
    """One solc run per (family, era) and one for the helpers; compiled projects are reused."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self._eras: dict[tuple[str, str], CompiledProject] = {}
        self._common: CompiledProject | None = None

    def era(self, family: Family, style: str) -> CompiledProject:
        key = (family.name, style)
        if key not in self._eras:
            self._eras[key] = compile_target(
                family.folder, era_options(family, style, self.options)
            )
        return self._eras[key]

    def variant_project(self, family: Family, variant: Variant) -> CompiledProject:
        """The era's project with only this variant's copy of the family contract."""
        project = self.era(family, variant.style)
        unit = variant.file.resolve().relative_to(project.root).as_posix()
        kept = tuple(
            c for c in project.contracts if c.name != family.contract or c.source_unit == unit
        )
        if not any(c.name == family.contract for c in kept):
            raise UserError(f"{variant.file.name} defines no contract {family.contract}")
        return dataclasses.replace(project, target=variant.file.resolve(), contracts=kept)

    def common(self) -> CompiledProject:
        if self._common is None:
            options = dataclasses.replace(self.options, solc_version=HELPER_SOLC)
            self._common = compile_target(COMMON, options)
        return self._common

    def helper(self, path: Path, name: str) -> CompiledContract:
        if path.resolve().parent == COMMON.resolve():
            return self.common().contract(name)
        return compile_target(path, self.options).contract(name)


def deploy_variant(family: Family, variant: Variant, builder: Builder) -> Deployment:
    """Helpers, then the variant's contract, then the recipe's setup calls, on a fresh chain."""
    project = builder.variant_project(family, variant)
    recipe = (
        load_recipe(family.recipe) if family.recipe.is_file() else default_recipe(family.folder)
    )
    return deploy(project, family.contract, recipe, builder.helper)
