"""Foundry and Hardhat projects go through crytic-compile's own platforms when installed."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crytic_compile import CryticCompile
from crytic_compile.platform.exceptions import InvalidCompilation

from solvency.build.artifacts import CompiledContract, parse_contract
from solvency.core.errors import CompileError, UserError

if TYPE_CHECKING:
    from solvency.build.project import CompiledProject


@dataclass(frozen=True, slots=True)
class Framework:
    name: str  # foundry | hardhat
    tool: str  # the executable it needs


def detect(target: Path) -> Framework | None:
    """A Foundry/Hardhat project folder whose tool is installed; else None (plain solc path).

    Without the tool we still compile the folder ourselves (remappings.txt is honoured), which
    is what a user without forge or hardhat expects.
    """
    if not target.is_dir():
        return None
    if (target / "foundry.toml").is_file() and shutil.which("forge"):
        return Framework("foundry", "forge")
    hardhat = any(target.glob("hardhat.config.*"))
    if hardhat and shutil.which("npx") and (target / "node_modules" / "hardhat").is_dir():
        return Framework("hardhat", "npx")
    return None


def compile_with(framework: Framework, target: Path, started: float) -> CompiledProject:
    from solvency.build.project import CompiledProject  # noqa: PLC0415 - import cycle

    try:
        crytic = CryticCompile(str(target), compile_force_framework=framework.name)
    except InvalidCompilation as exc:
        raise CompileError(
            f"{framework.name} could not compile {target}",
            details=str(exc),
            hint=f"run `{framework.tool}` build in {target} to see the full error",
        ) from None
    contracts: list[CompiledContract] = []
    version = ""
    for unit in crytic.compilation_units.values():
        version = str(unit.compiler_version.version or "")
        for source_unit in unit.source_units.values():
            for name in sorted(source_unit.contracts_names):
                info = {
                    "abi": source_unit.abis.get(name, []),
                    "evm": {
                        "bytecode": {
                            "object": source_unit.bytecodes_init.get(name, ""),
                            "sourceMap": ";".join(source_unit.srcmaps_init.get(name, [])),
                        },
                        "deployedBytecode": {
                            "object": source_unit.bytecodes_runtime.get(name, ""),
                            "sourceMap": ";".join(source_unit.srcmaps_runtime.get(name, [])),
                        },
                    },
                }
                unit_name = source_unit.filename.used or source_unit.filename.absolute
                contracts.append(parse_contract(unit_name, name, info))
    if not contracts:
        raise UserError(f"{framework.name} built no contracts in {target}")
    return CompiledProject(
        target=target.resolve(),
        root=target.resolve(),
        solc_version=version,
        compiler=f"{framework.name} via crytic-compile",
        sources=None,
        contracts=tuple(contracts),
        crytic_compile=crytic,
        cache_hit=False,
        compile_seconds=time.perf_counter() - started,
    )
