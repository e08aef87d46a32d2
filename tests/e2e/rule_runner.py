"""Run a spec's rules on concrete calls: a small, seeded stand-in for the fuzzer's rule checks.

Two identical deployments serve as the states before and after one call (pyrevm cannot read
a past state): the call runs on `post` inside a snapshot, `pre` is never touched. Rule
parameters and unconstrained call arguments come from small pools (the deployment's
addresses, a few amounts); a reverted call only has to agree with nothing, a successful one
with every `reverts_if`/`reverts_unless` and `ensures`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode

from solvency.analyzers.fuzz.chain import CallFailedError, address_of, selector
from solvency.analyzers.fuzz.deploy import Deployment, coerce, resolve_ref
from solvency.analyzers.fuzz.recipe import EnvironmentMove
from solvency.build import CompiledContract
from solvency.build.artifacts import AbiParam
from solvency.ir.model import Function
from solvency.specs import typed
from solvency.specs.lower_concrete import ConcreteEnv, ConcreteFrame, Value, evaluate
from solvency.specs.types import Kind, SType
from tests.e2e.chain_state import ChainState, from_abi, signature_types, to_abi

AMOUNTS = (0, 1, 10**6, 10**18, 5 * 10**20)
# (to, signature, arguments, sender), references and numbers as in deploy.toml
Step = tuple[str, str, tuple[Any, ...], str]
ETH_VALUES = (0, 10**17)


@dataclass
class Outcome:
    tried: int = 0
    succeeded: int = 0
    skipped: int = 0
    violations: list[str] = field(default_factory=list)


def broken_invariants(spec: typed.CheckedSpec, state: ChainState) -> list[str]:
    """Each invariant, for every value of its parameters from the state's keys; the failures."""
    chain = state.d.chain
    env = ConcreteEnv(timestamp=chain.timestamp, number=chain.block_number)
    failed: list[str] = []
    for inv in spec.invariants:
        domains = [list(state.keys(p.type)) for p in inv.params]
        for values in itertools.product(*domains):
            bindings = {p.name: v for p, v in zip(inv.params, values, strict=True)}
            if not evaluate(inv.expr, ConcreteFrame(state, env, bindings=bindings)):
                failed.append(f"{inv.name}{values}")
    return failed


class RuleRunner:
    def __init__(
        self,
        spec: typed.CheckedSpec,
        artifact: CompiledContract,
        pre: Deployment,
        post: Deployment,
        *,
        moves: Sequence[EnvironmentMove] = (),
        seed: int = 0,
        extra_addresses: Sequence[str] = (),
    ) -> None:
        """`extra_addresses` (references such as "@token", or hex) join the argument pool:
        a family whose functions take a token needs its helpers there."""
        assert pre.target == post.target and pre.addresses == post.addresses
        self.spec, self.artifact = spec, artifact
        self.pre, self.post = ChainState(pre, artifact, spec), ChainState(post, artifact, spec)
        self.chain = post.chain
        self.target = post.target
        self.senders = (*post.actors, address_of(0))
        self.addresses = tuple(int(a, 16) for a in (*post.actors, post.target, address_of(0)))
        refs = dict(post.addresses)
        self.addresses += tuple(int(resolve_ref(a, refs), 16) for a in extra_addresses)
        self.moves = tuple(moves)
        self.rng = random.Random(seed)

    def amount(self, bits: int) -> int:
        """A small pool, plus a time a day ahead (deadlines, expiries), within `bits`."""
        pool = [a for a in (*AMOUNTS, self.chain.timestamp + 86_400) if a < 1 << bits]
        return self.rng.choice(pool)

    def pick_typed(self, t: SType) -> Value:
        if t.kind is Kind.ADDRESS:
            return self.rng.choice(self.addresses)
        if t.kind is Kind.BOOL:
            return self.rng.choice((True, False))
        return self.amount(t.bits if t.kind is Kind.UINT else 255)

    def pick_abi(self, p: AbiParam) -> Any:
        kind = p.canonical
        if kind.endswith("[]"):
            return []
        if kind == "address":
            return to_abi("address", self.rng.choice(self.addresses))
        if kind == "bool":
            return self.rng.choice((True, False))
        if kind.startswith("bytes"):
            return bytes(int(kind[5:]))
        return self.amount(int(kind[4:] or 256) if kind.startswith("uint") else 255)

    def warm_up(self, steps: int) -> int:
        """The same random calls on both chains, so rules start from a lived-in state
        (deposits, positions, deals); returns how many succeeded."""
        done = 0
        for _ in range(steps):
            roll = self.rng.random()
            if roll < 0.1:
                for d in (self.pre.d, self.post.d):
                    d.chain.warp(3600, 300)
                continue
            if roll < 0.25 and self.moves:
                self.move(self.rng.choice(self.moves))
                continue
            fn = self.rng.choice(self.candidates(()))
            entry = self.artifact.function(fn.signature)
            assert entry is not None, fn.signature
            args = [self.pick_abi(p) for p in entry.inputs]
            sender = self.rng.choice(self.senders)
            value = self.rng.choice(ETH_VALUES) if fn.mutability == "payable" else 0
            ok = [
                d.chain.call(sender, d.target, entry, args, value).success
                for d in (self.pre.d, self.post.d)
            ]
            assert ok[0] == ok[1], "the two deployments diverged"
            done += ok[0]
        return done

    def prelude(self, steps: Sequence[Step]) -> list[str]:
        """Fixed calls on both chains (recipe-style values: "@actor1", "1e21"), to reach
        states random calls rarely reach (an unhealthy position); the calls that reverted."""
        refs = dict(self.post.d.addresses)
        failed: list[str] = []
        for to, signature, raw_args, sender in steps:
            if to == "@clock":  # not a call: time passes on both chains
                for d in (self.pre.d, self.post.d):
                    d.chain.warp(int(raw_args[0]), 1)
                continue
            params = [AbiParam("", t) for t in signature_types(signature)]
            values = [coerce(p, a, refs) for p, a in zip(params, raw_args, strict=True)]
            data = selector(signature) + abi_encode([p.type for p in params], values)
            ok = [
                d.chain.raw_call(resolve_ref(sender, refs), resolve_ref(to, refs), data).success
                for d in (self.pre.d, self.post.d)
            ]
            assert ok[0] == ok[1], "the two deployments diverged"
            if not ok[0]:
                failed.append(signature)
        return failed

    def move(self, m: EnvironmentMove) -> None:
        """One of the recipe's environment moves (a price, a round's timestamp …) on both."""
        refs = self.post.d.addresses
        values: list[Value] = []
        for lo, hi in m.bounds:
            if isinstance(lo, str) or isinstance(hi, str):
                values.append(int(resolve_ref(str(lo), refs), 16))
                continue
            values.append(self.rng.choice((lo, hi, (lo + hi) // 2, self.rng.randint(lo, hi))))
        types = signature_types(m.function)
        data = selector(m.function) + abi_encode(
            types, [to_abi(t, v) for t, v in zip(types, values, strict=True)]
        )
        sender, to = resolve_ref(m.sender, refs), resolve_ref(m.to, refs)
        for d in (self.pre.d, self.post.d):
            d.chain.raw_call(sender, to, data)

    def run(self, rule: typed.Rule, tries: int) -> Outcome:
        out = Outcome()
        for _ in range(tries):
            try:
                self.scenario(rule, out)
            except CallFailedError:
                # A view the rule reads reverts in this state (a stale or invalid price):
                # the state is outside what the rule talks about.
                out.skipped += 1
        return out

    def scenario(self, rule: typed.Rule, out: Outcome) -> None:
        (call,) = [s for s in rule.body if isinstance(s, typed.CallStmt)]
        fn = call.function or self.rng.choice(self.candidates(call.excluded))
        entry = self.artifact.function(fn.signature)
        assert entry is not None, fn.signature
        sender = self.rng.choice(self.senders)
        value = self.rng.choice(ETH_VALUES) if fn.mutability == "payable" else 0
        env = ConcreteEnv(
            sender=int(sender, 16),
            value=value,
            timestamp=self.chain.timestamp,
            number=self.chain.block_number,
        )
        bindings = {p.name: self.pick_typed(p.type) for p in rule.params}
        before = ConcreteFrame(self.pre, env, bindings=bindings)
        index = rule.body.index(call)
        for s in rule.body[:index]:
            if isinstance(s, typed.Requires) and not evaluate(s.cond, before):
                return
            if isinstance(s, typed.LetStmt):
                before = before.bind(s.name, evaluate(s.value, before))
        args = [
            self.pick_abi(p) if a is None else to_abi(p.canonical, evaluate(a, before))
            for p, a in zip(entry.inputs, call.args or (None,) * len(entry.inputs), strict=True)
        ]
        out.tried += 1
        snap = self.chain.snapshot()
        try:
            result = self.chain.call(sender, self.target, entry, args, value)
            if not result.success:
                return
            out.succeeded += 1
            outputs = abi_decode([p.canonical for p in entry.outputs], result.output)
            after = ConcreteFrame(
                self.post,
                env,
                old=self.pre,
                bindings={
                    **before.bindings,
                    **{p.name: from_abi(v) for p, v in zip(call.results, outputs, strict=False)},
                },
            )
            what = f"{fn.signature} {args} from {sender}"
            self.check_after(rule, index, (before, after), what=what, out=out)
        finally:
            self.chain.revert(snap)

    def check_after(
        self,
        rule: typed.Rule,
        index: int,
        frames: tuple[ConcreteFrame, ConcreteFrame],
        *,
        what: str,
        out: Outcome,
    ) -> None:
        before, after = frames
        for s in rule.body[index + 1 :]:
            match s:
                case typed.Reverts(cond=c, unless=unless):
                    if bool(evaluate(c, before)) is not unless:
                        word = "reverts_unless" if unless else "reverts_if"
                        out.violations.append(f"{rule.name}: {word} broken by {what}")
                case typed.LetStmt(name=n, value=v):
                    after = after.bind(n, evaluate(v, after))
                case typed.Ensures(cond=c):
                    if not evaluate(c, after):
                        out.violations.append(f"{rule.name}: ensures broken by {what}")

    def candidates(self, excluded: Sequence[Function]) -> list[Function]:
        skip = {f.signature for f in excluded}
        return [
            f
            for f in self.spec.contract.entry_points()
            if f.changes_state and f.signature not in skip
        ]
