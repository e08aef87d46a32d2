"""Typed nodes for reads of other contracts: parameterised and multi-result `input`s.

Kept apart from `typed.py` (which re-exports them) so that module stays readable. An
`ExternalRead` is one result of `receiver.signature(args)` evaluated in the state at hand:
the concrete evaluator makes the call (eth_call), the SMT lowering reads an uninterpreted
function of (receiver, args) that belongs to that state, so `old(x)` and `x` may differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from solvency.specs.ast import NO_SPAN, Span
from solvency.specs.types import SType

if TYPE_CHECKING:
    from solvency.specs.typed import Param, TExpr


@dataclass(frozen=True, slots=True)
class ExternalRead:
    """Result `index` of `receiver.signature(args)`; `outputs` are all the ABI results."""

    receiver: TExpr
    signature: str
    args: tuple[TExpr, ...]
    outputs: tuple[SType, ...]
    index: int
    type: SType
    low: int | None = None  # declared bounds of a single result
    high: int | None = None
    # `summarized erc20`: the prover reads its balances summary (tokens.py), not a free value
    summary: str | None = None
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)

    def output_abi(self) -> tuple[str, ...]:
        return tuple(str(t) for t in self.outputs)


@dataclass(frozen=True, slots=True)
class External:
    """A declared `input` with parameters or several named results; each use becomes an
    `ExternalRead` of `receiver.signature(args)` with the parameters bound by `let`."""

    name: str
    params: tuple[Param, ...]
    receiver: TExpr
    signature: str
    args: tuple[TExpr, ...]
    results: tuple[tuple[str, SType], ...]  # (name, type); one unnamed result: ("", T)
    low: int | None
    high: int | None
    tuple_results: bool  # declared as `(T a, U b)`: read through a field
    summary: str | None = None  # `summarized erc20`
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)

    @property
    def outputs(self) -> tuple[SType, ...]:
        return tuple(t for _, t in self.results)
