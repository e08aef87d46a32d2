"""`solvency audit`: compile each target once, run every engine on it, merge one Report.

The same CompiledProject (and Slither's IR on it) feeds the static pass, the prover and the
fuzzer, so a target is compiled once however many engines run. Every stage of every target
runs inside its own error boundary: a target that does not compile, a spec that does not
check, or an engine that crashes becomes a ReportError for that target and stage, and every
other result stays in the report (the gate then exits 2). Nothing here prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from solvency import __version__
from solvency.analyzers.audit_scope import sibling_specs, sol_files
from solvency.build import BuildOptions, CompiledProject, compile_target
from solvency.core.errors import CompileError, UserError
from solvency.core.exit_codes import ExitCode
from solvency.core.findings import Finding, Severity
from solvency.core.properties import PropertyResult, Status
from solvency.core.report import Report, ReportError, Stats

STAGES = ("compile", "static", "prove", "fuzz")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """Which engines run, and their budgets. Defaults are the auditor's full run."""

    build: BuildOptions = field(default_factory=BuildOptions)
    static: bool = True
    prove: bool = True
    fuzz: bool = True
    specs: tuple[Path, ...] = ()  # explicit specs (--spec, the config's); else X.spec beside X.sol
    fuzz_seconds: float | None = 30.0
    fuzz_calls: int | None = None
    fuzz_seed: int = 0
    prove_timeout_ms: int = 10_000
    prove_budget_seconds: float | None = None  # whole prover run per spec; the rest UNKNOWN
    loop_bound: int = 3

    def stages(self) -> tuple[str, ...]:
        on = {"compile": True, "static": self.static, "prove": self.prove, "fuzz": self.fuzz}
        return tuple(s for s in STAGES if on[s])


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """A stage of a target started (fraction 0), moved on, or ended (fraction 1)."""

    target: str
    stage: str
    detail: str = ""
    fraction: float = 0.0


@dataclass(frozen=True, slots=True)
class StageTime:
    target: str
    stage: str
    seconds: float


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Every engine's raw output (one entry per engine and function: reports.merge_report
    makes them one report; analyzers never import reports)."""

    raw: Report
    timings: tuple[StageTime, ...]  # wall time per target and stage (benchmarks, --verbose)
    static_ran: bool = True  # the static pass was on: its silence is evidence for the merge


Progress = Callable[[ProgressEvent], None]
OnError = Callable[[BaseException], None]


def audit(
    targets: Sequence[Path],
    options: AuditOptions,
    progress: Progress | None = None,
    on_error: OnError | None = None,
) -> AuditResult:
    """Audit every target; `on_error` sees each caught exception (the CLI's --debug)."""
    run = _Run(options, progress, on_error, several=len(targets) > 1)
    for target in targets:
        run.target(target)
    for spec in options.specs:
        if len(targets) > 1 and spec not in run.bound_specs:
            run.errors.append(
                ReportError(
                    target=", ".join(str(t) for t in targets),
                    stage="spec",
                    message=f"{spec} names no contract of any target",
                    hint="check the contract name in `spec C {` or the targets",
                )
            )
    return AuditResult(run.report(targets), tuple(run.timings), options.static)


def gate(report: Report, fail_on: Severity | None, fail_on_unknown: bool = False) -> ExitCode:
    """The CI verdict: 2 on any error; 1 on findings at or above `fail_on` or a violated
    property (unless fail_on is None, i.e. `--fail-on none`), or an UNKNOWN property with
    `fail_on_unknown`; else 0. Fuzzing's HELD never fails and never counts as a proof."""
    statuses = {p.status for p in report.properties}
    if report.errors or Status.ERROR in statuses:
        return ExitCode.ERROR
    if fail_on is not None and (report.findings_at_least(fail_on) or Status.VIOLATED in statuses):
        return ExitCode.FINDINGS
    if fail_on_unknown and Status.UNKNOWN in statuses:
        return ExitCode.FINDINGS
    return ExitCode.CLEAN


class _Run:
    """Accumulates one audit's results; each `_stage` is an error boundary."""

    def __init__(
        self,
        options: AuditOptions,
        progress: Progress | None,
        on_error: OnError | None,
        several: bool,
    ) -> None:
        self.options = options
        self.several = several
        self.bound_specs: set[Path] = set()
        self.progress = progress
        self.on_error = on_error
        self.findings: list[Finding] = []
        self.properties: list[PropertyResult] = []
        self.errors: list[ReportError] = []
        self.timings: list[StageTime] = []
        self.compiled: list[CompiledProject] = []
        self.functions = self.contracts = 0

    def target(self, target: Path) -> None:
        name = str(target)
        files = _plain_folder_files(target, self.options.build.exclude)
        if len(files) > 1:
            try:  # one compilation for the folder, unless a broken file would sink the rest
                loaded = _load(target, self.options.build)
            except CompileError:
                for file in files:
                    self.target(file)
                return
        else:
            loaded = self._stage(name, "compile", lambda: _load(target, self.options.build))
        if loaded is None:
            return
        self.compiled.append(loaded.compiled)
        self.contracts += len(loaded.model.contracts)
        self.functions += sum(len(c.functions) for c in loaded.model.contracts)
        if self.options.static:
            static = self._stage(name, "static", lambda: _static(loaded))
            self.findings.extend(static or ())
        if not (self.options.prove or self.options.fuzz):
            return
        specs = self._stage(name, "spec", lambda: self._specs(target, loaded))
        for spec in specs or ():
            self._engines(name, loaded, spec)

    def _specs(self, target: Path, loaded: Any) -> tuple[Any, ...]:
        """Type-check the specs that bind to this target's contracts.

        Explicit specs (--spec, the config's) go to the targets that define the contract they
        name; with one target, always, so a misnamed contract is a reported spec error.
        Without explicit specs, `X.spec` or `X.sol.spec` beside `X.sol` applies.
        """
        from solvency.specs.api import check_specs  # noqa: PLC0415
        from solvency.specs.loader import load_file  # noqa: PLC0415

        explicit = self.options.specs
        names = {c.name for c in loaded.model.contracts}
        checked: list[Any] = []
        for path in explicit or sibling_specs(target, self.options.build.exclude):
            if not path.is_file():
                raise UserError(f"spec file {path} does not exist")
            if explicit and self.several:
                wanted = {b.name for b in load_file(path).specs}
                if not wanted & names:
                    continue
            self.bound_specs.add(path)
            checked.extend(check_specs(path, loaded.model))
        return tuple(checked)

    def _engines(self, name: str, loaded: Any, spec: Any) -> None:
        if self.options.prove:
            found = self._stage(name, "prove", lambda: self._prove(name, loaded, spec))
            self.properties.extend(found or ())
        if self.options.fuzz:
            found = self._stage(name, "fuzz", lambda: self._fuzz(name, loaded, spec))
            self.properties.extend(found or ())

    def _stage(self, target: str, stage: str, work: Callable[[], T]) -> T | None:
        self._tell(target, stage, "", 0.0)
        started = time.perf_counter()
        try:
            return work()
        except UserError as exc:
            message = exc.render().removesuffix(f"\nhint: {exc.hint}" if exc.hint else "")
            self._fail(target, stage, message, exc, exc.hint)
        except Exception as exc:  # an engine crash must not take the other targets down
            message = f"{type(exc).__name__}: {exc}"
            self._fail(target, stage, message, exc, "rerun with --debug and report it")
        finally:
            seconds = time.perf_counter() - started
            self.timings.append(StageTime(target, stage, seconds))
            self._tell(target, stage, f"{seconds:.1f}s", 1.0)
        return None

    def _fail(
        self, target: str, stage: str, message: str, exc: BaseException, hint: str | None
    ) -> None:
        kind = "compile" if stage == "compile" and isinstance(exc, UserError) else stage
        if stage == "compile" and not isinstance(exc, UserError):
            kind = "analysis"  # compiled, but Slither could not build its IR
        self.errors.append(ReportError(target=target, stage=kind, message=message, hint=hint))
        if self.on_error:
            self.on_error(exc)

    def _tell(self, target: str, stage: str, detail: str, fraction: float) -> None:
        if self.progress:
            self.progress(ProgressEvent(target, stage, detail, fraction))

    def _prove(self, name: str, loaded: Any, spec: Any) -> tuple[PropertyResult, ...]:
        from solvency.analyzers.symbolic.api import ProveOptions, prove_compiled  # noqa: PLC0415

        options = ProveOptions(
            timeout_ms=self.options.prove_timeout_ms,
            loop_bound=self.options.loop_bound,
            deadline_seconds=self.options.prove_budget_seconds,
        )

        def show(p: Any) -> None:
            fraction = p.done / p.total if p.total else 0.0
            self._tell(name, "prove", f"{p.done}/{p.total} {p.property}", min(fraction, 0.99))

        outcome = prove_compiled(loaded.compiled, spec, options, show, build=self.options.build)
        return tuple(outcome.results)

    def _fuzz(self, name: str, loaded: Any, spec: Any) -> tuple[PropertyResult, ...]:
        from solvency.analyzers.fuzz import api  # noqa: PLC0415 - pyrevm loads slowly
        from solvency.analyzers.fuzz.campaign import FuzzConfig  # noqa: PLC0415
        from solvency.analyzers.fuzz.recipe import default_recipe, load_recipe  # noqa: PLC0415

        recipe = load_recipe(spec.harness) if spec.harness else default_recipe(spec.file.parent)
        lookup = api.helper_lookup(self.options.build)
        prepared = api.prepare_compiled(loaded.compiled, spec, recipe, lookup)
        config = FuzzConfig(
            budget_seconds=self.options.fuzz_seconds,
            budget_calls=self.options.fuzz_calls,
            seed=self.options.fuzz_seed,
        )
        seconds, calls = self.options.fuzz_seconds, self.options.fuzz_calls

        def show(p: Any) -> None:
            fraction = p.seconds / seconds if seconds else p.calls / calls if calls else 0.0
            detail = f"{p.calls:,} calls · {p.broken}/{p.properties} broken"
            self._tell(name, "fuzz", detail, min(fraction, 0.99))

        return tuple(api.run_campaign(prepared, config, None, (), show).results)

    def report(self, targets: Sequence[Path]) -> Report:
        compiled = self.compiled
        versions = sorted({c.solc_version for c in compiled})
        analysis = sum(t.seconds for t in self.timings if t.stage != "compile")
        findings = _dedupe(self.findings)
        stats = Stats(
            files=len({f.unit_name for c in compiled if c.sources for f in c.sources.files}),
            contracts=self.contracts,
            functions=self.functions,
            compile_seconds=round(sum(t.seconds for t in self.timings if t.stage == "compile"), 3),
            analysis_seconds=round(analysis, 3),
            compile_cache_hit=bool(compiled) and all(c.cache_hit for c in compiled),
            suppressed_findings=sum(1 for f in findings if f.suppressed),
            solc_version=", ".join(versions),
        )
        return Report(
            tool_version=__version__,
            targets=tuple(str(t) for t in targets),
            findings=tuple(findings),
            properties=tuple(self.properties),
            errors=tuple(self.errors),
            stats=stats,
            source_roots=tuple(dict.fromkeys(str(c.root) for c in compiled)),
        )


def _load(target: Path, build: BuildOptions) -> Any:
    """Compile once and build Slither's IR once: every engine below shares the result."""
    from solvency.ir.loader import analyse  # noqa: PLC0415 - Slither loads slowly

    if not target.exists():
        raise UserError(f"target {target} does not exist")
    return analyse(compile_target(target, build))


def _plain_folder_files(target: Path, exclude: Sequence[str]) -> tuple[Path, ...]:
    """The .sol files of a folder that we compile ourselves (not Foundry/Hardhat's build)."""
    from solvency.build.frameworks import detect  # noqa: PLC0415

    if not target.is_dir() or detect(target) is not None:
        return ()
    cwd = Path.cwd().resolve()
    return tuple(
        p.relative_to(cwd) if p.is_relative_to(cwd) else p for p in sol_files(target, exclude)
    )


def _static(loaded: Any) -> tuple[Finding, ...]:
    from solvency.analyzers.static import run_static  # noqa: PLC0415

    return run_static(loaded).findings


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Targets that share files (a contract and its dependents) report a finding once."""
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.fingerprint + str(f.primary), f)
    return sorted(seen.values(), key=Finding.sort_key)
