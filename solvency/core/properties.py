"""Property results: what the prover and the fuzzer say about one property."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from solvency.core.counterexample import Counterexample
from solvency.core.location import Location


class Status(Enum):
    """Verdicts, in the order a report lists them (worst first)."""

    VIOLATED = "violated"
    ERROR = "error"
    UNKNOWN = "unknown"
    VACUOUS = "vacuous"
    HELD = "held"
    PROVED_BOUNDED = "proved_bounded"
    PROVED = "proved"

    @property
    def is_proof(self) -> bool:
        """Only the prover's PROVED and PROVED_BOUNDED are proofs; fuzzing's HELD never is."""
        return self in (Status.PROVED, Status.PROVED_BOUNDED)


class PropertyKind(Enum):
    INVARIANT = "invariant"
    RULE = "rule"
    ASSERT = "assert"
    SATISFY = "satisfy"


@dataclass(frozen=True, slots=True)
class Assumption:
    """Something a result relied on, e.g. "no reentrancy through the call at Vault.sol:88".

    `discharged_by` names the evidence from another engine that removes it (e.g. "reentrancy
    rules clean for Vault.withdraw; fuzzing found nothing"); None means it stays open.
    """

    kind: str
    description: str
    location: Location | None = None
    discharged_by: str | None = None


@dataclass(frozen=True, slots=True)
class PropertyResult:
    name: str
    kind: PropertyKind
    engine: str
    status: Status
    reason: str = ""
    contract: str | None = None
    function: str | None = None
    bound: int | None = None
    assumptions: tuple[Assumption, ...] = ()
    counterexample: Counterexample | None = None
    location: Location | None = None
    time_seconds: float = 0.0
    # Filled by the report merge (reports/merge.py); defaults keep single-engine callers simple.
    engines: tuple[str, ...] = ()  # every engine with a verdict on it; `engine` decided status
    confirmed: bool = False  # VIOLATED and some engine's counterexample replayed on the EVM
    notes: tuple[str, ...] = ()  # each engine's own verdict, e.g. "fuzz: held — no violation …"
    related_findings: tuple[str, ...] = ()  # fingerprints of static findings in its function

    def __post_init__(self) -> None:
        if self.status is Status.PROVED_BOUNDED and self.bound is None:
            raise ValueError("PROVED_BOUNDED needs the bound it was proved to")
        if not self.engines:
            object.__setattr__(self, "engines", (self.engine,))
        if self.counterexample is not None and self.counterexample.confirmed:
            object.__setattr__(self, "confirmed", True)

    @property
    def open_assumptions(self) -> tuple[Assumption, ...]:
        """Assumptions no other engine discharged: a proof holds only under these."""
        return tuple(a for a in self.assumptions if not a.discharged_by)
