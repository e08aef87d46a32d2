"""`solvency lint`: compile each target, run the static pass, gather one Report.

One failing target never hides the others: its error goes into the report instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from solvency import __version__
from solvency.analyzers.static import run_static
from solvency.build import BuildOptions
from solvency.core.errors import InternalError, UserError
from solvency.core.findings import Finding
from solvency.core.report import Report, ReportError, Stats
from solvency.ir.loader import LoadedProject, load

Progress = Callable[[str], None]
OnError = Callable[[BaseException], None]


def lint_targets(
    targets: Sequence[Path],
    options: BuildOptions,
    progress: Progress | None = None,
    on_error: OnError | None = None,
) -> Report:
    """Lint every target; `on_error` sees each caught exception (the CLI's --debug)."""
    findings: list[Finding] = []
    errors: list[ReportError] = []
    contracts = files = functions = 0
    compile_seconds = analysis_seconds = 0.0
    cache_hits: list[bool] = []
    roots: list[str] = []
    versions: list[str] = []
    for target in targets:
        if progress:
            progress(f"compiling {target}")
        try:
            project = load(target, options)
        except UserError as exc:
            errors.append(_error(target, "compile", exc.render()))
            if on_error:
                on_error(exc)
            continue
        except InternalError as exc:
            errors.append(_error(target, "analysis", str(exc)))
            if on_error:
                on_error(exc)
            continue
        compile_seconds += project.compiled.compile_seconds
        roots.append(str(project.compiled.root))
        cache_hits.append(project.compiled.cache_hit)
        versions.append(project.compiled.solc_version)
        contracts += len(project.model.contracts)
        functions += sum(len(c.functions) for c in project.model.contracts)
        files += _file_count(project)
        if progress:
            progress(f"running detectors on {target}")
        started = time.perf_counter()
        try:
            findings.extend(run_static(project).findings)
        except InternalError as exc:
            errors.append(_error(target, "static", str(exc)))
            if on_error:
                on_error(exc)
        analysis_seconds += time.perf_counter() - started
    unique = _dedupe(findings)
    return Report(
        tool_version=__version__,
        targets=tuple(str(t) for t in targets),
        source_roots=tuple(dict.fromkeys(roots)),
        findings=tuple(sorted(unique, key=Finding.sort_key)),
        errors=tuple(errors),
        stats=Stats(
            files=files,
            contracts=contracts,
            functions=functions,
            compile_seconds=round(compile_seconds, 3),
            analysis_seconds=round(analysis_seconds, 3),
            compile_cache_hit=bool(cache_hits) and all(cache_hits),
            suppressed_findings=sum(1 for f in unique if f.suppressed),
            solc_version=", ".join(sorted(set(versions))),
        ),
    )


def _error(target: Path, stage: str, message: str) -> ReportError:
    return ReportError(target=str(target), stage=stage, message=message)


def _file_count(project: LoadedProject) -> int:
    sources = project.compiled.sources
    return len(sources.files) if sources is not None else 0


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Targets that share files report the same finding once."""
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.fingerprint + str(f.primary), f)
    return list(seen.values())
