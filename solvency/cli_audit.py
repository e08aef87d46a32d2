"""`solvency audit` and `solvency baseline`: every engine, one report (part of the CLI layer).

Settings come from, in rising priority: defaults, the config file ([tool.solvency] in
pyproject.toml, or solvency.toml), the command line. The exit code is the CI gate.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from solvency.config import FAIL_ON_CHOICES, Config, find_config, load_config, parse_budget
from solvency.core.errors import UserError
from solvency.core.exit_codes import ExitCode
from solvency.core.findings import Severity
from solvency.core.report import Report

FORMATS = ("terminal", "json", "sarif", "markdown", "html")
FAST_PROVE_TIMEOUT = 2.0  # seconds per obligation in --fast (the pre-commit hook)
FAST_PROVE_BUDGET = 20.0  # seconds of proving per spec in --fast; what is left is UNKNOWN
EXIT_CODES = """\
exit codes (the CI gate):
  0  clean: no finding at or above --fail-on, no violated property
  1  a finding at or above --fail-on (default high), or a VIOLATED property;
     an UNKNOWN property only with --fail-on-unknown (fuzzing's HELD never fails)
  2  a tool, compile or spec error, or an engine crash on some target (the other
     targets are still audited and reported)"""


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `audit` and `baseline create`."""
    audit = commands.add_parser(
        "audit",
        help="static pass + prover + fuzzer on targets, one merged report, a CI exit code",
        description=(
            "Compile each target once, run the static pass, the prover and the fuzzer on it "
            "(each can be switched off or budgeted), merge everything into one report. Specs: "
            "--spec, the config's `specs`, else X.spec or X.sol.spec beside X.sol."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_audit_options(audit)
    audit.add_argument(
        "--format", choices=FORMATS, default="terminal", help="report format (default: terminal)"
    )
    audit.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write the report here, not stdout"
    )
    audit.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="accept the findings recorded in FILE (`solvency baseline create`); new ones fail",
    )
    audit.set_defaults(run=_run_audit)

    baseline = commands.add_parser(
        "baseline",
        help="record today's findings so the CI gate fails only on new ones",
        description="Baseline commands: `solvency baseline create [TARGET…] -o FILE`.",
    )
    sub = baseline.add_subparsers(dest="baseline_command", metavar="SUBCOMMAND", required=True)
    create = sub.add_parser(
        "create",
        help="audit the targets and write their findings' fingerprints to FILE",
        description=(
            "Run the audit and write a baseline: line-independent fingerprints of every "
            "finding, so accepted findings stay accepted after unrelated edits. Use it with "
            "`solvency audit --baseline FILE`. Exit 0 when written, 2 when a target failed "
            "(no baseline is written then)."
        ),
    )
    _add_audit_options(create)
    create.add_argument(
        "--output", "-o", type=Path, required=True, help="the baseline file to write"
    )
    create.set_defaults(run=_run_baseline_create)


def _add_audit_options(parser: argparse.ArgumentParser) -> None:
    from solvency.cli import _add_build_options  # noqa: PLC0415 - cli imports this module

    parser.add_argument(
        "targets",
        nargs="*",
        type=Path,
        metavar="TARGET",
        help="a .sol file, a folder or a Foundry/Hardhat project (default: the config's)",
    )
    parser.add_argument(
        "--spec",
        dest="specs",
        action="extend",
        nargs="+",
        type=Path,
        default=[],
        metavar="FILE",
        help="spec file(s) to prove and fuzz (default: X.spec beside X.sol)",
    )
    engines = parser.add_argument_group("engines and budgets")
    engines.add_argument("--no-static", action="store_true", help="skip the static pass")
    engines.add_argument("--no-prove", action="store_true", help="skip the prover")
    engines.add_argument("--no-fuzz", action="store_true", help="skip the fuzzer")
    engines.add_argument(
        "--fuzz-budget",
        metavar="BUDGET",
        help="per spec: a duration (30s, 2m) or a number of calls (default 30s)",
    )
    engines.add_argument(
        "--prove-timeout", type=float, metavar="S", help="seconds per proof obligation (10)"
    )
    engines.add_argument(
        "--prove-budget",
        type=float,
        metavar="S",
        help=(
            "seconds of proving per spec; obligations not reached are UNKNOWN "
            f"(default: none, {FAST_PROVE_BUDGET:g} with --fast)"
        ),
    )
    engines.add_argument("--loop-bound", type=int, metavar="K", help="loop unrolling bound (3)")
    engines.add_argument("--seed", type=int, default=0, help="fuzzing seed (default 0)")
    engines.add_argument(
        "--fast",
        action="store_true",
        help=(
            "the pre-commit mode: TARGETs are changed files; audit them and the files that "
            f"import them: static pass + prover ({FAST_PROVE_TIMEOUT:g}s per obligation), no fuzz"
        ),
    )
    engines.add_argument(
        "--changed",
        action="extend",
        nargs="+",
        type=Path,
        default=[],
        metavar="FILE",
        help="changed files for --fast (implies it), in place of TARGETs",
    )
    gate = parser.add_argument_group("CI gate")
    gate.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        help="exit 1 on a finding at least this severe or a violated property (default high)",
    )
    gate.add_argument(
        "--fail-on-unknown",
        action="store_true",
        default=None,
        help="exit 1 when a property stays UNKNOWN (timeout, unsupported construct)",
    )
    gate.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: ./solvency.toml, else [tool.solvency] of ./pyproject.toml)",
    )
    gate.add_argument("--no-config", action="store_true", help="ignore config files")
    _add_build_options(parser)


@dataclass(frozen=True, slots=True)
class _Settings:
    """The command line and the config file, resolved."""

    targets: tuple[Path, ...]
    options: Any  # analyzers.audit.AuditOptions (imported lazily to keep --help fast)
    fail_on: Severity | None
    fail_on_unknown: bool
    baseline: Path | None


def _settings(args: argparse.Namespace) -> _Settings:
    from solvency.analyzers.audit import AuditOptions  # noqa: PLC0415
    from solvency.analyzers.audit_scope import with_dependents  # noqa: PLC0415
    from solvency.cli import _build_options  # noqa: PLC0415

    config = _config(args)
    build = _build_options(args)
    build = replace(
        build,
        remappings=(*config.remappings, *build.remappings),
        exclude=(*config.exclude, *build.exclude),
        solc_version=build.solc_version or config.solc_version,
    )
    fast = args.fast or bool(args.changed)
    given = tuple(args.targets) + tuple(args.changed)
    if fast and given:
        root = config.source.parent if config.source else Path.cwd()
        targets = with_dependents(given, root, build.remappings, build.exclude)
        targets = tuple(_relative(t) for t in targets)
    else:
        targets = given or config.targets
    if not targets and not fast:
        raise UserError(
            "no target to audit",
            hint="give a .sol file or a folder, or set `targets` in [tool.solvency]",
        )
    for path in (*targets, *args.specs):
        if not path.exists():
            raise UserError(f"{path} does not exist")
    budget = parse_budget(args.fuzz_budget) if args.fuzz_budget else config.fuzz_budget
    default_timeout = FAST_PROVE_TIMEOUT if fast else 10.0
    timeout = args.prove_timeout or config.prove_timeout or default_timeout
    prove_budget = args.prove_budget or (FAST_PROVE_BUDGET if fast else None)
    if (
        timeout <= 0
        or (args.loop_bound is not None and args.loop_bound <= 0)
        or (prove_budget is not None and prove_budget <= 0)
    ):
        raise UserError("--prove-timeout, --prove-budget and --loop-bound must be positive")
    options = AuditOptions(
        build=build,
        static=not args.no_static,
        prove=not args.no_prove,
        fuzz=not (args.no_fuzz or fast),
        specs=tuple(args.specs) or config.specs,
        fuzz_seconds=budget.seconds if budget else 30.0,
        fuzz_calls=budget.calls if budget else None,
        fuzz_seed=args.seed,
        prove_timeout_ms=int(timeout * 1000),
        prove_budget_seconds=prove_budget,
        loop_bound=args.loop_bound or config.loop_bound or 3,
    )
    fail_on = args.fail_on or config.fail_on or "high"
    return _Settings(
        targets=targets,
        options=options,
        fail_on=None if fail_on == "none" else Severity(fail_on),
        fail_on_unknown=bool(args.fail_on_unknown or config.fail_on_unknown),
        baseline=getattr(args, "baseline", None) or config.baseline,
    )


def _config(args: argparse.Namespace) -> Config:
    if args.no_config:
        return Config()
    path = args.config or find_config(Path.cwd())
    return load_config(path) if path is not None else Config()


def _relative(path: Path) -> Path:
    """Paths as the user knows them (relative to the working folder) in reports."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _run_audit(args: argparse.Namespace) -> int:
    from solvency.analyzers.audit import audit, gate  # noqa: PLC0415

    settings = _settings(args)
    if not settings.targets:
        print("solvency: no Solidity file changed; nothing to audit", file=sys.stderr)
        return int(ExitCode.CLEAN)
    with _progress_bars(args, settings.options.stages()) as progress:
        result = audit(settings.targets, settings.options, progress, _debug_hook(args))
    report = _merged(result)
    if settings.baseline is not None:
        report = _apply_baseline(report, settings.baseline)
    _write(_render(report, args), args)
    for error in report.errors:
        print(f"error: {error.target} ({error.stage}): {error.message}", file=sys.stderr)
    return int(gate(report, settings.fail_on, settings.fail_on_unknown))


def _run_baseline_create(args: argparse.Namespace) -> int:
    from solvency.analyzers.audit import audit  # noqa: PLC0415
    from solvency.reports import baseline  # noqa: PLC0415

    settings = _settings(args)
    with _progress_bars(args, settings.options.stages()) as progress:
        result = audit(settings.targets, settings.options, progress, _debug_hook(args))
    report = _merged(result)
    if report.errors:
        for error in report.errors:
            print(f"error: {error.target} ({error.stage}): {error.message}", file=sys.stderr)
        print("error: no baseline written: fix the errors above first", file=sys.stderr)
        return int(ExitCode.ERROR)
    args.output.write_text(baseline.create(report), encoding="utf-8")
    print(f"baseline of {len(report.findings)} findings written to {args.output}", file=sys.stderr)
    return int(ExitCode.CLEAN)


def _merged(result: Any) -> Report:
    """One report from the audit's raw engine outputs (the merge lives in reports/)."""
    from solvency.reports import merge_report  # noqa: PLC0415

    merged: Report = merge_report(result.raw, static_ran=result.static_ran)
    return merged


def _apply_baseline(report: Report, path: Path) -> Report:
    from solvency.reports import baseline  # noqa: PLC0415

    if not path.is_file():
        raise UserError(
            f"baseline file {path} does not exist",
            hint="create it with `solvency baseline create TARGET -o FILE`",
        )
    accepted = baseline.load(path.read_text(encoding="utf-8"))
    applied: Report = baseline.apply(report, accepted)
    return applied


def _render(report: Report, args: argparse.Namespace) -> str:
    from solvency import reports  # noqa: PLC0415 - keep --help fast

    color = (
        args.format == "terminal"
        and args.output is None
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    return reports.render(report, args.format, color=color)


def _write(text: str, args: argparse.Namespace) -> None:
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _debug_hook(args: argparse.Namespace) -> Callable[[BaseException], None] | None:
    from solvency.cli import _debug_hook as hook  # noqa: PLC0415

    return hook(args)


@contextlib.contextmanager
def _progress_bars(args: argparse.Namespace, stages: tuple[str, ...]) -> Iterator[Any]:
    """One rich progress bar per target on stderr, at a terminal only; silent in CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bars:
        tasks: dict[str, Any] = {}

        def show(event: Any) -> None:
            if event.target not in tasks:
                tasks[event.target] = bars.add_task(event.target, total=len(stages), detail="")
            if event.stage not in stages:
                return
            done = stages.index(event.stage) + event.fraction
            bars.update(
                tasks[event.target],
                completed=done,
                description=f"{event.target} · {event.stage}",
                detail=event.detail,
            )

        yield show
