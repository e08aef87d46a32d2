"""Command line: the only place that prints, reads the environment, or exits."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from solvency import __version__
from solvency.build import BuildOptions, CompilerSettings
from solvency.core.errors import InternalError, SolvencyError, UserError
from solvency.core.exit_codes import ExitCode
from solvency.core.findings import Severity
from solvency.core.report import Report

_FAIL_ON = {s.value: s for s in Severity}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return int(ExitCode.ERROR)
    try:
        code: int = args.run(args)
        return code
    except UserError as exc:
        _print_error(exc.render(), args)
        return int(ExitCode.ERROR)
    except (SolvencyError, Exception) as exc:
        kind = "internal error" if isinstance(exc, InternalError) else "unexpected error"
        _print_error(
            f"{kind}: {type(exc).__name__}: {exc}\n"
            "this is a bug in Solvency or a tool it drives; rerun with --debug and report it",
            args,
        )
        return int(ExitCode.ERROR)


def _print_error(text: str, args: argparse.Namespace) -> None:
    if getattr(args, "debug", False):
        traceback.print_exc()
    print(f"error: {text}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="solvency",
        description="Verification suite for Solidity contracts that hold collateral.",
        epilog="Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/compile/tool error.",
    )
    parser.add_argument("--version", action="version", version=f"solvency {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    lint = commands.add_parser(
        "lint",
        help="run Slither's detectors (and Solvency's rules) on targets",
        description="Compile each target once and run the static pass on it.",
    )
    lint.add_argument(
        "targets",
        nargs="+",
        type=Path,
        metavar="TARGET",
        help="a .sol file, a folder of them, or a Foundry/Hardhat project",
    )
    _add_build_options(lint)
    _add_output_options(lint, ("terminal", "json", "sarif", "markdown", "html"))
    lint.add_argument(
        "--fail-on",
        choices=[*_FAIL_ON, "none"],
        default="high",
        help="exit 1 when a finding is at least this severe (default: high)",
    )
    lint.set_defaults(run=_run_lint)
    _add_spec_command(commands)
    _add_fuzz_command(commands)
    # Commands with a module of their own (still the CLI layer: they print and exit codes).
    from solvency import cli_audit, cli_prove  # noqa: PLC0415 - they import this module

    cli_prove.add_command(commands)
    cli_audit.add_commands(commands)
    return parser


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("compilation")
    group.add_argument("--solc", type=Path, help="path of the solc binary to use")
    group.add_argument(
        "--solc-version", help="compiler version (default: newest the pragmas allow)"
    )
    group.add_argument(
        "--remap",
        action="append",
        default=[],
        metavar="PREFIX=TARGET",
        help="a solc remapping, e.g. @openzeppelin/=node_modules/@openzeppelin/",
    )
    group.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave matching files of a folder target out",
    )
    group.add_argument("--optimize", action="store_true", help="compile with the optimizer")
    group.add_argument("--evm-version", help="EVM version passed to solc")
    group.add_argument("--no-cache", action="store_true", help="always run the compiler")
    group.add_argument(
        "--offline", action="store_true", help="never download a compiler; use only installed ones"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")


def _add_output_options(
    parser: argparse.ArgumentParser, formats: Sequence[str] = ("terminal", "json")
) -> None:
    parser.add_argument(
        "--format",
        choices=list(formats),
        default="terminal",
        help="output format (default: terminal)",
    )
    parser.add_argument("--output", "-o", type=Path, help="write the report here, not stdout")


def _build_options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        solc=args.solc,
        solc_version=args.solc_version,
        remappings=tuple(args.remap),
        exclude=tuple(args.exclude),
        settings=CompilerSettings(optimize=args.optimize, evm_version=args.evm_version),
        cache_dir=_cache_dir(),
        use_cache=not args.no_cache,
        allow_download=not args.offline,
    )


def _cache_dir() -> Path:
    explicit = os.environ.get("SOLVENCY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "solvency"


def _emit(report: Report, args: argparse.Namespace) -> None:
    from solvency.reports import render  # noqa: PLC0415

    color = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(report, args.format, color=color and args.format == "terminal")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _run_lint(args: argparse.Namespace) -> int:
    from solvency.analyzers.lint import lint_targets  # noqa: PLC0415 - keep --help fast

    missing = [t for t in args.targets if not t.exists()]
    if missing:
        raise UserError(
            f"target {missing[0]} does not exist",
            hint="give a .sol file, a folder of them, or a Foundry/Hardhat project",
        )
    report = lint_targets(
        args.targets, _build_options(args), progress=_progress(args), on_error=_debug_hook(args)
    )
    _emit(report, args)
    if report.errors:
        for error in report.errors:
            print(f"error: {error.target}: {error.message}", file=sys.stderr)
        return int(ExitCode.ERROR)
    if args.fail_on != "none" and report.findings_at_least(_FAIL_ON[args.fail_on]):
        return int(ExitCode.FINDINGS)
    return int(ExitCode.CLEAN)


def _debug_hook(args: argparse.Namespace) -> Callable[[BaseException], None] | None:
    if not args.debug:
        return None
    return lambda exc: traceback.print_exception(exc, file=sys.stderr)


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    """Progress lines on stderr for a person at a terminal; silent in CI and pipes."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    from rich.console import Console  # noqa: PLC0415

    console = Console(stderr=True)
    log: Callable[[str], None] = console.log
    return log


# ── solvency fuzz ────────────────────────────────────────────────────────────────────────


def _add_fuzz_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fuzz = commands.add_parser(
        "fuzz",
        help="fuzz a contract against its spec on revm (Hypothesis call sequences)",
        description=(
            "Deploy the spec's contract per its harness, run call sequences until the budget "
            "ends, check every invariant and rule around each call. Unbroken properties are "
            "HELD (never proved). Exit 1 when a property is violated."
        ),
    )
    fuzz.add_argument("target", type=Path, metavar="TARGET", help="a .sol file or a folder")
    fuzz.add_argument("--spec", type=Path, required=True, help="the spec file (.spec)")
    fuzz.add_argument(
        "--budget", default="60s", help="a duration (60s, 5m) or a number of calls (20000)"
    )
    fuzz.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    fuzz.add_argument(
        "--replay",
        type=Path,
        metavar="FILE",
        help="replay one counterexample (JSON, the fuzzer's or the prover's) and stop",
    )
    fuzz.add_argument(
        "--seed-from",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a counterexample to replay before fuzzing (repeatable), e.g. the prover's",
    )
    fuzz.add_argument(
        "--db",
        type=Path,
        default=Path(".solvency"),
        help="where counterexamples and Hypothesis's database live (default .solvency)",
    )
    fuzz.add_argument("--no-db", action="store_true", help="neither read nor write --db")
    _add_build_options(fuzz)
    _add_output_options(fuzz)
    fuzz.set_defaults(run=_run_fuzz)


def _run_fuzz(args: argparse.Namespace) -> int:
    from solvency import __version__ as version  # noqa: PLC0415
    from solvency.analyzers.fuzz import api, render  # noqa: PLC0415
    from solvency.analyzers.fuzz.campaign import FuzzConfig  # noqa: PLC0415
    from solvency.analyzers.fuzz.store import CounterexampleStore, load  # noqa: PLC0415
    from solvency.core.properties import Status  # noqa: PLC0415

    for path in (args.target, args.spec, args.replay, *args.seed_from):
        if path is not None and not path.exists():
            raise UserError(f"{path} does not exist")
    seconds, calls = render.parse_budget(args.budget)
    prepared = api.prepare(args.target, args.spec, _build_options(args))
    if args.replay is not None:
        replayed = api.replay(prepared, load(args.replay))
        _write(render.render_replay(replayed), args)
        return int(ExitCode.FINDINGS if replayed.counterexample.confirmed else ExitCode.CLEAN)
    store = None if args.no_db else CounterexampleStore(args.db)
    config = FuzzConfig(budget_seconds=seconds, budget_calls=calls, seed=args.seed)
    seeds = tuple(load(p) for p in args.seed_from)
    with _live_progress(args) as progress:
        outcome = api.run_campaign(prepared, config, store, seeds, progress)
    if args.format == "json":
        report = render.FuzzReport(
            version, str(args.target), outcome.contract, outcome.results, outcome.stats
        )
        _write(render.to_json(report), args)
    else:
        _write(render.render_text(outcome), args)
    broken = any(r.status is Status.VIOLATED for r in outcome.results)
    errors = any(r.status is Status.ERROR for r in outcome.results)
    return int(ExitCode.FINDINGS if broken else ExitCode.ERROR if errors else ExitCode.CLEAN)


def _write(text: str, args: argparse.Namespace) -> None:
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@contextlib.contextmanager
def _live_progress(args: argparse.Namespace) -> Iterator[Callable[[Any], None] | None]:
    """A one-line live display on stderr (calls, calls/s, properties broken) at a terminal."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console  # noqa: PLC0415

    with Console(stderr=True).status("fuzzing…") as status:

        def show(p: Any) -> None:
            status.update(
                f"fuzzing: {p.calls:,} calls · {p.calls_per_second:,.0f} calls/s · "
                f"{p.broken}/{p.properties} properties broken · {p.seconds:.0f}s"
            )

        yield show


# ── solvency spec check ──────────────────────────────────────────────────────────────────


def _add_spec_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    spec = commands.add_parser(
        "spec",
        help="work with spec files (check them against a target)",
        description="Spec-file commands. The language: docs/spec-language.md.",
    )
    sub = spec.add_subparsers(dest="spec_command", metavar="SUBCOMMAND", required=True)
    check = sub.add_parser(
        "check",
        help="type-check a spec against a target and list its properties",
        description=(
            "Compile the target, bind each `spec C { … }` block of SPEC to contract C and "
            "type-check it. Prints the properties (exit 0) or every error at once, each with "
            "file:line:col, the source line, a caret and a hint (exit 2)."
        ),
    )
    check.add_argument("spec", type=Path, metavar="SPEC", help="the spec file (.spec)")
    check.add_argument(
        "--target",
        type=Path,
        required=True,
        metavar="PATH",
        help="a .sol file, a folder of them, or a Foundry/Hardhat project",
    )
    _add_build_options(check)
    _add_output_options(check)
    check.set_defaults(run=_run_spec_check)


def _run_spec_check(args: argparse.Namespace) -> int:
    from solvency.ir import load  # noqa: PLC0415 - keep --help fast
    from solvency.specs.api import (  # noqa: PLC0415
        check_specs,
        errors_to_json,
        format_property_list,
        to_json,
    )
    from solvency.specs.diagnostics import SpecError  # noqa: PLC0415

    for path, what in ((args.spec, "spec file"), (args.target, "target")):
        if not path.exists():
            raise UserError(f"{what} {path} does not exist")
    project = load(args.target, _build_options(args))
    try:
        checked = check_specs(args.spec, project.model)
    except SpecError as exc:
        print(exc.render(), file=sys.stderr)
        if args.format == "json":
            _write_spec_output(errors_to_json(exc), args)
        return int(ExitCode.ERROR)
    if args.format == "json":
        _write_spec_output(to_json(checked), args)
    else:
        _write_spec_output("\n".join(format_property_list(checked)) + "\n", args)
    return int(ExitCode.CLEAN)


def _write_spec_output(text: str, args: argparse.Namespace) -> None:
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
