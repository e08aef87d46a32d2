"""compile_target: the build stage's one entry point, and the CompiledProject it returns."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from crytic_compile import CryticCompile

from solvency.build import cache as cache_mod
from solvency.build import frameworks, pragma, standard_json
from solvency.build.artifacts import CompiledContract, parse_contract
from solvency.build.compilers import known_releases, resolve_compiler
from solvency.build.crytic import to_crytic_compile
from solvency.build.sources import SourceSet, collect_sources
from solvency.build.standard_json import CompilerSettings
from solvency.core.errors import UserError


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "solvency"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    solc: Path | None = None  # --solc PATH
    solc_version: str | None = None  # --solc-version
    remappings: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    settings: CompilerSettings = field(default_factory=CompilerSettings)
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    allow_download: bool = True
    use_frameworks: bool = True  # Foundry/Hardhat through crytic-compile when installed


@dataclass(frozen=True, slots=True)
class CompiledProject:
    """Everything the engines need from compilation."""

    target: Path
    root: Path
    solc_version: str
    compiler: str  # how it was (or would have been) compiled, for reports
    sources: SourceSet | None  # None for framework builds
    contracts: tuple[CompiledContract, ...]
    crytic_compile: CryticCompile = field(compare=False, repr=False)
    cache_hit: bool = False
    compile_seconds: float = 0.0

    def contract(self, name: str) -> CompiledContract:
        matches = [c for c in self.contracts if c.name == name]
        if not matches:
            raise UserError(
                f"no contract named {name} in {self.target}",
                hint="contracts found: " + ", ".join(sorted({c.name for c in self.contracts})),
            )
        return matches[0]

    def source_text(self, unit_name: str) -> str | None:
        if self.sources is None:
            return None
        found = self.sources.file(unit_name)
        return found.content if found else None


def compile_target(target: Path, options: BuildOptions | None = None) -> CompiledProject:
    """Compile a file, a folder or a Foundry/Hardhat project, using the cache when it can."""
    options = options or BuildOptions()
    started = time.perf_counter()
    if options.use_frameworks:
        framework = frameworks.detect(target)
        if framework is not None:
            return frameworks.compile_with(framework, target, started)
    sources = collect_sources(target, options.remappings, options.exclude)
    if options.solc is not None:
        version = options.solc_version or "explicit"  # the binary's own version, found below
    else:
        version = options.solc_version or _version_from_pragmas(sources, options)
    key = cache_mod.cache_key(sources, version, options.settings)
    cache = cache_mod.CompileCache(options.cache_dir)
    output = cache.load(key) if options.use_cache and options.solc is None else None
    cache_hit = output is not None
    compiler_text = f"solc {version} (cached)"
    if output is None:
        compiler = resolve_compiler(
            version, options.cache_dir, explicit=options.solc, allow_download=options.allow_download
        )
        if options.solc_version and compiler.version != options.solc_version:
            raise UserError(
                f"--solc {options.solc} is solc {compiler.version}, not {version}",
                hint="drop --solc-version or point --solc at the matching binary",
            )
        version = compiler.version
        output = standard_json.run(compiler, sources, options.settings)
        compiler_text = compiler.describe()
        if options.use_cache:
            cache.store(key, output, compiler_text)
    solc_input = standard_json.build_input(sources, version, options.settings)
    crytic = to_crytic_compile(solc_input, output, version, options.settings, str(sources.root))
    contracts = tuple(
        parse_contract(unit, name, info)
        for unit, by_name in sorted(output.get("contracts", {}).items())
        for name, info in sorted(by_name.items())
    )
    return CompiledProject(
        target=target.resolve(),
        root=sources.root,
        solc_version=version,
        compiler=compiler_text,
        sources=sources,
        contracts=contracts,
        crytic_compile=crytic,
        cache_hit=cache_hit,
        compile_seconds=time.perf_counter() - started,
    )


def _version_from_pragmas(sources: SourceSet, options: BuildOptions) -> str:
    pragmas = [p for f in sources.files for p in pragma.find_pragmas(f.unit_name, f.content)]
    releases = known_releases(options.cache_dir)
    if not pragmas:
        raise UserError(
            "the sources have no `pragma solidity` line, so the compiler version is unknown",
            hint="add a version pragma, or choose one with --solc-version",
        )
    return pragma.choose_version(pragmas, releases)
