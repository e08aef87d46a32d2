"""`solvency prove`: the symbolic engine on the command line (part of the CLI layer)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from solvency.core.errors import UserError
from solvency.core.exit_codes import ExitCode


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `prove`."""
    from solvency.cli import _add_build_options  # noqa: PLC0415 - cli imports this module

    prove = commands.add_parser(
        "prove",
        help="prove a contract's spec with Z3 (invariants, rules, asserts)",
        description=(
            "Encode each function as a Z3 transition relation and check every invariant, "
            "rule, satisfy target and Solidity assert of the spec. Counterexamples are "
            "replayed on revm. Exit 1 when a property is violated (or unknown, with "
            "--fail-on-unknown), 2 on a tool, compile or spec error."
        ),
    )
    prove.add_argument("target", type=Path, metavar="TARGET", help="a .sol file or a folder")
    prove.add_argument("--spec", type=Path, required=True, help="the spec file (.spec)")
    prove.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="Z3 time limit per query (default 10)",
    )
    prove.add_argument(
        "--loop-bound",
        type=int,
        default=3,
        metavar="K",
        help="unroll loops K times; a proof that hit the bound is PROVED_BOUNDED (default 3)",
    )
    prove.add_argument(
        "--no-replay", action="store_true", help="do not replay counterexamples on revm"
    )
    prove.add_argument(
        "--search-calls",
        type=int,
        default=2000,
        metavar="N",
        help=(
            "what stays UNKNOWN gets a bounded fuzz search of N calls from the deployed state; "
            "a break found there is VIOLATED with that call sequence (default 2000; 0: off)"
        ),
    )
    prove.add_argument(
        "--property",
        action="append",
        default=[],
        metavar="NAME",
        help="prove only this property (repeatable; `assert` for Solidity asserts)",
    )
    prove.add_argument(
        "--fail-on-unknown", action="store_true", help="exit 1 when a property is UNKNOWN"
    )
    _add_build_options(prove)
    prove.add_argument(
        "--format",
        choices=["terminal", "json"],
        default="terminal",
        help="output format (default: terminal)",
    )
    prove.add_argument("--output", "-o", type=Path, help="write the report here, not stdout")
    prove.set_defaults(run=_run_prove)


def _run_prove(args: argparse.Namespace) -> int:
    from solvency import __version__ as version  # noqa: PLC0415
    from solvency.analyzers.symbolic import render  # noqa: PLC0415
    from solvency.analyzers.symbolic.api import ProveOptions, prove  # noqa: PLC0415
    from solvency.cli import _build_options, _write  # noqa: PLC0415
    from solvency.core.properties import Status  # noqa: PLC0415

    for path, what in ((args.target, "target"), (args.spec, "spec file")):
        if not path.exists():
            raise UserError(f"{what} {path} does not exist")
    if args.timeout <= 0:
        raise UserError(f"--timeout {args.timeout} must be positive", hint="e.g. --timeout 30")
    if args.loop_bound < 1:
        raise UserError(f"--loop-bound {args.loop_bound} must be at least 1")
    if args.search_calls < 0:
        raise UserError(f"--search-calls {args.search_calls} must be 0 (off) or more")
    options = ProveOptions(
        timeout_ms=int(args.timeout * 1000),
        loop_bound=args.loop_bound,
        replay=not args.no_replay,
        properties=tuple(args.property),
        search_calls=0 if args.no_replay else args.search_calls,
    )
    with _progress_bar() as progress:
        outcome = prove(args.target, args.spec, _build_options(args), options, progress)
    if args.format == "json":
        report = render.ProveReport(
            version,
            str(args.target),
            outcome.contract,
            outcome.results,
            outcome.obligations,
            outcome.seconds,
        )
        _write(render.to_json(report), args)
    else:
        _write(render.render_text(outcome), args)
    statuses = {r.status for r in outcome.results}
    if Status.VIOLATED in statuses:
        return int(ExitCode.FINDINGS)
    if args.fail_on_unknown and Status.UNKNOWN in statuses:
        return int(ExitCode.FINDINGS)
    if Status.ERROR in statuses:
        return int(ExitCode.ERROR)
    return int(ExitCode.CLEAN)


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[Any], None] | None]:
    """A rich progress bar over obligations on stderr, only at a terminal and not in CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: PLC0415

    columns = (
        TextColumn("proving"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def show(p: Any) -> None:
            bar.update(
                task, total=p.total, completed=p.done, description=f"{p.property} · {p.function}"
            )

        yield show
