"""Spec properties evaluated on the concrete chain: invariants after calls, rules around them.

A rule's parameters are bound from the call it names (an argument written as a parameter
takes that call's value) and the rest range over the tracked keys, like the invariants'
parameters: the spec's implicit ∀, restricted to the values the campaign has touched.
"""

from __future__ import annotations

import itertools
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from solvency.analyzers.fuzz.chain import CallFailedError
from solvency.analyzers.fuzz.state import ExternalKey, LiveState, OldState
from solvency.core.errors import InternalError
from solvency.specs import typed
from solvency.specs.lower_concrete import ConcreteEnv, ConcreteFrame, Value, evaluate, normalize
from solvency.specs.types import SType

MAX_BINDINGS = 256  # per invariant check: parameter combinations over the tracked keys
MAX_RULE_BINDINGS = 16  # per call, for a rule's parameters its call does not fix


class Outcome(Enum):
    OK = "ok"
    BROKEN = "broken"
    RETRY = "retry"  # old() needed values not read before the call: rewind and replay
    SKIPPED = "skipped"  # a `requires` after the call is false: nothing to check


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    detail: str = ""


OK = Verdict(Outcome.OK)
RETRY = Verdict(Outcome.RETRY)
SKIPPED = Verdict(Outcome.SKIPPED)


def bindings(
    params: Sequence[typed.Param],
    state: LiveState,
    fixed: Mapping[str, Value],
    limit: int = MAX_BINDINGS,
) -> Iterator[dict[str, Value]]:
    """Combinations of tracked keys for the parameters not already in `fixed` (at most
    `limit`, the most recent keys first: they are the ones the last calls touched)."""
    free = [p for p in params if p.name not in fixed]
    pools = [
        list(reversed(list(state.keys(p.type)) or state.tracker.samples(p.type))) for p in free
    ]
    for combo in itertools.islice(itertools.product(*pools), limit):
        yield {**fixed, **{p.name: v for p, v in zip(free, combo, strict=True)}}


def describe(bound: Mapping[str, Value]) -> str:
    return ", ".join(f"{k}={v:#x}" if v > 2**64 else f"{k}={v}" for k, v in bound.items())


class InvariantCheck:
    """An invariant, checked after the calls to the functions it is stated across.

    An evaluation is a function of what it read: storage words, balances, inputs, the
    answers of view and external calls (and the keys and env). Each read's arguments come
    from earlier reads, so when every one of them reads the same now, a new evaluation would
    take the same path to the same verdict, and the last verdict stands: re-reading a few
    words costs far less than evaluating sums again.
    """

    def __init__(self, inv: typed.Invariant) -> None:
        self.inv = inv
        self.name = inv.name
        self.functions = frozenset(f.signature for f in inv.functions)
        self._held: ReadLog | None = None  # what the last holding evaluation read
        self._env_free = not any(isinstance(n, typed.EnvRead) for n in _walk(inv.expr))

    def check(self, state: LiveState, env: ConcreteEnv) -> Verdict:
        if self._env_free:
            env = ConcreteEnv()  # the expression never reads it: do not let it differ
        held = self._held
        if held is not None and held.unchanged(state, env):
            return OK
        sampled = any(
            not state.keys(p.type) and state.tracker.samples(p.type) for p in self.inv.params
        )
        log = ReadLog(state, env, sampled)
        memo: dict[tuple[object, ...], Value] = {}  # parameter-free parts: evaluated once
        for bound in bindings(self.inv.params, state, {}):
            frame = ConcreteFrame(state=log, env=env, bindings=bound, memo=memo)
            if not evaluate(self.inv.expr, frame):
                self._held = None
                where = f" for {describe(bound)}" if bound else ""
                return Verdict(Outcome.BROKEN, f"{self.name} does not hold{where}")
        self._held = log
        return OK


class ReadLog:
    """A LiveState that remembers what was read, to tell later whether it changed."""

    def __init__(self, live: LiveState, env: ConcreteEnv, sampled: bool = False) -> None:
        self.live = live
        self.env = env
        self.words: dict[int, int] = {}
        self.balances: dict[int, int] = {}
        self.sampled = sampled  # a parameter took sampled integers: a new one changes it
        # Keys are only ever added to one tracker, so the same tracker with the same sizes
        # holds the same keys; a rewind starts a new tracker, whose keys may differ at equal
        # sizes (another sequence's addresses): the tracker itself is compared too.
        self.tracker = live.tracker
        self.key_counts = self._counts(live)
        self.inputs: dict[str, int] = {}
        # Calls into this or other contracts, by what they were asked: their answers are read
        # again and compared, like words (an evaluation is a function of what it read).
        self.views: dict[tuple[str, tuple[Value, ...]], tuple[Value, ...]] = {}
        self.externals: dict[ExternalKey, tuple[Value, ...]] = {}

    @property
    def this_address(self) -> int:
        return self.live.this_address

    def storage_word(self, slot: int) -> int:
        word = self.live.words.get(slot)  # read in this state already: skip a call
        if word is None:
            word = self.live.storage_word(slot)
        self.words[slot] = word
        return word

    def balance(self, address: int) -> int:
        value = self.balances[address] = self.live.balance(address)
        return value

    def keys(self, t: SType) -> Iterable[int]:
        return self.live.keys(t)

    def call_view(self, signature: str, args: tuple[Value, ...]) -> tuple[Value, ...]:
        value = self.views[(signature, args)] = self.live.call_view(signature, args)
        return value

    def external_call(
        self, receiver: int, signature: str, args: tuple[Value, ...], outputs: tuple[str, ...]
    ) -> tuple[Value, ...]:
        key = (receiver, signature, args, outputs)
        value = self.externals[key] = self.live.external_call(*key)
        return value

    def input(self, name: str) -> int:
        value = self.inputs[name] = self.live.input(name)
        return value

    def immutable(self, name: str) -> int:
        return self.live.immutable(name)

    def _counts(self, live: LiveState) -> tuple[int, ...]:
        sizes = live.tracker.sizes()
        return sizes if self.sampled else sizes[:2]

    def unchanged(self, live: LiveState, env: ConcreteEnv) -> bool:
        if not (
            env == self.env
            and live.tracker is self.tracker
            and self._counts(live) == self.key_counts
        ):
            return False
        words, read = live.words, live.storage_word
        for slot, word in self.words.items():  # the bulk of the reads: a loop, no calls
            now = words.get(slot)
            if (now if now is not None else read(slot)) != word:
                return False
        return (
            all(live.balance(a) == b for a, b in self.balances.items())
            and all(live.input(n) == v for n, v in self.inputs.items())
            and all(live.external_call(*k) == v for k, v in self.externals.items())
            and all(live.call_view(*k) == v for k, v in self.views.items())
        )


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What the executor knows about one call, in the spec's value domain."""

    signature: str
    args: tuple[Value, ...]
    env: ConcreteEnv
    reverted: bool
    results: tuple[Value, ...]


class RuleCheck:
    """A one-call rule (or satisfy) checked around every call it names."""

    def __init__(self, rule: typed.Rule) -> None:
        self.rule = rule
        self.name = rule.name
        calls = [i for i, s in enumerate(rule.body) if isinstance(s, typed.CallStmt)]
        self.unsupported = "" if len(calls) == 1 else f"{len(calls)} calls (the fuzzer checks 1)"
        index = calls[0] if calls else 0
        self.call = rule.body[index] if calls else None
        self.before = rule.body[:index]
        self.after = rule.body[index + 1 :]
        # Evaluated in the pre-call state: old() operands and revert conditions.
        self._pre_reads: list[typed.TExpr] = []
        for stmt in self.after:
            if isinstance(stmt, typed.Reverts | typed.Succeeds):
                self._pre_reads.append(stmt.cond)
            else:
                self._pre_reads.extend(o.operand for o in _olds(stmt))
        # Nothing to bind or check before the call (`call any` in a rule without parameters
        # or pre-call statements): the one binding is the empty one.
        call = self.call
        self._unconstrained = (
            isinstance(call, typed.CallStmt)
            and not rule.params
            and not self.before
            and all(a is None for a in call.args)
            and not call.env
        )

    def applies(self, signature: str) -> bool:
        call = self.call
        if self.unsupported or not isinstance(call, typed.CallStmt):
            return False
        if call.function is None:
            return signature not in {f.signature for f in call.excluded}
        return call.function.signature == signature

    def before_call(self, state: LiveState, facts: CallFacts) -> list[dict[str, Value]]:
        """The parameter bindings this call instantiates whose pre-call statements hold."""
        if self._unconstrained:
            return [{}]
        call = self.call
        assert isinstance(call, typed.CallStmt)
        fixed: dict[str, Value] = {}
        params = {p.name for p in self.rule.params}
        pairs = [*zip(call.args, facts.args, strict=False), *_env_pairs(call, facts.env)]
        for expr, actual in pairs:
            if isinstance(expr, typed.Var) and expr.name in params and expr.name not in fixed:
                fixed[expr.name] = normalize(actual, expr.type)
        out: list[dict[str, Value]] = []
        for bound in bindings(self.rule.params, state, fixed, MAX_RULE_BINDINGS):
            frame = ConcreteFrame(state=state, env=facts.env, bindings=bound)
            if not all(
                expr is None or evaluate(expr, frame) == normalize(actual, expr.type)
                for expr, actual in pairs
            ):
                continue
            ready = self._pre_statements(frame)
            if ready is not None:
                out.append(dict(ready.bindings))
        return out

    def _pre_statements(self, frame: ConcreteFrame) -> ConcreteFrame | None:
        for stmt in self.before:
            match stmt:
                case typed.Requires(cond=c) if not evaluate(c, frame):
                    return None
                case typed.LetStmt(name=n, value=v):
                    frame = frame.bind(n, evaluate(v, frame))
        return frame

    def prefetch(self, old: OldState, facts: CallFacts, bound: Mapping[str, Value]) -> None:
        """Read what old() and the revert conditions need, while the state is still old."""
        if not self._pre_reads:
            return
        frame = ConcreteFrame(state=old, env=facts.env, bindings=bound)
        old.recording = True
        try:
            for node in self._pre_reads:
                try:
                    evaluate(node, frame)
                except (InternalError, CallFailedError, KeyError, ValueError):
                    continue  # depends on results or post-call lets: read on demand
        finally:
            old.recording = False

    def after_call(
        self, state: LiveState, old: OldState, facts: CallFacts, bound: Mapping[str, Value]
    ) -> Verdict:
        call = self.call
        assert isinstance(call, typed.CallStmt)
        memo: dict[tuple[object, ...], Value] = {}
        frame = ConcreteFrame(state=state, env=facts.env, old=old, bindings=dict(bound), memo=memo)
        for p, v in zip(call.results, facts.results, strict=False):
            frame = frame.bind(p.name, normalize(v, p.type))
        pre = ConcreteFrame(state=old, env=facts.env, bindings=frame.bindings, memo=memo)
        for stmt in self.after:
            match stmt:
                case typed.Reverts(cond=c, unless=unless):
                    must_revert = bool(evaluate(c, pre)) != unless
                    if must_revert and not facts.reverted:
                        word = "reverts_unless" if unless else "reverts_if"
                        return self._broken(f"{word} condition: the call succeeded", bound, old)
                case typed.Succeeds(cond=c):
                    if facts.reverted and evaluate(c, pre):
                        return self._broken("succeeds_if condition: the call reverted", bound, old)
                case _ if facts.reverted:
                    continue
                case typed.Requires(cond=cond) if not evaluate(cond, frame):
                    return RETRY if old.missing else SKIPPED
                case typed.LetStmt(name=n, value=let_value):
                    frame = frame.bind(n, evaluate(let_value, frame))
                case typed.Ensures(cond=cond) if not evaluate(cond, frame):
                    return self._broken("an ensures clause is false", bound, old)
        return RETRY if old.missing else OK

    def _broken(self, what: str, bound: Mapping[str, Value], old: OldState) -> Verdict:
        if old.missing:
            return RETRY
        where = f" for {describe(bound)}" if bound else ""
        return Verdict(Outcome.BROKEN, f"{self.name}: {what}{where}")


def _env_pairs(call: typed.CallStmt, env: ConcreteEnv) -> list[tuple[typed.TExpr, Value]]:
    actual = {
        typed.EnvVar.SENDER: env.sender,
        typed.EnvVar.VALUE: env.value,
        typed.EnvVar.TIMESTAMP: env.timestamp,
        typed.EnvVar.NUMBER: env.number,
    }
    return [(expr, actual[which]) for which, expr in call.env if which in actual]


def _olds(stmt: typed.Stmt) -> Iterator[typed.Old]:
    roots: list[typed.TExpr] = []
    match stmt:
        case (
            typed.Ensures(cond=c)
            | typed.Requires(cond=c)
            | typed.Reverts(cond=c)
            | typed.Succeeds(cond=c)
        ):
            roots.append(c)
        case typed.LetStmt(value=v):
            roots.append(v)
    while roots:
        node = roots.pop()
        if isinstance(node, typed.Old):
            yield node
            continue
        roots.extend(_children(node))


def _walk(root: typed.TExpr) -> Iterator[typed.TExpr]:
    todo = [root]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(_children(node))
        if isinstance(node, typed.StorageRead):
            todo.extend(node.key_exprs())


def _children(node: typed.TExpr) -> list[typed.TExpr]:
    out: list[typed.TExpr] = []
    for name in node.__slots__:
        value = getattr(node, name, None)
        if isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, _EXPR_TYPES))
        elif isinstance(value, _EXPR_TYPES):
            out.append(value)
    return out


_EXPR_TYPES = typing.get_args(typed.TExpr)


def spec_value(abi_type: str, value: object) -> Value:
    """An ABI argument or result as the spec sees it: addresses and bytesN as integers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, str) and abi_type == "address":
        return int(value, 16)
    if isinstance(value, bytes):
        return int.from_bytes(value, "big")
    return 0  # arrays, tuples, strings: not spec values; a rule cannot name them
