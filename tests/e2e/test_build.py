"""Real compilers (native or solc-js), real crytic-compile, real Slither."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from solvency.build import BuildOptions, compile_target
from solvency.build import standard_json as sj
from solvency.core.errors import CompileError, UserError
from solvency.ir import load
from solvency.ir.types import ElementaryType, MappingType, StructType
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("path", "version", "contract", "slots"),
    [
        ("legacy/Vault0424.sol", "0.4.24", "Vault0424", {"balances": 0, "total": 1, "owner": 2}),
        ("legacy/Escrow0517.sol", "0.5.17", "Escrow0517", {"deposits": 0}),
        (
            "legacy/Pool0612.sol",
            "0.6.12",
            "Pool0612",
            {"shares": 0, "totalShares": 1, "totalAssets": 2},
        ),
        ("legacy/Margin076.sol", "0.7.6", "Margin076", {"margin": 0}),
        (
            "../../examples/escrow/CollateralEscrow.sol",
            "0.8.19",
            "CollateralEscrow",
            {"collateral": 0, "totalCollateral": 1, "arbiter": 2},
        ),
    ],
)
def test_every_compiler_era_compiles_and_slither_builds_its_ir(
    build_options: BuildOptions, path: str, version: str, contract: str, slots: dict[str, int]
) -> None:
    project = load(FIXTURES / path, build_options)
    assert project.compiled.solc_version == version
    artifact = project.compiled.contract(contract)
    assert artifact.runtime_bytecode and artifact.creation_bytecode
    assert artifact.source_map_runtime
    assert any(e.kind == "function" for e in artifact.abi)
    model = project.model.contract(contract)
    assert model is not None
    assert {v.name: v.slot for v in model.state_variables} == slots
    entry_points = {f.signature for f in model.entry_points()}
    assert entry_points, "Slither built no functions"
    withdraw = [f for f in model.functions if f.name in ("withdraw", "redeem", "pnl")]
    assert withdraw and all(f.nodes for f in withdraw)
    assert any(op.kind for f in withdraw for n in f.nodes for op in n.operations)


def test_storage_layout_from_solc_matches_slither(build_options: BuildOptions) -> None:
    project = load(FIXTURES / "multi", build_options)
    market = project.compiled.contract("Market")
    assert market.storage_layout is not None
    layout = {e.label: (e.slot, e.type_label) for e in market.storage_layout}
    assert layout["positions"][0] == 0
    assert layout["totalCollateral"] == (1, "uint256")
    model = project.model.contract("Market")
    assert model is not None
    positions = model.state_variable("positions")
    assert positions is not None
    assert isinstance(positions.type, MappingType)
    inner = positions.type.value
    assert isinstance(inner, MappingType) and isinstance(inner.value, StructType)
    assert [f.name for f in inner.value.fields] == ["collateral", "debt"]
    lltv = model.state_variable("LLTV")
    assert lltv is not None and lltv.constant and lltv.slot is None
    assert lltv.constant_value == 8 * 10**17
    assert model.state_variable("owner").immutable  # type: ignore[union-attr]
    assert isinstance(model.state_variable("totalCollateral").type, ElementaryType)  # type: ignore[union-attr]


def test_multi_file_project_with_relative_imports_and_remapping(
    build_options: BuildOptions,
) -> None:
    project = compile_target(FIXTURES / "multi", build_options)
    assert project.solc_version.startswith("0.8.")
    assert project.sources is not None
    units = {f.unit_name for f in project.sources.files}
    assert units == {
        "contracts/Market.sol",
        "contracts/Types.sol",
        "node_modules/@acme/lib/SafeTransfer.sol",
    }
    assert [str(r) for r in project.sources.remappings] == ["@acme/=node_modules/@acme/"]
    assert {c.name for c in project.contracts} == {"Market", "SafeTransfer"}


def test_remapping_given_on_the_command_line(build_options: BuildOptions, tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "multi", tmp_path / "proj")
    (tmp_path / "proj" / "remappings.txt").unlink()
    (tmp_path / "proj" / "package.json").write_text("{}")
    with pytest.raises(CompileError):
        compile_target(tmp_path / "proj", build_options)
    options = BuildOptions(
        cache_dir=build_options.cache_dir, remappings=("@acme/=node_modules/@acme/",)
    )
    assert compile_target(tmp_path / "proj", options).contract("Market").deployable


def test_compile_error_carries_solcs_message_with_file_and_line(
    build_options: BuildOptions,
) -> None:
    with pytest.raises(CompileError) as info:
        compile_target(FIXTURES / "broken" / "Broken.sol", build_options)
    rendered = info.value.render()
    assert "ParserError" in rendered
    assert "Broken.sol:9:5" in rendered


def test_second_compile_hits_the_cache_and_never_starts_solc(build_options: BuildOptions) -> None:
    target = FIXTURES / "legacy" / "Pool0612.sol"
    before = sj.invocations
    first = compile_target(target, build_options)
    assert sj.invocations == before + 1 and not first.cache_hit
    second = compile_target(target, build_options)
    assert sj.invocations == before + 1, "the cache hit started the compiler"
    assert second.cache_hit
    assert second.contracts == first.contracts
    # ... and a cached build still gives Slither everything it needs
    assert load(target, build_options).model.contract("Pool0612") is not None
    assert sj.invocations == before + 1


def test_cache_key_changes_with_content_version_and_settings(
    build_options: BuildOptions, tmp_path: Path
) -> None:
    source = tmp_path / "C.sol"
    source.write_text("pragma solidity 0.6.12;\ncontract C { uint256 public x; }\n")
    before = sj.invocations
    compile_target(source, build_options)
    source.write_text("pragma solidity 0.6.12;\ncontract C { uint256 public y; }\n")
    edited = compile_target(source, build_options)
    assert sj.invocations == before + 2
    assert edited.contract("C").function("y") is not None
    from solvency.build import CompilerSettings

    optimized = BuildOptions(
        cache_dir=build_options.cache_dir, settings=CompilerSettings(optimize=True)
    )
    compile_target(source, optimized)
    assert sj.invocations == before + 3


def test_solc_version_override_and_unknown_version(
    build_options: BuildOptions, tmp_path: Path
) -> None:
    source = tmp_path / "C.sol"
    source.write_text("pragma solidity >=0.6.0 <0.9.0;\ncontract C {}\n")
    options = BuildOptions(cache_dir=build_options.cache_dir, solc_version="0.6.12")
    assert compile_target(source, options).solc_version == "0.6.12"
    source.write_text("pragma solidity ^0.9.0;\ncontract C {}\n")
    with pytest.raises(UserError, match="no solc release satisfies"):
        compile_target(source, build_options)


def test_explicit_solc_path(build_options: BuildOptions, solcjs_cache: Path) -> None:
    # The solc-js launcher Solvency writes behaves like a native binary: use it as --solc.
    compile_target(FIXTURES / "legacy" / "Pool0612.sol", build_options)
    launcher = solcjs_cache / "solcjs" / "bin" / "solc-0.6.12"
    assert launcher.is_file()
    options = BuildOptions(cache_dir=build_options.cache_dir, solc=launcher)
    project = compile_target(FIXTURES / "legacy" / "Pool0612.sol", options)
    assert project.solc_version == "0.6.12" and project.compiler.startswith("solc 0.6.12 (explicit")
    with pytest.raises(UserError, match="no such file"):
        compile_target(
            FIXTURES / "legacy" / "Pool0612.sol",
            BuildOptions(cache_dir=build_options.cache_dir, solc=Path("/nope/solc")),
        )
