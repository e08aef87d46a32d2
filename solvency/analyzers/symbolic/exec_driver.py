"""Entry points of the symbolic executor (filled in by exec_*.py)."""

from __future__ import annotations

from solvency.analyzers.symbolic.transition import EncodeOptions, Transition
from solvency.ir.model import Contract, Function
from solvency.smt.state import SymbolicEnv, SymbolicState


def run_function(
    contract: Contract,
    function: Function,
    pre: SymbolicState,
    env: SymbolicEnv,
    options: EncodeOptions,
    constructor: bool,
) -> Transition:
    raise NotImplementedError("symbolic execution is being written")


def run_constructor(
    contract: Contract, pre: SymbolicState, env: SymbolicEnv, options: EncodeOptions
) -> Transition:
    raise NotImplementedError("symbolic execution is being written")
