"""Compile a target and put Slither on it: the analysed project every engine starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slither import Slither
from slither.exceptions import SlitherError

from solvency.build import BuildOptions, CompiledProject, compile_target
from solvency.core.errors import InternalError
from solvency.ir.builder import build_model
from solvency.ir.model import ProjectModel


class AnalysisError(InternalError):
    """Slither could not analyse a compiled target (a Slither limitation or bug)."""


@dataclass(frozen=True, slots=True)
class LoadedProject:
    """A CompiledProject with the Slither object built on it and the contract model."""

    compiled: CompiledProject
    model: ProjectModel
    slither: Any = field(compare=False, repr=False)


def load(target: Path, options: BuildOptions | None = None) -> LoadedProject:
    compiled = compile_target(target, options)
    return analyse(compiled)


def analyse(compiled: CompiledProject) -> LoadedProject:
    """Build Slither's IR over the compiled sources (never starts solc)."""
    try:
        # show_ignored_findings: suppressed results reach us marked, so reports count them.
        slither = Slither(
            compiled.crytic_compile, disallow_partial=False, show_ignored_findings=True
        )
    except (SlitherError, AssertionError, KeyError, AttributeError, TypeError, ValueError) as exc:
        # Slither 0.11 crashes on some valid old code (e.g. `x.call.value(v)()` in 0.4.x).
        raise AnalysisError(
            f"Slither could not analyse {compiled.target}: {type(exc).__name__}: {exc}"
        ) from exc
    by_name = {c.name: c for c in compiled.contracts}
    return LoadedProject(compiled=compiled, model=build_model(slither, by_name), slither=slither)
