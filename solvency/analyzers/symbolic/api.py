"""Entry points of the prover: compile, check the spec, prove every property, replay.

`prove` is what `solvency prove` and `solvency audit` call; `prove_compiled` serves callers
that already hold the compiled project and the checked spec (the audit compiles once for
all engines).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from solvency.build import BuildOptions, CompiledProject, compile_target
from solvency.core.errors import UserError
from solvency.core.properties import PropertyResult
from solvency.specs import typed


@dataclass(frozen=True)
class ProveOptions:
    timeout_ms: int = 10_000  # per solver query
    loop_bound: int = 3
    rlimit: int = 50_000_000
    seed: int = 0
    replay: bool = True  # replay counterexamples on revm to confirm them
    properties: tuple[str, ...] = ()  # only these (by name; "assert" for the asserts); () all
    deadline_seconds: float | None = None  # whole run; then the rest is UNKNOWN (budget)
    # Calls of the bounded search from the deployed state for what stays UNKNOWN (needs
    # replay); 0 (the default: callers that fuzz anyway need not pay twice) switches it
    # off. Fixed seed and call budget, so the result repeats; `search_seconds` caps a
    # search whose calls are slow (a loop that runs out of gas), and the reason then says
    # how many calls ran.
    search_calls: int = 0
    search_seconds: float = 20.0
    # "auto": exact arithmetic, and on a Z3 timeout the query again with nonlinear
    # operations abstracted (a sound over-approximation); "exact": never abstract;
    # "abstract": the abstracted query first (exact only where it cannot decide).
    nonlinear: str = "auto"


@dataclass(frozen=True, slots=True)
class ProveProgress:
    """One obligation finished: `done` of `total`, which property and function."""

    done: int
    total: int
    property: str
    function: str


@dataclass(frozen=True, slots=True)
class ProveOutcome:
    contract: str
    results: tuple[PropertyResult, ...]
    obligations: int
    seconds: float


def prove(
    target: Path,
    spec_path: Path,
    build: BuildOptions,
    options: ProveOptions = ProveOptions(),
    progress: Callable[[ProveProgress], None] | None = None,
) -> ProveOutcome:
    """Compile `target`, check `spec_path` against it and prove its properties."""
    from solvency.ir.loader import analyse  # noqa: PLC0415 - Slither loads slowly
    from solvency.specs.api import check_spec  # noqa: PLC0415

    if not target.exists():
        raise UserError(f"target {target} does not exist", hint="give a .sol file or a folder")
    if not spec_path.is_file():
        raise UserError(f"spec file {spec_path} does not exist")
    project = compile_target(target, build)
    spec = check_spec(spec_path, analyse(project).model)
    return prove_compiled(project, spec, options, progress, build=build)


def prove_compiled(
    project: CompiledProject,
    spec: typed.CheckedSpec,
    options: ProveOptions = ProveOptions(),
    progress: Callable[[ProveProgress], None] | None = None,
    recipe: Path | None = None,
    *,
    build: BuildOptions | None = None,
) -> ProveOutcome:
    """Prove `spec` on its contract; `recipe` overrides the spec's harness for replays,
    `build` compiles the recipe's helper contracts (defaults when None)."""
    from solvency.analyzers.symbolic.checks import run_checks  # noqa: PLC0415
    from solvency.analyzers.symbolic.replay import Replayer  # noqa: PLC0415

    start = time.perf_counter()
    replayer = Replayer(project, spec, recipe, build or BuildOptions()) if options.replay else None
    results, obligations = run_checks(spec, options, progress, replayer)
    return ProveOutcome(spec.contract.name, results, obligations, time.perf_counter() - start)
