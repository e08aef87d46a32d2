"""Every corpus file compiles, Slither (solvency lint's static pass) analyses it, every variant
deploys on revm from its recipe. Real solc-js, Slither and pyrevm.

Speed: one solc run per (family, compiler era) plus one for corpora/common, shared by the whole
module and kept in the user's compile cache, so a second run starts no compiler at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus_deploy import COMMON, Builder, deploy_variant, era_options
from benchmarks.groundtruth import Family, Variant, families
from solvency.analyzers.fuzz.chain import Chain
from solvency.analyzers.fuzz.deploy import coerce
from solvency.analyzers.fuzz.recipe import Recipe, load_recipe
from solvency.analyzers.lint import lint_targets
from solvency.build import BuildOptions

FAMILIES = families()
ERAS = [(f, style) for f in FAMILIES for style in sorted({v.style for v in f.variants})]
VARIANTS = [(f, v) for f in FAMILIES for v in f.variants]
SOLC = {"0.8": "0.8.19", "0.7": "0.7.6", "0.6": "0.6.12"}


@pytest.fixture(scope="module")
def options(solcjs_cache: Path) -> BuildOptions:
    return BuildOptions(cache_dir=solcjs_cache)


@pytest.fixture(scope="module")
def builder(options: BuildOptions) -> Builder:
    return Builder(options)


@pytest.mark.parametrize(("family", "style"), ERAS, ids=[f"{f.name}-{s}" for f, s in ERAS])
def test_family_era_compiles_and_lints_without_errors(
    builder: Builder, options: BuildOptions, family: Family, style: str
) -> None:
    project = builder.era(family, style)
    assert project.solc_version == SOLC[style]
    variants = [v for v in family.variants if v.style == style]
    units = {c.source_unit for c in project.contracts if c.name == family.contract and c.deployable}
    assert units == {v.file.resolve().relative_to(project.root).as_posix() for v in variants}

    report = lint_targets([family.folder], era_options(family, style, options))
    assert report.errors == ()
    assert report.stats.compile_cache_hit, "the lint reused the build above"
    assert report.stats.contracts >= len(variants)
    # Slither built its IR for every variant file and the detectors ran over each of them.
    flagged = {loc.file.rsplit("/", 1)[-1] for f in report.findings for loc in f.locations}
    assert {v.file.name for v in variants} <= flagged


def test_common_helpers_compile_and_lint(builder: Builder, options: BuildOptions) -> None:
    names = {c.name for c in builder.common().contracts if c.deployable}
    expected = {"ERC20Mock", "FeeOnTransferToken", "HookToken", "FalseReturnToken"}
    assert expected | {"PriceOracle", "ChainlinkAggregatorMock", "ReentrantReceiver"} <= names
    opts = BuildOptions(cache_dir=options.cache_dir, solc_version=builder.common().solc_version)
    report = lint_targets([COMMON], opts)
    assert report.errors == ()
    assert report.stats.files == len(list(COMMON.glob("*.sol")))


@pytest.mark.parametrize(("family", "variant"), VARIANTS, ids=[v.key for _, v in VARIANTS])
def test_variant_deploys_from_its_recipe(
    builder: Builder, family: Family, variant: Variant
) -> None:
    deployment = deploy_variant(family, variant, builder)
    chain = deployment.chain
    artifact = builder.variant_project(family, variant).contract(family.contract)
    code = chain.evm.basic(deployment.target).code
    # The deployed code is this variant's: its CBOR trailer carries the hash of the metadata,
    # which covers the source file (revm pads the code, and immutables are patched in).
    runtime = bytes.fromhex(artifact.runtime_bytecode)
    trailer = runtime[-int.from_bytes(runtime[-2:], "big") - 2 :]
    assert code is not None and len(code) >= len(runtime) > 0
    assert trailer in bytes(code)
    recipe = load_recipe(family.recipe)
    assert len(deployment.actors) == recipe.actor_count
    assert all(chain.balance(a) > 0 for a in deployment.actors)
    _environment_moves_run(chain, deployment.addresses, recipe, builder)


def _environment_moves_run(
    chain: Chain, addresses: dict[str, str], recipe: Recipe, builder: Builder
) -> None:
    """Each declared world move exists and runs at both ends of its bounds."""
    helpers = {h.name: builder.helper(h.file, h.contract) for h in recipe.helpers}
    for move in recipe.environment:
        name = move.to.removeprefix("@")
        assert name in helpers, f"environment move on {move.to}: not a helper"
        function = helpers[name].function(move.function)
        assert function is not None, f"{move.to} has no {move.function}"
        assert len(function.inputs) == len(move.bounds)
        sender = addresses[move.sender.removeprefix("@")]
        for end in (0, 1):
            args = [
                coerce(p, b[end], addresses)
                for p, b in zip(function.inputs, move.bounds, strict=True)
            ]
            result = chain.call(sender, addresses[name], function, args)
            assert result.success, f"{move.function}{tuple(args)}: {result.reason}"
