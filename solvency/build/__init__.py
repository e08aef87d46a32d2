"""Build stage: compiler resolution, crytic-compile, content-hash cache → CompiledProject."""

from solvency.build.artifacts import AbiEntry, AbiParam, CompiledContract, StorageEntry
from solvency.build.project import BuildOptions, CompiledProject, compile_target, default_cache_dir
from solvency.build.standard_json import CompilerSettings

__all__ = [
    "AbiEntry",
    "AbiParam",
    "BuildOptions",
    "CompiledContract",
    "CompiledProject",
    "CompilerSettings",
    "StorageEntry",
    "compile_target",
    "default_cache_dir",
]
