"""Run a compiler through solc's standard-JSON interface and normalise what comes back."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from typing import Any

import semantic_version

from solvency.build.compilers import Compiler
from solvency.build.sources import SourceSet
from solvency.core.errors import CompileError, InternalError

JsonObject = dict[str, Any]  # solc's own JSON, kept inside build/


@dataclass(frozen=True, slots=True)
class CompilerSettings:
    optimize: bool = False
    optimize_runs: int = 200
    evm_version: str | None = None
    via_ir: bool = False

    def key(self) -> str:
        return f"opt={self.optimize}:{self.optimize_runs}|evm={self.evm_version}|ir={self.via_ir}"


# Counts real compiler runs in this process; tests assert the cache keeps it unchanged.
invocations = 0


def build_input(sources: SourceSet, version: str, settings: CompilerSettings) -> JsonObject:
    """Sources go in as `content` (old solc-js releases compile nothing from `urls`)."""
    outputs = ["abi", "evm.bytecode", "evm.deployedBytecode", "evm.methodIdentifiers"]
    if _at_least(version, "0.5.13"):
        outputs.append("storageLayout")
    solc_settings: JsonObject = {
        "optimizer": {"enabled": settings.optimize, "runs": settings.optimize_runs},
        "outputSelection": {"*": {"*": outputs, "": ["ast"]}},
        "remappings": [str(r) for r in sources.remappings],
    }
    if not _at_least(version, "0.4.12"):
        # Up to 0.4.11 the AST only comes as legacyAST.
        solc_settings["outputSelection"]["*"][""] = ["ast", "legacyAST"]
    if settings.evm_version:
        solc_settings["evmVersion"] = settings.evm_version
    if settings.via_ir:
        solc_settings["viaIR"] = True
    return {
        "language": "Solidity",
        "sources": {f.unit_name: {"content": f.content} for f in sources.files},
        "settings": solc_settings,
    }


def run(compiler: Compiler, sources: SourceSet, settings: CompilerSettings) -> JsonObject:
    """Compile; raise CompileError with solc's messages when it reports errors."""
    global invocations  # noqa: PLW0603 - a process-wide counter is the point
    invocations += 1
    solc_input = build_input(sources, compiler.version, settings)
    cmd = [*compiler.command, "--standard-json", "--allow-paths", str(sources.root)]
    if compiler.kind == "solcjs":
        cmd += ["--base-path", str(sources.root)]
    try:
        proc = subprocess.run(
            cmd,
            input=json.dumps(solc_input),
            capture_output=True,
            text=True,
            cwd=sources.root,
            timeout=1800,
            check=False,
        )
    except OSError as exc:
        raise InternalError(f"could not run {compiler.describe()}: {exc}") from exc
    try:
        output: JsonObject = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise InternalError(
            f"{compiler.describe()} did not answer with JSON (exit {proc.returncode}): "
            f"{(proc.stderr or proc.stdout)[-2000:]}"
        ) from None
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        messages = "\n".join(
            e.get("formattedMessage") or e.get("message", "unknown error") for e in errors
        )
        raise CompileError(
            f"solc {compiler.version} could not compile the sources",
            details=messages,
            hint="fix the errors above (file:line as solc reports them)",
        )
    return normalise(output, sources)


def normalise(output: JsonObject, sources: SourceSet) -> JsonObject:
    """Make old releases' output look like current ones for crytic-compile and Slither."""
    for info in output.get("sources", {}).values():
        if "ast" not in info and "legacyAST" in info:
            info["ast"] = info["legacyAST"]  # up to 0.4.11 only legacyAST is produced
        info.pop("legacyAST", None)
    contracts = output.get("contracts", {})
    if "" in contracts:  # before 0.4.9 every contract comes back under an empty file name
        homeless = contracts.pop("")
        owners = _contract_owners(output)
        for name, info in homeless.items():
            unit = owners.get(name, sources.targets[0])
            contracts.setdefault(unit, {})[name] = info
    return output


def _contract_owners(output: JsonObject) -> dict[str, str]:
    owners: dict[str, str] = {}
    for unit, info in output.get("sources", {}).items():
        for node in info.get("ast", {}).get("children", []) or info.get("ast", {}).get("nodes", []):
            kind = node.get("name") or node.get("nodeType")
            if kind == "ContractDefinition":
                name = node.get("attributes", {}).get("name") or node.get("name")
                if isinstance(name, str):
                    owners.setdefault(name, unit)
    return owners


def _at_least(version: str, minimum: str) -> bool:
    return bool(semantic_version.Version(version) >= semantic_version.Version(minimum))
