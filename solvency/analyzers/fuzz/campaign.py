"""The campaign: Hypothesis draws long call sequences, the Runner executes and checks them.

Hypothesis's cost is per draw, so one drawn element is a *segment*: a 64-bit seed that
expands into SEGMENT_CALLS calls (each a chunk of bytes `World.decode` reads). An example
is a list of segments, i.e. a long sequence for a handful of draws; most time goes into
revm and the checks. Hypothesis shrinks the segment list (and its database keeps the
failing ones), then `shrink` cuts the concrete calls to a minimal sequence.

The campaign runs in rounds of a few examples each, with a fresh seed per round, until
the budget (seconds or calls) ends: a broken property is recorded, shrunk, and no longer
hunted, and the search goes on for the others.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from solvency.analyzers.fuzz.runner import Breach, Runner
from solvency.analyzers.fuzz.shrink import shrink
from solvency.analyzers.fuzz.values import segment_seeds
from solvency.core.counterexample import Call, Counterexample

SEGMENT_CALLS = 16
CHUNK_BYTES = 48
PROBE_EVERY = 8  # one call in this many moves its amount to the largest that succeeds


@dataclass(frozen=True, slots=True)
class FuzzConfig:
    budget_seconds: float | None = 60.0
    budget_calls: int | None = None
    seed: int = 0
    max_segments: int = 12  # up to 12 segments of 16 calls per sequence
    examples_per_round: int = 30  # rounds refresh the pool (learnt addresses); set-up cost
    shrink_seconds: float = 5.0  # per property: our call-level shrink
    hypothesis_shrink_seconds: float = 1.0  # per property: Hypothesis's, on the segments
    # With a budget in calls only (budget_seconds None) shrinking is bounded in calls too,
    # so a campaign is a function of (seed, budget): nothing depends on the machine's speed.
    shrink_calls: int = 4_000  # per property: our call-level shrink
    hypothesis_shrink_calls: int = 1_000  # per property: Hypothesis's
    database: Path | None = None  # Hypothesis's example database (under .solvency/)


@dataclass(frozen=True, slots=True)
class Progress:
    calls: int
    seconds: float
    broken: int
    properties: int

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Discovery:
    """A property's first break: when, and the shrunk sequence that replays it."""

    property: str
    calls: int  # calls executed in the campaign when it first broke
    seconds: float
    counterexample: Counterexample
    detail: str


@dataclass
class _Hunt:
    property: str
    detail: str
    calls: int
    seconds: float
    best: list[Call] = field(default_factory=list)
    started: float = 0.0
    started_calls: int = 0


class _FoundError(Exception):
    """Raised inside the Hypothesis test: the hunted property broke (Hypothesis shrinks)."""


class Campaign:
    def __init__(
        self,
        runner: Runner,
        config: FuzzConfig,
        progress: Callable[[Progress], None] | None = None,
    ) -> None:
        self.runner = runner
        self.config = config
        self.progress = progress
        self.discoveries: dict[str, Discovery] = {}
        self.sequences = 0
        self.shrink_calls = 0  # calls run by our shrinker (not in the per-function stats)
        self._start = time.monotonic()
        self._last_progress = 0.0
        self._hunt: _Hunt | None = None
        self._pending: dict[str, _Hunt] = {}
        self._error: BaseException | None = None

    # ── public ───────────────────────────────────────────────────────────────────────────

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._start

    def over_budget(self) -> bool:
        c = self.config
        if c.budget_seconds is not None and self.elapsed >= c.budget_seconds:
            return True
        return c.budget_calls is not None and self.runner.calls >= c.budget_calls

    def active(self) -> set[str]:
        return {p for p in self.runner.kinds if p not in self.discoveries}

    def run(self, seeds: Sequence[Counterexample] = ()) -> None:
        """Initial state, then the seeds (stored and prover counterexamples), then rounds."""
        self._start = time.monotonic()
        self.runner.world.restart()
        for b in self.runner.check_initial(self.active()):
            self._record(b, [], "after deployment")
        for cex in seeds:
            self.replay_seed(cex.calls)
        rounds = 0
        while not self.over_budget() and self.active() - set(self.runner.errors):
            self._round(rounds)
            rounds += 1
        self._tick(force=True)

    def replay_seed(self, calls: Sequence[Call]) -> None:
        """Run a known sequence; whatever it breaks is recorded (shrunk) at once."""
        self.sequences += 1
        for b in self.runner.run(calls, self.active()):
            if b.property not in self.discoveries:
                self._pending.setdefault(b.property, self._new_hunt(b, list(calls)))
        self._settle_pending()

    # ── Hypothesis rounds ────────────────────────────────────────────────────────────────

    def _round(self, number: int) -> None:
        c = self.config
        self.runner.world.next_round()
        db = DirectoryBasedExampleDatabase(str(c.database)) if c.database else None

        @settings(
            database=db,
            max_examples=c.examples_per_round if number else max(1, c.examples_per_round // 4),
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
            verbosity=Verbosity.quiet,
            print_blob=False,
        )
        @hypothesis_seed(c.seed * 1_000_003 + number)
        @given(st.lists(segment_seeds(), min_size=1, max_size=c.max_segments))
        def sequence(segments: list[int]) -> None:
            self._example(segments)

        try:
            sequence()
        except _FoundError:
            pass
        except Exception as exc:  # Hypothesis wraps a flaky replay of _FoundError
            if self._error is not None:
                raise self._error from None
            if self._hunt is None:
                raise exc from None
        if self._error is not None:
            raise self._error
        if self._hunt is not None:
            self._pending[self._hunt.property] = self._hunt
            self._hunt = None
        self._settle_pending()

    def _example(self, segments: list[int]) -> None:
        hunt, c = self._hunt, self.config
        if hunt is not None and (
            self.runner.calls - hunt.started_calls > c.hypothesis_shrink_calls
            if self._by_calls
            else self.elapsed - hunt.started > c.hypothesis_shrink_seconds
        ):
            return  # stop feeding Hypothesis's shrinker; we shrink the best one ourselves
        if hunt is None and self.over_budget():
            return
        try:
            self._execute(segments)
        except _FoundError:
            raise
        except Exception as exc:
            self._error = exc
            raise

    def _execute(self, segments: list[int]) -> None:
        runner, world, hunt = self.runner, self.runner.world, self._hunt
        active = {hunt.property} if hunt else self.active() - set(self._pending)
        runner.start()
        self.sequences += 1
        executed: list[Call] = []
        for segment in segments:
            rng = random.Random(segment)
            for _ in range(SEGMENT_CALLS):
                if hunt is None and self.over_budget():
                    return
                chunk = rng.randbytes(CHUNK_BYTES)
                for drawn in world.decode_calls(chunk):
                    call = world.widest(drawn) if chunk[-2] % PROBE_EVERY == 0 else drawn
                    executed.append(call)
                    found = runner.step(call, active, len(executed) - 1)
                    if any([self._on_breach(b, executed) for b in found]):  # note them all
                        raise _FoundError(self._hunt.property if self._hunt else "")
                self._tick()

    def _on_breach(self, b: Breach, executed: list[Call]) -> bool:
        """Note a breach (the hunt or a pending one); True when it is the hunted property."""
        if self._hunt is None and b.property not in self._pending:
            self._hunt = self._new_hunt(b, executed)
        elif b.property not in self._pending and (
            self._hunt is None or b.property != self._hunt.property
        ):
            self._pending[b.property] = self._new_hunt(b, executed)
        hunt = self._hunt
        if hunt is not None and b.property == hunt.property:
            if not hunt.best or len(executed) < len(hunt.best):
                hunt.best = list(executed)
            return True
        return False

    def _new_hunt(self, b: Breach, executed: list[Call]) -> _Hunt:
        hunt = _Hunt(b.property, b.detail, self.runner.calls, self.elapsed, list(executed))
        hunt.started = self.elapsed
        hunt.started_calls = self.runner.calls
        return hunt

    # ── recording ────────────────────────────────────────────────────────────────────────

    def _settle_pending(self) -> None:
        while self._pending:
            name, hunt = next(iter(self._pending.items()))
            del self._pending[name]
            if name in self.discoveries:
                continue
            seconds = self.config.shrink_seconds
            if self.config.budget_seconds is not None:  # a short campaign shrinks briefly
                seconds = min(seconds, max(0.5, self.config.budget_seconds / 5))
            saved = self.runner.counters()
            self.runner.world.exploring = False  # shrink runs teach the next rounds nothing
            calls = shrink(hunt.best, self._fails(name), self._stop(seconds), self._reverted)
            self._record_hunt(hunt, calls)
            # A minimal sequence often breaks more than it was shrunk for (a self-transfer
            # that mints breaks the totals and solvency too, once no donation hides it).
            others = self.active() - set(self._pending)
            for b in self.runner.run(calls, others) if others else ():
                if b.property not in self._pending:
                    found = _Hunt(b.property, b.detail, hunt.calls, hunt.seconds)
                    found.best = list(calls[: b.index + 1])
                    self._pending[b.property] = found
            self.shrink_calls += self.runner.calls - saved.calls
            self.runner.restore(saved)
            self.runner.world.exploring = True

    def _stop(self, seconds: float) -> Callable[[], bool]:
        """When our shrink of one property ends: after so many calls, or seconds."""
        if self._by_calls:
            limit = self.runner.calls + self.config.shrink_calls
            return lambda: self.runner.calls >= limit
        deadline = time.monotonic() + seconds
        return lambda: time.monotonic() >= deadline

    def _reverted(self) -> list[int]:
        return list(self.runner.reverted_at)

    @property
    def _by_calls(self) -> bool:
        return self.config.budget_seconds is None and self.config.budget_calls is not None

    def _fails(self, name: str) -> Callable[[Sequence[Call]], int | None]:
        def fails(calls: Sequence[Call]) -> int | None:
            found = self.runner.run(calls, {name}, stop=name)
            return next((b.index for b in found if b.property == name), None)

        return fails

    def _record(self, b: Breach, calls: list[Call], note: str) -> None:
        hunt = _Hunt(b.property, f"{b.detail} ({note})", self.runner.calls, self.elapsed, calls)
        self._record_hunt(hunt, tuple(calls))

    def _record_hunt(self, hunt: _Hunt, calls: tuple[Call, ...]) -> None:
        cex = Counterexample(
            property_name=hunt.property,
            calls=calls,
            confirmed=True,
            replay_note=f"fuzz: replayed on revm; {hunt.detail}",
        )
        self.discoveries[hunt.property] = Discovery(
            hunt.property, hunt.calls, hunt.seconds, cex, hunt.detail
        )
        self._tick(force=True)

    def _tick(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = self.elapsed
        if force or now - self._last_progress >= 0.25:
            self._last_progress = now
            total = len(self.runner.kinds)
            self.progress(Progress(self.runner.calls, now, len(self.discoveries), total))
