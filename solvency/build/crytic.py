"""Hand crytic-compile an already-compiled standard-JSON output (fresh or from the cache).

A platform subclass lets crytic-compile build its CompilationUnit from solc's output through
its own parser (`parse_standard_json_output`) without starting solc again.
"""

from __future__ import annotations

from typing import Any

from crytic_compile import CryticCompile
from crytic_compile.compilation_unit import CompilationUnit
from crytic_compile.compiler.compiler import CompilerVersion
from crytic_compile.platform.solc_standard_json import (
    SolcStandardJson,
    parse_standard_json_output,
)

from solvency.build.standard_json import CompilerSettings, JsonObject


class PrecompiledStandardJson(SolcStandardJson):
    """crytic-compile platform over a standard-JSON output we already have."""

    NAME = "solvency-precompiled"
    HIDE = True

    def __init__(
        self,
        solc_input: JsonObject,
        solc_output: JsonObject,
        version: str,
        settings: CompilerSettings,
        root: str,
    ) -> None:
        super().__init__(solc_input)
        self._output = solc_output
        self._version = version
        self._settings = settings
        self._root = root

    def compile(self, crytic_compile: CryticCompile, **_kwargs: Any) -> None:
        unit = CompilationUnit(crytic_compile, "solvency")
        unit.compiler_version = CompilerVersion(
            compiler="solc",
            version=self._version,
            optimized=self._settings.optimize,
            optimize_runs=self._settings.optimize_runs if self._settings.optimize else None,
            via_ir=self._settings.via_ir,
        )
        parse_standard_json_output(self._output, unit, solc_working_dir=self._root)


def to_crytic_compile(
    solc_input: JsonObject,
    solc_output: JsonObject,
    version: str,
    settings: CompilerSettings,
    root: str,
) -> CryticCompile:
    platform = PrecompiledStandardJson(solc_input, solc_output, version, settings, root)
    return CryticCompile(platform, cwd=root)
