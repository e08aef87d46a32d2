"""The prover's view of one function: a transition relation pre → post over smt terms.

`encode_function` turns a function's op model (solvency.ir.program) into a `Transition` by
symbolic execution with state merging at join points, so one call is one formula rather
than one formula per path. The checks (invariants, rules, asserts) are built on top of it
by other modules; this one only says what the function does.
"""

from __future__ import annotations

from dataclasses import dataclass

from solvency.core.location import Location
from solvency.core.properties import Assumption
from solvency.ir.model import Contract, Function
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.smt.terms import Term


@dataclass(frozen=True)
class EncodeOptions:
    loop_bound: int = 3
    checked_arithmetic: bool | None = None  # None: from the contract's solc version (>=0.8)
    call_depth: int = 24  # inlining depth (calls and modifiers); a cut counts as a loop cut
    # "exact": bit-precise EVM arithmetic. "abstract": x*y, x/y, x%y of two unknowns become
    # uninterpreted functions with sound facts (over-approximation; see exec_nonlinear).
    nonlinear: str = "exact"


@dataclass(frozen=True)
class Unsupported:
    """An operation the encoder could not model; any non-empty list forbids PROVED."""

    what: str
    location: Location | None


@dataclass(frozen=True)
class Write:
    guard: Term  # Bool: the path condition under which this write happens
    keys: tuple[Term, ...]
    old: Term  # value at keys just before this write
    new: Term


@dataclass
class Transition:
    """One external/public function (or the constructor) as a relation pre → post."""

    function: Function
    pre: SymbolicState
    post: SymbolicState
    env: SymbolicEnv
    args: dict[str, Term]
    returns: tuple[Term, ...]
    success: Term
    reverts: Term
    asserts: list[tuple[Term, Location | None]]
    constraints: list[Term]
    assumptions: tuple[Assumption, ...]
    unsupported: tuple[Unsupported, ...]
    loop_bound_hit: int | None
    writes: dict[str, list[Write]]


def encode_function(
    contract: Contract,
    function: Function,
    pre: SymbolicState,
    env: SymbolicEnv,
    options: EncodeOptions = EncodeOptions(),
) -> Transition:
    """`function` called on `contract` in state `pre` with environment `env`."""
    from solvency.analyzers.symbolic.exec_driver import run_function  # noqa: PLC0415

    return run_function(contract, function, pre, env, options)


def encode_constructor(
    contract: Contract,
    pre: SymbolicState,
    env: SymbolicEnv,
    options: EncodeOptions = EncodeOptions(),
) -> Transition:
    """The deployment: state-variable initialisers then the constructor body, from `pre`
    (the caller makes `pre` all-zero storage)."""
    from solvency.analyzers.symbolic.exec_driver import run_constructor  # noqa: PLC0415

    return run_constructor(contract, pre, env, options)
